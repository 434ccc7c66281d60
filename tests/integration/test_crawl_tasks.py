"""Scheduling: ``tingfeng.crawl_due`` / ``tingfeng.crawl_source`` through the embedded
scheduler (the real in-process queue with timers) and the Celery beat schedule; each crawl
runs in its own process and its new posts are handed to analysis."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from replica.harness import SPEC_DIR
from replica.plugin import harness, serve  # noqa: F401
from replica.weibo import WeiboSite

import crawlers.tasks as crawl_tasks
from kernel.settings import Settings
from tingfeng.queues import InProcessQueue
from tingfeng.tasks import QUEUES, TASKS, run_task


@dataclass
class CrawlApp:
    """The part of tingfeng's App the crawl tasks use."""

    settings: Any
    engine: Any
    tasks: Any = None
    clock: Any = field(default=lambda: datetime.now(UTC))
    analyzed: list[int] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)


def runner_for(app: CrawlApp):  # noqa: ANN201
    def run(name: str, kwargs: dict) -> Any:
        if name == "tingfeng.analyze_posts":  # analysis is not under test: record what arrives
            app.analyzed.extend(kwargs["post_ids"])
            app.done.set()
            return len(kwargs["post_ids"])
        return run_task(app, name, kwargs)

    return run


def make_app(h) -> CrawlApp:  # noqa: ANN001
    settings = Settings(
        database_url=h.db_url,
        spec_dir=SPEC_DIR,
        task_backend="inprocess",
        analyzer="rules",
        smtp_host="",
    )
    return CrawlApp(settings=settings, engine=h.engine)


def test_tasks_are_registered_on_the_crawl_queue() -> None:
    assert TASKS["tingfeng.crawl_source"] is crawl_tasks.crawl_source
    assert QUEUES["tingfeng.crawl_source"] == QUEUES["tingfeng.crawl_due"] == "crawl"
    beat = crawl_tasks.BEAT_SCHEDULE["tingfeng-crawl-due"]
    assert (
        beat["task"] == "tingfeng.crawl_due"
        and beat["schedule"] == 60.0
        and beat["options"]["queue"] == "crawl"
    )


def test_embedded_scheduler_crawls_due_sources_and_submits_analysis(harness) -> None:  # noqa: F811
    site = WeiboSite()
    with serve(site) as r:
        harness.add_source(
            "wb",
            "weibo",
            {"base_url": r.base_url, "keywords": ["云岭"], "since_days": 30},
            interval=3600,
        )
        harness.add_source("off", "weibo", {"base_url": r.base_url, "keywords": ["云岭"]})
        harness.state.set_enabled("off", False)
        harness.add_source("held", "weibo", {"base_url": r.base_url, "keywords": ["云岭"]})
        harness.state.pause("held", None)
        app = make_app(harness)
        queue = InProcessQueue(runner_for(app))
        app.tasks = queue
        crawl_tasks.schedule(queue, every=0.2)
        queue.start()
        try:
            assert app.done.wait(60), "no analysis submitted"
            assert queue.join(60)
        finally:
            queue.stop()
    stored = harness.posts("weibo")
    assert sorted(app.analyzed) == sorted(
        p["pk"] for p in stored
    )  # every new post goes to analysis
    assert {p["source"] for p in stored} == {"wb"}  # disabled and paused sources were not crawled
    st = harness.status("wb")
    assert st["last_summary"]["outcome"] == "ok" and st["last_run_at"] is not None
    assert queue.failures == 0
    # claimed once: ticks during the crawl and right after it do not start it again (interval 1 h)
    assert len(site.hits("page_type=searchall")) == len(
        set(q.raw_path for q in site.hits("page_type=searchall"))
    )


def test_crawl_due_claims_each_source_once(harness) -> None:  # noqa: F811
    harness.add_source("a", "news", {"feeds": ["http://127.0.0.1:9/rss.xml"]}, interval=600)
    harness.add_source("b", "news", {"feeds": ["http://127.0.0.1:9/rss.xml"]}, interval=600)
    app = make_app(harness)
    submitted: list[tuple[str, dict]] = []

    class Recorder:
        def submit(self, name: str, **kw: Any) -> None:
            submitted.append((name, kw))

    app.tasks = Recorder()
    assert run_task(app, "tingfeng.crawl_due", {}) == ["a", "b"]
    assert run_task(app, "tingfeng.crawl_due", {}) == []  # not due again before the interval
    assert submitted == [
        ("tingfeng.crawl_source", {"source": "a"}),
        ("tingfeng.crawl_source", {"source": "b"}),
    ]
