"""Weibo through the m.weibo.cn JSON API: keyword search (real-time, type=61, checkpointed;
mixed, type=1, first pages only), user timelines (since_id cursors), long texts
(statuses/extend) and, optionally, comments (comments/hotflow).

Source parameters (``sources.params``)::

    base_url: https://m.weibo.cn      # the replica in tests
    keywords: [云岭, 云岭县]          # default: the watch keywords (keywords table / county)
    keyword_kinds: [watch]            # which keyword kinds to search when keywords is unset
    search_types: ["61"]              # add "1" for the mixed search
    mixed_pages: 2
    uids: ["1234567890"]              # timelines to follow
    long_text: true                   # fetch the full text of long posts
    comments: false                   # fetch comments (hotflow) when their count grew
    comments_max_pages: 3
    max_pages: 10                     # per segment and run
    since_days: 3                     # horizon of a first crawl
    cookies: ["${TINGFENG_WEIBO_SUB}"]  # SUB cookie(s); a pool rotates on blocks
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scrapy.http import Request, Response

from crawlers.errors import BadPage
from crawlers.parsing import weibo as wb
from crawlers.parsing.common import parse_count
from crawlers.spiders import register
from crawlers.spiders.base import TingfengSpider
from crawlers.tickets import Ticket

REFERER = "https://m.weibo.cn/"
MOBILE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


@register
class WeiboSpider(TingfengSpider):
    name = "weibo"
    kind = "weibo"
    platform = wb.PLATFORM
    obey_robots = False  # JSON API used with the account's cookie; see docs/crawlers.md
    default_params = {
        "base_url": wb.MOBILE,
        "search_types": [wb.SEARCH_REALTIME],
        "mixed_pages": 2,
        "uids": [],
        "long_text": True,
        "comments": False,
        "comments_max_pages": 3,
        "max_pages": 10,
        "since_days": 3,
        "keyword_kinds": ["watch"],
    }
    custom_settings = {
        "USER_AGENT": MOBILE_UA,
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "application/json, text/plain, */*",
            "Accept-Language": "zh-CN,zh;q=0.9",
            "X-Requested-With": "XMLHttpRequest",
            "MWeibo-Pwa": "1",
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = str(self.params["base_url"]).rstrip("/")
        self.claimed: set[tuple[str, str]] = set()

    # --- start --------------------------------------------------------------------------

    def keywords(self) -> list[str]:
        kws = self.params.get("keywords")
        if kws is None:  # unset: the watch keywords; an empty list means "no search"
            return list(self.ctx.keywords.select(self.params.get("keyword_kinds")))
        if isinstance(kws, str):
            kws = [kws]
        return [str(k) for k in kws]

    async def start(self) -> Any:
        for kw in self.keywords():
            for st in [str(s) for s in self.params.get("search_types", [wb.SEARCH_REALTIME]) or []]:
                if st == wb.SEARCH_REALTIME:
                    for run in self.open_stream(f"search:{st}:{kw}"):
                        run.info = {"mode": "search", "kw": kw, "type": st}
                        yield self.list_request(run, run.seg.cursor or 1)
                else:
                    run = self.adhoc_run(f"mixed:{st}:{kw}")
                    run.info = {"mode": "mixed", "kw": kw, "type": st}
                    yield self.list_request(run, 1)
        for uid in [str(u) for u in self.params.get("uids") or []]:
            for run in self.open_stream(f"timeline:{uid}"):
                run.info = {"mode": "timeline", "uid": uid}
                yield self.list_request(run, run.seg.cursor)

    def list_request(self, run: Any, cursor: Any) -> Request:
        info = run.info
        if info["mode"] == "timeline":
            url = wb.timeline_url(self.base, info["uid"], cursor)
        else:
            url = wb.search_url(self.base, info["kw"], info["type"], int(cursor or 1))
        return Request(
            url,
            callback=self.parse_cards,
            errback=self.list_errback,
            dont_filter=True,
            headers={"Referer": REFERER},
            meta={"tf_seg": run, "tf_cursor": cursor, "tf_expect": "json"},
        )

    def block_reason(self, response: Response, request: Request) -> str | None:
        try:
            return wb.block_reason(self.json_of(response))
        except BadPage:
            return None

    # --- card lists ---------------------------------------------------------------------

    def parse_cards(self, response: Response) -> Iterator[Any]:
        """A page of search results or of a timeline.

        @fixture weibo/search_contract.json
        @meta {"tf_cursor": 1}
        @returns items 3 3
        @returns requests 1 2
        @scrapes id platform url text author published_at metrics
        """
        run = response.meta.get("tf_seg") or self._contract_run()
        mode = run.info.get("mode", "search")
        cursor = response.meta.get("tf_cursor")
        page_no = int(cursor or 1)
        try:
            page = wb.parse_cards(self.json_of(response))
        except BadPage as exc:
            skip = page_no + 1 if mode != "timeline" else None
            yield from self.list_failed(response, run, exc.reason, skip)
            return
        keys: list[int | None] = []
        times: list[datetime] = []
        todo = []
        for mblog in page.mblogs:
            pinned = wb.is_pinned(mblog)
            key = wb.mblog_key(mblog)
            try:
                post = wb.mblog_post(mblog, self.now)
            except BadPage as exc:
                self.bad_items(response.url, [exc.reason])
                continue
            published = datetime.fromisoformat(post["published_at"])
            if not pinned:
                keys.append(key)
                times.append(published)
            covered = run.seg.stop is not None and key is not None and key <= run.seg.stop
            if mode != "mixed" and not pinned and covered:
                continue
            if published < self.horizon:
                continue
            todo.append((post, mblog))
        if mode == "timeline":
            next_cursor: Any = page.since_id
        else:
            next_cursor = page_no + 1
        finished = page.end or not page.mblogs or next_cursor is None
        if mode == "mixed":
            finished = finished or page_no >= int(self.params.get("mixed_pages", 2))
            keys = []
        else:
            finished = (
                finished or run.seg.reached(keys) or bool(times and min(times) < self.horizon)
            )
        ticket = run.page(next_cursor, keys, finished)
        for post, mblog in todo:
            yield from self.handle_mblog(ticket, post, mblog)
        ticket.seal()
        if self.more_pages(run, finished):
            yield self.list_request(run, next_cursor)

    def _contract_run(self) -> Any:
        run = self.adhoc_run("contract")
        run.info = {"mode": "search", "kw": "云岭", "type": wb.SEARCH_REALTIME}
        return run

    def handle_mblog(self, ticket: Ticket, post: dict, mblog: dict) -> Iterator[Any]:
        original = wb.retweeted_original(mblog)
        if original is not None:
            try:
                orig_post = wb.mblog_post(original, self.now)
            except BadPage:
                orig_post = None
            if orig_post is not None:
                orig_post["via_repost"] = post["id"]
                yield from self.handle_one(ticket, orig_post, original)
        yield from self.handle_one(ticket, post, mblog)
        if self.params.get("comments"):
            yield from self.comment_requests(ticket, post, mblog)

    def handle_one(self, ticket: Ticket, post: dict, mblog: dict) -> Iterator[Any]:
        key = (self.platform, post["id"])
        if key in self.claimed:
            return
        self.claimed.add(key)
        if self.ctx.seen(self.platform, post["id"]):
            self.stat("skipped_known")
            return
        if post.get("long_text") and self.params.get("long_text", True):
            req = Request(
                wb.extend_url(self.base, post["id"]),
                callback=self.parse_long_text,
                dont_filter=True,
                headers={"Referer": f"{REFERER}detail/{post['id']}"},
                meta={"tf_post": post, "tf_expect": "json"},
            )

            def truncated(_failure: Any, post: dict = post) -> list:
                return [self.emit(ticket, {**post, "truncated": True})]

            yield self.unit(ticket, req, fallback=truncated)
        else:
            yield self.emit(ticket, post)

    # --- long text and comments ---------------------------------------------------------

    def parse_long_text(self, response: Response) -> Iterator[Any]:
        return self.guarded(response, self._long_text)

    def _long_text(self, response: Response) -> Iterator[Any]:
        post = dict(response.meta["tf_post"])
        text, fresh = wb.parse_long_text(self.json_of(response))
        post["text"] = text
        post["metrics"] = {**(post.get("metrics") or {}), **fresh}
        yield self.emit(response.meta.get("tf_ticket"), post)

    def comment_requests(self, ticket: Ticket, post: dict, mblog: dict) -> Iterator[Any]:
        count = parse_count(mblog.get("comments_count")) or 0
        mid = post["id"]
        key = f"comments:{mid}"
        ckpt = self.ctx.checkpoints
        prev = ckpt.get(key) or {}
        if count <= 0 or int(prev.get("count", -1)) >= count or ("comments", mid) in self.claimed:
            return
        self.claimed.add(("comments", mid))
        child = ticket.child(label=key, on_done=lambda: ckpt.set(key, {"count": count}))
        yield self.unit(child, self.comments_request(mid, None, 0, 1))
        child.seal()

    def comments_request(self, mid: str, max_id: Any, max_id_type: Any, page: int) -> Request:
        return Request(
            wb.hotflow_url(self.base, mid, max_id, max_id_type),
            callback=self.parse_comments,
            dont_filter=True,
            headers={"Referer": f"{REFERER}detail/{mid}"},
            meta={"tf_mid": mid, "tf_cpage": page, "tf_expect": "json"},
        )

    def parse_comments(self, response: Response) -> Iterator[Any]:
        return self.guarded(response, self._comments)

    def _comments(self, response: Response) -> Iterator[Any]:
        ticket = response.meta.get("tf_ticket")
        mid = response.meta["tf_mid"]
        page, problems = wb.parse_comments(self.json_of(response), mid, self.now)
        self.bad_items(response.url, problems)
        for c in page.comments:
            if (self.platform, c["id"]) in self.claimed or self.ctx.seen(self.platform, c["id"]):
                continue
            self.claimed.add((self.platform, c["id"]))
            yield self.emit(ticket, c)
        n = response.meta.get("tf_cpage", 1)
        if page.max_id and n < int(self.params.get("comments_max_pages", 3)):
            yield self.unit(
                ticket, self.comments_request(mid, page.max_id, page.max_id_type, n + 1)
            )
