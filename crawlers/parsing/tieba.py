"""Baidu Tieba client API (JSON): a bar's thread list and a thread's posts.

* ``c/f/frs/page`` (POST form: ``kw``, ``pn``, ``rn``, client fields and ``sign``) →
  ``{"error_code":"0","forum":{…},"page":{"current_page":1,"total_page":4,"has_more":1},
  "thread_list":[{"id","title","reply_num","view_num","create_time","last_time_int","is_top",
  "author":{"name_show"}}]}``
* ``c/f/pb/page`` (``kz`` = thread id, ``pn``, ``rn``) → ``{"error_code":"0","thread":{…},
  "page":{…},"post_list":[{"id","floor","time","author_id","content":[{"type","text"}]}],
  "user_list":[{"id","name_show","ip_address"}]}``

The ``sign`` is MD5 over the sorted ``key=value`` pairs followed by ``tiebaclient!!!``,
upper-case hex, as the Android client computes it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from crawlers.errors import BadPage
from crawlers.parsing.common import (
    as_dict,
    as_list,
    from_epoch,
    html_to_text,
    sub,
    to_int,
    to_str,
)
from crawlers.parsing.threads import ThreadListPage, ThreadPage, ThreadPost, ThreadRef

PLATFORM = "tieba"
WEB = "https://tieba.baidu.com"
SIGN_SALT = "tiebaclient!!!"
CLIENT = {"_client_type": "2", "_client_version": "12.25.1.0"}
BLOCK_CODES = {
    "220034",
    "340016",
    "1990055",
    "4",
}  # too frequent / need verification / not logged in


def sign(params: dict[str, Any]) -> str:
    raw = "".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
    return hashlib.md5((raw + SIGN_SALT).encode("utf-8")).hexdigest().upper()


def signed_form(**params: Any) -> dict[str, str]:
    form = {**CLIENT, **{k: str(v) for k, v in params.items()}}
    form["sign"] = sign(form)
    return form


def thread_url(web: str, tid: str) -> str:
    return f"{web}/p/{tid}"


def post_url(web: str, tid: str, pid: str) -> str:
    return f"{web}/p/{tid}?pid={pid}#{pid}"


def block_reason(obj: Any) -> str | None:
    if isinstance(obj, dict) and str(obj.get("error_code", "0")) in BLOCK_CODES:
        return f"贴吧接口拒绝（{obj.get('error_code')}：{obj.get('error_msg') or ''}）"
    return None


def _check(obj: Any) -> dict:
    obj = as_dict(obj, "贴吧接口响应")
    code = str(obj.get("error_code", ""))
    if code != "0":
        raise BadPage(f"贴吧接口错误 {code or '（缺少 error_code）'}：{obj.get('error_msg') or ''}")
    return obj


def content_text(parts: Any) -> str:
    """A post's ``content`` array → text: text/link/@mention/emoticon segments kept."""
    if isinstance(parts, str):
        return html_to_text(parts)
    out = []
    for p in as_list(parts, "content"):
        if not isinstance(p, dict):
            continue
        kind = str(p.get("type", "0"))
        if kind == "2":  # emoticon: c holds its name
            name = to_str(p.get("c"))
            out.append(f"[{name}]" if name else "")
        elif kind in ("3", "5", "10", "20"):  # picture, video, voice, meme picture
            continue
        else:
            out.append(to_str(p.get("text")) or "")
    return html_to_text("".join(out))


def _abstract(t: dict) -> str:
    ab = t.get("abstract")
    if isinstance(ab, list):
        return content_text(ab)
    return to_str(ab) or ""


def parse_frs(obj: Any, web: str, now: datetime, page: int = 1) -> ThreadListPage:
    obj = _check(obj)
    out = ThreadListPage(page=page)
    for t in as_list(obj.get("thread_list"), "thread_list"):
        if not isinstance(t, dict):
            continue
        tid = to_str(t.get("tid") or t.get("id"))
        if not tid:
            out.problems.append("主题缺少 id")
            continue
        author = sub(t, "author")
        created = from_epoch(t.get("create_time"))
        out.threads.append(
            ThreadRef(
                tid=tid,
                title=html_to_text(to_str(t.get("title")) or "") or _abstract(t)[:30],
                url=thread_url(web, tid),
                author=to_str(author.get("name_show") or author.get("name")) or None,
                created=created,
                last_post=from_epoch(t.get("last_time_int")) or created,
                replies=to_int(t.get("reply_num")),
                views=to_int(t.get("view_num")),
                sticky=str(t.get("is_top", "0")) not in ("0", "", "None"),
            )
        )
    pg = sub(obj, "page")
    out.total_pages = to_int(pg.get("total_page"))
    out.has_next = str(pg.get("has_more", "0")) == "1"
    return out


def parse_pb(obj: Any, tid: str, now: datetime, page: int = 1) -> ThreadPage:
    obj = _check(obj)
    thread = sub(obj, "thread")
    users = {}
    for u in as_list(obj.get("user_list"), "user_list"):
        if isinstance(u, dict) and to_str(u.get("id")):
            users[to_str(u["id"])] = u
    pg = sub(obj, "page")
    out = ThreadPage(
        tid=tid,
        subject=html_to_text(to_str(thread.get("title")) or ""),
        page=page,
        total_pages=to_int(pg.get("total_page")) or page,
        replies=to_int(thread.get("reply_num")),
        views=to_int(thread.get("view_num")),
    )
    for p in as_list(obj.get("post_list"), "post_list"):
        if not isinstance(p, dict) or not to_str(p.get("id")):
            out.problems.append("帖子缺少 id")
            continue
        pid = to_str(p["id"]) or ""
        published = from_epoch(p.get("time"))
        text = content_text(p.get("content"))
        if published is None or not text:
            out.problems.append(f"帖子 {pid} 缺少时间或正文")
            continue
        user = users.get(to_str(p.get("author_id")) or "", {})
        author = sub(p, "author")
        out.posts.append(
            ThreadPost(
                pid=pid,
                published=published,
                text=text,
                author=to_str(user.get("name_show") or user.get("name") or author.get("name_show"))
                or None,
                floor=to_int(p.get("floor")),
                ip_location=to_str(user.get("ip_address")) or None,
                likes=to_int((p.get("agree") or {}).get("agree_num"))
                if isinstance(p.get("agree"), dict)
                else None,
            )
        )
    if not out.subject and out.posts:
        out.subject = out.posts[0].text[:30]
    return out
