"""Run accounting: pages, items, new, duplicates and errors, from the crawler's stats, plus
JSON progress lines on stdout for the CLI's progress display (``TINGFENG_EVENTS``)."""

from __future__ import annotations

import json
import sys
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

COUNTERS = (
    "pages",
    "items",
    "new",
    "duplicates",
    "copies",
    "rejected",
    "filtered",
    "bad_pages",
    "bad_items",
    "request_errors",
    "blocked",
    "blocked_gave_up",
    "ingest_errors",
    "retries",
    "robots_forbidden",
    "skipped_known",
    "encoding_fixed",
    "follow_ups",
    "feeds_unchanged",
)


def counts(stats: dict[str, Any]) -> dict[str, int]:
    out = {k: int(stats.get(f"tingfeng/{k}", 0) or 0) for k in COUNTERS}
    out["errors"] = (
        out["bad_pages"]
        + out["bad_items"]
        + out["request_errors"]
        + out["rejected"]
        + out["ingest_errors"]
    )
    return out


def emit_event(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class ProgressEvents:
    """Counts pages and items; with TINGFENG_EVENTS, prints ``{"event":"progress",…}`` lines."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("TINGFENG_EVENTS", False)
        self._last: dict[str, int] | None = None
        self._loop: Any = None
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressEvents:
        if crawler is None:
            raise NotConfigured
        return cls(crawler)

    def response_received(self, response: Any, request: Any, **_: Any) -> None:
        if not request.url.endswith("/robots.txt"):
            self.crawler.stats.inc_value("tingfeng/pages")

    def item_scraped(self, item: Any, **_: Any) -> None:
        self.crawler.stats.inc_value("tingfeng/items")

    def opened(self, **_: Any) -> None:
        if self.enabled:
            self._loop = create_looping_call(self.tick)
            self._loop.start(0.5, now=True)

    def tick(self) -> None:
        c = counts(self.crawler.stats.get_stats())
        if c != self._last:
            self._last = c
            emit_event({"event": "progress", **c})

    def closed(self, **_: Any) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.enabled:
            self.tick()
