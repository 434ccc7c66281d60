"""What a spider needs from the rest of tingfeng for one run: the source, its checkpoints,
the keywords, a clock, a way to ask "is this post already stored?" and the ingestion
service. Built by :mod:`crawlers.run`; spiders started without one (``scrapy check``,
benchmarks) get an offline context with in-memory checkpoints and no ingestion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawlers.keywords import Keywords
from crawlers.sources import SourceConfig
from crawlers.state import CheckpointStore, MemoryCheckpoints


@dataclass
class CrawlContext:
    source: SourceConfig
    checkpoints: CheckpointStore | MemoryCheckpoints
    keywords: Keywords = field(default_factory=Keywords)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    seen: Callable[[str, str], bool] = lambda platform, pid: False
    ingest: Callable[[list[dict[str, Any]]], Any] | None = None

    @classmethod
    def offline(
        cls, source: SourceConfig, keywords: Keywords | None = None, now: datetime | None = None
    ) -> CrawlContext:
        return cls(
            source=source,
            checkpoints=MemoryCheckpoints(),
            keywords=keywords or Keywords(),
            now=now or datetime.now(UTC),
        )
