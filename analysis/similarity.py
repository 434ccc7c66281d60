"""Cheap text similarity for grouping posts into events, and keywords for event titles.

``similarity`` is the cosine between character-bigram profiles (bigrams made only of
function characters such as 的了是 are ignored, those with one count for less),
raised when both posts carry the same #话题# or name the same configured place.
Posts retelling one event typically score 0.3–0.7; unrelated posts stay below 0.15.

``keywords`` ranks jieba words by TF-IDF (jieba's IDF table) with a stop list of
words every post about a county uses, hashtags first.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_HASHTAG = re.compile(r"#([^#\n]{1,40})#")
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@[\w\u4e00-\u9fff·-]{1,20}")
_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-z]+")
_FUNCTION_CHARS = set("的了是在我你他她它们这那有和就也都不人个一上下来去到说要会对与及或而被把让给从向很还又吧呢吗啊呀哦嘛")

TAG_BONUS = 0.4  # share of the remaining distance a common hashtag closes
PLACE_BONUS = 0.12

STOP_WORDS = set(
    "网友 记者 今天 昨天 前天 明天 今年 去年 目前 现在 已经 相关 有关 部门 工作 情况 问题 没有 我们 你们 他们 "
    "大家 一个 一些 这个 那个 这样 那样 什么 怎么 为什么 因为 所以 但是 而且 还是 就是 可以 不是 知道 觉得 "
    "视频 微博 转发 评论 点赞 发布 网传 听说 据说 消息 表示 进行 开展 有人 时候 地方 事情 东西 真的 非常 "
    "一直 一下 自己 这里 那里 这边 那边 看看 希望 请问 谢谢 感谢 希望 能否 目前 截至 其中 同时 以及 通过 "
    "本县 我县 全县 县里 县城 群众 居民 市民 老百姓 领导 政府 时许 上午 下午 晚上 凌晨 中午 今天上午 "
    "今天下午 今天晚上 昨天晚上 发生 造成 办个 一名 多名 一起".split()
)

_places: set[str] = set()
_lock = threading.Lock()
_jieba_words: set[str] = set()


def register_places(names: Iterable[str]) -> None:
    """Tell the module the county's place names (shared places raise similarity and
    stay whole in keywords). Safe to call more than once."""
    with _lock:
        _places.update(n for n in names if n and len(n) >= 2)
    _place_re.cache_clear()


@lru_cache(maxsize=1)
def _place_re() -> re.Pattern[str] | None:
    if not _places:
        return None
    return re.compile("|".join(re.escape(p) for p in sorted(_places, key=len, reverse=True)))


def hashtags(text: str) -> set[str]:
    return {h.strip().lower() for h in _HASHTAG.findall(text or "") if h.strip()}


def places(text: str) -> set[str]:
    rx = _place_re()
    return set(rx.findall(text)) if rx and text else set()


def _clean(text: str) -> str:
    t = _URL.sub(" ", text or "")
    t = _MENTION.sub(" ", t)
    return " ".join(_KEEP.findall(t.lower()))


@lru_cache(maxsize=4096)
def _profile(text: str) -> tuple[dict[str, float], float]:
    grams: Counter[str] = Counter()
    for chunk in _clean(text).split():
        for i in range(len(chunk) - 1):
            a, b = chunk[i], chunk[i + 1]
            fa, fb = a in _FUNCTION_CHARS, b in _FUNCTION_CHARS
            if fa and fb:
                continue
            grams[a + b] += 0.3 if (fa or fb) else 1.0
    # sublinear term frequency: a word repeated ten times is not ten times the evidence
    vec = {g: 1.0 + math.log(c) if c >= 1 else c for g, c in grams.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return vec, norm


def similarity(a_text: str, b_text: str) -> float:
    """Similarity in [0, 1] of two posts' normalized texts (symmetric; 1 for identical)."""
    if not a_text or not b_text:
        return 0.0
    va, na = _profile(a_text)
    vb, nb = _profile(b_text)
    if na == 0 or nb == 0:
        s = 0.0
    else:
        if len(va) > len(vb):
            va, vb = vb, va
        s = sum(v * vb.get(g, 0.0) for g, v in va.items()) / (na * nb)
    s = min(1.0, max(0.0, s))
    if hashtags(a_text) & hashtags(b_text):
        s += (1.0 - s) * TAG_BONUS
    if places(a_text) & places(b_text):
        s += (1.0 - s) * PLACE_BONUS
    return round(min(1.0, s), 4)


# ---------------------------------------------------------------------------
# keywords


@lru_cache(maxsize=1)
def _tfidf():  # type: ignore[no-untyped-def]
    import jieba
    from jieba.analyse.tfidf import TFIDF

    jieba.setLogLevel(logging.WARNING)
    t = TFIDF()
    t.stop_words = set(t.stop_words) | STOP_WORDS
    return t


def _ensure_place_words() -> None:
    missing = _places - _jieba_words
    if not missing:
        return
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        for name in sorted(missing):
            jieba.add_word(name, freq=50_000)
            _jieba_words.add(name)


def keywords(text: str, k: int = 5) -> list[str]:
    """Up to ``k`` keywords for an event title: hashtags first, then TF-IDF words."""
    if not text or k <= 0:
        return []
    out: list[str] = []
    for tag in _HASHTAG.findall(text):
        tag = tag.strip()
        if tag and tag not in out:
            out.append(tag)
    body = _HASHTAG.sub(" ", _MENTION.sub(" ", _URL.sub(" ", text)))
    _ensure_place_words()
    for word in _tfidf().extract_tags(body, topK=k * 3):
        if len(out) >= k:
            break
        if word in out or word.isdigit() or re.fullmatch(r"[\d.%]+|[a-zA-Z]", word):
            continue
        if any(word in o for o in out):
            continue
        out.append(word)
    return out[:k]
