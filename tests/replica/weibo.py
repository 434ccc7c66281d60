"""Replica of m.weibo.cn: getIndex (search type 61 / type 1, user timeline), statuses/extend,
comments/hotflow, and the visitor/captcha page blocked clients get."""

from __future__ import annotations

import json
from pathlib import Path

from replica import data
from replica.server import Reply, Req, Site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE = 10


def mblog_json(m: data.Mblog) -> dict:
    d = {
        "visible": {"type": 0, "list_id": 0},
        "created_at": m.created_at,
        "id": str(m.mid),
        "mid": str(m.mid),
        "bid": m.bid,
        "can_edit": False,
        "show_additional_indication": 0,
        "text": m.html(),
        "textLength": len(m.text) * 2,
        "source": "iPhone客户端" if m.mid % 2 else "微博 weibo.com",
        "favorited": False,
        "pic_ids": [],
        "is_paid": False,
        "mblog_vip_type": 0,
        "user": {
            "id": int(m.uid),
            "screen_name": m.name,
            "profile_url": f"https://m.weibo.cn/u/{m.uid}?uid={m.uid}&luicode=10000011&lfid=100103",
            "verified": m.uid == "2803301701",
            "verified_type": 1 if m.uid == "2803301701" else -1,
            "followers_count": "1.2万" if m.uid == "2803301701" else 321,
            "gender": "m",
        },
        "reposts_count": m.reposts if m.reposts < 10000 else "1万+",
        "comments_count": m.comments,
        "reprint_cmt_count": 0,
        "attitudes_count": m.likes,
        "pending_approval_count": 0,
        "isLongText": m.long_text,
        "mlevel": 0,
        "mblogtype": 2 if m.pinned else 0,
        "more_info_type": 0,
        "content_auth": 0,
        "pic_num": 0,
    }
    if m.region:
        d["region_name"] = f"发布于 {m.region}"
    if m.pinned:
        d["isTop"] = 1
        d["title"] = {"text": "置顶", "base_color": 1}
    if m.retweet_of is not None:
        d["retweeted_status"] = mblog_json(m.retweet_of)
    return d


