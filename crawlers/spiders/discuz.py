"""Discuz! X forums: HTML pages (forum.php) or the mobile JSON API (api/mobile).

Source parameters::

    base_url: http://bbs.yunling.example   # forum root (where forum.php lives)
    fids: ["2", "36"]                      # boards to follow
    api: false                             # true: use api/mobile/index.php?version=4
    site: bbs.yunling.example              # id prefix of posts (default: the host name)
    board_names: {"2": 云岭茶馆}
    encoding: gbk                          # force a charset when the server lies about it
    ppp: 10                                # posts per thread page
    max_pages: 5                           # list pages per run
    since_days: 7
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from crawlers.errors import BadPage
from crawlers.parsing import discuz
from crawlers.parsing.threads import ThreadListPage, ThreadPage, thread_posts
from crawlers.spiders import register
from crawlers.spiders.threads import ThreadSpider


@register
class DiscuzSpider(ThreadSpider):
    name = "discuz"
    kind = "discuz"
    platform = discuz.PLATFORM
    obey_robots = True
    required_params = ("base_url", "fids")
    default_params = {"api": False, "ppp": 10, "max_pages": 5, "since_days": 7}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = str(self.params.get("base_url") or "http://forum.example").rstrip("/")
        self.site = str(self.params.get("site") or urlsplit(self.base).hostname or "forum")
        self.api = bool(self.params.get("api"))
        self.posts_per_page = int(self.params.get("ppp", 10))

    @classmethod
    def source_settings(cls, cfg: Any) -> dict[str, Any]:
        out = super().source_settings(cfg)
        if cfg.params.get("api") and "obey_robots" not in cfg.params:
            # Discuz!'s robots.txt keeps crawlers out of /api/; the mobile API is for clients,
            # and choosing api: true is the analyst's explicit decision to use it.
            out["ROBOTSTXT_OBEY"] = False
        return out

    def boards(self) -> list[str]:
        fids = self.params.get("fids") or []
        return [str(f) for f in (fids if isinstance(fids, list) else [fids])]

    def list_request(self, run: Any, cursor: Any) -> Request:
        fid, page = run.info["board"], int(cursor or 1)
        if self.api:
            url = discuz.api_url(self.base, "forumdisplay", fid=fid, page=page, tpp=20)
        else:
            url = discuz.forumdisplay_url(self.base, fid, page)
        return Request(
            url,
            callback=self.on_list,
            errback=self.list_errback,
            dont_filter=True,
            meta={"tf_seg": run, "tf_cursor": page, "tf_expect": "json" if self.api else "html"},
        )

    def thread_request(self, tid: str, page: int, meta: dict[str, Any]) -> Request:
        if self.api:
            url = discuz.api_url(
                self.base, "viewthread", tid=tid, page=page, ppp=self.posts_per_page
            )
        else:
            url = discuz.viewthread_url(self.base, tid, page)
        return Request(
            url,
            callback=self.on_thread,
            dont_filter=True,
            meta={**meta, "tf_tid": tid, "tf_expect": "json" if self.api else "html"},
        )

    def block_reason(self, response: Response, request: Request) -> str | None:
        if self.api or request.meta.get("tf_expect") == "json":
            try:
                return discuz.block_reason_api(self.json_of(response))
            except BadPage:
                return None
        return discuz.block_reason_html(self.text_of(response))

    def parse_list(self, response: Response, page: int) -> ThreadListPage:
        if self.api:
            return discuz.parse_api_forumdisplay(self.json_of(response), self.base, self.now, page)
        return discuz.parse_forumdisplay(self.text_of(response), self.base, self.now, page)

    def parse_thread_page(self, response: Response, tid: str, page: int) -> ThreadPage:
        if self.api:
            return discuz.parse_api_viewthread(self.json_of(response), tid, self.now, page)
        return discuz.parse_viewthread(self.text_of(response), tid, self.now, page)

    def posts_of(self, tp: ThreadPage, board: str) -> list[dict]:
        names = self.params.get("board_names") or {}
        return thread_posts(
            self.platform,
            self.site,
            tp,
            thread_url=discuz.thread_url(self.base, tp.tid),
            post_url=lambda pid: discuz.post_url(self.base, tp.tid, pid),
            board=str(names.get(board, board)) if board else None,
        )

    def on_list(self, response: Response) -> Any:
        """A board's thread list (HTML).

        @fixture discuz/forumdisplay_contract.html
        @meta {"tf_cursor": 3, "tf_board": "2"}
        @returns requests 3 3
        """
        return super().on_list(response)

    def on_thread(self, response: Response) -> Any:
        """A thread page (HTML, GBK).

        @fixture discuz/viewthread_contract.html
        @meta {"tf_page": 1, "tf_tid": "1002"}
        @returns items 3 3
        @scrapes id platform url text author published_at thread_id
        """
        return super().on_thread(response)
