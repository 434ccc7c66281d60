"""Replica of a 领导留言板-style API: POST v1/threads/list/df (cursor lastItem) and
v1/threads/content (message with official replies), both signed."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from replica import data
from replica.server import Reply, Req, Site

APP_CODE = "PCyunling00000001"  # the replica's own (fictional) app code


def signature(path: str, param: str) -> str:
    salt = hashlib.md5(APP_CODE.encode()).hexdigest()[:16]
    return hashlib.md5((path + param + salt).encode()).hexdigest()


class GovBoardSite(Site):
    def __init__(self) -> None:
        super().__init__()
        self.messages = data.board_messages()

    def answer(self, tid: int, org: str, text: str, when: datetime) -> None:
        with self.lock:
            m = next(m for m in self.messages if m.tid == tid)
            m.replies.append({"org": org, "text": text, "time": when})

    @staticmethod
    def ok(payload: object) -> Reply:
        return Reply(
            200,
            json.dumps(
                {"resultCode": 200, "resultMsg": "success", "resultData": payload},
                ensure_ascii=False,
            ),
            content_type="application/json;charset=UTF-8",
        )

    def route(self, req: Req) -> Reply:
        if req.method != "POST":
            return Reply(405, json.dumps({"resultCode": 405, "resultMsg": "Method Not Allowed"}))
        try:
            envelope = json.loads(req.body.decode("utf-8"))
            param_s = envelope["param"]
            param = json.loads(param_s)
        except (ValueError, KeyError, TypeError):
            return Reply(
                200, json.dumps({"resultCode": 400, "resultMsg": "参数错误"}, ensure_ascii=False)
            )
        if envelope.get("appCode") != APP_CODE or envelope.get("signature") != signature(
            req.path, param_s
        ):
            return Reply(
                200,
                json.dumps({"resultCode": 401, "resultMsg": "签名验证失败"}, ensure_ascii=False),
            )
        if req.path == "/v1/threads/list/df":
            return self.list(param)
        if req.path == "/v1/threads/content":
            return self.content(param)
        return Reply(404, json.dumps({"resultCode": 404, "resultMsg": "Not Found"}))

    def list(self, param: dict) -> Reply:
        if str(param.get("fid")) != "539":
            return self.ok({"data": []})
        rows = int(param.get("rows") or 10)
        last = str(param.get("lastItem") or "")
        msgs = self.messages
        start = 0
        if last:
            start = next((i + 1 for i, m in enumerate(msgs) if str(m.tid) == last), len(msgs))
        chunk = msgs[start : start + rows]
        out = []
        for m in chunk:
            item = {
                "tid": m.tid,
                "title": m.title,
                "content": m.text[:40],
                "nickName": m.author,
                "dateline": int(m.time.timestamp()),
                "createDateline": int(m.time.timestamp()),
                "threadsCheckTime": int(m.time.timestamp()) + 600,
                "stateInfo": m.state,
                "domainName": m.domain,
                "typeName": m.category,
                "fid": 539,
                "forumName": "云岭县委书记",
            }
            if m.replies:
                item["lastAnswerTime"] = int(m.replies[-1]["time"].timestamp())
            out.append(item)
        return self.ok({"data": out})

    def content(self, param: dict) -> Reply:
        tid = int(param.get("tid") or 0)
        m = next((m for m in self.messages if m.tid == tid), None)
        if m is None:
            return Reply(
                200, json.dumps({"resultCode": 404, "resultMsg": "留言不存在"}, ensure_ascii=False)
            )
        entries = [
            {
                "contentType": 1,
                "content": m.text.replace("\n", "<br>"),
                "dateline": int(m.time.timestamp()),
                "nickName": m.author,
                "stateInfo": m.state,
                "domainName": m.domain,
                "typeName": m.category,
                "tags": [m.domain],
            }
        ]
        for r in m.replies:
            entries.append(
                {
                    "contentType": 2,
                    "content": r["text"],
                    "dateline": int(r["time"].timestamp()),
                    "organization": r["org"],
                }
            )
        return self.ok(
            {
                "tid": m.tid,
                "title": m.title,
                "fid": 539,
                "forumName": "云岭县委书记",
                "contentList": entries,
            }
        )
