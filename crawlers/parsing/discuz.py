"""Discuz! X forums: HTML thread lists and threads, and the mobile JSON API.

HTML (forum.php):

* ``forum.php?mod=forumdisplay&fid=F&page=N`` — ``table#threadlisttableid`` holds one
  ``tbody#normalthread_{tid}`` per thread (``stickthread_{tid}`` for sticky ones) with the
  title in ``a.s.xst``, the author and start date in the first ``td.by`` (``cite a``,
  ``em span`` — relative dates carry the absolute one in ``span@title``), replies/views in
  ``td.num`` and the last reply in the second ``td.by``; paging in ``div.pg``.
* ``forum.php?mod=viewthread&tid=T&page=N`` — ``span#thread_subject``; each post is a
  ``table#pid{pid}`` with the author in ``div.authi a.xw1``, the time in
  ``em#authorposton{pid}`` and the text in ``td.t_f#postmessage_{pid}``.
* Error pages come back with HTTP 200 and a ``div#messagetext``.

Mobile API: ``api/mobile/index.php?version=4&module=forumdisplay&fid=F&page=N`` and
``module=viewthread&tid=T&page=N``; the payload sits under ``Variables``
(``forum_threadlist``, ``thread``, ``postlist``), errors under ``Message``.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from parsel import Selector

from crawlers.errors import BadPage
from crawlers.parsing.common import (
    as_dict,
    as_list,
    from_epoch,
    html_to_text,
    parse_cn_datetime,
    sub,
    to_int,
    to_str,
)
from crawlers.parsing.threads import ThreadListPage, ThreadPage, ThreadPost, ThreadRef

PLATFORM = "forum"
_PAGES = re.compile(r"共\s*(\d+)\s*页")
_TID = re.compile(r"(?:normal|stick)thread_(\d+)")
_PID = re.compile(r"^pid(\d+)$")
_END_HTML = re.compile(r"</html\s*>\s*$", re.I)


def forumdisplay_url(base: str, fid: str, page: int = 1) -> str:
    return f"{base}/forum.php?mod=forumdisplay&fid={fid}&orderby=lastpost&page={page}"


def viewthread_url(base: str, tid: str, page: int = 1) -> str:
    url = f"{base}/forum.php?mod=viewthread&tid={tid}"
    return url if page <= 1 else f"{url}&page={page}"


def thread_url(base: str, tid: str) -> str:
    return f"{base}/forum.php?mod=viewthread&tid={tid}"


def post_url(base: str, tid: str, pid: str) -> str:
    return f"{base}/forum.php?mod=redirect&goto=findpost&ptid={tid}&pid={pid}"


def api_url(base: str, module: str, **params: Any) -> str:
    q = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base}/api/mobile/index.php?version=4&module={module}&{q}"


# --- error pages ------------------------------------------------------------------------


def page_message(sel: Selector) -> str | None:
    """The text of a Discuz! message page (``div#messagetext``), if this is one."""
    box = sel.css("#messagetext")
    if not box:
        return None
    return html_to_text(box.css("p").get() or box.get()) or "论坛返回了提示页"


def block_reason_html(text: str) -> str | None:
    """A message page that means we are blocked or must log in."""
    if "messagetext" not in text and "alert_error" not in text:
        return None
    msg = page_message(Selector(text=text)) or ""
    if "登录" in msg:
        return f"论坛要求登录：{msg[:60]}"
    if "频繁" in msg or "防御" in msg or "CC" in msg:
        return f"论坛限流：{msg[:60]}"
    return None


def _check_html(text: str, sel: Selector) -> None:
    msg = page_message(sel)
    if msg:
        raise BadPage(f"论坛提示页：{msg[:80]}")
    if not _END_HTML.search(text[-200:]):
        raise BadPage("页面不完整（HTML 被截断）")


def _date_of(node: Any, now: datetime) -> datetime | None:
    """A Discuz date node: ``<span title="2024-5-2 09:15">3 天前</span>`` or plain text."""
    title = node.css("span::attr(title)").get()
    if title:
        dt = parse_cn_datetime(title, now)
        if dt:
            return dt
    return parse_cn_datetime(html_to_text(node.get()), now)


def _total_pages(sel: Selector) -> int | None:
    label = " ".join(sel.css("div.pg label span::attr(title), div.pg label span::text").getall())
    m = _PAGES.search(label) or _PAGES.search(" ".join(sel.css("div.pg *::text").getall()))
    if m:
        return int(m.group(1))
    found = (to_int(t) for t in sel.css("div.pg a::text, div.pg strong::text").getall())
    nums = [n for n in found if n]
    return max(nums) if nums else None


# --- HTML -------------------------------------------------------------------------------


def parse_forumdisplay(text: str, base: str, now: datetime, page: int = 1) -> ThreadListPage:
    sel = Selector(text=text)
    _check_html(text, sel)
    bodies = sel.xpath(
        "//tbody[starts-with(@id,'normalthread_') or starts-with(@id,'stickthread_')]"
    )
    if not bodies and not sel.css("#threadlisttableid, #threadlist, .emp"):
        raise BadPage("不是论坛主题列表页（缺少 threadlisttableid）")
    out = ThreadListPage(page=page)
    for body in bodies:
        m = _TID.match(body.attrib.get("id", ""))
        if not m:
            continue
        tid = m.group(1)
        title = html_to_text(body.css("a.xst").get() or body.css("th a").get())
        if not title:
            out.problems.append(f"主题 {tid} 缺少标题")
            continue
        by = body.css("td.by")
        author = html_to_text(by[0].css("cite a").get()) if by else None
        created = _date_of(by[0].css("em"), now) if by else None
        last = _date_of(by[1].css("em"), now) if len(by) > 1 else None
        out.threads.append(
            ThreadRef(
                tid=tid,
                title=title,
                url=thread_url(base, tid),
                author=author or None,
                created=created,
                last_post=last or created,
                replies=to_int(body.css("td.num a::text").get()),
                views=to_int(body.css("td.num em::text").get()),
                sticky=body.attrib.get("id", "").startswith("stickthread_"),
            )
        )
    out.total_pages = _total_pages(sel)
    out.has_next = bool(sel.css("div.pg a.nxt")) or (out.total_pages or 1) > page
    return out


def _post_text(table: Selector, pid: str) -> str:
    node = table.xpath(f".//*[@id='postmessage_{pid}']")
    if not node:
        locked = table.css("div.locked").get()
        return html_to_text(locked) if locked else ""
    html = node.get() or ""
    # quoted text belongs to another post; edit notes and attachments are not the author's words
    for junk in node.css(
        "div.quote, i.pstatus, div.attach_nopermission, ignore_js_op, div.tip, script, style"
    ).getall():
        html = html.replace(junk, "\n")
    return html_to_text(html)


def parse_viewthread(text: str, tid: str, now: datetime, page: int = 1) -> ThreadPage:
    sel = Selector(text=text)
    _check_html(text, sel)
    subject = html_to_text(sel.css("#thread_subject").get())
    tables = sel.xpath("//table[starts-with(@id,'pid')]")
    if not subject or not tables:
        raise BadPage("不是论坛帖子页（缺少 thread_subject 或 pid 表格）")
    out = ThreadPage(tid=tid, subject=subject, page=page)
    for t in tables:
        m = _PID.match(t.attrib.get("id", ""))
        if not m:
            continue
        pid = m.group(1)
        when = t.xpath(f".//em[@id='authorposton{pid}']")
        published = _date_of(when, now) if when else None
        if published is None:
            out.problems.append(f"帖子 {pid} 缺少发表时间")
            continue
        body = _post_text(t, pid)
        if not body:
            out.problems.append(f"帖子 {pid} 没有正文")
            continue
        author = html_to_text(t.css("div.authi a.xw1").get() or t.css("td.pls .authi a").get())
        floor = to_int(t.xpath(f".//a[@id='postnum{pid}']/em/text()").get())
        out.posts.append(
            ThreadPost(pid=pid, published=published, text=body, author=author or None, floor=floor)
        )
    if page == 1 and out.posts and out.posts[0].floor is None:
        out.posts[0].floor = 1
    out.total_pages = _total_pages(sel) or page
    return out


# --- mobile API -------------------------------------------------------------------------


def _variables(obj: Any) -> dict:
    obj = as_dict(obj, "论坛接口响应")
    msg = obj.get("Message")
    if isinstance(msg, dict):
        val = str(msg.get("messageval") or "")
        if val and not val.endswith("_succeed") and val not in ("", "ok"):
            raise BadPage(f"论坛接口提示：{msg.get('messagestr') or val}")
    return as_dict(obj.get("Variables"), "Variables")


def block_reason_api(obj: Any) -> str | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("Message"), dict):
        return None
    val = str(obj["Message"].get("messageval") or "")
    if "login" in val or "to_login" in val:
        return f"论坛接口要求登录（{val}）"
    if "frequent" in val or "cc" == val:
        return f"论坛接口限流（{val}）"
    return None


