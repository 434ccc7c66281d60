"""Routing by 属地管理、分级负责、谁主管谁负责 (see reference-county.yaml header)."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.config import County
from kernel.domain.scores import is_major

TOWNSHIP_PREFIX = "township:"


@dataclass(frozen=True)
class Route:
    lead: str
    co: tuple[str, ...]
    township: str | None
    reasons: tuple[str, ...]


def township_unit(township: str) -> str:
    """The co-handling unit code for a township government."""
    return TOWNSHIP_PREFIX + township


def unit_name(county: County, code: str) -> str:
    """A department's or township government's name for people to read."""
    if code.startswith(TOWNSHIP_PREFIX):
        return f"{code.removeprefix(TOWNSHIP_PREFIX)}人民政府"
    d = county.departments.get(code)
    return d.name if d else code


def route(county: County, topics: list[str], township: str | None, severity: str) -> Route:
    """Lead = the primary topic's department; co = other topics' departments,
    the township government, and for I/II the county office and 网信办."""
    primary = topics[0] if topics else "other"
    lead = county.lead_for_topic(primary)
    reasons = [f"主要主题 {primary} → 主管部门 {lead}（谁主管谁负责）"]
    co: list[str] = []
    for t in topics[1:]:
        d = county.lead_for_topic(t)
        if d != lead and d not in co:
            co.append(d)
            reasons.append(f"相关主题 {t} → 协办 {d}")
    if township:
        co.append(township_unit(township))
        reasons.append(f"发生地 {township} → 属地协办（属地管理）")
    if is_major(severity):
        for d in (county.coordinator, county.propaganda):
            if d != lead and d not in co:
                co.append(d)
        reasons.append(f"{severity}级 → {county.coordinator} 统筹、{county.propaganda} 知悉（分级负责）")
    return Route(lead, tuple(co), township, tuple(reasons))
