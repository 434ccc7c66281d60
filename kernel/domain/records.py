"""Stored entities as plain dataclasses (what repositories hand to services)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kernel.domain.posts import Post
from kernel.domain.scores import Score


def saved(pk: int | None) -> int:
    """The id of a stored record; a record handed out by a store always has one."""
    if pk is None:
        raise ValueError("记录尚未保存，没有编号")
    return pk


@dataclass
class PostRecord:
    post: Post
    normalized: str
    content_hash: str
    simhash: int
    source: str
    ingested_at: datetime
    detected_at: datetime
    pk: int | None = None
    duplicate_of: int | None = None
    status: str = "new"  # new → analyzed
    event_id: int | None = None
    score: Score | None = None


@dataclass
class EventRecord:
    title: str
    topic: str
    township: str | None
    severity: str
    first_detected_at: datetime
    first_published_at: datetime
    last_published_at: datetime
    pk: int | None = None
    status: str = "open"  # open → closed
    post_count: int = 0
    voice_count: int = 0  # posts that are not near-duplicates
    engagement: int = 0
    negative_count: int = 0
    heat: float = 0.0
    trend: str = "rising"
    rumor: bool = False
    suspected_major: bool = False  # III/IV, but a post's model says it may be I/II: an analyst should check
    lead_department: str = ""
    co_departments: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    centroid: list[float] | None = None
    figures: dict[str, int] = field(default_factory=dict)
    disposition: str | None = None
    closed_at: datetime | None = None
    # an analyst's grade after 会商研判 (see kernel.domain.events.recompute for how it sticks)
    manual_severity: str | None = None
    graded_by: str | None = None
    graded_at: datetime | None = None
    grade_reason: str | None = None


@dataclass
class ObligationRecord:
    kind: str
    due_at: datetime
    pk: int | None = None
    alert_id: int | None = None
    met_at: datetime | None = None
    evidence_url: str | None = None
    evidence_note: str | None = None
    evidence_post_id: int | None = None
    cancelled: bool = False
    escalated_at: datetime | None = None


@dataclass
class AlertRecord:
    event_id: int
    department: str
    severity: str
    created_at: datetime
    pk: int | None = None
    co_departments: list[str] = field(default_factory=list)
    status: str = "open"  # open → acknowledged → closed
    reasons: list[str] = field(default_factory=list)
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    obligations: list[ObligationRecord] = field(default_factory=list)


@dataclass
class AuditEntry:
    action: str
    entity: str
    entity_id: str
    at: datetime
    actor: str = "system"
    detail: dict[str, Any] = field(default_factory=dict)
    pk: int | None = None


@dataclass
class RejectRecord:
    source: str
    line_no: int | None
    reason: str
    excerpt: str
    at: datetime
