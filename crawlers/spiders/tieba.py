"""Baidu Tieba through the client API (signed POST forms, JSON answers).

Source parameters::

    api_base: http://c.tieba.baidu.com
    web_base: https://tieba.baidu.com
    bars: [云岭县]                 # bar names (kw)
    rn: 30                         # threads / posts per page
    max_pages: 3
    since_days: 7
"""

from __future__ import annotations

from typing import Any

from scrapy.http import FormRequest, Request, Response

from crawlers.errors import BadPage
from crawlers.parsing import tieba
from crawlers.parsing.threads import ThreadListPage, ThreadPage, thread_posts
from crawlers.spiders import register
from crawlers.spiders.threads import ThreadSpider


@register
class TiebaSpider(ThreadSpider):
    name = "tieba"
    kind = "tieba"
    platform = tieba.PLATFORM
    obey_robots = False  # client API, not web pages
    required_params = ("bars",)
    default_params = {
        "api_base": "http://c.tieba.baidu.com",
        "web_base": tieba.WEB,
        "rn": 30,
        "max_pages": 3,
        "since_days": 7,
    }
    custom_settings = {"USER_AGENT": "bdtb for Android 12.25.1.0"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api = str(self.params["api_base"]).rstrip("/")
        self.web = str(self.params["web_base"]).rstrip("/")
        self.rn = int(self.params.get("rn", 30))
        self.posts_per_page = self.rn

    def boards(self) -> list[str]:
        bars = self.params.get("bars") or []
        return [str(b) for b in (bars if isinstance(bars, list) else [bars])]

    def list_request(self, run: Any, cursor: Any) -> Request:
        page = int(cursor or 1)
        form = tieba.signed_form(kw=run.info["board"], pn=page, rn=self.rn)
        return FormRequest(
            f"{self.api}/c/f/frs/page",
            formdata=form,
            callback=self.on_list,
            errback=self.list_errback,
            dont_filter=True,
            meta={"tf_seg": run, "tf_cursor": page, "tf_expect": "json"},
        )

    def thread_request(self, tid: str, page: int, meta: dict[str, Any]) -> Request:
        form = tieba.signed_form(kz=tid, pn=page, rn=self.rn)
        return FormRequest(
            f"{self.api}/c/f/pb/page",
            formdata=form,
            callback=self.on_thread,
            dont_filter=True,
            meta={**meta, "tf_tid": tid, "tf_expect": "json"},
        )

    def block_reason(self, response: Response, request: Request) -> str | None:
        try:
            return tieba.block_reason(self.json_of(response))
        except BadPage:
            return None

    def parse_list(self, response: Response, page: int) -> ThreadListPage:
        return tieba.parse_frs(self.json_of(response), self.web, self.now, page)

    def parse_thread_page(self, response: Response, tid: str, page: int) -> ThreadPage:
        return tieba.parse_pb(self.json_of(response), tid, self.now, page)

    def posts_of(self, tp: ThreadPage, board: str) -> list[dict]:
        return thread_posts(
            self.platform,
            "tieba",
            tp,
            thread_url=tieba.thread_url(self.web, tp.tid),
            post_url=lambda pid: tieba.post_url(self.web, tp.tid, pid),
            board=board or None,
        )

    def on_thread(self, response: Response) -> Any:
        """A page of a thread (pb/page).

        @fixture tieba/pb_contract.json
        @meta {"tf_page": 1, "tf_tid": "8800002"}
        @returns items 2 2
        @scrapes id platform url text author published_at
        """
        return super().on_thread(response)
