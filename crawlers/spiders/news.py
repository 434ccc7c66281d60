"""News: RSS/Atom feeds and the articles they link to.

Feeds are fetched with conditional GETs (ETag / Last-Modified kept in the feed's
checkpoint); an entry whose article is already stored is not fetched again. Articles are
reduced to their main text by trafilatura; the publication time comes from meta tags
(article:published_time, PubDate, publishdate, firstpublishedtime, JSON-LD …), else from the
feed. robots.txt is obeyed; an article robots.txt forbids is stored from the feed entry.

Source parameters::

    feeds: [https://www.yunling.gov.cn/rss.xml, {url: …, name: 云岭新闻}]
    fetch_articles: true
    keyword_filter: false        # true: keep only articles mentioning a watch/place keyword
    max_entries: 50              # per feed and run
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response

from crawlers.errors import BadPage
from crawlers.parsing import news
from crawlers.spiders import register
from crawlers.spiders.base import TingfengSpider
from crawlers.tickets import Ticket


@register
class NewsSpider(TingfengSpider):
    name = "news"
    kind = "news"
    platform = news.PLATFORM
    obey_robots = True
    required_params = ("feeds",)
    default_params = {"fetch_articles": True, "max_entries": 50, "since_days": 7}
    custom_settings = {
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "zh-CN,zh;q=0.9",
        }
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claimed: set[str] = set()

    def feeds(self) -> list[dict[str, str]]:
        out = []
        for f in self.params.get("feeds") or []:
            if isinstance(f, str):
                out.append({"url": f, "name": ""})
            elif isinstance(f, dict) and f.get("url"):
                out.append({"url": str(f["url"]), "name": str(f.get("name") or "")})
        return out

    async def start(self) -> Any:
        for feed in self.feeds():
            key = f"feed:{feed['url']}"
            prev = self.ctx.checkpoints.get(key) or {}
            headers = {}
            if prev.get("etag"):
                headers["If-None-Match"] = prev["etag"]
            if prev.get("modified"):
                headers["If-Modified-Since"] = prev["modified"]
            yield Request(
                feed["url"],
                headers=headers,
                callback=self.parse_feed,
                errback=self.on_error,
                dont_filter=True,
                meta={"tf_feed": feed, "handle_httpstatus_list": [304]},
            )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        feed = response.meta["tf_feed"]
        key = f"feed:{feed['url']}"
        if response.status == 304:
            self.stat("feeds_unchanged")
            return
        try:
            title, entries = news.parse_feed(response.body, response.url)
        except BadPage as exc:
            retry = self.retry_bad(response, exc.reason)
            if retry is not None:
                yield retry
            else:
                self.bad_page(response.url, exc.reason)
            return
        etag = (response.headers.get(b"ETag") or b"").decode("latin-1")
        modified = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")
        ckpt = self.ctx.checkpoints

        def save() -> None:
            ckpt.set(key, {"etag": etag, "modified": modified})

        ticket = Ticket(on_done=save, label=key)
        for entry in entries[: int(self.params.get("max_entries", 50))]:
            if entry.published is not None and entry.published < self.horizon:
                continue
            if entry.id in self.claimed:  # the same article from another feed of this run
                continue
            if self.ctx.seen(self.platform, entry.id):
                self.stat("skipped_known")
                continue
            self.claimed.add(entry.id)
            if not self.params.get("fetch_articles", True):
                yield self.emit(ticket, self.entry_post(entry, title, feed))
                continue

            def from_feed(_failure: Any, entry: news.FeedEntry = entry) -> list:
                if not entry.summary and not entry.title:
                    return []
                return [self.emit(ticket, self.entry_post(entry, title, feed))]

            req = Request(
                entry.link,
                callback=self.parse_article,
                dont_filter=True,
                meta={"tf_entry": entry, "tf_feed_title": title or feed["name"]},
            )
            yield self.unit(ticket, req, fallback=from_feed)
        ticket.seal()

    def entry_post(self, entry: news.FeedEntry, title: str | None, feed: dict) -> dict:
        post = {
            "id": entry.id,
            "platform": self.platform,
            "url": news.canonical_url(entry.link),
            "title": entry.title or None,
            "text": entry.summary or entry.title,
            "published_at": (entry.published or self.now).isoformat(),
            "date_source": "feed" if entry.published else "crawl_time",
            "site": title or feed["name"] or None,
            "from_feed_only": True,
        }
        if entry.author:
            post["author"] = entry.author
        return post

    def parse_article(self, response: Response) -> Iterator[Any]:
        """An article page: main text, title and publication time.

        @fixture news/article_contract.html
        @returns items 1 1
        @scrapes id platform url title text published_at
        """
        return self.guarded(response, self._article)

    def _article(self, response: Response) -> Iterator[Any]:
        entry: news.FeedEntry | None = response.meta.get("tf_entry")
        link = entry.link if entry else response.url
        art = news.parse_article(self.text_of(response), response.url, self.now)
        post = news.article_post(
            link,
            art,
            fallback_time=entry.published if entry else None,
            now=self.now,
            feed_title=response.meta.get("tf_feed_title"),
            source_name=self.source.name,
        )
        yield self.emit(response.meta.get("tf_ticket"), post)