class WeiboSite(Site):
    def __init__(self) -> None:
        super().__init__()
        self.search_posts = data.weibo_search_posts()
        self.timeline = data.weibo_timeline_posts()
        self.by_mid = {m.mid: m for m in self.search_posts + self.timeline}
        for m in self.search_posts:
            if m.retweet_of:
                self.by_mid[m.retweet_of.mid] = m.retweet_of
        self.visitor_page = (FIXTURES / "weibo" / "visitor.html").read_text(encoding="utf-8")

    def publish(self, m: data.Mblog) -> None:
        """A new post appears at the top of the search results."""
        with self.lock:
            self.search_posts.insert(0, m)
            self.by_mid[m.mid] = m

    # routes -----------------------------------------------------------------------------

    def route(self, req: Req) -> Reply:
        if req.path == "/api/container/getIndex":
            return self.get_index(req)
        if req.path == "/statuses/extend":
            return self.extend(req)
        if req.path == "/comments/hotflow":
            return self.hotflow(req)
        if req.path.startswith("/visitor"):
            return Reply(200, self.visitor_page, content_type="text/html; charset=utf-8")
        return Reply(404, json.dumps({"ok": 0, "msg": "not found"}))

    @staticmethod
    def ok(payload: dict) -> Reply:
        return Reply(
            200,
            json.dumps(payload, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )

    def get_index(self, req: Req) -> Reply:
        cid = req.query.get("containerid", "")
        if cid.startswith("100103"):
            params = dict(p.split("=", 1) for p in cid[len("100103") :].split("&") if "=" in p)
            kw = params.get("q", "")
            stype = params.get("type", "1")
            posts = [m for m in self.search_posts if kw in m.text or kw == "云岭"]
            page = int(req.query.get("page") or 1)
            return self.search_page(posts, page, stype, cid)
        if cid.startswith("107603"):
            return self.timeline_page(req.query.get("since_id"))
        return self.ok({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})

    def search_page(self, posts: list[data.Mblog], page: int, stype: str, cid: str) -> Reply:
        chunk = posts[(page - 1) * PAGE : page * PAGE]
        if not chunk:
            return self.ok({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        cards: list[dict] = []
        if page == 1 and stype == "1":
            cards.append(
                {
                    "card_type": 11,
                    "card_group": [
                        {
                            "card_type": 10,
                            "user": {"id": 2803301701, "screen_name": "云岭发布"},
                            "desc1": "云岭县人民政府新闻办公室",
                        }
                    ],
                }
            )
        # real-time results wrap the first two statuses in a card_group (as the app does)
        cards.append(
            {
                "card_type": 11,
                "show_type": 1,
                "card_group": [
                    {"card_type": 9, "itemid": f"seqid:{m.mid}", "mblog": mblog_json(m)}
                    for m in chunk[:2]
                ],
            }
        )
        for m in chunk[2:]:
            cards.append(
                {
                    "card_type": 9,
                    "itemid": f"{cid}_-_{m.mid}",
                    "scheme": f"https://m.weibo.cn/status/{m.bid}",
                    "mblog": mblog_json(m),
                }
            )
        if page == 1:
            cards.append({"card_type": 58, "desc": "以下是实时发布的微博"})
        info = {
            "containerid": cid,
            "v_p": 42,
            "show_style": 1,
            "total": len(posts),
            "page": page + 1,
        }
        return self.ok({"ok": 1, "data": {"cardlistInfo": info, "cards": cards, "scheme": ""}})

    def timeline_page(self, since_id: str | None) -> Reply:
        posts = self.timeline
        start = 0
        if since_id:
            for i, m in enumerate(posts):
                if str(m.mid) == since_id:
                    start = i
                    break
            else:
                return self.ok({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        chunk = posts[start : start + PAGE]
        nxt = posts[start + PAGE].mid if start + PAGE < len(posts) else None
        info = {"containerid": "1076032803301701", "v_p": 42, "show_style": 1, "total": len(posts)}
        if nxt:
            info["since_id"] = nxt
        cards = [
            {"card_type": 9, "itemid": f"1076032803301701_-_{m.mid}", "mblog": mblog_json(m)}
            for m in chunk
        ]
        return self.ok({"ok": 1, "data": {"cardlistInfo": info, "cards": cards}})

    def extend(self, req: Req) -> Reply:
        m = self.by_mid.get(int(req.query.get("id", "0") or 0))
        if m is None:
            return self.ok({"ok": 0, "msg": "微博不存在或暂无查看权限!"})
        content = m.text.replace("\n", "<br />")
        return self.ok(
            {
                "ok": 1,
                "data": {
                    "ok": 1,
                    "longTextContent": content,
                    "reposts_count": m.reposts,
                    "comments_count": m.comments,
                    "attitudes_count": m.likes,
                },
            }
        )

    def hotflow(self, req: Req) -> Reply:
        m = self.by_mid.get(int(req.query.get("id", "0") or 0))
        if m is None or not m.comment_list:
            return self.ok({"ok": 0, "msg": "快来发表你的评论吧"})
        start = int(req.query.get("max_id") or 0)
        chunk = m.comment_list[start : start + PAGE]
        nxt = start + PAGE if start + PAGE < len(m.comment_list) else 0
        comments = [
            {
                "created_at": data.weibo_absolute(c["time"]),
                "id": c["id"],
                "rootid": c["id"],
                "floor_number": start + j + 1,
                "text": c["text"],
                "disable_reply": 0,
                "user": {"id": int(c["uid"]), "screen_name": c["name"]},
                "like_count": c["likes"],
                "source": f"来自{c['region']}",
            }
            for j, c in enumerate(chunk)
        ]
        return self.ok(
            {
                "ok": 1,
                "data": {
                    "data": comments,
                    "total_number": len(m.comment_list),
                    "max_id": nxt,
                    "max_id_type": 0,
                },
            }
        )
