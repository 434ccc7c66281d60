"""Errors raised by the crawler package. Messages are shown to users (Chinese)."""

from __future__ import annotations

from kernel.errors import TingfengError


class CrawlError(TingfengError):
    """Base class for crawler errors."""

    code = "crawl_error"


class SourceNotFound(CrawlError):
    """Raised by :class:`crawlers.state.CrawlState` when a source name is not configured."""

    code = "source_not_found"
    http_status = 404

    def __init__(self, name: str) -> None:
        super().__init__(f"未找到采集来源：{name}（可用 `tingfeng sources list` 查看）")


class SourceConfigError(CrawlError):
    """Raised when a source's kind or parameters are invalid (unknown kind, missing base_url …)."""

    code = "source_config_error"


class SourcePaused(CrawlError):
    """Raised when a crawl is asked for a source the circuit breaker (or an analyst) paused."""

    code = "source_paused"
    http_status = 409


class LeaseHeld(CrawlError):
    """Raised when another process is already crawling the same source."""

    code = "crawl_running"
    http_status = 409


class BadPage(Exception):
    """Raised inside parsers when a page cannot be parsed (truncated HTML, invalid JSON,
    an error page served with HTTP 200, unexpected fields). Spiders catch it, log the URL
    and count it; the crawl goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
