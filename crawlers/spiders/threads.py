"""Base for thread-based sources (Discuz! forums, Baidu Tieba).

Thread lists are sorted by last reply, newest first: each board is a checkpointed stream
(crawlers.cursor) keyed by last-reply time with page-number cursors. Each thread has its
own checkpoint ``thread:{tid}`` = ``{"replies", "posts"}``: a thread whose reply count has
not grown is not fetched again; one that has grown is fetched from the page holding its
last known post. A board page's checkpoint moves only when all its threads are stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy.http import Request, Response

from crawlers.errors import BadPage
from crawlers.parsing.threads import ThreadListPage, ThreadPage, ThreadRef
from crawlers.spiders.base import TingfengSpider
from crawlers.tickets import Ticket


class ThreadSpider(TingfengSpider):
    posts_per_page = 10

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claimed: set[str] = set()

    # spider-specific -------------------------------------------------------------------

    def boards(self) -> list[str]:
        raise NotImplementedError

    def parse_list(self, response: Response, page: int) -> ThreadListPage:
        raise NotImplementedError

    def thread_request(self, tid: str, page: int, meta: dict[str, Any]) -> Request:
        raise NotImplementedError

    def parse_thread_page(self, response: Response, tid: str, page: int) -> ThreadPage:
        raise NotImplementedError

    def posts_of(self, tp: ThreadPage, board: str) -> list[dict]:
        raise NotImplementedError

    # crawl -----------------------------------------------------------------------------

    async def start(self) -> Any:
        for board in self.boards():
            for run in self.open_stream(f"list:{board}"):
                run.info = {"board": board}
                yield self.list_request(run, run.seg.cursor or 1)

    def on_list(self, response: Response) -> Iterator[Any]:
        run = response.meta.get("tf_seg") or self.adhoc_run("contract")
        run.info.setdefault("board", str(response.meta.get("tf_board", "")))
        page_no = int(response.meta.get("tf_cursor") or 1)
        try:
            lp = self.parse_list(response, page_no)
        except BadPage as exc:
            yield from self.list_failed(response, run, exc.reason, skip_to=page_no + 1)
            return
        self.bad_items(response.url, lp.problems)
        normal = [r for r in lp.threads if not r.sticky]
        keys = [r.key for r in normal]
        times = [r.last_post for r in normal if r.last_post]
        finished = (
            not lp.threads
            or not lp.has_next
            or run.seg.reached(keys)
            or bool(times and min(times) < self.horizon)
        )
        ticket = run.page(page_no + 1, keys, finished)
        for ref in lp.threads:
            # last-reply times have minute (Discuz) or second (Tieba) precision: a thread replied
            # to in the same minute as the watermark may still be new, so only strictly older
            # ones count as covered; the per-thread checkpoint keeps the others from refetching
            covered = run.seg.stop is not None and ref.key is not None and ref.key < run.seg.stop
            if not ref.sticky and covered:
                continue
            if ref.last_post is not None and ref.last_post < self.horizon:
                continue
            yield from self.visit_thread(ticket, ref, run.info["board"])
        ticket.seal()
        if self.more_pages(run, finished):
            yield self.list_request(run, page_no + 1)

    def visit_thread(self, ticket: Ticket, ref: ThreadRef, board: str) -> Iterator[Any]:
        if ref.tid in self.claimed:
            return
        self.claimed.add(ref.tid)
        key = f"thread:{ref.tid}"
        ckpt = self.ctx.checkpoints
        prev = ckpt.get(key) or {}
        known = prev.get("replies")
        if prev and ref.replies is not None and known is not None and int(known) >= ref.replies:
            self.stat("skipped_known")
            return
        seen = int(prev.get("posts", 0))
        ppp = self.posts_per_page
        start = max(1, (seen - 1) // ppp + 1) if seen else 1
        state: dict[str, Any] = {
            "ref": ref,
            "board": board,
            "posts": seen,
            "replies": ref.replies,
            "bad": False,
        }

        def save() -> None:
            if not state["bad"]:
                ckpt.set(
                    key,
                    {
                        "replies": state["replies"],
                        "posts": state["posts"],
                        "at": datetime.now(UTC).isoformat(),
                    },
                )

        child = ticket.child(label=key, on_done=save)
        yield self.thread_unit(child, ref.tid, start, state, first=True)
        child.seal()

    def thread_unit(self, ticket: Ticket, tid: str, page: int, state: dict, first: bool) -> Request:
        def bad(_failure: Any) -> list:
            state["bad"] = True
            return []

        req = self.thread_request(
            tid, page, {"tf_thread": state, "tf_first": first, "tf_page": page}
        )
        return self.unit(ticket, req, fallback=bad)

    def on_thread(self, response: Response) -> Iterator[Any]:
        """A page of a thread's posts (opening post and replies)."""
        return self.guarded(response, self._thread)

    def _thread(self, response: Response) -> Iterator[Any]:
        ticket = response.meta.get("tf_ticket")
        state = response.meta.get("tf_thread") or {
            "ref": None,
            "board": "",
            "posts": 0,
            "replies": None,
            "bad": False,
        }
        ref: ThreadRef | None = state["ref"]
        page = int(response.meta.get("tf_page") or 1)
        tid = ref.tid if ref else str(response.meta.get("tf_tid", ""))
        tp = self.parse_thread_page(response, tid, page)
        self.bad_items(response.url, tp.problems)
        if tp.replies is None and ref is not None:
            tp.replies = ref.replies
        if tp.views is None and ref is not None:
            tp.views = ref.views
        for post in self.posts_of(tp, state["board"]):
            yield self.emit(ticket, post)
        floors = [p.floor for p in tp.posts if p.floor]
        on_page = max(floors) if floors else (page - 1) * self.posts_per_page + len(tp.posts)
        state["posts"] = max(state["posts"], on_page)
        if tp.replies is not None:
            state["replies"] = max(state["replies"] or 0, tp.replies)
        if response.meta.get("tf_first") and ticket is not None:
            for p in range(page + 1, tp.total_pages + 1):
                yield self.thread_unit(ticket, tid, p, state, first=False)
