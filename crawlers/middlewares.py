"""Downloader middlewares: backoff, block detection, proxy and cookie pools.

* :class:`BackoffGateMiddleware` holds requests back while their domain cools down after a
  block, or until a retry's backoff delay has passed.
* :class:`BackoffRetryMiddleware` is Scrapy's RetryMiddleware with exponential backoff.
* :class:`BlockDetectionMiddleware` recognises blocks — HTTP 418/432/429/403, redirects to
  login or visitor pages, captcha pages served with HTTP 200 (also where JSON was expected),
  and per-spider signs such as Weibo's ``ok:-100`` — backs the whole domain off, rotates
  the cookie and proxy, retries, and after ``TINGFENG_BLOCK_RETRIES`` gives the request up
  (errback with :class:`BlockedError`). After ``TINGFENG_BLOCK_STOP_AFTER`` give-ups the run
  stops with reason ``blocked``; the circuit breaker (crawlers.state) takes it from there.
* :class:`ProxyPoolMiddleware` / :class:`CookiePoolMiddleware` pick a proxy / cookie per
  request from the configured pool and put blocked ones in a penalty box.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import random
import time
import weakref
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import _schedule_coro

from crawlers import settings as defaults
from crawlers.parsing.common import html_title
from crawlers.sources import expand_env

log = logging.getLogger("tingfeng.crawl")

# sent when a response is recognised as a block: (request, reason)
request_blocked = object()

EXACT_BLOCK_TITLES = {
    "Sina Visitor System",
    "百度安全验证",
    "安全验证",
    "访问验证",
    "人机验证",
    "验证码",
    "滑动验证",
    "请输入验证码",
    "访问受限",
    "403 Forbidden",
    "Access Denied",
}
CAPTCHA_MARKERS = (
    "验证码",
    "captcha",
    "安全验证",
    "Sina Visitor System",
    "访问过于频繁",
    "请登录",
    "登录",
    "geetest",
    "人机验证",
)


class BlockedError(IgnoreRequest):
    """Given to a request's errback when it stayed blocked after every backoff retry."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason
        self.url = url


def domain_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


_COOLDOWNS: weakref.WeakKeyDictionary[Any, dict[str, float]] = weakref.WeakKeyDictionary()


def cooldowns(crawler: Any) -> dict[str, float]:
    """Per crawler: domain → monotonic time until which requests to it are held back."""
    return _COOLDOWNS.setdefault(crawler, {})


def hold(crawler: Any, domain: str, seconds: float) -> None:
    table = cooldowns(crawler)
    until = time.monotonic() + seconds
    if until > table.get(domain, 0.0):
        table[domain] = until


class BackoffGateMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.cooldown = cooldowns(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffGateMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        request.meta.setdefault("tf_origin", request)
        request.meta.pop("_tf_json", None)
        request.meta.pop("_tf_text", None)
        wait = max(
            request.meta.get("tf_not_before", 0.0), self.cooldown.get(domain_of(request.url), 0.0)
        )
        wait -= time.monotonic()
        if wait > 0:
            await sleep(wait)
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Retries (timeouts, connection errors, RETRY_HTTP_CODES) after base·2ⁿ seconds."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat(
            "TINGFENG_RETRY_BACKOFF_BASE", defaults.TINGFENG_RETRY_BACKOFF_BASE
        )
        self.cap = settings.getfloat(
            "TINGFENG_RETRY_BACKOFF_MAX", defaults.TINGFENG_RETRY_BACKOFF_MAX
        )

    def _retry(self, request: Request, reason: Any) -> Request | None:
        new = super()._retry(request, reason)
        if new is not None:
            n = new.meta.get("retry_times", 1)
            delay = min(self.cap, self.base * (2 ** (n - 1))) * random.uniform(0.8, 1.2)
            new.meta["tf_not_before"] = time.monotonic() + delay
            self.crawler.stats.inc_value("tingfeng/retries")
        return new


