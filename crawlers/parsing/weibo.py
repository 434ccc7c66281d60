"""m.weibo.cn JSON API: search and user-timeline card lists, long text, comments.

Shapes (as the mobile site serves them):

* ``api/container/getIndex?containerid=100103type%3D61%26q%3D…&page_type=searchall&page=N``
  (real-time search; ``type=1`` is the mixed search) and
  ``api/container/getIndex?type=uid&value=UID&containerid=107603UID&since_id=…`` (timeline):
  ``{"ok":1,"data":{"cardlistInfo":{"page":2,"since_id":…},"cards":[{"card_type":9,"mblog":{…}},
  {"card_type":11,"card_group":[{"card_type":9,"mblog":{…}}, …]}]}}``; ``{"ok":0,"msg":"这里还没有内容"}``
  past the end; ``{"ok":-100,"url":"https://passport.weibo.cn/…"}`` when a login is demanded.
* ``statuses/extend?id=MID``: ``{"ok":1,"data":{"longTextContent":"…html…", "reposts_count":…}}``.
* ``comments/hotflow?id=MID&mid=MID&max_id_type=0[&max_id=…]``:
  ``{"ok":1,"data":{"data":[comment…],"max_id":…,"max_id_type":0}}``; max_id 0 = last page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from crawlers.errors import BadPage
from crawlers.parsing.common import (
    as_dict,
    as_list,
    html_to_text,
    iso,
    metrics,
    parse_cn_datetime,
    sub,
    to_int,
    to_str,
)

PLATFORM = "weibo"
WEB = "https://weibo.com"
MOBILE = "https://m.weibo.cn"
SEARCH_REALTIME = "61"
SEARCH_MIXED = "1"

_FULLTEXT = re.compile(r"\s*(?:\.\.\.|…)?\s*全文\s*$")
_REGION = re.compile(r"^\s*(?:发布于|来自)\s*")


# --- URLs -------------------------------------------------------------------------------


def search_url(base: str, keyword: str, search_type: str = SEARCH_REALTIME, page: int = 1) -> str:
    containerid = quote(f"100103type={search_type}&q={keyword}", safe="")
    url = f"{base}/api/container/getIndex?containerid={containerid}&page_type=searchall"
    return url if page <= 1 else f"{url}&page={page}"


def timeline_url(base: str, uid: str, since_id: Any = None) -> str:
    url = f"{base}/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}"
    return url if not since_id else f"{url}&since_id={since_id}"


def extend_url(base: str, mid: str) -> str:
    return f"{base}/statuses/extend?id={mid}"


def hotflow_url(base: str, mid: str, max_id: Any = None, max_id_type: Any = 0) -> str:
    url = f"{base}/comments/hotflow?id={mid}&mid={mid}&max_id_type={max_id_type or 0}"
    return url if not max_id else f"{url}&max_id={max_id}"


# --- dates ------------------------------------------------------------------------------


def parse_created_at(value: Any, now: datetime) -> datetime | None:
    """``Wed Oct 19 23:44:36 +0800 2022`` or the relative forms (刚刚, 5分钟前, 2小时前,
    昨天 12:30, 10-19, 2021-10-19)."""
    s = to_str(value)
    if not s:
        return None
    s = s.strip()
    if len(s) > 20 and s[:3].isalpha():
        try:
            return datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y")
        except ValueError:
            return None
    return parse_cn_datetime(s, now)


# --- card lists -------------------------------------------------------------------------


@dataclass
class CardsPage:
    """One page of a card list: the mblogs on it and where the next page is."""

    mblogs: list[dict] = field(default_factory=list)
    end: bool = False  # ok == 0: nothing (more) here
    page: int | None = None  # cardlistInfo.page: the next page number (search)
    since_id: str | None = None  # cardlistInfo.since_id: the next cursor (timeline)
    message: str | None = None


def block_reason(obj: Any) -> str | None:
    """Why an API answer means "blocked / log in first", or None."""
    if not isinstance(obj, dict):
        return None
    ok = obj.get("ok")
    if ok == -100 or (isinstance(obj.get("url"), str) and "passport.weibo" in obj["url"]):
        return "需要登录（ok=-100）"
    msg = str(obj.get("msg") or "")
    if ok in (0, "0") and any(w in msg for w in ("频繁", "验证", "登录")):
        return f"接口拒绝：{msg}"
    return None


def iter_mblogs(cards: list) -> list[dict]:
    """Every mblog of card_type 9 on a page, including those nested in card_group."""
    out: list[dict] = []
    stack = list(reversed(cards))
    while stack:
        card = stack.pop()
        if not isinstance(card, dict):
            continue
        if card.get("card_type") in (9, "9") and isinstance(card.get("mblog"), dict):
            out.append(card["mblog"])
        group = card.get("card_group")
        if isinstance(group, list):
            stack.extend(reversed(group))
    return out


def parse_cards(obj: Any) -> CardsPage:
    obj = as_dict(obj, "微博接口响应")
    ok = obj.get("ok")
    if ok in (0, "0"):
        return CardsPage(end=True, message=to_str(obj.get("msg")))
    if ok not in (1, "1"):
        raise BadPage(f"微博接口返回异常状态 ok={ok!r}")
    data = as_dict(obj.get("data"), "data")
    cards = as_list(data.get("cards"), "data.cards")
    info = sub(data, "cardlistInfo")
    page = to_int(info.get("page"))
    since = to_str(info.get("since_id")) or None
    mblogs = iter_mblogs(cards)
    return CardsPage(mblogs=mblogs, end=not cards, page=page, since_id=since)


def is_pinned(mblog: dict) -> bool:
    title = sub(mblog, "title")
    return bool(mblog.get("isTop")) or title.get("text") == "置顶" or mblog.get("mblogtype") == 2


def mblog_key(mblog: dict) -> int | None:
    return to_int(mblog.get("id") or mblog.get("mid"))


def _user(mblog: dict) -> dict:
    return mblog["user"] if isinstance(mblog.get("user"), dict) else {}


def mblog_url(mblog: dict) -> str:
    mid = to_str(mblog.get("id") or mblog.get("mid"))
    uid = to_str(_user(mblog).get("id"))
    bid = to_str(mblog.get("bid") or mblog.get("mblogid"))
    if uid and bid:
        return f"{WEB}/{uid}/{bid}"
    return f"{MOBILE}/detail/{mid}"


def region(value: Any) -> str | None:
    s = to_str(value)
    if not s:
        return None
    s = _REGION.sub("", s).strip()
    return s or None


def clean_text(html: str | None, long_text: bool) -> str:
    text = html_to_text(html)
    if long_text:
        text = _FULLTEXT.sub("", text)
    return text


def mblog_post(mblog: dict, now: datetime) -> dict:
    """One mblog → a post in the contract's shape (without the retweeted original).
    Raises BadPage when required fields are missing."""
    mid = to_str(mblog.get("id") or mblog.get("mid"))
    if not mid:
        raise BadPage("微博缺少 id")
    created = parse_created_at(mblog.get("created_at"), now)
    if created is None:
        raise BadPage(f"无法解析微博 {mid} 的发布时间：{mblog.get('created_at')!r}")
    user = _user(mblog)
    long_text = bool(mblog.get("isLongText"))
    text = clean_text(mblog.get("text"), long_text)
    extra: dict[str, Any] = {"mid": mid}
    for src, dst in (("bid", "bid"), ("source", "client")):
        if to_str(mblog.get(src)):
            extra[dst] = to_str(mblog.get(src))
    if to_str(user.get("id")):
        extra["uid"] = to_str(user.get("id"))
    if long_text:
        extra["long_text"] = True
    rt = mblog.get("retweeted_status")
    if isinstance(rt, dict) and to_str(rt.get("id") or rt.get("mid")):
        extra["repost_of"] = {
            "platform": PLATFORM,
            "id": to_str(rt.get("id") or rt.get("mid")),
            "url": mblog_url(rt),
        }
    post = {
        "id": mid,
        "platform": PLATFORM,
        "url": mblog_url(mblog),
        "title": None,
        "text": text,
        "author": to_str(user.get("screen_name")),
        "published_at": iso(created),
        "metrics": metrics(
            reposts=mblog.get("reposts_count"),
            comments=mblog.get("comments_count"),
            likes=mblog.get("attitudes_count"),
        ),
        "ip_location": region(mblog.get("region_name")),
        **extra,
    }
    return {k: v for k, v in post.items() if v is not None or k == "title"}


def retweeted_original(mblog: dict) -> dict | None:
    """The original a repost points to, when it is still visible (deleted originals have no user)."""
    rt = mblog.get("retweeted_status")
    if not isinstance(rt, dict) or not isinstance(rt.get("user"), dict):
        return None
    if not to_str(rt.get("id") or rt.get("mid")) or not rt.get("created_at"):
        return None
    return rt


def parse_long_text(obj: Any) -> tuple[str, dict[str, int]]:
    """statuses/extend → (plain full text, fresh metrics)."""
    obj = as_dict(obj, "长微博接口响应")
    if obj.get("ok") not in (1, "1"):
        raise BadPage(f"长微博接口返回 ok={obj.get('ok')!r}")
    data = as_dict(obj.get("data"), "data")
    content = data.get("longTextContent")
    if not isinstance(content, str) or not content.strip():
        raise BadPage("长微博缺少 longTextContent")
    return html_to_text(content), metrics(
        reposts=data.get("reposts_count"),
        comments=data.get("comments_count"),
        likes=data.get("attitudes_count"),
    )


@dataclass
class CommentsPage:
    comments: list[dict]
    max_id: int
    max_id_type: int


def parse_comments(obj: Any, mid: str, now: datetime) -> tuple[CommentsPage, list[str]]:
    """comments/hotflow → (page, problems). Each comment becomes a post whose ``reply_to``
    names the mblog; broken comments are skipped and reported in problems."""
    obj = as_dict(obj, "评论接口响应")
    if obj.get("ok") in (0, "0"):
        return CommentsPage([], 0, 0), []
    if obj.get("ok") not in (1, "1"):
        raise BadPage(f"评论接口返回 ok={obj.get('ok')!r}")
    data = as_dict(obj.get("data"), "data")
    problems: list[str] = []
    posts = []
    for c in as_list(data.get("data"), "data.data"):
        if not isinstance(c, dict):
            problems.append("评论不是对象")
            continue
        cid = to_str(c.get("id") or c.get("mid"))
        created = parse_created_at(c.get("created_at"), now)
        if not cid or created is None:
            problems.append(f"评论缺少 id 或时间：{c.get('id')!r}")
            continue
        user = sub(c, "user")
        post = {
            "id": f"comment-{cid}",
            "platform": PLATFORM,
            "url": f"{MOBILE}/detail/{mid}?cid={cid}",
            "title": None,
            "text": html_to_text(c.get("text")),
            "author": to_str(user.get("screen_name")),
            "published_at": iso(created),
            "metrics": metrics(
                likes=c.get("like_count")
                if c.get("like_count") is not None
                else c.get("like_counts")
            ),
            "ip_location": region(c.get("source")),
            "kind": "comment",
            "reply_to": mid,
        }
        posts.append({k: v for k, v in post.items() if v is not None or k == "title"})
    return CommentsPage(
        posts, to_int(data.get("max_id")) or 0, to_int(data.get("max_id_type")) or 0
    ), problems
