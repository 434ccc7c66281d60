"""Crawler commands for the tingfeng CLI.

``from tingfeng.crawl_cli import register; register(app)`` adds:

* ``tingfeng crawl SOURCE`` — run one source now (in its own process, as the scheduler does)
  with a live progress line and a summary: pages, items, new, duplicates, errors;
* ``tingfeng sources list|show|add|import|pause|resume|reset|remove``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
sources_app = typer.Typer(help="采集来源：查看、添加、导入、暂停、恢复。", no_args_is_help=True)

OUTCOME_NAMES = {
    "ok": "成功",
    "blocked": "被封禁",
    "failed": "失败",
    "interrupted": "被中断",
    "paused": "已暂停（熔断）",
    "running": "正在采集中",
    "error": "出错",
}
STATE_NAMES = {"ok": "正常", "paused": "已暂停", "probing": "待探测"}


def _settings() -> Any:
    from kernel.settings import Settings

    return Settings()


def _state() -> Any:
    from crawlers.state import CrawlState
    from storage.engine import make_engine, migrate

    engine = make_engine(_settings().database_url)
    migrate(engine)
    return CrawlState(engine)


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def _local(iso: str | None) -> str:
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).astimezone().strftime("%m-%d %H:%M:%S")


def _progress_text(source: str, ev: dict[str, Any]) -> str:
    return (
        f"采集 {source}：页面 {ev.get('pages', 0)} · 条目 {ev.get('items', 0)} · 新增 {ev.get('new', 0)} · "
        f"重复 {ev.get('duplicates', 0)} · 错误 {ev.get('errors', 0)}"
    )


def crawl(
    source: Annotated[str, typer.Argument(help="来源名称（见 tingfeng sources list）")],
    force: Annotated[bool, typer.Option("--force", help="来源熔断暂停中也采集一次")] = False,
    settings_override: Annotated[
        list[str] | None, typer.Option("--set", "-s", help="覆盖 Scrapy 设置，KEY=VALUE")
    ] = None,
    analyze: Annotated[bool, typer.Option("--analyze", help="采集后立即分析新帖子")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示完整采集日志")] = False,
    now: Annotated[
        str, typer.Option("--now", help="把此 ISO 时间当作当前时间（解析“5分钟前”等相对时间、回放存档页面时用）")
    ] = "",
) -> None:
    """手动采集一个来源：显示进度，结束时打印汇总（页面、条目、新增、重复、错误）。"""
    from crawlers.errors import CrawlError
    from crawlers.runner import run_source

    settings = _settings()
    try:
        _state().get_source(source)
    except CrawlError as exc:
        _fail(exc.message)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(_progress_text(source, {}), total=None)

        def on_event(ev: dict[str, Any]) -> None:
            progress.update(task, description=_progress_text(source, ev))

        def on_log(line: str) -> None:
            important = "[tingfeng.crawl]" in line and ("WARNING" in line or "ERROR" in line)
            if verbose or important:
                progress.console.print(line, markup=False, highlight=False)

        result = run_source(
            source,
            settings=settings,
            force=force,
            overrides=settings_override or [],
            now=now,
            on_event=on_event,
            on_log=on_log,
        )
    s = result.summary
    outcome = result.outcome
    table = Table(title=f"来源 {source} 采集汇总", show_header=False)
    table.add_column("项目", style="bold")
    table.add_column("值", justify="right")
    table.add_row("结果", OUTCOME_NAMES.get(outcome, outcome))
    if s.get("message") and outcome not in ("ok",):
        table.add_row("说明", str(s["message"]))
    for label, key in (
        ("页面", "pages"),
        ("条目", "items"),
        ("新增", "new"),
        ("重复", "duplicates"),
        ("转载/近似", "copies"),
        ("错误", "errors"),
    ):
        if key in s:
            table.add_row(label, str(s[key]))
    if s.get("errors"):
        table.add_row("　其中坏页面", str(s.get("bad_pages", 0)))
        table.add_row("　其中请求失败", str(s.get("request_errors", 0)))
        table.add_row("　其中拒收", str(s.get("rejected", 0)))
    if s.get("blocked"):
        table.add_row("封禁响应", str(s["blocked"]))
    if s.get("duration_s") is not None:
        table.add_row("用时", f"{s['duration_s']} 秒")
    if s.get("state"):
        state = STATE_NAMES.get(s["state"], s["state"])
        if s.get("paused_until"):
            state += f"（至 {_local(s['paused_until'])}）"
        table.add_row("来源状态", state)
    console.print(table)
    if outcome == "error" and not s:
        console.print("\n".join(result.log_tail[-15:]), markup=False, highlight=False)
    post_ids = [int(p) for p in s.get("post_ids") or []]
    if analyze and post_ids:
        from tingfeng.bootstrap import bootstrap

        app = bootstrap(settings)
        try:
            app.pipeline.analyze_posts(post_ids)
        finally:
            app.close()
        console.print(f"已分析新帖子 {len(post_ids)} 条")
    raise typer.Exit(result.returncode)


@sources_app.command("list")
def list_sources() -> None:
    """列出采集来源及其状态（熔断暂停、连续失败次数、上次采集）。"""
    rows = _state().status()
    if not rows:
        console.print(
            "还没有采集来源。可用 `tingfeng sources import crawlers/sources.example.yaml` 导入示例。"
        )
        return
    table = Table(title="采集来源")
    for col in (
        "名称",
        "类型",
        "间隔",
        "启用",
        "状态",
        "暂停至",
        "连续失败",
        "上次采集",
        "上次结果",
    ):
        table.add_column(col)
    for r in rows:
        state = STATE_NAMES.get(r["state"], r["state"])
        if r["running"]:
            state += "·采集中"
        if r["manually_paused"]:
            state = "人工暂停"
        last = r["last_summary"] or {}
        result = "—"
        if last:
            result = (
                f"{OUTCOME_NAMES.get(last.get('outcome', ''), last.get('outcome', ''))}："
                f"新增 {last.get('new', 0)}，错误 {last.get('errors', 0)}"
            )
        table.add_row(
            r["name"],
            r["kind_name"],
            f"{r['interval_seconds']} 秒",
            "是" if r["enabled"] else "否",
            state,
            _local(r["paused_until"]),
            str(r["consecutive_failures"]),
            _local(r["last_run_at"]),
            result,
        )
    console.print(table)


@sources_app.command("show")
def show_source(name: Annotated[str, typer.Argument(help="来源名称")]) -> None:
    """显示一个来源的配置（机密已隐藏）和状态。"""
    from crawlers.errors import CrawlError

    try:
        st = _state().status(name)[0]
    except CrawlError as exc:
        _fail(exc.message)
    console.print_json(json.dumps(st, ensure_ascii=False))


def _parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@sources_app.command("add")
def add_source(
    name: Annotated[str, typer.Argument(help="来源名称")],
    kind: Annotated[
        str, typer.Option("--kind", "-k", help="类型：weibo、discuz、tieba、news、gov_board")
    ],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="参数 KEY=VALUE（VALUE 可写 JSON）")
    ] = None,
    interval: Annotated[int, typer.Option("--interval", "-i", help="采集间隔（秒）")] = 300,
    disabled: Annotated[bool, typer.Option("--disabled", help="添加但暂不定时采集")] = False,
) -> None:
    """添加或更新一个采集来源。"""
    from crawlers.errors import CrawlError
    from crawlers.sources import SourceConfig

    params: dict[str, Any] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _fail(f"参数格式应为 KEY=VALUE：{item}")
        params[key.strip()] = _parse_value(value)
    try:
        created = _state().upsert_source(
            SourceConfig(
                name=name, kind=kind, params=params, interval_seconds=interval, enabled=not disabled
            )
        )
    except CrawlError as exc:
        _fail(exc.message)
    console.print(f"已{'添加' if created else '更新'}来源 {name}（{kind}，每 {interval} 秒）")


@sources_app.command("import")
def import_sources(
    path: Annotated[
        Path | None, typer.Argument(help="来源配置 YAML（默认 crawlers/sources.example.yaml）")
    ] = None,
) -> None:
    """从 YAML 文件导入（新增或更新）采集来源；已有来源的熔断状态和检查点保留。"""
    from crawlers.errors import CrawlError
    from crawlers.sources import EXAMPLE_FILE, load_yaml

    try:
        items = load_yaml(path or EXAMPLE_FILE)
        state = _state()
        created = sum(1 for cfg in items if state.upsert_source(cfg))
    except CrawlError as exc:
        _fail(exc.message)
    console.print(
        f"已导入 {len(items)} 个来源（新增 {created} 个，更新 {len(items) - created} 个）"
    )


@sources_app.command("pause")
def pause_source(
    name: Annotated[str, typer.Argument(help="来源名称")],
    minutes: Annotated[
        int | None, typer.Option("--minutes", "-m", help="暂停多少分钟（不写则直到人工恢复）")
    ] = None,
) -> None:
    """暂停一个来源的定时采集。"""
    from crawlers.errors import CrawlError

    until = datetime.now(UTC) + timedelta(minutes=minutes) if minutes else None
    try:
        _state().pause(name, until, "人工暂停")
    except CrawlError as exc:
        _fail(exc.message)
    console.print(
        f"来源 {name} 已暂停"
        + (f"至 {until.astimezone():%m-%d %H:%M}" if until else "，直到人工恢复")
    )


@sources_app.command("resume")
def resume_source(name: Annotated[str, typer.Argument(help="来源名称")]) -> None:
    """恢复一个来源（解除熔断或人工暂停，连续失败次数清零）。"""
    from crawlers.errors import CrawlError

    try:
        _state().resume(name)
    except CrawlError as exc:
        _fail(exc.message)
    console.print(f"来源 {name} 已恢复采集")


@sources_app.command("reset")
def reset_source(
    name: Annotated[str, typer.Argument(help="来源名称")],
    yes: Annotated[bool, typer.Option("--yes", help="确认清除")] = False,
) -> None:
    """清除一个来源的检查点：下次采集从头开始（已入库的帖子不会重复入库）。"""
    from crawlers.errors import CrawlError

    if not yes:
        _fail("清除检查点后下次将重新采集全部时间范围，确认请加 --yes")
    try:
        n = _state().reset_checkpoints(name)
    except CrawlError as exc:
        _fail(exc.message)
    console.print(f"已清除来源 {name} 的 {n} 个检查点")


@sources_app.command("remove")
def remove_source(
    name: Annotated[str, typer.Argument(help="来源名称")],
    yes: Annotated[bool, typer.Option("--yes", help="确认删除")] = False,
) -> None:
    """删除一个来源及其检查点（已采集的帖子保留）。"""
    from crawlers.errors import CrawlError

    if not yes:
        _fail("删除来源请加 --yes 确认")
    try:
        _state().remove_source(name)
    except CrawlError as exc:
        _fail(exc.message)
    console.print(f"已删除来源 {name}")


def register(app: typer.Typer) -> None:
    """Add ``crawl`` and the ``sources`` group to the main tingfeng CLI."""
    app.command("crawl")(crawl)
    app.add_typer(sources_app, name="sources")