def _api_date(obj: dict, epoch_key: str, text_key: str, now: datetime) -> datetime | None:
    dt = from_epoch(obj.get(epoch_key))
    if dt:
        return dt
    raw = to_str(obj.get(text_key))
    if raw:
        sel = Selector(text=f"<div>{raw}</div>")
        return _date_of(sel, now)
    return None


def parse_api_forumdisplay(obj: Any, base: str, now: datetime, page: int = 1) -> ThreadListPage:
    v = _variables(obj)
    out = ThreadListPage(page=page)
    for t in as_list(v.get("forum_threadlist"), "forum_threadlist"):
        if not isinstance(t, dict) or not to_str(t.get("tid")):
            out.problems.append("主题缺少 tid")
            continue
        tid = to_str(t["tid"]) or ""
        created = _api_date(t, "dbdateline", "dateline", now)
        out.threads.append(
            ThreadRef(
                tid=tid,
                title=html_to_text(to_str(t.get("subject")) or ""),
                url=thread_url(base, tid),
                author=to_str(t.get("author")) or None,
                created=created,
                last_post=_api_date(t, "dblastpost", "lastpost", now) or created,
                replies=to_int(t.get("replies")),
                views=to_int(t.get("views")),
                sticky=(to_int(t.get("displayorder")) or 0) > 0,
            )
        )
    forum = sub(v, "forum")
    tpp = to_int(v.get("tpp")) or 20
    total = to_int(forum.get("threads"))
    out.total_pages = math.ceil(total / tpp) if total else None
    out.has_next = (out.total_pages or 0) > page or len(out.threads) >= tpp
    return out


