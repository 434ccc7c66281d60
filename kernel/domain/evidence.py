"""Recognising a post that fulfils an obligation (an official release or press conference).

A post counts only when an official body published it (the author's name ends like a
government organ or its release channel) and it reads as a release: a 通报, 回应, 辟谣,
答复, 续报, a message-board reply, or a press-conference announcement. A news report by a
county outlet about the incident itself is not the government's response.
"""

from __future__ import annotations

import re

from kernel.domain.records import PostRecord

_OFFICIAL_AUTHOR = re.compile(r"(局|政府|人民政府办公室|办公室|宣传部|网信办|指挥部|派出所|融媒|融媒体中心|发布|公安|卫健委)$")
_RELEASE = re.compile(r"(情况通报|通报|情况说明|权威发布|回应|辟谣|不实|答复|声明|续报|答网民问)")
_PRESS = re.compile(r"(新闻发布会|发布会).{0,12}(召开|举行|举办)|(召开|举行|举办).{0,12}(新闻发布会|发布会)")


def is_official(rec: PostRecord) -> bool:
    author = (rec.post.author or "").strip()
    return bool(_OFFICIAL_AUTHOR.search(author))


def obligation_kinds_met(rec: PostRecord) -> list[str]:
    """Which obligation kinds this post is evidence for (possibly none)."""
    if not is_official(rec):
        return []
    p = rec.post
    text = rec.normalized
    kinds: list[str] = []
    board_reply = p.platform == "gov_board" and (p.title or "").startswith(("回复", "答复"))
    if board_reply or _RELEASE.search(text):
        kinds += ["authoritative_release", "response"]
    if _PRESS.search(text):
        kinds += ["press_conference", "authoritative_release", "response"]
    return list(dict.fromkeys(kinds))
