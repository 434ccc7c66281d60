"""Item pipeline: normalise crawled posts and hand them to the kernel's ingestion service.

Posts are buffered and ingested in small batches (``TINGFENG_INGEST_BATCH``, or after
``TINGFENG_INGEST_FLUSH_SECONDS``, when the spider idles and when it closes). Only after a
batch is committed are the posts' tickets marked done, which is what lets checkpoints move
(see crawlers.tickets). If ingestion fails, the tickets fail and the checkpoint stays
where it was: the next run fetches those pages again.

Keyword rules: a post containing an ``exclude`` keyword is dropped; a source with
``params.keyword_filter: true`` keeps only posts mentioning a watch or place keyword.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import create_looping_call

from crawlers.items import PostItem

log = logging.getLogger("tingfeng.crawl")


class IngestPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.batch = crawler.settings.getint("TINGFENG_INGEST_BATCH", 50)
        self.flush_seconds = crawler.settings.getfloat("TINGFENG_INGEST_FLUSH_SECONDS", 2.0)
        self.buffer: list[PostItem] = []
        self.first_buffered = 0.0
        self.post_ids: list[int] = []
        self.ingest = None
        self.ctx = None
        self._loop: Any = None
        crawler.signals.connect(self.flush, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Any) -> IngestPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.ctx = getattr(spider, "ctx", None)
        self.ingest = getattr(self.ctx, "ingest", None)
        self.source = getattr(getattr(spider, "source", None), "name", "crawl")
        params = getattr(spider, "params", {}) or {}
        self.keyword_filter = bool(params.get("keyword_filter", False))
        self._loop = create_looping_call(self._tick)
        self._loop.start(max(self.flush_seconds / 2, 0.2), now=False)

    def _tick(self) -> None:
        if self.buffer and time.monotonic() - self.first_buffered >= self.flush_seconds:
            self.flush()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PostItem):
            return item
        stats = self.crawler.stats
        text = f"{item.get('title') or ''}\n{item.get('text') or ''}"
        kw = getattr(self.ctx, "keywords", None)
        if kw is not None:
            bad = kw.excluded(text)
            if bad:
                stats.inc_value("tingfeng/filtered")
                self._done(item)
                raise DropItem(f"含排除词「{bad}」", log_level="DEBUG")
            if self.keyword_filter:
                hit = kw.matches(text)
                if not hit:
                    stats.inc_value("tingfeng/filtered")
                    self._done(item)
                    raise DropItem("不含监测关键词", log_level="DEBUG")
                item.setdefault("matched_keyword", hit)
        if not self.buffer:
            self.first_buffered = time.monotonic()
        self.buffer.append(item)
        if len(self.buffer) >= self.batch:
            self.flush()
        return item

    @staticmethod
    def _done(item: PostItem) -> None:
        if item.ticket is not None:
            item.ticket.done()

    def flush(self, *_: Any, **__: Any) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        stats = self.crawler.stats
        if self.ingest is None:  # offline (scrapy check, benchmarks): nothing to store
            for item in batch:
                self._done(item)
            return
        try:
            report = self.ingest([item.contract() for item in batch])
        except Exception:
            log.exception(
                "来源 %s：%d 条帖子入库失败，检查点不前移，下次采集重试", self.source, len(batch)
            )
            stats.inc_value("tingfeng/ingest_errors", len(batch))
            for item in batch:
                if item.ticket is not None:
                    item.ticket.fail("入库失败")
            return
        stats.inc_value("tingfeng/new", report.accepted)
        stats.inc_value("tingfeng/duplicates", report.duplicates)
        stats.inc_value("tingfeng/copies", report.copies)
        stats.inc_value("tingfeng/rejected", report.rejected)
        for _, reason in report.errors:
            log.warning("来源 %s：帖子被拒收：%s", self.source, reason)
        self.post_ids.extend(report.accepted_pks)
        self.post_ids.extend(report.copy_pks)
        for item in batch:
            self._done(item)

    def close_spider(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.flush()