class BlockDetectionMiddleware:
    def __init__(self, crawler: Any) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.codes = {
            int(c)
            for c in s.getlist("TINGFENG_BLOCK_HTTP_CODES", defaults.TINGFENG_BLOCK_HTTP_CODES)
        }
        self.patterns = [
            str(p)
            for p in s.getlist("TINGFENG_BLOCK_URL_PATTERNS", defaults.TINGFENG_BLOCK_URL_PATTERNS)
        ]
        self.max_retries = s.getint("TINGFENG_BLOCK_RETRIES", defaults.TINGFENG_BLOCK_RETRIES)
        self.base = s.getfloat("TINGFENG_BLOCK_BACKOFF_BASE", defaults.TINGFENG_BLOCK_BACKOFF_BASE)
        self.cap = s.getfloat("TINGFENG_BLOCK_BACKOFF_MAX", defaults.TINGFENG_BLOCK_BACKOFF_MAX)
        self.stop_after = s.getint("TINGFENG_BLOCK_STOP_AFTER", defaults.TINGFENG_BLOCK_STOP_AFTER)
        self.gave_up = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> BlockDetectionMiddleware:
        return cls(crawler)

    def _matches(self, url: str) -> bool:
        return any(p in url for p in self.patterns)

    def detect(self, request: Request, response: Response) -> str | None:
        if request.url.endswith("/robots.txt"):
            return None
        if response.status in self.codes:
            return f"HTTP {response.status}"
        if 300 <= response.status < 400:
            loc = (response.headers.get(b"Location") or b"").decode("latin-1")
            if loc and self._matches(loc):
                return "重定向到登录/验证页"
        origin = request.meta.get("tf_origin") or request
        if (
            response.url != origin.url
            and request.meta.get("redirect_urls")
            and self._matches(response.url)
        ):
            return "被重定向到登录/验证页"
        if isinstance(response, TextResponse) and response.status == 200:
            head = response.body[:30000]
            if head.lstrip()[:1] == b"<":
                title = html_title(head.decode("utf-8", "ignore"))
                if title.strip() in EXACT_BLOCK_TITLES:
                    return f"验证页（{title.strip()}）"
                if request.meta.get("tf_expect") == "json":
                    sample = head[:5000].decode("utf-8", "ignore")
                    if any(m in sample for m in CAPTCHA_MARKERS):
                        return "期望 JSON，收到验证码/登录页"
        spider = self.crawler.spider
        hook = getattr(spider, "block_reason", None)
        if hook is not None and response.status == 200:
            return hook(response, request)
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        reason = self.detect(request, response)
        if reason is None:
            return response
        stats = self.crawler.stats
        stats.inc_value("tingfeng/blocked")
        self.crawler.signals.send_catch_log(signal=request_blocked, request=request, reason=reason)
        origin = request.meta.get("tf_origin") or request
        n = request.meta.get("tf_block_retries", 0)
        if n >= self.max_retries:
            stats.inc_value("tingfeng/blocked_gave_up")
            self.gave_up += 1
            log.warning("多次重试后仍被封禁（%s），放弃该请求：%s", reason, origin.url)
            if self.gave_up >= self.stop_after and not self.closing:
                self.closing = True
                log.warning("来源持续封禁（%s），停止本次采集，未完成的部分下次继续", reason)
                _schedule_coro(self.crawler.engine.close_spider_async(reason="blocked"))
            raise BlockedError(reason, origin.url)
        delay = min(self.cap, self.base * (2**n)) * random.uniform(0.9, 1.1)
        hold(self.crawler, domain_of(origin.url), delay)
        log.warning(
            "检测到封禁迹象（%s）：%s，%.1f 秒后重试（第 %d 次）", reason, origin.url, delay, n + 1
        )
        new = origin.replace(dont_filter=True)
        for k in ("proxy", "tf_proxy", "tf_cookie", "_tf_json", "download_slot"):
            new.meta.pop(k, None)
        new.meta["tf_block_retries"] = n + 1
        new.meta["tf_origin"] = new
        if request.meta.get("tf_cookie"):
            new.headers.pop(b"Cookie", None)
        return new


