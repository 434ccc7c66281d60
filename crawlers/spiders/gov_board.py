"""Government message boards (领导留言板-style signed JSON API).

The message list is newest first with a ``lastItem`` cursor: a checkpointed stream keyed by
message id. Each new message's detail is fetched; the message and every official reply
become posts (a reply's ``reply_to`` is its message's id). Messages still waiting for an
answer are remembered (checkpoint ``open:{tid}``) and looked at again on every run, for
``follow_days``, so a reply that comes days later is still collected.

Source parameters::

    api_base: https://liuyan.example.gov.cn
    web_base: https://liuyan.example.gov.cn
    fid: "539"                      # the board (e.g. 云岭县委书记)
    app_code: "${TINGFENG_BOARD_APPCODE}"
    rows: 10
    type_id: 5
    max_pages: 5
    since_days: 30
    follow_days: 60
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from scrapy.http import Request, Response

from crawlers.errors import BadPage
from crawlers.parsing import gov_board as gb
from crawlers.spiders import register
from crawlers.spiders.base import TingfengSpider
from crawlers.tickets import Ticket


@register
class GovBoardSpider(TingfengSpider):
    name = "gov_board"
    kind = "gov_board"
    platform = gb.PLATFORM
    obey_robots = False  # JSON API
    required_params = ("api_base", "fid", "app_code")
    default_params = {
        "rows": 10,
        "type_id": 5,
        "max_pages": 5,
        "since_days": 30,
        "follow_days": 60,
    }
    custom_settings = {
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "application/json, text/plain, */*",
            "Content-Type": "application/json;charset=UTF-8",
            "Accept-Language": "zh-CN",
        }
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api = str(self.params.get("api_base") or "https://liuyan.example").rstrip("/")
        self.web = str(self.params.get("web_base") or self.api).rstrip("/")
        self.fid = str(self.params.get("fid") or "")
        self.app_code = str(self.params.get("app_code") or "")
        self.claimed: set[str] = set()

    async def start(self) -> Any:
        for run in self.open_stream(f"board:{self.fid}"):
            run.info = {"board": self.fid}
            yield self.list_request(run, run.seg.cursor or "")
        for req in self.follow_ups():
            yield req

    def _post(self, path: str, param: dict, **kw: Any) -> Request:
        return Request(
            self.api + path,
            method="POST",
            body=gb.body(path, param, self.app_code),
            dont_filter=True,
            **kw,
        )

    def list_request(self, run: Any, cursor: Any) -> Request:
        param = gb.list_param(
            self.fid,
            cursor or "",
            int(self.params.get("rows", 10)),
            int(self.params.get("type_id", 5)),
        )
        return self._post(
            gb.LIST_PATH,
            param,
            callback=self.parse_list,
            errback=self.list_errback,
            meta={"tf_seg": run, "tf_cursor": cursor, "tf_expect": "json"},
        )

    def detail_request(self, ticket: Ticket | None, tid: str, state: dict | None = None) -> Request:
        req = self._post(
            gb.DETAIL_PATH,
            gb.detail_param(tid),
            callback=self.parse_detail,
            meta={
                "tf_tid": tid,
                "tf_expect": "json",
                "tf_state": state if state is not None else {},
            },
        )
        return self.unit(ticket, req)

    def block_reason(self, response: Response, request: Request) -> str | None:
        try:
            return gb.block_reason(self.json_of(response))
        except BadPage:
            return None

    # --- list ---------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Any]:
        run = response.meta.get("tf_seg") or self.adhoc_run("contract")
        try:
            page = gb.parse_list(self.json_of(response), self.now)
        except BadPage as exc:
            yield from self.list_failed(response, run, exc.reason, None)
            return
        self.bad_items(response.url, page.problems)
        keys = [m.key for m in page.messages]
        times = [m.published for m in page.messages if m.published]
        rows = int(self.params.get("rows", 10))
        next_cursor = page.messages[-1].tid if page.messages else None
        finished = (
            len(page.messages) < rows
            or next_cursor is None
            or run.seg.reached(keys)
            or bool(times and min(times) < self.horizon)
        )
        ticket = run.page(next_cursor, keys, finished)
        for m in page.messages:
            covered = run.seg.stop is not None and m.key is not None and m.key <= run.seg.stop
            if covered or (m.published is not None and m.published < self.horizon):
                continue
            if m.tid in self.claimed:
                continue
            stored = self.ctx.seen(self.platform, m.tid)
            waiting = self.ctx.checkpoints.get(f"open:{m.tid}") is not None
            if stored and not (waiting and m.answered):
                self.stat("skipped_known")
                continue
            self.claimed.add(m.tid)
            state, done = self._after_detail(m.tid)
            child = ticket.child(label=m.tid, on_done=done)
            yield self.detail_request(child, m.tid, state)
            child.seal()
        ticket.seal()
        if self.more_pages(run, finished):
            yield self.list_request(run, next_cursor)

    # --- details ------------------------------------------------------------------------

    def _after_detail(self, tid: str) -> tuple[dict[str, Any], Any]:
        """(state, on_done): once a message's posts are stored, remember it while it waits
        for an answer; the detail callback fills ``state["answered"]``."""
        state: dict[str, Any] = {}
        ckpt = self.ctx.checkpoints

        def done() -> None:
            answered = state.get("answered")
            if answered is None:
                return
            key = f"open:{tid}"
            if answered:
                if ckpt.get(key) is not None:
                    ckpt.delete(key)
            elif ckpt.get(key) is None:
                ckpt.set(key, {"since": self.now.isoformat()})

        return state, done

    def follow_ups(self) -> Iterator[Request]:
        """Detail requests for messages still waiting for an answer."""
        ckpt = self.ctx.checkpoints
        limit = self.now - timedelta(days=float(self.params.get("follow_days", 60)))
        for key, value in ckpt.items("open:").items():
            tid = key.split(":", 1)[1]
            since = datetime.fromisoformat(str((value or {}).get("since") or self.now.isoformat()))
            if since < limit:
                ckpt.delete(key)
                continue
            if tid in self.claimed:
                continue
            self.claimed.add(tid)
            self.stat("follow_ups")
            state, done = self._after_detail(tid)
            ticket = Ticket(on_done=done, label=f"follow:{tid}")
            yield self.detail_request(ticket, tid, state)
            ticket.seal()

    def parse_detail(self, response: Response) -> Iterator[Any]:
        """A message with its official replies.

        @fixture gov_board/detail_contract.json
        @meta {"tf_tid": "7100015"}
        @returns items 2 2
        @scrapes id platform url text published_at
        """
        return self.guarded(response, self._detail)

    def _detail(self, response: Response) -> Iterator[Any]:
        ticket: Ticket | None = response.meta.get("tf_ticket")
        tid = str(response.meta.get("tf_tid"))
        d = gb.parse_detail(self.json_of(response), tid, self.web, self.now)
        self.bad_items(response.url, d.problems)
        response.meta.setdefault("tf_state", {})["answered"] = d.answered
        if d.message is not None and not self.ctx.seen(self.platform, d.message["id"]):
            yield self.emit(ticket, d.message)
        for r in d.replies:
            if not self.ctx.seen(self.platform, r["id"]):
                yield self.emit(ticket, r)
