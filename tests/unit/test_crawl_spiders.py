"""What each spider asks for first, from its source parameters (no network)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

from crawlers.context import CrawlContext
from crawlers.keywords import Keywords
from crawlers.sources import SourceConfig
from crawlers.spiders import spider_for


def first_requests(kind: str, params: dict, keywords: Keywords | None = None) -> list:
    src = SourceConfig(name="t", kind=kind, params=params)
    spider = spider_for(kind)(source=src, ctx=CrawlContext.offline(src, keywords))

    async def collect() -> list:
        return [r async for r in spider.start()]

    return asyncio.run(collect())


def test_weibo_searches_the_watch_keywords_unless_told_otherwise() -> None:
    kw = Keywords(watch=["云岭县", "云岭"], place=["龙泉镇"])
    reqs = first_requests("weibo", {}, kw)
    cids = [parse_qs(urlsplit(r.url).query)["containerid"][0] for r in reqs]
    assert cids == ["100103type=61&q=云岭县", "100103type=61&q=云岭"]
    assert all(r.headers[b"Referer"] == b"https://m.weibo.cn/" for r in reqs)
    reqs = first_requests("weibo", {"keywords": [], "search_types": [], "uids": ["2803301701"]}, kw)
    assert [parse_qs(urlsplit(r.url).query)["containerid"][0] for r in reqs] == ["1076032803301701"]
    reqs = first_requests("weibo", {"keyword_kinds": ["place"], "search_types": ["61", "1"]}, kw)
    cids = [parse_qs(urlsplit(r.url).query)["containerid"][0] for r in reqs]
    assert cids == ["100103type=61&q=龙泉镇", "100103type=1&q=龙泉镇"]


def test_tieba_and_board_requests_are_signed_posts() -> None:
    (frs,) = first_requests("tieba", {"bars": ["云岭县"]})
    assert frs.method == "POST" and frs.url == "http://c.tieba.baidu.com/c/f/frs/page"
    form = parse_qs(frs.body.decode())
    assert form["kw"] == ["云岭县"] and len(form["sign"][0]) == 32
    (lst,) = first_requests("gov_board", {"api_base": "https://b", "fid": "539", "app_code": "X"})
    assert lst.method == "POST" and lst.url == "https://b/v1/threads/list/df"
    assert b'"lastItem\\":\\"\\"' in lst.body and b'"signature"' in lst.body


def test_robots_txt_applies_to_pages_not_to_apis() -> None:
    def obey(kind: str, **params) -> bool:  # noqa: ANN003
        return spider_for(kind).source_settings(SourceConfig("t", kind, params))["ROBOTSTXT_OBEY"]

    assert obey("news", feeds=["x"]) and obey("discuz", base_url="x", fids=["2"])
    assert not obey("discuz", base_url="x", fids=["2"], api=True)
    assert not obey("weibo") and not obey("tieba", bars=["x"]) and not obey("gov_board")
    assert obey("weibo", obey_robots=True)
