"""News: RSS/Atom feeds (feedparser) and article pages (trafilatura for the main text,
publication time from meta tags)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from parsel import Selector

from crawlers.errors import BadPage
from crawlers.parsing.common import (
    CST,
    canonical_url,
    html_title,
    html_to_text,
    parse_cn_datetime,
    stable_id,
)

PLATFORM = "news"

# meta tags that carry the publication time, most specific first
_META_DATE = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "pubdate",
    "publishdate",
    "publish_date",
    "publication_date",
    "firstpublishedtime",
    "ptime",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "date",
    "sailthru.date",
    "weibo: article:create_at",
    "bytedance:published_time",
)
_DASHED = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$")
# byline / footer lines Chinese news and government pages put around the text
_BOILERPLATE = re.compile(
    r"^\s*(?:【?(?:来源|文章来源|信息来源|发布时间|发布日期|作者|编辑|责任编辑|审核|审校|校对|"
    r"浏览次数|点击数|阅读数|字号|分享到|打印本页|关闭窗口)】?\s*[:：]?)|字号[:：]|浏览次数[:：]"
)
_ERROR_TITLES = (
    "404",
    "页面不存在",
    "页面未找到",
    "Not Found",
    "访问的页面不存在",
    "出错了",
    "系统繁忙",
)


@dataclass
class FeedEntry:
    link: str
    title: str
    summary: str
    published: datetime | None
    author: str | None
    guid: str | None

    @property
    def id(self) -> str:
        return article_id(self.link)


@dataclass
class Article:
    url: str
    title: str | None
    text: str
    published: datetime | None
    author: str | None
    site: str | None
    date_source: str | None


def article_id(url: str) -> str:
    """The post id of an article: a hash of its canonical URL, stable across runs."""
    return stable_id(canonical_url(url))


def parse_date(value: str | None, now: datetime | None = None) -> datetime | None:
    """ISO 8601 (with or without offset; naive means China time), ``2024-05-02 09:00:00``,
    gov.cn's ``2024-05-02-09:00:00`` and the Chinese forms."""
    if not value:
        return None
    s = value.strip()
    m = _DASHED.match(s)
    if m:
        y, mo, d, hh, mi = (int(m.group(i)) for i in range(1, 6))
        return datetime(y, mo, d, hh, mi, int(m.group(6) or 0), tzinfo=CST)
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return dt if dt.tzinfo else dt.replace(tzinfo=CST)
    except ValueError:
        pass
    return parse_cn_datetime(s, now or datetime.now(UTC))


def parse_feed(body: bytes, url: str) -> tuple[str | None, list[FeedEntry]]:
    """A feed's title and entries. Raises BadPage when the body is not a feed at all."""
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.entries:
        if parsed.bozo:
            raise BadPage(f"不是合法的 RSS/Atom：{type(parsed.bozo_exception).__name__}")
        if not parsed.feed:
            raise BadPage("不是 RSS/Atom 订阅源")
    entries = []
    for e in parsed.entries:
        link = e.get("link") or ""
        if not link:
            continue
        published = None
        for key in ("published_parsed", "updated_parsed"):
            t = e.get(key)
            if t:
                published = datetime(t[0], t[1], t[2], t[3], t[4], t[5], tzinfo=UTC).astimezone(CST)
                break
        summary = html_to_text(e.get("summary") or "")
        entries.append(
            FeedEntry(
                link=link,
                title=html_to_text(e.get("title") or ""),
                summary=summary,
                published=published,
                author=e.get("author"),
                guid=e.get("id"),
            )
        )
    return parsed.feed.get("title"), entries


def meta_published(sel: Selector, now: datetime) -> tuple[datetime | None, str | None]:
    """The publication time from <meta>, JSON-LD or <time>, with where it came from."""
    metas: dict[str, str] = {}
    for m in sel.css("meta"):
        key = (
            m.attrib.get("property") or m.attrib.get("name") or m.attrib.get("itemprop") or ""
        ).lower()
        val = m.attrib.get("content")
        if key and val and key not in metas:
            metas[key] = val
    for key in _META_DATE:
        if key in metas:
            dt = parse_date(metas[key], now)
            if dt:
                return dt, f"meta:{key}"
    if "datepublished" in metas:
        dt = parse_date(metas["datepublished"], now)
        if dt:
            return dt, "meta:datePublished"
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for obj in data if isinstance(data, list) else [data]:
            if isinstance(obj, dict) and isinstance(obj.get("datePublished"), str):
                dt = parse_date(obj["datePublished"], now)
                if dt:
                    return dt, "json-ld"
    t = sel.css("time::attr(datetime)").get()
    if t:
        dt = parse_date(t, now)
        if dt:
            return dt, "time"
    return None, None


def parse_article(text: str, url: str, now: datetime) -> Article:
    """Main text, title, time and canonical URL of an article page.
    Raises BadPage for error pages served with HTTP 200 and pages without main text."""
    sel = Selector(text=text)
    title_tag = html_title(text)
    if any(w in title_tag for w in _ERROR_TITLES) and len(text) < 20000:
        raise BadPage(f"错误页（标题：{title_tag[:40]}）")
    canonical = (
        sel.css('link[rel="canonical"]::attr(href)').get()
        or sel.css('meta[property="og:url"]::attr(content)').get()
        or url
    )
    published, source = meta_published(sel, now)
    import trafilatura

    doc = trafilatura.bare_extraction(
        text,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body:
        raise BadPage("无法提取正文")
    og_title = sel.css('meta[property="og:title"]::attr(content)').get()
    title = (
        og_title or (getattr(doc, "title", None) if doc is not None else None) or title_tag or None
    )
    body = "\n".join(
        line for line in body.split("\n") if not (len(line) < 100 and _BOILERPLATE.search(line))
    ).strip()
    h1 = html_to_text(sel.css("h1").get() or "")
    lines = body.split("\n")
    if len(lines) > 1 and lines[0].strip() in {t.strip() for t in (title, h1, og_title) if t}:
        body = "\n".join(lines[1:]).strip()  # the headline is the title, not the text
    if published is None and doc is not None and getattr(doc, "date", None):
        published, source = parse_date(getattr(doc, "date", None), now), "trafilatura"
    author = sel.css('meta[name="author"]::attr(content)').get() or (
        getattr(doc, "author", None) if doc is not None else None
    )
    site = sel.css('meta[property="og:site_name"]::attr(content)').get() or (
        getattr(doc, "sitename", None) if doc is not None else None
    )
    return Article(
        url=canonical_url(_absolute(canonical, url)),
        title=title,
        text=body,
        published=published,
        author=author,
        site=site,
        date_source=source,
    )


def _absolute(href: str, base: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, href)


def article_post(
    entry_link: str,
    art: Article,
    *,
    fallback_time: datetime | None,
    now: datetime,
    feed_title: str | None = None,
    source_name: str | None = None,
) -> dict[str, Any]:
    """An article → contract post. The id hashes the link as the feed gave it (so a later run
    can tell it is stored before fetching); ``url`` is the page's canonical URL."""
    published = art.published or fallback_time
    post: dict[str, Any] = {
        "id": article_id(entry_link),
        "platform": PLATFORM,
        "url": art.url,
        "title": art.title,
        "text": art.text,
        "published_at": (published or now).isoformat(),
    }
    if art.author:
        post["author"] = art.author
    if art.site or feed_title:
        post["site"] = art.site or feed_title
    if art.date_source:
        post["date_source"] = art.date_source
    elif fallback_time:
        post["date_source"] = "feed"
    else:
        post["date_source"] = "crawl_time"
    if source_name:
        post["feed"] = source_name
    return post
