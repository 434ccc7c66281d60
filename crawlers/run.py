"""Run one source's crawl in this process: ``python -m crawlers.run SOURCE``.

Every crawl runs in its own process (Scrapy's reactor cannot restart), started by the
``tingfeng.crawl_source`` task, the embedded scheduler or ``tingfeng crawl``. The process:

1. reads tingfeng's settings (``TINGFENG_*``) and the source from the database;
2. refuses to run while the circuit breaker holds the source paused (unless ``--force``)
   or while another process crawls it (run lease);
3. crawls with Scrapy, handing posts to ingestion and persisting checkpoints as it goes;
4. stores the run's summary and moves the circuit breaker;
5. prints ``{"event": "summary", …}`` as its last line on stdout (with ``--events``,
   progress lines before it) and exits with 0 (ok), 2 (paused), 3 (already running),
   4 (blocked), 5 (failed), 6 (interrupted) or 1 (error).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from crawlers.errors import CrawlError
from crawlers.extensions import counts, emit_event

EXIT = {"ok": 0, "error": 1, "paused": 2, "running": 3, "blocked": 4, "failed": 5, "interrupted": 6}
log = logging.getLogger("tingfeng.crawl")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m crawlers.run", description="采集一个来源（一个进程一次采集）"
    )
    p.add_argument("source", help="来源名称（tingfeng sources list）")
    p.add_argument("--force", action="store_true", help="熔断暂停中也采集一次")
    p.add_argument("--events", action="store_true", help="在标准输出打印 JSON 进度行")
    p.add_argument(
        "-s", "--set", action="append", default=[], metavar="KEY=VALUE", help="覆盖 Scrapy 设置"
    )
    p.add_argument(
        "--now", default="", help="把此 ISO 时间当作当前时间（解析“5分钟前”等相对时间，测试用）"
    )
    return p.parse_args(argv)


def scrapy_settings(cfg: Any, spider_cls: Any, overrides: list[str], events: bool, now: str) -> Any:
    from scrapy.settings import Settings as ScrapySettings

    s = ScrapySettings()
    s.setmodule("crawlers.settings", priority="project")
    s.setdict(spider_cls.source_settings(cfg), priority="cmdline")
    if cfg.params.get("max_runtime"):
        s.set("CLOSESPIDER_TIMEOUT", int(cfg.params["max_runtime"]), priority="cmdline")
    for item in overrides:
        key, _, value = item.partition("=")
        if not key or not _:
            raise CrawlError(f"设置格式应为 KEY=VALUE：{item!r}")
        s.set(key.strip(), value, priority="cmdline")
    if events:
        s.set("TINGFENG_EVENTS", True, priority="cmdline")
    if now:
        s.set("TINGFENG_NOW", now, priority="cmdline")
    return s


def build_context(
    cfg: Any, settings: Any, engine: Any, state: Any, now: datetime, index: bool = True
) -> Any:
    """The crawl context: checkpoints, keywords, "already stored?" and ingestion (with the
    full-text index unless ``index`` is off)."""
    from sqlalchemy import select
    from sqlalchemy.orm import sessionmaker

    from crawlers.context import CrawlContext
    from crawlers.keywords import load_keywords
    from kernel.services.ingest import IngestService
    from storage.store import SqlStore
    from storage.tables import PostRow

    factory = sessionmaker(engine, expire_on_commit=False)
    search = None
    if index:
        from tingfeng.bootstrap import build_search

        search = build_search(settings, engine)
    service = IngestService(lambda: SqlStore(factory), lambda: datetime.now(UTC), search)

    def ingest(posts: list[dict]) -> Any:
        return service.ingest_posts(posts, source=cfg.name, notify=False)

    def seen(platform: str, pid: str) -> bool:
        with engine.connect() as conn:
            q = (
                select(PostRow.id)
                .where(PostRow.platform == platform, PostRow.external_id == pid)
                .limit(1)
            )
            return conn.execute(q).first() is not None

    return CrawlContext(
        source=cfg,
        checkpoints=state.checkpoints(cfg.name),
        keywords=load_keywords(engine, settings.spec_dir),
        now=now,
        seen=seen,
        ingest=ingest,
    )


def outcome_of(reason: str | None, c: dict[str, int]) -> str:
    if reason == "blocked" or c["blocked_gave_up"] > 0:
        return "blocked"
    if reason in ("shutdown", "cancelled"):
        return "interrupted"
    if c["pages"] == 0 and c["request_errors"] > 0:
        return "failed"
    return "ok"


MESSAGES = {
    "ok": "采集完成",
    "blocked": "采集因封禁中止，未完成的部分下次继续",
    "failed": "采集失败：来源无法访问",
    "interrupted": "采集被中断，下次从检查点继续",
}


def run(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from crawlers.spiders import spider_for
    from crawlers.state import BreakerPolicy, CrawlState, process_owner
    from kernel.settings import Settings
    from storage.engine import make_engine, migrate

    started = datetime.now(UTC)
    settings = Settings()
    engine = make_engine(settings.database_url)
    summary: dict[str, Any] = {"source": args.source, "started_at": started.isoformat()}

    def finish(outcome: str, message: str, code: int | None = None) -> int:
        summary.update(outcome=outcome, message=message)
        emit_event({"event": "summary", **summary})
        return EXIT.get(outcome, 1) if code is None else code

    try:
        migrate(engine)
        state = CrawlState(engine)
        cfg = state.get_source(args.source)
        spider_cls = spider_for(cfg.kind)
        cfg.validate()
    except CrawlError as exc:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
        log.error("%s", exc.message)
        return finish("error", exc.message)
    summary["kind"] = cfg.kind
    ssettings = scrapy_settings(cfg, spider_cls, args.set, args.events, args.now)
    policy = BreakerPolicy.from_settings(ssettings, cfg.params)
    ok, why = state.runnable(cfg.name)
    if not ok and not args.force:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
        log.warning("%s，本次不采集", why)
        return finish("paused", why or "来源已暂停")
    owner = process_owner()
    if not state.acquire_lease(cfg.name, owner, ssettings.getint("TINGFENG_LEASE_SECONDS", 2400)):
        msg = f"来源 {cfg.name} 正在由另一个进程（{state.lease_holder(cfg.name)}）采集，本次跳过"
        logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
        log.warning("%s", msg)
        return finish("running", msg)
    try:
        state.mark_started(cfg.name)
        now_s = ssettings.get("TINGFENG_NOW") or ""
        now = datetime.fromisoformat(now_s) if now_s else started
        if now.tzinfo is None:  # a bare local time means China time, like the sites print it
            from crawlers.parsing.common import CST

            now = now.replace(tzinfo=CST)
        ctx = build_context(
            cfg, settings, engine, state, now, ssettings.getbool("TINGFENG_SEARCH_INDEX", True)
        )
        from scrapy.crawler import CrawlerProcess

        from crawlers.pipelines import IngestPipeline

        process = CrawlerProcess(ssettings)
        crawler = process.create_crawler(spider_cls)
        log.info("开始采集来源 %s（%s）", cfg.name, cfg.kind)
        t0 = time.monotonic()
        process.crawl(crawler, source=cfg, ctx=ctx)
        process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        c = counts(stats)
        reason = stats.get("finish_reason")
        outcome = outcome_of(reason, c)
        pipeline = crawler.get_item_pipeline(IngestPipeline) if crawler.engine else None
        summary.update(c)
        summary.update(
            reason=reason,
            finished_at=datetime.now(UTC).isoformat(),
            duration_s=round(time.monotonic() - t0, 2),
            post_ids=list(pipeline.post_ids) if pipeline else [],
        )
        summary.update(outcome=outcome, message=MESSAGES[outcome])
        status = state.record_outcome(cfg.name, outcome, summary, policy)
        summary["state"] = status["state"]
        summary["paused_until"] = status["paused_until"]
        ckpt = state.checkpoints(cfg.name)
        for prefix in ("thread:", "comments:"):
            ckpt.prune(prefix, datetime.now(UTC) - timedelta(days=60))
        log.info(
            "来源 %s：页面 %d，条目 %d，新增 %d，重复 %d，转载/近似 %d，错误 %d（%s）",
            cfg.name,
            c["pages"],
            c["items"],
            c["new"],
            c["duplicates"],
            c["copies"],
            c["errors"],
            MESSAGES[outcome],
        )
        return finish(outcome, MESSAGES[outcome])
    except CrawlError as exc:
        log.error("%s", exc.message)
        return finish("error", exc.message)
    finally:
        state.release_lease(cfg.name, owner)


def main() -> None:
    code = run()
    # Everything is committed and the summary printed: leave at once instead of waiting for
    # the reactor's thread pool and the interpreter's teardown (about a second per crawl).
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
