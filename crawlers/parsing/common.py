"""Helpers shared by the parsers: HTML → text, Chinese dates, counts, canonical URLs,
robust decoding of bytes and JSON. Pure functions, no Scrapy."""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawlers.errors import BadPage
from kernel.domain.posts import CST

# --- HTML to plain text -----------------------------------------------------------------

_IMG = re.compile(r"<img\b[^>]*?\balt\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^>]*>", re.I)
_BR = re.compile(r"<\s*br\s*/?\s*>|<\s*/\s*(?:p|div|li|tr|h[1-6]|blockquote)\s*>", re.I)
_DROP = re.compile(r"<\s*(script|style|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]*>")
_UNCLOSED_TAG = re.compile(r"<[a-zA-Z/][^>]*$")
_SPACES = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def html_to_text(fragment: str | None) -> str:
    """Plain text from an HTML fragment: emoticon <img alt> kept as text, line breaks kept,
    tags and entities removed. Tolerates broken markup (unclosed tags, stray '<')."""
    if not fragment:
        return ""
    s = fragment
    if "<" in s:
        s = _COMMENT.sub("", s)
        s = _DROP.sub("", s)
        s = _IMG.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", s)
        s = _BR.sub("\n", s)
        s = _TAG.sub("", s)
        s = _UNCLOSED_TAG.sub("", s)
    if "&" in s:
        s = htmllib.unescape(s)
    s = _SPACES.sub(" ", s)
    s = _BLANK_LINES.sub("\n", s)
    return s.strip()


# --- numbers ----------------------------------------------------------------------------

_COUNT = re.compile(r"^\s*([\d.]+)\s*(万|亿|w|W|k|K)?\+?\s*$")


def parse_count(value: Any) -> int | None:
    """Counts as platforms show them: 12, "12", "1.2万", "100万+", "3亿". None when unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, float):
        return max(int(value), 0)
    m = _COUNT.match(str(value).replace(",", ""))
    if not m:
        return None
    try:
        num = float(m.group(1))
    except ValueError:
        return None
    mult = {"万": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000, "k": 1000, "K": 1000}.get(
        m.group(2) or "", 1
    )
    return int(num * mult)


def metrics(**counts: Any) -> dict[str, int]:
    out = {}
    for k, v in counts.items():
        n = parse_count(v)
        if n is not None:
            out[k] = n
    return out


# --- dates ------------------------------------------------------------------------------

_ABS = re.compile(
    r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[\sT]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?\s*$"
)
_MD = re.compile(r"^\s*(\d{1,2})[-/月](\d{1,2})日?(?:\s+(\d{1,2}):(\d{1,2}))?\s*$")
_AGO = re.compile(r"^\s*(\d+)\s*(秒|分钟|小时|天)前\s*$")
_DAYWORD = re.compile(r"^\s*(今天|昨天|前天)\s*(\d{1,2}):(\d{1,2})\s*$")


def parse_cn_datetime(text: str | None, now: datetime) -> datetime | None:
    """Dates as Chinese sites print them, in China time (UTC+8):
    ``2024-5-2 09:15``, ``2024-05-02 09:15:00``, ``2024年5月2日``, ``刚刚``, ``3分钟前``,
    ``半小时前``, ``2小时前``, ``昨天 10:20``, ``前天 08:00``, ``3天前``, ``05-02``, ``05-02 10:20``.
    ``now`` must be aware. Returns None when the text is not a date."""
    if not text:
        return None
    s = htmllib.unescape(text).replace("\xa0", " ").strip()
    s = re.sub(r"^(发表于|发布于|回复于|最后回复于)\s*", "", s)
    local_now = now.astimezone(CST)
    if s in ("刚刚", "刚才"):
        return local_now
    if s == "半小时前":
        return local_now - timedelta(minutes=30)
    m = _AGO.match(s)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {
            "秒": timedelta(seconds=n),
            "分钟": timedelta(minutes=n),
            "小时": timedelta(hours=n),
            "天": timedelta(days=n),
        }[unit]
        return local_now - delta
    m = _DAYWORD.match(s)
    if m:
        back = {"今天": 0, "昨天": 1, "前天": 2}[m.group(1)]
        day = (local_now - timedelta(days=back)).date()
        return datetime(day.year, day.month, day.day, int(m.group(2)), int(m.group(3)), tzinfo=CST)
    m = _ABS.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        hh, mm, ss = (int(m.group(i)) if m.group(i) else 0 for i in (4, 5, 6))
        try:
            return datetime(y, mo, d, hh, mm, ss, tzinfo=CST)
        except ValueError:
            return None
    m = _MD.match(s)
    if m:
        mo, d = int(m.group(1)), int(m.group(2))
        hh, mm = (int(m.group(3)), int(m.group(4))) if m.group(3) else (0, 0)
        try:
            dt = datetime(local_now.year, mo, d, hh, mm, tzinfo=CST)
        except ValueError:
            return None
        if dt > local_now + timedelta(days=1):  # "12-31" seen on Jan 1st means last year
            dt = dt.replace(year=dt.year - 1)
        return dt
    return None


def from_epoch(value: Any) -> datetime | None:
    """Unix seconds (int or numeric string; milliseconds accepted) → aware datetime in UTC+8."""
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    if n <= 0:
        return None
    if n > 10_000_000_000:  # milliseconds
        n //= 1000
    return datetime.fromtimestamp(n, tz=UTC).astimezone(CST)


def iso(dt: datetime) -> str:
    """ISO 8601 with offset, as the post contract wants."""
    return dt.isoformat()


# --- URLs and ids -----------------------------------------------------------------------

_TRACKING = re.compile(
    r"^(utm_\w+|spm|from|share_\w+|isappinstalled|scene|clicktime|enterid|"
    r"wfr|vd_source|_t|timestamp|luicode|lfid)$",
    re.I,
)


def canonical_url(url: str) -> str:
    """A stable form of a URL: lower-case scheme and host, default port and fragment dropped,
    tracking parameters (utm_*, spm, from, share_* …) removed, remaining order kept."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else f"{host}:{port}"
    )
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def stable_id(*parts: Any, length: int = 20) -> str:
    """A short, stable id from its parts (sha1 hex), for items without a platform id."""
    raw = "\x1f".join(str(p) for p in parts)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:length]


