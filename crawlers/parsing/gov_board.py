"""Government message boards in the style of 人民网「领导留言板」: a signed JSON API.

* ``POST v1/threads/list/df`` with ``{"appCode","token","signature","param"}`` where
  ``param`` is a JSON string ``{"fid","showUnAnswer","typeId","lastItem","position","rows",
  "orderType"}``; ``lastItem`` is the cursor (tid of the last message of the previous page).
  Answer: ``{"resultCode":200,"resultData":{"data":[{"tid","title","content","nickName",
  "dateline","stateInfo","lastAnswerTime","domainName","typeName"}]}}``.
* ``POST v1/threads/content`` with ``param`` ``{"tid","fromTrash":0}`` →
  ``{"resultCode":200,"resultData":{"tid","title","forumName","contentList":[
  {"content","dateline","nickName","stateInfo"},                      # the message
  {"content","dateline","organization"} …]}}``                        # official replies

``signature`` = md5(path + param + md5(appCode)[:16]).
Both a message and each official reply become posts; a reply names its message in
``reply_to``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawlers.errors import BadPage
from crawlers.parsing.common import (
    as_dict,
    as_list,
    from_epoch,
    html_to_text,
    iso,
    parse_cn_datetime,
    to_int,
    to_str,
)

PLATFORM = "gov_board"
LIST_PATH = "/v1/threads/list/df"
DETAIL_PATH = "/v1/threads/content"
ANSWERED = ("已回复", "已办理", "已办结", "办结")


def sign(path: str, param: str, app_code: str) -> str:
    salt = hashlib.md5(app_code.encode("utf-8")).hexdigest()[:16]
    return hashlib.md5((path + param + salt).encode("utf-8")).hexdigest()


def body(path: str, param: dict[str, Any], app_code: str) -> str:
    p = json.dumps(param, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(
        {"appCode": app_code, "token": "", "signature": sign(path, p, app_code), "param": p},
        ensure_ascii=False,
    )


def list_param(fid: str, last_item: Any = "", rows: int = 10, type_id: int = 5) -> dict[str, Any]:
    return {
        "fid": str(fid),
        "showUnAnswer": 1,
        "typeId": type_id,
        "lastItem": str(last_item or ""),
        "position": "0",
        "rows": rows,
        "orderType": 2,
    }


def detail_param(tid: str) -> dict[str, Any]:
    return {"tid": str(tid), "fromTrash": 0}


def thread_url(web: str, tid: str) -> str:
    return f"{web}/threads/content?tid={tid}"


def block_reason(obj: Any) -> str | None:
    if isinstance(obj, dict) and to_int(obj.get("resultCode")) in (401, 403, 429, 1005):
        return f"留言板接口拒绝（{obj.get('resultCode')}：{obj.get('resultMsg') or ''}）"
    return None


def _result(obj: Any) -> Any:
    obj = as_dict(obj, "留言板接口响应")
    code = to_int(obj.get("resultCode"))
    if code != 200:
        raise BadPage(f"留言板接口错误 {obj.get('resultCode')!r}：{obj.get('resultMsg') or ''}")
    return obj.get("resultData")


def _time(value: Any, now: datetime) -> datetime | None:
    return from_epoch(value) or parse_cn_datetime(to_str(value), now)


@dataclass
class MessageRef:
    tid: str
    title: str
    published: datetime | None
    state: str | None
    answered: bool
    last_answer: datetime | None

    @property
    def key(self) -> int | None:
        return to_int(self.tid)


@dataclass
class ListPage:
    messages: list[MessageRef] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_list(obj: Any, now: datetime) -> ListPage:
    data = as_dict(_result(obj), "resultData")
    out = ListPage()
    for m in as_list(data.get("data"), "resultData.data"):
        if not isinstance(m, dict) or not to_str(m.get("tid")):
            out.problems.append("留言缺少 tid")
            continue
        state = to_str(m.get("stateInfo"))
        last = _time(m.get("lastAnswerTime"), now)
        out.messages.append(
            MessageRef(
                tid=to_str(m["tid"]) or "",
                title=html_to_text(to_str(m.get("title")) or ""),
                published=_time(m.get("dateline") or m.get("createDateline"), now),
                state=state,
                answered=bool(last) or any(w in (state or "") for w in ANSWERED),
                last_answer=last,
            )
        )
    return out


@dataclass
class Detail:
    message: dict | None
    replies: list[dict]
    answered: bool
    problems: list[str]


def parse_detail(obj: Any, tid: str, web: str, now: datetime) -> Detail:
    data = as_dict(_result(obj), "resultData")
    entries = as_list(data.get("contentList"), "contentList")
    if not entries:
        raise BadPage(f"留言 {tid} 没有内容（contentList 为空）")
    title = html_to_text(to_str(data.get("title")) or "")
    board = to_str(data.get("forumName"))
    url = thread_url(web, tid)
    problems: list[str] = []
    message = None
    replies = []
    state = None
    for e in entries:
        if not isinstance(e, dict):
            problems.append("contentList 项不是对象")
            continue
        when = _time(e.get("dateline"), now)
        text = html_to_text(to_str(e.get("content")) or "")
        if e.get("organization") or e.get("answerContent"):
            text = text or html_to_text(to_str(e.get("answerContent")) or "")
            if when is None or not text:
                problems.append(f"留言 {tid} 的回复缺少时间或内容")
                continue
            org = to_str(e.get("organization")) or None
            replies.append(
                {
                    "id": f"{tid}-reply-{int(when.timestamp())}",
                    "platform": PLATFORM,
                    "url": url,
                    "title": f"回复：{title}" if title else None,
                    "text": text,
                    "author": org,
                    "published_at": iso(when),
                    "reply_to": tid,
                    "official_reply": True,
                    "organization": org,
                    "board": board,
                }
            )
        elif message is None:
            if when is None or not (text or title):
                problems.append(f"留言 {tid} 缺少时间或内容")
                continue
            state = to_str(e.get("stateInfo"))
            message = {
                "id": tid,
                "platform": PLATFORM,
                "url": url,
                "title": title or None,
                "text": text,
                "author": to_str(e.get("nickName")) or None,
                "published_at": iso(when),
                "board": board,
                "state": state,
                "domain": to_str(e.get("domainName")) or to_str(data.get("domainName")),
                "category": to_str(e.get("typeName")) or to_str(data.get("typeName")),
            }
            message = {k: v for k, v in message.items() if v is not None or k == "title"}
    for r in replies:
        if r["board"] is None:
            del r["board"]
    answered = bool(replies) or any(w in (state or "") for w in ANSWERED)
    return Detail(message=message, replies=replies, answered=answered, problems=problems)
