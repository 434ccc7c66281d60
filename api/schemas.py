"""Request and response models of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator


class ErrorOut(BaseModel):
    code: str
    message: str


class ScoreOut(BaseModel):
    analyzer: str
    sentiment: str
    sentiment_score: float
    topic: str
    topics: list[list[Any]]
    severity: str
    disposition: str | None
    township: str | None
    lead_department: str
    co_departments: list[str]
    rumor: bool
    explanation: dict[str, Any]


class PostOut(BaseModel):
    id: int
    platform: str
    external_id: str
    url: str | None
    title: str | None
    text: str
    normalized: str
    author: str | None
    published_at: datetime
    detected_at: datetime
    metrics: dict[str, int]
    ip_location: str | None
    source: str
    duplicate_of: int | None
    status: str
    event_id: int | None
    score: ScoreOut | None = None


class PageOut(BaseModel):
    total: int
    items: list[Any]


class ObligationOut(BaseModel):
    id: int
    kind: str
    kind_name: str
    due_at: datetime
    met_at: datetime | None
    status: str
    status_name: str
    remaining_seconds: float
    evidence_url: str | None
    evidence_note: str | None
    evidence_post_id: int | None
    escalated_at: datetime | None


class AlertOut(BaseModel):
    id: int
    event_id: int
    event_title: str
    department: str
    department_name: str
    co_departments: list[str]
    co_department_names: list[str]
    severity: str
    status: str
    reasons: list[str]
    created_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None
    obligations: list[ObligationOut]


class EventOut(BaseModel):
    id: int
    title: str
    topic: str
    topic_name: str
    township: str | None
    severity: str
    status: str
    first_detected_at: datetime
    first_published_at: datetime
    last_published_at: datetime
    post_count: int
    voice_count: int
    engagement: int
    negative_count: int
    heat: float
    trend: str
    rumor: bool
    suspected_major: bool = Field(description="等级为 III/IV，但有帖子被模型判为疑似重大，需人工研判")
    disposition: str | None
    lead_department: str
    lead_department_name: str
    co_departments: list[str]
    keywords: list[str]
    figures: dict[str, int]
    manual_severity: str | None = Field(None, description="分析人员会商研判后人工设定的等级；此后只有新采集的帖子能再提高等级")
    graded_by: str | None = None
    graded_at: datetime | None = None
    grade_reason: str | None = None


class EventLinkOut(BaseModel):
    """Why a post sits in the event although its text matched none of the event's posts:
    the learned same-event link tied it to ``partner_post`` with ``probability``."""

    partner_post: int | None
    probability: float


class EventPostOut(PostOut):
    event_link: EventLinkOut | None = None


class EventDetailOut(EventOut):
    posts: list[EventPostOut]
    alerts: list[AlertOut]
    series: list[dict[str, Any]]


class IngestIn(BaseModel):
    posts: list[dict[str, Any]] = Field(..., max_length=5000)
    source: str = Field("api", max_length=100)


class IngestOut(BaseModel):
    read: int
    accepted: int
    duplicates: int
    copies: int
    rejected: int
    errors: list[dict[str, Any]]


# actor: who acts. Required while auth is off; with auth on the logged-in user is recorded
# and a body's actor is ignored (api/auth.py: actor_of).
ACTOR_DOC = "操作人；启用登录认证时忽略，记录为登录用户"


class FulfilIn(BaseModel):
    kind: str = Field(..., max_length=32)
    actor: str | None = Field(None, min_length=1, max_length=100, description=ACTOR_DOC)
    evidence_url: str | None = Field(None, max_length=2000)
    note: str | None = Field(None, max_length=4000)


class ActorIn(BaseModel):
    actor: str | None = Field(None, min_length=1, max_length=100, description=ACTOR_DOC)


def _stated(v: str, what: str) -> str:
    """A required free-text reason, stripped; blank is refused with ``what`` named."""
    if not v.strip():
        raise ValueError(f"{what}不能为空")
    return v.strip()


class GradeIn(ActorIn):
    """An analyst's grade after 会商研判."""

    grade: Literal["I", "II", "III", "IV"]
    reason: str = Field(..., min_length=1, max_length=4000, description="定级理由（必填）")

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, v: str) -> str:
        return _stated(v, "定级理由")


class DetachIn(ActorIn):
    """An analyst's correction: the post does not belong to its event."""

    reason: str = Field(..., min_length=1, max_length=4000, description="移出理由（必填）")

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, v: str) -> str:
        return _stated(v, "移出理由")


class CloseIn(ActorIn):
    note: str = Field(..., min_length=1, max_length=4000)


class DepartmentOut(BaseModel):
    code: str
    name: str
    kind: str
    topics: list[str]
    role: str | None
    open_alerts: int
    overdue: int


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