class _Pool:
    """Round-robin over entries, skipping those in the penalty box."""

    def __init__(self, entries: list[Any], penalty: float) -> None:
        self.entries = [e for e in entries if e]
        self.penalty = penalty
        self.bad_until: dict[int, float] = {}
        self._cycle = itertools.cycle(range(len(self.entries))) if self.entries else None

    def __bool__(self) -> bool:
        return bool(self.entries)

    def pick(self) -> tuple[int, Any] | None:
        if not self._cycle:
            return None
        now = time.monotonic()
        for _ in range(len(self.entries)):
            i = next(self._cycle)
            if self.bad_until.get(i, 0.0) <= now:
                return i, self.entries[i]
        # everything is penalised: use the one that recovers first
        i = min(self.bad_until, key=self.bad_until.__getitem__)
        return i, self.entries[i]

    def penalise(self, i: int) -> None:
        self.bad_until[i] = time.monotonic() + self.penalty


def _provider(path: str, settings: Any) -> list[Any]:
    if not path:
        return []
    mod, _, fn = path.partition(":")
    return list(getattr(importlib.import_module(mod), fn)(settings) or [])


class _PoolMiddleware:
    param = ""
    setting_list = ""
    setting_provider = ""
    meta_key = ""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.pool: _Pool | None = None
        crawler.signals.connect(self._blocked, signal=request_blocked)

    @classmethod
    def from_crawler(cls, crawler: Any) -> _PoolMiddleware:
        return cls(crawler)

    def _load(self) -> _Pool:
        s = self.crawler.settings
        entries: list[Any] = []
        spider = self.crawler.spider
        params = getattr(spider, "params", {}) or {}
        raw = params.get(self.param)
        if raw:
            entries.extend(expand_env(raw if isinstance(raw, list) else [raw]))
        if self.setting_list:
            entries.extend(s.getlist(self.setting_list))
        entries.extend(_provider(s.get(self.setting_provider, ""), s))
        return _Pool(
            entries,
            s.getfloat("TINGFENG_POOL_PENALTY_SECONDS", defaults.TINGFENG_POOL_PENALTY_SECONDS),
        )

    def _pool(self) -> _Pool:
        if self.pool is None:
            self.pool = self._load()
        return self.pool

    def _blocked(self, request: Request, reason: str) -> None:
        i = request.meta.get(self.meta_key)
        if i is not None and self.pool is not None:
            self.pool.penalise(i)
            self.crawler.stats.inc_value(f"tingfeng/{self.param}_rotated")


class ProxyPoolMiddleware(_PoolMiddleware):
    param = "proxies"
    setting_list = "TINGFENG_PROXY_POOL"
    setting_provider = "TINGFENG_PROXY_POOL_PROVIDER"
    meta_key = "tf_proxy"

    def process_request(self, request: Request) -> None:
        if "proxy" in request.meta:
            return None
        picked = self._pool().pick()
        if picked is not None:
            i, proxy = picked
            request.meta["proxy"] = proxy
            request.meta["tf_proxy"] = i
        return None


def cookie_header(entry: Any) -> str:
    if isinstance(entry, dict):
        return "; ".join(f"{k}={v}" for k, v in entry.items() if v)
    s = str(entry).strip()
    if s and "=" not in s:  # a bare Weibo SUB value
        return f"SUB={s}"
    return s


class CookiePoolMiddleware(_PoolMiddleware):
    """Sends one cookie set from the pool with each request (``params.cookies``: a list of
    ``"SUB=…; SUBP=…"`` strings, ``{SUB: …}`` mappings or ``${ENV}`` references)."""

    param = "cookies"
    setting_provider = "TINGFENG_COOKIE_POOL_PROVIDER"
    meta_key = "tf_cookie"

    def process_request(self, request: Request) -> None:
        if request.meta.get("tf_cookie") is not None or b"Cookie" in request.headers:
            return None
        picked = self._pool().pick()
        if picked is None:
            return None
        i, entry = picked
        header = cookie_header(entry)
        if header:
            request.headers[b"Cookie"] = header.encode("utf-8")
            request.meta["tf_cookie"] = i
            request.meta["dont_merge_cookies"] = True
        return None


__all__ = [
    "BackoffGateMiddleware",
    "BackoffRetryMiddleware",
    "BlockDetectionMiddleware",
    "BlockedError",
    "CookiePoolMiddleware",
    "ProxyPoolMiddleware",
    "request_blocked",
    "signals",
]
