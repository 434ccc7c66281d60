"""Text normalisation: HTML stripping, Traditional→Simplified, hashes for dedupe."""

from __future__ import annotations

import hashlib
import html
import re
from functools import lru_cache

import numpy as np

_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<\s*(br|/p|/div|/li)\s*/?>", re.I)
_SCRIPT = re.compile(r"<(script|style)[^>]*>.*?</\1>", re.I | re.S)
_WS = re.compile(r"[ \t\u3000\xa0]+")
_NL = re.compile(r"\n\s*\n+")
_STRIP_FOR_HASH = re.compile(r"[\s\W_]+", re.U)
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@[\w\u4e00-\u9fff-]{1,30}")


def strip_html(text: str) -> str:
    """Remove tags, scripts and entities; keep line breaks that tags implied."""
    if "<" not in text and "&" not in text:
        return text.strip()
    text = _SCRIPT.sub(" ", text)
    text = _BR.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _WS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _NL.sub("\n", text)
    return text.strip()


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC  # opencc-python-reimplemented: pure Python, no framework

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Every character the t2s conversion can change: a text without any of them is
    returned as it is (most posts are Simplified already; the conversion is the
    slowest step of normalisation)."""
    import json
    from pathlib import Path

    import opencc

    root = Path(opencc.__file__).parent
    conf = json.loads((root / "config" / "t2s.json").read_text("utf-8"))
    files: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "txt" and "file" in node:
                files.append(str(node["file"]))
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(conf.get("conversion_chain"))
    chars: set[str] = set()
    for name in files:
        for line in (root / "dictionary" / name).read_text("utf-8").splitlines():
            key, _, values = line.partition("\t")
            for value in values.split():
                if len(value) != len(key):
                    chars.update(key)
                else:
                    chars.update(k for k, v in zip(key, value, strict=True) if k != v)
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (the original is kept elsewhere)."""
    if not text or text.isascii():
        return text
    if _traditional_chars().isdisjoint(text):
        return text
    return _converter().convert(text)


# Full-width letters and digits → ASCII (Ｗｅｉｂｏ１２３ → Weibo123); Chinese punctuation is kept.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)} | {c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)}
_FULLWIDTH |= {c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)} | {0x3000: 0x20}


# "已造成 12 人死亡": the spaces Weibo and news put around Arabic numbers in Chinese text
_NUM_SPACE = re.compile(r"(?<=[\u4e00-\u9fff：:，,])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[\u4e00-\u9fff])")


def normalize_text(title: str | None, text: str) -> str:
    """The text analysis reads: HTML stripped, full-width alphanumerics folded, spaces
    around numbers inside Chinese dropped, Simplified, title first."""
    parts = [strip_html(title or ""), strip_html(text)]
    joined = "\n".join(p for p in parts if p)
    joined = _NUM_SPACE.sub("", joined.translate(_FULLWIDTH))
    return to_simplified(joined)


def content_key(normalized: str) -> str:
    """Text reduced for exact-duplicate detection (no URLs, mentions, punctuation, spaces)."""
    t = _URL.sub("", normalized)
    t = _MENTION.sub("", t)
    return _STRIP_FOR_HASH.sub("", t).lower()


def content_hash(normalized: str) -> str:
    return hashlib.sha1(content_key(normalized).encode("utf-8")).hexdigest()


def _shingles(key: str, n: int = 3) -> set[str]:
    if len(key) <= n:
        return {key} if key else set()
    return {key[i : i + n] for i in range(len(key) - n + 1)}


def simhash(normalized: str, bits: int = 64) -> int:
    """64-bit SimHash over character 3-grams; near-duplicates differ in few bits."""
    shingles = _shingles(content_key(normalized))
    if not shingles:
        return 0
    digests = b"".join(hashlib.blake2b(sh.encode("utf-8"), digest_size=8).digest() for sh in shingles)
    # one row of 64 bits per shingle; a bit of the result is set where most rows have it set
    rows = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(-1, 64)
    majority = rows.sum(axis=0) * 2 > rows.shape[0]
    out = int.from_bytes(np.packbits(majority).tobytes(), "big")
    # store as signed 64-bit so every SQL engine can hold it
    return out - (1 << 64) if out >= (1 << 63) else out


def hamming(a: int, b: int) -> int:
    return bin((a ^ b) & ((1 << 64) - 1)).count("1")


def simhash_bands(h: int, bands: int = 4) -> list[int]:
    """Split a hash into bands for candidate lookup: near-duplicates share at least one band."""
    u = h & ((1 << 64) - 1)
    width = 64 // bands
    return [(u >> (i * width)) & ((1 << width) - 1) for i in range(bands)]
