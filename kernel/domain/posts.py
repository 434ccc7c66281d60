"""The post contract (see shared/spec/io-contract.md): validation into a typed Post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from kernel.errors import InvalidPost

PLATFORMS = ("weibo", "forum", "tieba", "news", "gov_board")
METRIC_KEYS = ("reposts", "comments", "likes", "views")
MAX_TEXT_CHARS = 50_000
MAX_ID_CHARS = 200
# China Standard Time: the clock posts are written and judged by
CST = timezone(timedelta(hours=8), "CST")


@dataclass
class Post:
    """A post as received (text may be Traditional Chinese, may hold leftover HTML)."""

    id: str
    platform: str
    text: str
    published_at: datetime
    title: str | None = None
    url: str | None = None
    author: str | None = None
    metrics: dict[str, int] = field(default_factory=dict)
    ip_location: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_contract(self) -> dict[str, Any]:
        """The post's fields in the contract's shape (for output JSONL)."""
        out: dict[str, Any] = {"id": self.id, "platform": self.platform}
        if self.url is not None:
            out["url"] = self.url
        out["title"] = self.title
        out["text"] = self.text
        if self.author is not None:
            out["author"] = self.author
        out["published_at"] = self.published_at.isoformat()
        if self.metrics:
            out["metrics"] = dict(self.metrics)
        if self.ip_location is not None:
            out["ip_location"] = self.ip_location
        return out


def _opt_str(obj: dict, key: str, limit: int = 2000) -> str | None:
    val = obj.get(key)
    if val is None:
        return None
    if not isinstance(val, str):
        raise InvalidPost(f"字段 {key} 应为字符串，实际为 {type(val).__name__}")
    if len(val) > limit:
        raise InvalidPost(f"字段 {key} 过长（{len(val)} 字符，上限 {limit}）")
    return val


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise InvalidPost("字段 published_at 应为 ISO 8601 时间字符串")
    text = value.strip().replace("Z", "+00:00")
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidPost(f"published_at 无法解析：{value!r}") from None
    if dt.tzinfo is None:
        raise InvalidPost(f"published_at 缺少时区偏移：{value!r}")
    return dt


def parse_post(obj: Any, *, platforms: tuple[str, ...] = PLATFORMS) -> Post:
    """Validate one decoded JSON value against the contract.

    Accepts the labeled wrapper ``{"post": {...}, "labels": {...}}`` too.
    Raises :class:`InvalidPost` with a Chinese reason on the first problem found.
    """
    if isinstance(obj, dict) and isinstance(obj.get("post"), dict) and "labels" in obj:
        obj = obj["post"]
    if not isinstance(obj, dict):
        raise InvalidPost(f"每行应为 JSON 对象，实际为 {type(obj).__name__}")
    for key in ("id", "platform", "text", "published_at"):
        if key not in obj or obj[key] is None:
            raise InvalidPost(f"缺少必填字段 {key}")
    pid = obj["id"]
    if isinstance(pid, int) and not isinstance(pid, bool):
        pid = str(pid)
    if not isinstance(pid, str) or not pid.strip():
        raise InvalidPost("字段 id 应为非空字符串")
    if len(pid) > MAX_ID_CHARS:
        raise InvalidPost(f"字段 id 过长（{len(pid)} 字符）")
    platform = obj["platform"]
    if not isinstance(platform, str):
        raise InvalidPost("字段 platform 应为字符串")
    if platform not in platforms:
        raise InvalidPost(f"未知平台 {platform!r}（支持：{', '.join(platforms)}）")
    text = obj["text"]
    if not isinstance(text, str):
        raise InvalidPost(f"字段 text 应为字符串，实际为 {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidPost(f"字段 text 过长（{len(text)} 字符，上限 {MAX_TEXT_CHARS}）")
    title = _opt_str(obj, "title")
    if not text.strip() and not (title or "").strip():
        raise InvalidPost("text 与 title 均为空")
    metrics_raw = obj.get("metrics") or {}
    if not isinstance(metrics_raw, dict):
        raise InvalidPost("字段 metrics 应为对象")
    metrics: dict[str, int] = {}
    for k, v in metrics_raw.items():
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InvalidPost(f"metrics.{k} 应为非负整数，实际为 {v!r}")
        metrics[str(k)] = v
    known = {"id", "platform", "url", "title", "text", "author", "published_at", "metrics", "ip_location"}
    return Post(
        id=pid.strip(),
        platform=platform,
        text=text,
        published_at=parse_datetime(obj["published_at"]),
        title=title,
        url=_opt_str(obj, "url"),
        author=_opt_str(obj, "author", 200),
        metrics=metrics,
        ip_location=_opt_str(obj, "ip_location", 100),
        extra={k: v for k, v in obj.items() if k not in known},
    )
