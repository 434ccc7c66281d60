"""The base spider: source parameters, the crawl context, tickets and checkpointed streams,
bad-page accounting and error classification shared by every tingfeng spider."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawlers.context import CrawlContext
from crawlers.cursor import Segment, SegmentRun, Stream
from crawlers.errors import BadPage, SourceConfigError
from crawlers.items import PostItem
from crawlers.middlewares import BlockedError
from crawlers.parsing.common import decode_body, loads_json
from crawlers.sources import SourceConfig, expand_env
from crawlers.tickets import Ticket

log = logging.getLogger("tingfeng.crawl")

# meta keys Scrapy and our middlewares set per download; a re-sent request must not carry them
INTERNAL_META = (
    "download_latency",
    "download_slot",
    "download_maxsize",
    "download_warnsize",
    "_tf_json",
    "_tf_text",
    "redirect_times",
    "redirect_ttl",
    "redirect_urls",
    "redirect_reasons",
    "retry_times",
    "tf_origin",
    "tf_not_before",
    "tf_block_retries",
    "depth",
)

TRANSIENT: tuple[type[BaseException], ...] = (
    TxTimeoutError,
    TCPTimedOutError,
    DNSLookupError,
    ConnectionRefusedError,
    ConnectionLost,
    ConnectionDone,
    ResponseFailed,
    ResponseNeverReceived,
    TimeoutError,
)
try:  # download errors as Scrapy >= 2.19 raises them
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadConnectionRefusedError,
        DownloadFailedError,
        DownloadTimeoutError,
        ResponseDataLossError,
    )

    TRANSIENT += (
        CannotResolveHostError,
        DownloadConnectionRefusedError,
        DownloadFailedError,
        DownloadTimeoutError,
        ResponseDataLossError,
    )
except ImportError:  # pragma: no cover - older Scrapy
    pass


class TingfengSpider(scrapy.Spider):
    kind: ClassVar[str] = ""
    platform: ClassVar[str] = ""
    obey_robots: ClassVar[bool] = True
    required_params: ClassVar[tuple[str, ...]] = ()
    default_params: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        source: SourceConfig | None = None,
        ctx: CrawlContext | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not isinstance(source, SourceConfig):
            # offline (``scrapy check``, benchmarks): fixtures must not age out of the horizon
            source = SourceConfig(
                name=f"{self.name}-offline", kind=self.kind, params={"since_days": 36500}
            )
        self.source = source
        self.params: dict[str, Any] = {**self.default_params, **expand_env(dict(source.params))}
        self.ctx = ctx or CrawlContext.offline(source)
        self.now: datetime = self.ctx.now
        self.horizon: datetime = self.now - timedelta(days=float(self.params.get("since_days", 7)))
        self.max_pages = int(self.params.get("max_pages", 10))

    # --- configuration ------------------------------------------------------------------

    @classmethod
    def check_params(cls, cfg: SourceConfig) -> None:
        missing = [k for k in cls.required_params if not cfg.params.get(k)]
        if missing:
            raise SourceConfigError(f"来源 {cfg.name}（{cls.kind}）缺少参数：{', '.join(missing)}")

    @classmethod
    def source_settings(cls, cfg: SourceConfig) -> dict[str, Any]:
        """Scrapy settings this source runs with (robots.txt per kind, ``params.settings``)."""
        out: dict[str, Any] = {
            "ROBOTSTXT_OBEY": bool(cfg.params.get("obey_robots", cls.obey_robots))
        }
        out.update(cfg.params.get("settings") or {})
        return out

    # --- accounting ---------------------------------------------------------------------

    def stat(self, key: str, n: int = 1) -> None:
        if getattr(self, "crawler", None) is not None:
            self.crawler.stats.inc_value(f"tingfeng/{key}", n)

    def bad_page(self, url: str, reason: str) -> None:
        self.stat("bad_pages")
        log.warning("页面有问题，已跳过（%s）：%s", reason, url)

    def bad_items(self, url: str, problems: Iterable[str]) -> None:
        for p in problems:
            self.stat("bad_items")
            log.warning("条目有问题，已跳过（%s）：%s", p, url)

    # --- responses ----------------------------------------------------------------------

    @staticmethod
    def _meta(response: Response) -> dict | None:
        # inside downloader middlewares a response is not tied to its request yet
        return response.request.meta if response.request is not None else None

    def json_of(self, response: Response) -> Any:
        """The decoded JSON body (cached per response); raises BadPage."""
        meta = self._meta(response)
        cached = meta.get("_tf_json") if meta is not None else None
        # Keyed by the response object itself, not id(): a collected response's id can be
        # reused by the next one on the same request, which would return stale JSON.
        if cached is not None and cached[0] is response:
            return cached[1]
        obj = loads_json(response.body)
        if meta is not None:
            meta["_tf_json"] = (response, obj)
        return obj

    def text_of(self, response: Response) -> str:
        """The page's text, decoded robustly: ``params.encoding`` if set, else the charset the
        server declared, checked against the bytes (GBK pages served as UTF-8 and pages
        without a charset are decoded right, and the mismatch is logged and counted)."""
        meta = self._meta(response)
        cached = meta.get("_tf_text") if meta is not None else None
        if cached is not None and cached[0] is response:
            return cached[1]
        forced = self.params.get("encoding")
        if forced:
            text = response.body.decode(str(forced), "replace")
        else:
            ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            declared = (
                ctype.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in ctype else None
            )
            text, enc, mismatch = decode_body(response.body, declared)
            if mismatch:
                self.stat("encoding_fixed")
                log.warning(
                    "页面声明的编码（%s）与内容不符，已按 %s 解码：%s", declared, enc, response.url
                )
        if meta is not None:
            meta["_tf_text"] = (response, text)
        return text

    def block_reason(self, response: Response, request: Request) -> str | None:
        """Spider-specific signs of a block in a 200 response (login demanded, rate limit)."""
        return None

    def retry_bad(self, response: Response, reason: str) -> Request | None:
        """Fetch a bad page once more (a truncated or garbled answer is often transient)."""
        if response.meta.get("tf_bad_retry", 0) >= 1 or response.request is None:
            return None
        log.info("页面有问题（%s），再试一次：%s", reason, response.url)
        req = response.request.replace(dont_filter=True)
        for key in INTERNAL_META:
            req.meta.pop(key, None)
        req.meta["tf_bad_retry"] = 1
        return req

    # --- items and units of work ---------------------------------------------------------

    @staticmethod
    def emit(ticket: Ticket | None, post: dict[str, Any]) -> PostItem:
        return PostItem.of(post, ticket)

    def unit(
        self,
        ticket: Ticket | None,
        request: Request,
        fallback: Callable[[Failure], Iterable[Any]] | None = None,
    ) -> Request:
        """A request that is a unit of ``ticket``: its callback must call ``ticket.done()``
        once it has emitted its items; failures are handled by :meth:`on_error`."""
        if ticket is not None:
            ticket.add(1)
        request.meta["tf_ticket"] = ticket
        if fallback is not None:
            request.meta["tf_fallback"] = fallback
        if request.errback is None:
            request.errback = self.on_error
        return request

    def guarded(
        self, response: Response, parse: Callable[[Response], Iterable[Any]]
    ) -> Iterator[Any]:
        """Run ``parse`` for a unit request: BadPage → one retry, then count it and go on.
        The unit's ticket is marked done when its items are out."""
        ticket: Ticket | None = response.meta.get("tf_ticket")
        try:
            out = list(parse(response))
        except BadPage as exc:
            retry = self.retry_bad(response, exc.reason)
            if retry is not None:
                yield retry
                return
            self.bad_page(response.url, exc.reason)
            fb = response.meta.get("tf_fallback")
            out = list(fb(None)) if fb else []
        yield from out
        if ticket is not None:
            ticket.done()

    def classify(self, failure: Failure) -> tuple[str, str]:
        """(kind, reason): kind is ``blocked`` or ``transient`` (the work is retried next
        run), ``robots`` or ``gone`` (it is not)."""
        if failure.check(BlockedError):
            return "blocked", failure.value.reason
        if failure.check(HttpError):
            status = failure.value.response.status
            return ("transient" if status >= 500 else "gone"), f"HTTP {status}"
        if failure.check(IgnoreRequest):
            msg = str(failure.value)
            return ("robots" if "robots.txt" in msg else "gone"), msg or "请求被忽略"
        if failure.check(*TRANSIENT):
            return "transient", type(failure.value).__name__
        return "gone", f"{type(failure.value).__name__}: {failure.value}"

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        ticket: Ticket | None = request.meta.get("tf_ticket")
        kind, reason = self.classify(failure)
        url = (request.meta.get("tf_origin") or request).url
        if kind == "robots":
            self.stat("robots_forbidden")
            log.info("robots.txt 不允许抓取，已跳过：%s", url)
        elif kind == "blocked":
            pass  # counted and logged by BlockDetectionMiddleware
        else:
            self.stat("request_errors")
            later = "，下次采集重试" if kind == "transient" else ""
            log.warning("请求失败（%s）%s：%s", reason, later, url)
        if kind in ("blocked", "transient"):
            if ticket is not None:
                ticket.fail(reason)
            return
        fb = request.meta.get("tf_fallback")
        if fb is not None:
            yield from fb(failure)
        if ticket is not None:
            ticket.done()

    # --- checkpointed streams -----------------------------------------------------------

    def open_stream(self, key: str) -> list[SegmentRun]:
        """The segment runs of a checkpointed newest-first stream (see crawlers.cursor)."""
        stream = Stream(self.ctx.checkpoints.get(key))
        ckpt = self.ctx.checkpoints

        def persist() -> None:
            ckpt.set(key, stream.snapshot())

        runs = [SegmentRun(stream, seg, persist, label=key) for seg in stream.begin_run()]
        if len(runs) > 1:
            log.info("%s：继续上次未完成的 %d 段采集", key, len(runs) - 1)
        return runs

    def adhoc_run(self, label: str = "adhoc") -> SegmentRun:
        """A throw-away segment for callbacks run without a stream (``scrapy check``)."""
        stream = Stream()
        seg = Segment(head=True)
        stream.segments.append(seg)
        return SegmentRun(stream, seg, lambda: None, label=label)

    def more_pages(self, run: SegmentRun, finished: bool) -> bool:
        """Whether to request the segment's next page now."""
        if finished or run.failed:
            return False
        if run.pages >= self.max_pages:
            log.info("%s：本次已采集 %d 页（上限），其余下次继续", run.label, run.pages)
            return False
        return True

    def list_failed(
        self, response: Response, run: SegmentRun, reason: str, skip_to: Any = None
    ) -> Iterator[Any]:
        """A list page stayed bad after one retry: skip to ``skip_to`` when the cursor can be
        computed (page numbers), else stop this segment; it resumes here next run."""
        retry = self.retry_bad(response, reason)
        if retry is not None:
            yield retry
            return
        self.bad_page(response.url, reason)
        if skip_to is None:
            run.failed = True
            log.warning("%s：列表页无法解析，本段停止，下次从此处继续：%s", run.label, response.url)
            return
        run.page(skip_to, [], False).seal()
        if self.more_pages(run, False):
            yield self.list_request(run, skip_to)

    def list_request(self, run: SegmentRun, cursor: Any) -> Request:  # pragma: no cover - abstract
        raise NotImplementedError

    def list_errback(self, failure: Failure) -> Iterator[Any]:
        """A list request failed for good: the segment stops; blocked/transient ones resume
        from here next run, gone ones (HTTP 404) too, since the cursor cannot move past."""
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        run: SegmentRun | None = request.meta.get("tf_seg")
        kind, reason = self.classify(failure)
        if kind == "robots":
            self.stat("robots_forbidden")
            log.warning("robots.txt 不允许抓取列表页：%s", request.url)
        elif kind != "blocked":
            self.stat("request_errors")
            log.warning("列表请求失败（%s），本段下次继续：%s", reason, request.url)
        if run is not None:
            run.failed = True
        return iter(())
