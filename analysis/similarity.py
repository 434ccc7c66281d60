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

import numpy as np

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
    _places_of.cache_clear()


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


# one post is compared with many events' texts: its tags and places are found once
@lru_cache(maxsize=4096)
def _tags_of(text: str) -> frozenset[str]:
    return frozenset(hashtags(text))


@lru_cache(maxsize=4096)
def _places_of(text: str) -> frozenset[str]:
    return frozenset(places(text))


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
        # the shared bigrams first (a set intersection in C): most pairs share few or none
        s = sum(va[g] * vb[g] for g in va.keys() & vb.keys()) / (na * nb)
    s = min(1.0, max(0.0, s))
    if _tags_of(a_text) & _tags_of(b_text):
        s += (1.0 - s) * TAG_BONUS
    if _places_of(a_text) & _places_of(b_text):
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


# ---------------------------------------------------------------------------
# many texts at once


class _Postings:
    """Rows [offset, offset + n) of a TextIndex as posting lists: for bigram id c, the rows
    and weights at positions starts[c]:starts[c + 1]."""

    def __init__(self, offset: int, rows: list[tuple[np.ndarray, np.ndarray]], vocab_size: int) -> None:
        self.offset, self.n = offset, len(rows)
        cols = np.concatenate([ids for ids, _ in rows])
        vals = np.concatenate([v for _, v in rows])
        at = np.repeat(np.arange(self.n, dtype=np.int64), [len(ids) for ids, _ in rows])
        order = np.argsort(cols, kind="stable")
        self.rows, self.vals = at[order], vals[order]
        self.starts = np.searchsorted(cols[order], np.arange(vocab_size + 1))

    def cosines(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Bigram cosine of a post (bigram ids, normalized weights) with each row."""
        known = ids < len(self.starts) - 1
        ids, weights = ids[known], weights[known]
        a, b = self.starts[ids], self.starts[ids + 1]
        lens = b - a
        total = int(lens.sum())
        if not total:
            return np.zeros(self.n)
        # the positions a[i] .. b[i] - 1 of every bigram, in one array
        pos = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(a, lens)
        return np.bincount(self.rows[pos], weights=self.vals[pos] * np.repeat(weights, lens), minlength=self.n)


class TextIndex:
    """The texts of open events, searched for those close to a new post.

    ``close(text, floor)`` returns, per key, the greatest :func:`similarity` of ``text`` to
    the key's texts, for every key where that reaches ``floor``; keys it leaves out are
    below it. The values are exact (computed by :func:`similarity` itself); the index only
    decides which pairs can reach the floor: bigram cosines against all stored texts are
    computed at once with numpy over posting lists, and a pair below the cosine that a
    shared place could lift to the floor, with no #话题# in common, cannot reach it. Texts
    go into small posting blocks as they come (the last few are compared one by one), and
    the blocks are merged, leaving out removed texts, as they pile up.

    Grouping 2 000 posts published at one instant compares each with every open event:
    one by one that took most of `tingfeng analyze`'s time (bench/bench_model.py)."""

    SMALL_BLOCK = 16
    MAX_BLOCKS = 8

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._next = 0  # handles given out by add()
        self._row_of: dict[int, int] = {}  # live handle -> row
        self._texts: list[str] = []
        self._keys: list[int] = []
        self._handles: list[int] = []
        self._alive: list[bool] = []
        self._rows: list[tuple[np.ndarray, np.ndarray]] = []  # (bigram ids, normalized weights)
        self._tags: dict[str, set[int]] = {}  # tag -> live handles
        self._blocks: list[_Postings] = []
        self._indexed = 0  # rows [0, _indexed) are in the blocks

    def __len__(self) -> int:
        return len(self._row_of)

    def _vector(self, text: str, grow: bool) -> tuple[np.ndarray, np.ndarray]:
        vec, norm = _profile(text)
        if grow:
            ids = [self._vocab.setdefault(g, len(self._vocab)) for g in vec]
            ws = list(vec.values())
        else:
            pairs = [(self._vocab[g], w) for g, w in vec.items() if g in self._vocab]
            ids, ws = [i for i, _ in pairs], [w for _, w in pairs]
        return np.asarray(ids, dtype=np.int64), np.asarray(ws, dtype=np.float64) / (norm or 1.0)

    def add(self, key: int, text: str) -> int:
        """Store ``text`` under ``key``; returns a handle for :meth:`remove`."""
        handle, self._next = self._next, self._next + 1
        self._row_of[handle] = len(self._texts)
        self._texts.append(text)
        self._keys.append(key)
        self._handles.append(handle)
        self._alive.append(True)
        self._rows.append(self._vector(text, grow=True))
        for t in _tags_of(text):
            self._tags.setdefault(t, set()).add(handle)
        if len(self._texts) - self._indexed >= self.SMALL_BLOCK:
            if len(self._blocks) >= self.MAX_BLOCKS:
                self._merge()
            else:
                self._blocks.append(_Postings(self._indexed, self._rows[self._indexed:], len(self._vocab)))
                self._indexed = len(self._texts)
        return handle

    def remove(self, handle: int) -> None:
        row = self._row_of.pop(handle, None)
        if row is None:
            return
        self._alive[row] = False
        for t in _tags_of(self._texts[row]):
            self._tags.get(t, set()).discard(handle)

    def _merge(self) -> None:
        """One block of every live text (removed ones are dropped for good)."""
        keep = [r for r, alive in enumerate(self._alive) if alive]
        if len(keep) < len(self._texts):
            self._texts = [self._texts[r] for r in keep]
            self._keys = [self._keys[r] for r in keep]
            self._handles = [self._handles[r] for r in keep]
            self._rows = [self._rows[r] for r in keep]
            self._alive = [True] * len(keep)
            self._row_of = {h: r for r, h in enumerate(self._handles)}
        self._blocks = [_Postings(0, self._rows, len(self._vocab))] if self._rows else []
        self._indexed = len(self._rows)

    def close(self, text: str, floor: float) -> dict[int, float]:
        rows: set[int] = set(range(self._indexed, len(self._texts)))
        if self._blocks:
            ids, weights = self._vector(text, grow=False)
            # a shared place lifts s to s + (1 - s) * PLACE_BONUS: below this it stays under the floor
            need = (floor - PLACE_BONUS) / (1.0 - PLACE_BONUS) - 1e-3
            if len(ids):
                for b in self._blocks:
                    rows.update((np.flatnonzero(b.cosines(ids, weights) >= need) + b.offset).tolist())
        for t in _tags_of(text):
            rows.update(self._row_of[h] for h in self._tags.get(t, ()))
        best: dict[int, float] = {}
        for r in rows:
            if not self._alive[r]:
                continue
            s = similarity(text, self._texts[r])
            k = self._keys[r]
            if s >= floor and s > best.get(k, -1.0):
                best[k] = s
        return best