def parse_api_viewthread(obj: Any, tid: str, now: datetime, page: int = 1) -> ThreadPage:
    v = _variables(obj)
    thread = as_dict(v.get("thread"), "thread")
    subject = html_to_text(to_str(thread.get("subject")) or "")
    replies = to_int(thread.get("replies"))
    ppp = to_int(v.get("ppp")) or 10
    out = ThreadPage(
        tid=tid,
        subject=subject,
        page=page,
        replies=replies,
        views=to_int(thread.get("views")),
        total_pages=max(1, math.ceil(((replies or 0) + 1) / ppp)),
    )
    for p in as_list(v.get("postlist"), "postlist"):
        if not isinstance(p, dict) or not to_str(p.get("pid")):
            out.problems.append("帖子缺少 pid")
            continue
        pid = to_str(p["pid"]) or ""
        published = _api_date(p, "dbdateline", "dateline", now)
        text = html_to_text(to_str(p.get("message")) or "")
        if published is None or not text:
            out.problems.append(f"帖子 {pid} 缺少时间或正文")
            continue
        floor = to_int(p.get("number") or p.get("position"))
        if floor is None and str(p.get("first")) == "1":
            floor = 1
        out.posts.append(
            ThreadPost(
                pid=pid,
                published=published,
                text=text,
                author=to_str(p.get("author")) or None,
                floor=floor,
            )
        )
    return out
