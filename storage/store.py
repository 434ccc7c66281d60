"""SqlStore: the kernel's Store port on SQLAlchemy (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kernel.domain.events import LinkPost
from kernel.domain.posts import Post
from kernel.domain.records import (
    AlertRecord,
    AuditEntry,
    EventRecord,
    ObligationRecord,
    PostRecord,
    RejectRecord,
)
from kernel.domain.scores import Score
from kernel.text import simhash_bands
from storage.tables import (
    AlertRow,
    AuditRow,
    DepartmentRow,
    EventRow,
    ObligationRow,
    PostRow,
    RejectRow,
    ScoreRow,
    SimhashBandRow,
)


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= (1 << 63) else v


def score_from_row(s: ScoreRow) -> Score:
    return Score(
        sentiment=s.sentiment,
        sentiment_score=s.sentiment_score,
        topics=[(t[0], t[1]) for t in s.topics],
        severity=s.severity,
        disposition=s.disposition,
        township=s.township,
        lead_department=s.lead_department,
        co_departments=list(s.co_departments),
        rumor=s.rumor,
        relevant=s.relevant,
        explanation=s.explanation or {},
        embedding=s.embedding,
        analyzer=s.analyzer,
    )


def post_from_row(r: PostRow, score: ScoreRow | None = None) -> PostRecord:
    post = Post(
        id=r.external_id,
        platform=r.platform,
        text=r.text,
        published_at=r.published_at,
        title=r.title,
        url=r.url,
        author=r.author,
        metrics=dict(r.metrics or {}),
        ip_location=r.ip_location,
        extra=dict(r.extra or {}),
    )
    return PostRecord(
        post=post,
        normalized=r.normalized,
        content_hash=r.content_hash,
        simhash=r.simhash,
        source=r.source,
        ingested_at=r.ingested_at,
        detected_at=r.detected_at,
        pk=r.id,
        duplicate_of=r.duplicate_of,
        status=r.status,
        event_id=r.event_id,
        score=score_from_row(score) if score is not None else None,
    )


_EVENT_FIELDS = (
    "title topic township severity status first_detected_at first_published_at last_published_at "
    "post_count voice_count engagement negative_count heat trend rumor suspected_major lead_department "
    "co_departments keywords centroid figures disposition closed_at manual_severity graded_by graded_at "
    "grade_reason"
).split()


def event_from_row(r: EventRow) -> EventRecord:
    ev = EventRecord(**{f: getattr(r, f) for f in _EVENT_FIELDS})
    ev.pk = r.id
    ev.co_departments = list(ev.co_departments or [])
    ev.keywords = list(ev.keywords or [])
    ev.figures = dict(ev.figures or {})
    return ev


_OB_FIELDS = "kind due_at met_at evidence_url evidence_note evidence_post_id cancelled escalated_at".split()


def obligation_from_row(r: ObligationRow) -> ObligationRecord:
    ob = ObligationRecord(**{f: getattr(r, f) for f in _OB_FIELDS})
    ob.pk, ob.alert_id = r.id, r.alert_id
    return ob


class SqlStore:
    """One unit of work. ``with store:`` commits on success and rolls back on error."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self.session: Session = session_factory()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    # ---- posts -------------------------------------------------------------------------
    def existing_keys(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        by_platform: dict[str, list[str]] = {}
        for platform, pid in keys:
            by_platform.setdefault(platform, []).append(pid)
        for platform, ids in by_platform.items():
            for i in range(0, len(ids), 500):
                q = select(PostRow.external_id).where(PostRow.platform == platform,
                                                      PostRow.external_id.in_(ids[i : i + 500]))
                found.update((platform, x) for x in self.session.execute(q).scalars())
        return found

    def originals_by_hash(self, hashes: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        uniq = list(dict.fromkeys(hashes))
        for i in range(0, len(uniq), 500):
            q = (select(PostRow.content_hash, func.min(PostRow.id))
                 .where(PostRow.content_hash.in_(uniq[i : i + 500]), PostRow.duplicate_of.is_(None))
                 .group_by(PostRow.content_hash))
            out.update({h: pk for h, pk in self.session.execute(q)})
        return out

    def near_candidates(self, simhash: int, since: datetime) -> list[tuple[int, int]]:
        bands = simhash_bands(simhash)
        conds = [(SimhashBandRow.band == i) & (SimhashBandRow.value == v) for i, v in enumerate(bands)]
        q = (
            select(PostRow.id, PostRow.simhash)
            .join(SimhashBandRow, SimhashBandRow.post_id == PostRow.id)
            .where(or_(*conds), SimhashBandRow.published_at >= since, PostRow.duplicate_of.is_(None))
            .distinct()
            .limit(200)
        )
        return [(a, b) for a, b in self.session.execute(q)]

    def add_post(self, rec: PostRecord) -> int | None:
        """Insert a post; None when (platform, id) already exists (a concurrent writer won)."""
        try:
            with self.session.begin_nested():
                return self._insert_post(rec)
        except IntegrityError:
            return None

    def _insert_post(self, rec: PostRecord) -> int:
        p = rec.post
        row = PostRow(
            platform=p.platform,
            external_id=p.id,
            url=p.url,
            title=p.title,
            text=p.text,
            normalized=rec.normalized,
            author=p.author,
            published_at=p.published_at,
            metrics=p.metrics,
            ip_location=p.ip_location,
            extra=p.extra,
            source=rec.source,
            content_hash=rec.content_hash,
            simhash=_signed(rec.simhash & ((1 << 64) - 1)),
            duplicate_of=rec.duplicate_of,
            ingested_at=rec.ingested_at,
            detected_at=rec.detected_at,
            status=rec.status,
        )
        self.session.add(row)
        self.session.flush()
        for i, v in enumerate(simhash_bands(rec.simhash)):
            self.session.add(SimhashBandRow(post_id=row.id, band=i, value=v, published_at=p.published_at))
        rec.pk = row.id
        return row.id

    def get_posts(self, pks: Sequence[int]) -> list[PostRecord]:
        if not pks:
            return []
        rows = self.session.execute(
            select(PostRow, ScoreRow).outerjoin(ScoreRow, ScoreRow.post_id == PostRow.id).where(PostRow.id.in_(pks))
        ).all()
        by_id = {r.id: post_from_row(r, s) for r, s in rows}
        return [by_id[i] for i in pks if i in by_id]

    def pending_posts(self, limit: int) -> list[int]:
        q = select(PostRow.id).where(PostRow.status == "new").order_by(PostRow.id).limit(limit)
        return list(self.session.execute(q).scalars())

    def save_score(self, pk: int, score: Score) -> None:
        row = self.session.get(ScoreRow, pk) or ScoreRow(post_id=pk)
        row.analyzer = score.analyzer
        row.sentiment = score.sentiment
        row.sentiment_score = float(score.sentiment_score)
        row.topic = score.topic
        row.topics = [[c, float(s)] for c, s in score.topics]
        row.severity = score.severity
        row.disposition = score.disposition
        row.township = score.township
        row.lead_department = score.lead_department
        row.co_departments = list(score.co_departments)
        row.rumor = bool(score.rumor)
        row.relevant = bool(score.relevant)
        row.explanation = score.explanation
        row.embedding = score.embedding
        row.scored_at = datetime.now(UTC)
        self.session.add(row)
        self.session.execute(update(PostRow).where(PostRow.id == pk).values(status="analyzed"))

    def set_post_event(self, pk: int, event_id: int) -> None:
        self.session.execute(update(PostRow).where(PostRow.id == pk).values(event_id=event_id))

    def add_reject(self, rec: RejectRecord) -> None:
        self.session.add(RejectRow(source=rec.source, line_no=rec.line_no, reason=rec.reason,
                                   excerpt=rec.excerpt[:500], at=rec.at))

    # ---- events ------------------------------------------------------------------------
    def open_events(self, since: datetime) -> list[EventRecord]:
        q = select(EventRow).where(EventRow.status == "open", EventRow.last_published_at >= since)
        return [event_from_row(r) for r in self.session.execute(q).scalars()]

    def get_event(self, pk: int) -> EventRecord | None:
        r = self.session.get(EventRow, pk)
        return event_from_row(r) if r else None

    def save_event(self, ev: EventRecord) -> int:
        row = self.session.get(EventRow, ev.pk) if ev.pk else None
        if row is None:
            row = EventRow()
            self.session.add(row)
        for f in _EVENT_FIELDS:
            setattr(row, f, getattr(ev, f))
        self.session.flush()
        ev.pk = row.id
        return row.id

    def event_posts(self, event_id: int) -> list[PostRecord]:
        rows = self.session.execute(
            select(PostRow, ScoreRow)
            .outerjoin(ScoreRow, ScoreRow.post_id == PostRow.id)
            .where(PostRow.event_id == event_id)
            .order_by(PostRow.published_at, PostRow.id)
        ).all()
        return [post_from_row(r, s) for r, s in rows]

    def event_members(self, event_id: int, limit: int) -> list[LinkPost]:
        """The event's latest ``limit`` scored posts, oldest first, as the grouping reads them."""
        q = (select(PostRow.normalized, PostRow.published_at, ScoreRow.topic, ScoreRow.township,
                    ScoreRow.severity, ScoreRow.embedding, PostRow.id)
             .join(ScoreRow, ScoreRow.post_id == PostRow.id)
             .where(PostRow.event_id == event_id)
             .order_by(PostRow.published_at.desc(), PostRow.id.desc()).limit(limit))
        return [LinkPost(t, at, topic, town, sev, emb, pk)
                for t, at, topic, town, sev, emb, pk in reversed(self.session.execute(q).all())]

    # ---- alerts ------------------------------------------------------------------------
    def _alert(self, r: AlertRow) -> AlertRecord:
        a = AlertRecord(
            event_id=r.event_id, department=r.department, severity=r.severity, created_at=r.created_at,
            pk=r.id, co_departments=list(r.co_departments or []), status=r.status,
            reasons=list(r.reasons or []), acknowledged_at=r.acknowledged_at, closed_at=r.closed_at,
        )
        obs = self.session.execute(
            select(ObligationRow).where(ObligationRow.alert_id == r.id).order_by(ObligationRow.due_at)
        ).scalars()
        a.obligations = [obligation_from_row(o) for o in obs]
        return a

    def alerts_for_event(self, event_id: int) -> list[AlertRecord]:
        rows = self.session.execute(select(AlertRow).where(AlertRow.event_id == event_id).order_by(AlertRow.id))
        return [self._alert(r) for r in rows.scalars()]

    def get_alert(self, pk: int) -> AlertRecord | None:
        r = self.session.get(AlertRow, pk)
        return self._alert(r) if r else None

    def save_alert(self, alert: AlertRecord) -> int:
        row = self.session.get(AlertRow, alert.pk) if alert.pk else None
        if row is None:
            row = AlertRow()
            self.session.add(row)
        for f in ("event_id department severity status created_at acknowledged_at closed_at").split():
            setattr(row, f, getattr(alert, f))
        row.co_departments = list(alert.co_departments)
        row.reasons = list(alert.reasons)
        self.session.flush()
        alert.pk = row.id
        for ob in alert.obligations:
            ob.alert_id = row.id
            self.save_obligation(ob)
        return row.id

    def save_obligation(self, ob: ObligationRecord) -> int:
        row = self.session.get(ObligationRow, ob.pk) if ob.pk else None
        if row is None:
            row = ObligationRow(alert_id=ob.alert_id)
            self.session.add(row)
        for f in _OB_FIELDS:
            setattr(row, f, getattr(ob, f))
        self.session.flush()
        ob.pk = row.id
        return row.id

    def open_obligations(self) -> list[ObligationRecord]:
        q = select(ObligationRow).where(ObligationRow.met_at.is_(None), ObligationRow.cancelled.is_(False))
        return [obligation_from_row(r) for r in self.session.execute(q).scalars()]

    def department_email(self, code: str) -> str | None:
        row = self.session.get(DepartmentRow, code)
        return row.head_email if row else None

    # ---- audit -------------------------------------------------------------------------
    def audit(self, entry: AuditEntry) -> None:
        self.session.add(AuditRow(at=entry.at, actor=entry.actor, action=entry.action, entity=entry.entity,
                                  entity_id=str(entry.entity_id), detail=entry.detail))
