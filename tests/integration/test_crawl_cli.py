"""``tingfeng crawl SOURCE`` and ``tingfeng sources …`` as an analyst uses them."""

from __future__ import annotations

import typer
from replica import data
from replica.plugin import harness, serve  # noqa: F401
from replica.weibo import WeiboSite
from rich.console import Console
from typer.testing import CliRunner

import tingfeng.crawl_cli as crawl_cli
from tingfeng.crawl_cli import register


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """tingfeng"""

    register(app)
    return app


def test_sources_and_crawl_commands(harness, monkeypatch) -> None:  # noqa: F811
    for k, v in harness.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(crawl_cli, "console", Console(width=200))
    runner = CliRunner()
    app = cli()

    res = runner.invoke(app, ["sources", "import"])
    assert res.exit_code == 0, res.output
    assert "已导入 6 个来源（新增 6 个" in res.output
    res = runner.invoke(app, ["sources", "list"])
    assert "weibo-yunling-search" in res.output and "领导留言板" in res.output

    site = WeiboSite()
    with serve(site) as r:
        res = runner.invoke(
            app,
            [
                "sources",
                "add",
                "wb",
                "--kind",
                "weibo",
                "-p",
                f"base_url={r.base_url}",
                "-p",
                'keywords=["云岭"]',
                "-p",
                "since_days=30",
                "-p",
                'settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": false}',
                "--interval",
                "120",
            ],
        )
        assert res.exit_code == 0 and "已添加来源 wb" in res.output
        # the replica renders "5分钟前" against its own instant: the crawl reads it at that instant
        # (and the 30-day horizon is counted from it, whatever today's date)
        res = runner.invoke(app, ["crawl", "wb", "--now", data.NOW_ISO])
        assert res.exit_code == 0, res.output
        out = res.output
        assert "来源 wb 采集汇总" in out and "成功" in out
        assert "新增" in out and "48" in out and "页面" in out and "重复" in out and "错误" in out
        # with the production defaults the new posts are also in the full-text index
        with harness.engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM posts_fts").scalar() == len(
                harness.posts()
            )

        res = runner.invoke(app, ["sources", "pause", "wb"])
        assert res.exit_code == 0 and "直到人工恢复" in res.output
        res = runner.invoke(app, ["crawl", "wb"])
        assert res.exit_code == 2 and "已暂停" in res.output
        res = runner.invoke(app, ["sources", "list"])
        assert "人工暂停" in res.output
        res = runner.invoke(app, ["sources", "resume", "wb"])
        assert res.exit_code == 0 and "已恢复采集" in res.output

    res = runner.invoke(app, ["sources", "show", "weibo-yunling-search"])
    assert '"${TINGFENG_WEIBO_SUB}"' in res.output  # secrets are references, never values
    res = runner.invoke(app, ["crawl", "nope"])
    assert res.exit_code == 1 and "未找到采集来源：nope" in res.output
    res = runner.invoke(app, ["sources", "add", "bad", "--kind", "myspace"])
    assert res.exit_code == 1 and "类型 'myspace' 未知" in res.output
    res = runner.invoke(app, ["sources", "reset", "wb", "--yes"])
    assert res.exit_code == 0 and "已清除来源 wb 的 1 个检查点" in res.output
