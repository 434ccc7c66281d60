"""Response obligations and their clocks (5h release / 24h press conference / 48h response)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kernel.config import Taxonomy

KIND_NAMES = {
    "authoritative_release": "发布权威信息",
    "press_conference": "举行新闻发布会",
    "response": "回应关切",
}

PENDING, MET, OVERDUE, MET_LATE, CANCELLED = "pending", "met", "overdue", "met_late", "cancelled"
STATUS_NAMES = {PENDING: "进行中", MET: "已按时完成", OVERDUE: "已超时", MET_LATE: "超时后完成", CANCELLED: "已撤销"}
DUE_SOON = timedelta(hours=1)


@dataclass(frozen=True)
class ObligationPlan:
    kind: str
    due_at: datetime


def plan_obligations(taxonomy: Taxonomy, severity: str, detected_at: datetime) -> list[ObligationPlan]:
    """Obligations for a grade, counted from first detection (wall clock)."""
    return [ObligationPlan(r.kind, detected_at + r.within) for r in taxonomy.obligations.get(severity, ())]


def clock_status(due_at: datetime, met_at: datetime | None, now: datetime, cancelled: bool = False) -> str:
    if cancelled:
        return CANCELLED
    if met_at is not None:
        return MET if met_at <= due_at else MET_LATE
    return OVERDUE if now > due_at else PENDING


def remaining(due_at: datetime, now: datetime) -> timedelta:
    return due_at - now


def format_remaining(delta: timedelta) -> str:
    """'剩余 3小时12分' / '超时 40分' for the console and notifications."""
    secs = int(delta.total_seconds())
    prefix = "剩余" if secs >= 0 else "超时"
    secs = abs(secs)
    h, m = divmod(secs // 60, 60)
    if h >= 24:
        d, h = divmod(h, 24)
        return f"{prefix} {d}天{h}小时"
    return f"{prefix} {h}小时{m}分" if h else f"{prefix} {m}分"
