"""What the analyzer says about one post."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITY_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}


def more_severe(a: str, b: str) -> str:
    """The graver of two grades (I is gravest)."""
    return a if SEVERITY_RANK[a] <= SEVERITY_RANK[b] else b


def is_major(grade: str) -> bool:
    """特别重大/重大 (I/II): the 5h/24h obligations apply."""
    return grade in ("I", "II")


@dataclass
class Score:
    sentiment: str
    sentiment_score: float
    topics: list[tuple[str, float]]
    severity: str
    disposition: str | None
    township: str | None
    lead_department: str = ""
    co_departments: list[str] = field(default_factory=list)
    rumor: bool = False
    relevant: bool = True
    explanation: dict[str, Any] = field(default_factory=dict)
    embedding: list[float] | None = None
    analyzer: str = "rules"
    # what ties the post to others of its event (kernel.services.event_context): the kinds
    # of incident it tells of (fire, collapse, death …), its #话题# tags, and why it must
    # keep its own grade whatever its event's is
    incident_kinds: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    keeps_own_grade: str | None = None

    @property
    def topic(self) -> str:
        return self.topics[0][0] if self.topics else "other"

    def to_contract(self) -> dict[str, Any]:
        return {
            "sentiment": {"label": self.sentiment, "score": round(float(self.sentiment_score), 4)},
            "topics": [{"code": c, "score": round(float(s), 4)} for c, s in self.topics],
            "severity": self.severity,
            "disposition": self.disposition,
            "township": self.township,
            "lead_department": self.lead_department,
            "co_departments": list(self.co_departments),
            "explanation": self.explanation,
        }
