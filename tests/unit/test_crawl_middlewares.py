"""Block detection, backoff and the proxy / cookie pools, on Scrapy objects without a network."""

from __future__ import annotations

import json
import time

import pytest
from replica.news import article_html
from replica.weibo import WeiboSite
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawlers.middlewares import (
    BlockDetectionMiddleware,
    BlockedError,
    CookiePoolMiddleware,
    ProxyPoolMiddleware,
    cookie_header,
    cooldowns,
)
from crawlers.sources import SourceConfig
from crawlers.spiders.news import NewsSpider
from crawlers.spiders.weibo import WeiboSpider

URL = "https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D61%26q%3D云岭"


def crawler_for(spidercls=WeiboSpider, params=None, **settings):  # noqa: ANN001, ANN003, ANN201
    base = {
        "TINGFENG_BLOCK_RETRIES": 2,
        "TINGFENG_BLOCK_BACKOFF_BASE": 10.0,
        "TINGFENG_BLOCK_BACKOFF_MAX": 600.0,
        "TINGFENG_BLOCK_STOP_AFTER": 99,
    }
    crawler = get_crawler(spidercls, {**base, **settings})
    src = SourceConfig(name="t", kind=spidercls.kind, params=params or {"feeds": ["x"]})
    crawler.spider = spidercls.from_crawler(crawler, source=src)
    return crawler


def json_response(obj: object, request: Request) -> TextResponse:
    return TextResponse(
        request.url, body=json.dumps(obj).encode(), encoding="utf-8", request=request
    )


def test_http_432_backs_off_the_domain_and_retries_then_gives_up() -> None:
    crawler = crawler_for()
    mw = BlockDetectionMiddleware.from_crawler(crawler)
    req = Request(URL, meta={"tf_expect": "json"})
    req.meta["tf_origin"] = req
    retry = mw.process_response(req, HtmlResponse(URL, status=432, body=b"", request=req))
    assert (
        isinstance(retry, Request) and retry.url == req.url and retry.meta["tf_block_retries"] == 1
    )
    wait = cooldowns(crawler)["m.weibo.cn"] - time.monotonic()
    assert 8 < wait <= 11  # base 10 s (±10 %) for the whole domain
    again = mw.process_response(retry, HtmlResponse(URL, status=418, body=b"", request=retry))
    assert again.meta["tf_block_retries"] == 2
    with pytest.raises(BlockedError) as exc:
        mw.process_response(again, HtmlResponse(URL, status=432, body=b"", request=again))
    assert exc.value.reason == "HTTP 432"
    assert (
        crawler.stats.get_value("tingfeng/blocked") == 3
        and crawler.stats.get_value("tingfeng/blocked_gave_up") == 1
    )


def test_captcha_login_and_api_refusals_are_blocks() -> None:
    mw = BlockDetectionMiddleware.from_crawler(crawler_for())
    req = Request(URL, meta={"tf_expect": "json"})
    visitor = WeiboSite().visitor_page.encode()
    assert (
        mw.detect(req, HtmlResponse(URL, body=visitor, request=req))
        == "验证页（Sina Visitor System）"
    )
    page = "<html><head><title>微博</title></head><body>请输入验证码后继续</body></html>".encode()
    assert (
        mw.detect(req, HtmlResponse(URL, body=page, request=req)) == "期望 JSON，收到验证码/登录页"
    )
    redirect = HtmlResponse(
        URL,
        status=302,
        headers={"Location": "https://passport.weibo.cn/signin/login?r=x"},
        request=req,
    )
    assert mw.detect(req, redirect) == "重定向到登录/验证页"
    assert (
        mw.detect(
            req, json_response({"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"}, req)
        )
        == "需要登录（ok=-100）"
    )
    assert mw.detect(req, json_response({"ok": 1, "data": {"cards": []}}, req)) is None


def test_an_article_about_sms_codes_is_not_a_captcha_page() -> None:
    from replica import data

    a = data.articles()[0]
    a.title = "警惕！有人冒充社保局工作人员索要短信验证码"
    crawler = crawler_for(NewsSpider)
    mw = BlockDetectionMiddleware.from_crawler(crawler)
    url = "https://www.yunling.example.gov.cn" + a.path
    req = Request(url)
    body = article_html(a, "https://www.yunling.example.gov.cn").encode()
    assert mw.detect(req, HtmlResponse(url, body=body, encoding="utf-8", request=req)) is None


def test_cookie_and_proxy_pools_rotate_away_from_blocked_entries(monkeypatch) -> None:
    monkeypatch.setenv("TEST_SUB_A", "aaa")
    crawler = crawler_for(
        params={
            "cookies": ["${TEST_SUB_A}", {"SUB": "bbb", "SUBP": "x"}],
            "proxies": ["http://p1:8080", "http://p2:8080"],
        }
    )
    cookies = CookiePoolMiddleware.from_crawler(crawler)
    proxies = ProxyPoolMiddleware.from_crawler(crawler)
    r1, r2 = Request(URL), Request(URL)
    for r in (r1, r2):
        cookies.process_request(r)
        proxies.process_request(r)
    assert r1.headers[b"Cookie"] == b"SUB=aaa" and r2.headers[b"Cookie"] == b"SUB=bbb; SUBP=x"
    assert r1.meta["dont_merge_cookies"] and (r1.meta["proxy"], r2.meta["proxy"]) == (
        "http://p1:8080",
        "http://p2:8080",
    )
    from crawlers.middlewares import request_blocked

    crawler.signals.send_catch_log(signal=request_blocked, request=r1, reason="HTTP 432")
    picks = []
    for _ in range(3):
        r = Request(URL)
        cookies.process_request(r)
        proxies.process_request(r)
        picks.append((r.headers[b"Cookie"], r.meta["proxy"]))
    assert all(p == (b"SUB=bbb; SUBP=x", "http://p2:8080") for p in picks)  # the blocked pair rests


def test_cookie_header_forms() -> None:
    assert cookie_header("abc123") == "SUB=abc123"
    assert cookie_header("SUB=1; SUBP=2") == "SUB=1; SUBP=2"
    assert cookie_header({"SUB": "1", "XSRF-TOKEN": ""}) == "SUB=1"