# --- decoding ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "utf8": "utf-8",
}


def _norm_enc(enc: str | None) -> str | None:
    if not enc:
        return None
    enc = enc.strip().lower()
    return _ALIASES.get(enc, enc)


def declared_charset(body: bytes) -> str | None:
    head = body[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _norm_enc(m.group(1).decode("ascii", "ignore")) if m else None


def decode_body(body: bytes, header_encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode a page whose declared encoding may be wrong (a GBK page served as UTF-8, a
    missing charset). Tries the header's encoding, the page's own <meta charset>, then UTF-8
    and GB18030 strictly; falls back to a lossy decode. Returns (text, encoding, mismatch)
    where mismatch says the header's claim was wrong."""
    header = _norm_enc(header_encoding)
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace"), "utf-8", header not in (None, "utf-8")
    candidates = [c for c in (header, declared_charset(body), "utf-8", "gb18030") if c]
    seen: list[str] = []
    for enc in candidates:
        if enc in seen:
            continue
        seen.append(enc)
        try:
            return body.decode(enc), enc, header is not None and enc != header
        except (UnicodeDecodeError, LookupError):
            continue
    enc = header or "utf-8"
    try:
        return body.decode(enc, "replace"), enc, False
    except LookupError:
        return body.decode("utf-8", "replace"), "utf-8", False


_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)


def loads_json(data: bytes | str) -> Any:
    """Parse a JSON (or JSONP) body; raises :class:`BadPage` with a Chinese reason when the
    body is empty, HTML or malformed."""
    if isinstance(data, bytes):
        text, _, _ = decode_body(data, "utf-8")
    else:
        text = data
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise BadPage("响应为空")
    if text[0] == "<":
        raise BadPage("期望 JSON，收到的是 HTML 页面")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        m = _JSONP.match(text)
        if m:
            try:
                return json.loads(m.group(1))
            except json.JSONDecodeError:
                pass
        raise BadPage(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）") from None


def as_dict(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise BadPage(f"{what} 不是对象（实际为 {type(value).__name__}）")
    return value


def as_list(value: Any, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadPage(f"{what} 不是数组（实际为 {type(value).__name__}）")
    return value


def sub(obj: dict, key: str) -> dict:
    """``obj[key]`` when it is an object, else an empty dict (APIs send null, [] or "")."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def to_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def html_title(text: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", text[:20000], re.I | re.S)
    return html_to_text(m.group(1)) if m else ""
