"""Table definitions (SQLAlchemy 2 Core/ORM metadata). Schema changes go through Alembic."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware datetimes on every engine: stored as UTC, returned as aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: tingfeng stores aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


TZ = UtcDateTime()


class Base(DeclarativeBase):
    pass


class PostRow(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_posts_platform_id"),
        Index("ix_posts_content_hash", "content_hash"),
        Index("ix_posts_published", "published_at"),
        Index("ix_posts_status", "status"),
        Index("ix_posts_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str] = mapped_column(Text)  # raw as received
    normalized: Mapped[str] = mapped_column(Text)  # HTML stripped, Simplified
    author: Mapped[str | None] = mapped_column(String(200), nullable=True)
    published_at: Mapped[datetime] = mapped_column(TZ)
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_location: Mapped[str | None] = mapped_column(String(100), nullable=True)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(100), default="")
    content_hash: Mapped[str] = mapped_column(String(40))
    simhash: Mapped[int] = mapped_column(BigInteger)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), nullable=True)
    ingested_at: Mapped[datetime] = mapped_column(TZ)
    detected_at: Mapped[datetime] = mapped_column(TZ)
    status: Mapped[str] = mapped_column(String(16), default="new")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), nullable=True)


class SimhashBandRow(Base):
    """Banded SimHash for near-duplicate candidate lookup."""

    __tablename__ = "post_simhash_bands"
    __table_args__ = (Index("ix_simhash_band", "band", "value"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    published_at: Mapped[datetime] = mapped_column(TZ)


class ScoreRow(Base):
    __tablename__ = "scores"
    __table_args__ = (Index("ix_scores_severity", "severity"), Index("ix_scores_topic", "topic"))

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    analyzer: Mapped[str] = mapped_column(String(32))
    sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float] = mapped_column(Float)
    topic: Mapped[str] = mapped_column(String(32))
    topics: Mapped[list] = mapped_column(JSON)
    severity: Mapped[str] = mapped_column(String(4))
    disposition: Mapped[str | None] = mapped_column(String(32), nullable=True)
    township: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lead_department: Mapped[str] = mapped_column(String(32))
    co_departments: Mapped[list] = mapped_column(JSON)
    rumor: Mapped[bool] = mapped_column(Boolean, default=False)
    relevant: Mapped[bool] = mapped_column(Boolean, default=True)
    explanation: Mapped[dict] = mapped_column(JSON)
    embedding: Mapped[list | None] = mapped_column(JSON, nullable=True)
    scored_at: Mapped[datetime] = mapped_column(TZ)


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_status_last", "status", "last_published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(String(32))
    township: Mapped[str | None] = mapped_column(String(32), nullable=True)
    severity: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16), default="open")
    first_detected_at: Mapped[datetime] = mapped_column(TZ)
    first_published_at: Mapped[datetime] = mapped_column(TZ)
    last_published_at: Mapped[datetime] = mapped_column(TZ)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    voice_count: Mapped[int] = mapped_column(Integer, default=0)
    engagement: Mapped[int] = mapped_column(BigInteger, default=0)
    negative_count: Mapped[int] = mapped_column(Integer, default=0)
    heat: Mapped[float] = mapped_column(Float, default=0.0)
    trend: Mapped[str] = mapped_column(String(16), default="rising")
    rumor: Mapped[bool] = mapped_column(Boolean, default=False)
    # a post of the event is graded III/IV but the model thinks it may be I/II (no clock runs)
    suspected_major: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    lead_department: Mapped[str] = mapped_column(String(32))
    co_departments: Mapped[list] = mapped_column(JSON, default=list)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    centroid: Mapped[list | None] = mapped_column(JSON, nullable=True)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    disposition: Mapped[str | None] = mapped_column(String(32), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    # an analyst's grade after 会商研判: it stands, and only posts collected later may raise it
    manual_severity: Mapped[str | None] = mapped_column(String(4), nullable=True)
    graded_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    grade_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class DepartmentRow(Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="county")  # county | township
    topics: Mapped[list] = mapped_column(JSON, default=list)
    role: Mapped[str | None] = mapped_column(String(200), nullable=True)
    head_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    head_email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    head_phone: Mapped[str | None] = mapped_column(String(50), nullable=True)


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_event", "event_id"), Index("ix_alerts_status", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    department: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    co_departments: Mapped[list] = mapped_column(JSON, default=list)
    severity: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16), default="open")
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(TZ)
    acknowledged_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)


class ObligationRow(Base):
    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("alert_id", "kind", name="uq_obligation_alert_kind"),
        Index("ix_obligations_open", "met_at", "cancelled", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(TZ)
    met_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    evidence_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), nullable=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # analyst | dept_head | leader | admin
    department: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class KeywordRow(Base):
    __tablename__ = "keywords"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    word: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="watch")  # watch | place | exclude
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class SourceRow(Base):
    __tablename__ = "sources"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # weibo | discuz | tieba | news | gov_board
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=300)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default="ok")  # ok | paused
    paused_until: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(TZ, nullable=True)
    last_summary: Mapped[dict] = mapped_column(JSON, default=dict)


class CheckpointRow(Base):
    __tablename__ = "crawl_checkpoints"

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(TZ)


class RejectRow(Base):
    __tablename__ = "ingest_rejects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100))
    line_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(TZ)


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(TZ)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
