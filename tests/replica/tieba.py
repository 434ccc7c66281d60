"""Replica of the Baidu Tieba client API: c/f/frs/page (thread list of a bar) and
c/f/pb/page (posts of a thread), signed POST forms, JSON answers."""

from __future__ import annotations

import hashlib
import json
import math

from replica import data
from replica.server import Reply, Req, Site


def sign_ok(form: dict[str, str]) -> bool:
    raw = "".join(f"{k}={form[k]}" for k in sorted(form) if k != "sign")
    return (
        hashlib.md5((raw + "tiebaclient!!!").encode("utf-8")).hexdigest().upper()
        == form.get("sign", "").upper()
    )


def content(text: str, j: int) -> list[dict]:
    parts = [{"type": "0", "text": text}]
    if j % 3 == 1:
        parts.append({"type": "2", "text": "image_emoticon25", "c": "滑稽"})
    if j % 4 == 2:
        parts.insert(0, {"type": "4", "text": "@云岭老张 ", "uid": "12345"})
    if j % 5 == 3:
        parts.append(
            {
                "type": "3",
                "src": "http://tiebapic.baidu.com/forum/pic/item/abc.jpg",
                "bsize": "640,480",
            }
        )
    return parts


def expected_text(text: str, j: int) -> str:
    out = text
    if j % 4 == 2:
        out = "@云岭老张 " + out
    if j % 3 == 1:
        out = out + "[滑稽]"
    return out


class TiebaSite(Site):
    def __init__(self) -> None:
        super().__init__()
        self.threads = data.tieba_threads()

    def route(self, req: Req) -> Reply:
        if req.method != "POST":
            return Reply(405, json.dumps({"error_code": "1", "error_msg": "method not allowed"}))
        form = req.form()
        if not sign_ok(form):
            return self.ok({"error_code": "110000", "error_msg": "sign error", "server_time": "1"})
        if req.path == "/c/f/frs/page":
            return self.frs(form)
        if req.path == "/c/f/pb/page":
            return self.pb(form)
        return Reply(404, json.dumps({"error_code": "1", "error_msg": "not found"}))

    @staticmethod
    def ok(obj: dict) -> Reply:
        return Reply(
            200, json.dumps(obj, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )

    def frs(self, form: dict[str, str]) -> Reply:
        if form.get("kw") != "云岭县":
            return self.ok({"error_code": "340001", "error_msg": "很抱歉，该吧尚未建立"})
        rn = int(form.get("rn") or 30)
        pn = int(form.get("pn") or 1)
        threads = sorted(self.threads, key=lambda t: t.last_post, reverse=True)
        total = max(1, math.ceil(len(threads) / rn))
        chunk = threads[(pn - 1) * rn : pn * rn]
        tl = [
            {
                "id": str(t.tid),
                "tid": str(t.tid),
                "title": t.subject,
                "reply_num": str(t.replies),
                "view_num": str(t.views),
                "last_time": f"{t.last_post:%H:%M}",
                "last_time_int": str(int(t.last_post.timestamp())),
                "create_time": str(int(t.created.timestamp())),
                "is_top": "0",
                "is_good": "0",
                "author": {
                    "id": str(900 + i),
                    "name": t.author,
                    "name_show": t.author,
                    "portrait": "tb.1.abc",
                },
                "abstract": [{"type": "0", "text": t.posts[0].text[:50]}],
                "first_post_id": str(t.posts[0].pid),
            }
            for i, t in enumerate(chunk)
        ]
        return self.ok(
            {
                "forum": {
                    "id": "1234567",
                    "name": "云岭县",
                    "member_num": "8812",
                    "post_num": "120034",
                },
                "page": {
                    "page_size": str(rn),
                    "offset": "0",
                    "current_page": str(pn),
                    "total_count": str(len(threads)),
                    "total_page": str(total),
                    "has_more": "1" if pn < total else "0",
                    "has_prev": "1" if pn > 1 else "0",
                },
                "thread_list": tl,
                "user_list": [],
                "error_code": "0",
                "time": 1,
                "ctime": 0,
                "logid": 1,
                "server_time": "1",
            }
        )

    def pb(self, form: dict[str, str]) -> Reply:
        tid = int(form.get("kz") or 0)
        t = next((t for t in self.threads if t.tid == tid), None)
        if t is None:
            return self.ok({"error_code": "4", "error_msg": "贴子可能已被删除"})
        rn = int(form.get("rn") or 30)
        pn = int(form.get("pn") or 1)
        total = max(1, math.ceil(len(t.posts) / rn))
        chunk = t.posts[(pn - 1) * rn : pn * rn]
        users = {}
        posts = []
        for p in chunk:
            uid = str(7_000_000 + data.NAMES.index(p.author))
            users[uid] = {
                "id": uid,
                "name": p.author,
                "name_show": p.author,
                "portrait": "tb.1.x",
                "ip_address": data.REGIONS[data.NAMES.index(p.author) % len(data.REGIONS)],
            }
            posts.append(
                {
                    "id": str(p.pid),
                    "title": "",
                    "floor": str(p.floor),
                    "time": str(int(p.time.timestamp())),
                    "content": content(p.text, p.floor),
                    "author_id": uid,
                    "sub_post_number": "0",
                    "agree": {"agree_num": str(p.floor % 7), "disagree_num": "0"},
                }
            )
        return self.ok(
            {
                "thread": {
                    "id": str(t.tid),
                    "title": t.subject,
                    "reply_num": str(t.replies),
                    "view_num": str(t.views),
                    "author": {"id": "1", "name": t.author},
                },
                "forum": {"id": "1234567", "name": "云岭县"},
                "page": {
                    "offset": "0",
                    "current_page": str(pn),
                    "total_page": str(total),
                    "has_more": "1" if pn < total else "0",
                    "has_prev": "1" if pn > 1 else "0",
                    "page_size": str(rn),
                },
                "post_list": posts,
                "user_list": list(users.values()),
                "error_code": "0",
                "server_time": "1",
            }
        )
