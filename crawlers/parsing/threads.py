"""Shapes shared by thread-based sources (Discuz! forums, Baidu Tieba): a thread list page,
a page of posts in a thread, and their conversion into contract posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawlers.parsing.common import iso


@dataclass
class ThreadRef:
    """A thread as a list page shows it."""

    tid: str
    title: str
    url: str
    author: str | None = None
    created: datetime | None = None
    last_post: datetime | None = None
    replies: int | None = None
    views: int | None = None
    sticky: bool = False

    @property
    def key(self) -> int | None:
        """Ordering key of the list (last reply time, newest first)."""
        return int(self.last_post.timestamp()) if self.last_post else None


@dataclass
class ThreadListPage:
    threads: list[ThreadRef] = field(default_factory=list)
    page: int = 1
    total_pages: int | None = None
    has_next: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass
class ThreadPost:
    pid: str
    published: datetime
    text: str
    author: str | None = None
    floor: int | None = None
    ip_location: str | None = None
    likes: int | None = None


@dataclass
class ThreadPage:
    tid: str
    subject: str
    posts: list[ThreadPost] = field(default_factory=list)
    page: int = 1
    total_pages: int = 1
    replies: int | None = None
    views: int | None = None
    problems: list[str] = field(default_factory=list)


def thread_posts(
    platform: str,
    site: str,
    page: ThreadPage,
    *,
    thread_url: str,
    post_url: Any,
    board: str | None = None,
) -> list[dict]:
    """Posts of one thread page in the contract's shape. The opening post (floor 1) is the
    thread itself, id ``{site}:t{tid}``, with the title; replies are ``{site}:p{pid}`` and name
    the thread in ``reply_to``."""
    out = []
    thread_id = f"{site}:t{page.tid}"
    for p in page.posts:
        first = p.floor == 1
        post: dict[str, Any] = {
            "id": thread_id if first else f"{site}:p{p.pid}",
            "platform": platform,
            "url": thread_url if first else post_url(p.pid),
            "title": page.subject if first else None,
            "text": p.text,
            "author": p.author,
            "published_at": iso(p.published),
            "thread_id": page.tid,
            "post_id": p.pid,
            "site": site,
        }
        if p.floor is not None:
            post["floor"] = p.floor
        if board:
            post["board"] = board
        if not first:
            post["reply_to"] = thread_id
            post["thread_title"] = page.subject
        m = {}
        if first and page.replies is not None:
            m["comments"] = page.replies
        if first and page.views is not None:
            m["views"] = page.views
        if p.likes is not None:
            m["likes"] = p.likes
        if m:
            post["metrics"] = m
        if p.ip_location:
            post["ip_location"] = p.ip_location
        out.append(post)
    return out
