"""Crawl tasks for every runner (embedded scheduler, eager, Celery).

* ``tingfeng.crawl_due`` (queue ``crawl``) — every minute: claims each enabled, unpaused
  source whose interval has passed and submits ``tingfeng.crawl_source`` for it.
* ``tingfeng.crawl_source`` (queue ``crawl``) — runs one source in its own process
  (``python -m crawlers.run``), then submits ``tingfeng.analyze_posts`` for the new posts.

Both are idempotent: a source is claimed with a conditional update and crawled under a run
lease, so a duplicate submission or a retry after a crash starts nothing twice; checkpoints
make a re-run pick up where the last one stopped.

Wiring (done by the composition root): ``tasks.every("tingfeng.crawl_due", CRAWL_DUE_EVERY)``
for the embedded scheduler, ``BEAT_SCHEDULE`` merged into Celery beat's schedule.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tingfeng.tasks import task

if TYPE_CHECKING:
    from tingfeng.bootstrap import App

log = logging.getLogger("tingfeng.crawl")

CRAWL_DUE_EVERY = 60
ANALYZE_CHUNK = 200
BEAT_SCHEDULE = {
    "tingfeng-crawl-due": {
        "task": "tingfeng.crawl_due",
        "schedule": float(CRAWL_DUE_EVERY),
        "options": {"queue": "crawl"},
    },
}


def schedule(tasks: Any, every: int = CRAWL_DUE_EVERY) -> None:
    """Register the periodic crawl check with a task queue (embedded mode)."""
    tasks.every("tingfeng.crawl_due", every)


@task("tingfeng.crawl_source", "crawl")
def crawl_source(
    app: App, source: str, force: bool = False, timeout: float | None = None
) -> dict[str, Any]:
    from crawlers.runner import run_source

    result = run_source(source, settings=app.settings, force=force, timeout=timeout or 3600)
    summary = dict(result.summary)
    post_ids = [int(p) for p in summary.pop("post_ids", []) or []]
    if result.outcome == "error":
        log.error(
            "来源 %s 采集进程出错（退出码 %s）：%s",
            source,
            result.returncode,
            " | ".join(result.log_tail[-5:]),
        )
    for i in range(0, len(post_ids), ANALYZE_CHUNK):
        app.tasks.submit("tingfeng.analyze_posts", post_ids=post_ids[i : i + ANALYZE_CHUNK])
    summary["analyzed_submitted"] = len(post_ids)
    return summary


@task("tingfeng.crawl_due", "crawl")
def crawl_due(app: App) -> list[str]:
    from crawlers.state import CrawlState

    due = CrawlState(app.engine, app.clock).claim_due()
    for name in due:
        app.tasks.submit("tingfeng.crawl_source", source=name)
    if due:
        log.info("到期的采集来源：%s", "、".join(due))
    return due
