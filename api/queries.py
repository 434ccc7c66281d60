"""Read models for the console: plain SQL queries shaped for display (no business rules)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kernel.config import Reference
from kernel.domain.obligations import KIND_NAMES, STATUS_NAMES, clock_status
from storage.tables import (
    AlertRow,
    AuditRow,
    DepartmentRow,
    EventRow,
    ObligationRow,
    PostRow,
    RejectRow,
    ScoreRow,
)


def dept_name(session: Session, code: str, cache: dict[str, str]) -> str:
    if code not in cache:
        row = session.get(DepartmentRow, code)
        cache[code] = row.name if row else code
    return cache[code]


def post_dict(p: PostRow, s: ScoreRow | None) -> dict[str, Any]:
    d = {
        "id": p.id, "platform": p.platform, "external_id": p.external_id, "url": p.url, "title": p.title,
        "text": p.text, "normalized": p.normalized, "author": p.author, "published_at": p.published_at,
        "detected_at": p.detected_at, "metrics": p.metrics or {}, "ip_location": p.ip_location,
        "source": p.source, "duplicate_of": p.duplicate_of, "status": p.status, "event_id": p.event_id,
        "score": None,
    }
    if s is not None:
        d["score"] = {
            "analyzer": s.analyzer, "sentiment": s.sentiment, "sentiment_score": s.sentiment_score,
            "topic": s.topic, "topics": s.topics, "severity": s.severity, "disposition": s.disposition,
            "township": s.township, "lead_department": s.lead_department, "co_departments": s.co_departments,
            "rumor": s.rumor, "explanation": s.explanation or {},
        }
    return d


def list_posts(session: Session, *, ids: list[int] | None = None, event_id: int | None = None,
               severity: str | None = None, topic: str | None = None, township: str | None = None,
               sentiment: str | None = None, platform: str | None = None, limit: int = 50,
               offset: int = 0) -> tuple[int, list[dict]]:
    q = select(PostRow, ScoreRow).outerjoin(ScoreRow, ScoreRow.post_id == PostRow.id)
    if ids is not None:
        q = q.where(PostRow.id.in_(ids))
    if event_id is not None:
        q = q.where(PostRow.event_id == event_id)
    if platform:
        q = q.where(PostRow.platform == platform)
    for col, val in ((ScoreRow.severity, severity), (ScoreRow.topic, topic), (ScoreRow.township, township),
                     (ScoreRow.sentiment, sentiment)):
        if val:
            q = q.where(col == val)
    total = session.execute(select(func.count()).select_from(q.subquery())).scalar() or 0
    rows = session.execute(q.order_by(PostRow.published_at.desc(), PostRow.id.desc()).limit(limit).offset(offset))
    return total, [post_dict(p, s) for p, s in rows]


def obligation_dict(o: ObligationRow, now: datetime) -> dict[str, Any]:
    st = clock_status(o.due_at, o.met_at, now, o.cancelled)
    return {
        "id": o.id, "kind": o.kind, "kind_name": KIND_NAMES.get(o.kind, o.kind), "due_at": o.due_at,
        "met_at": o.met_at, "status": st, "status_name": STATUS_NAMES[st],
        "remaining_seconds": (o.due_at - now).total_seconds(), "evidence_url": o.evidence_url,
        "evidence_note": o.evidence_note, "evidence_post_id": o.evidence_post_id, "escalated_at": o.escalated_at,
    }


def alert_dict(session: Session, a: AlertRow, now: datetime, names: dict[str, str]) -> dict[str, Any]:
    ev = session.get(EventRow, a.event_id)
    obs = session.execute(select(ObligationRow).where(ObligationRow.alert_id == a.id)
                          .order_by(ObligationRow.due_at)).scalars()
    return {
        "id": a.id, "event_id": a.event_id, "event_title": ev.title if ev else "", "department": a.department,
        "department_name": dept_name(session, a.department, names), "co_departments": a.co_departments or [],
        "co_department_names": [dept_name(session, c, names) for c in a.co_departments or []],
        "severity": a.severity, "status": a.status, "reasons": a.reasons or [], "created_at": a.created_at,
        "acknowledged_at": a.acknowledged_at, "closed_at": a.closed_at,
        "obligations": [obligation_dict(o, now) for o in obs],
    }


def list_alerts(session: Session, now: datetime, *, status: str | None = None, department: str | None = None,
                event_id: int | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[dict]]:
    q = select(AlertRow)
    if status == "active":
        q = q.where(AlertRow.status != "closed")
    elif status:
        q = q.where(AlertRow.status == status)
    if department:
        q = q.where(AlertRow.department == department)
    if event_id is not None:
        q = q.where(AlertRow.event_id == event_id)
    total = session.execute(select(func.count()).select_from(q.subquery())).scalar() or 0
    names: dict[str, str] = {}
    rows = session.execute(q.order_by(AlertRow.severity, AlertRow.created_at.desc()).limit(limit).offset(offset))
    items = [alert_dict(session, a, now, names) for a in rows.scalars()]
    # most urgent first: active alerts by the nearest open deadline
    def urgency(a: dict) -> tuple:
        open_obs = [o["remaining_seconds"] for o in a["obligations"] if o["status"] in ("pending", "overdue")]
        return (a["status"] == "closed", min(open_obs) if open_obs else float("inf"))
    items.sort(key=urgency)
    return total, items


def event_dict(session: Session, e: EventRow, ref: Reference, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": e.id, "title": e.title, "topic": e.topic, "topic_name": ref.taxonomy.topic_name(e.topic),
        "township": e.township, "severity": e.severity, "status": e.status,
        "first_detected_at": e.first_detected_at, "first_published_at": e.first_published_at,
        "last_published_at": e.last_published_at, "post_count": e.post_count, "voice_count": e.voice_count,
        "engagement": e.engagement, "negative_count": e.negative_count, "heat": e.heat, "trend": e.trend,
        "rumor": e.rumor, "suspected_major": bool(e.suspected_major), "disposition": e.disposition,
        "lead_department": e.lead_department,
        "lead_department_name": dept_name(session, e.lead_department, names),
        "co_departments": e.co_departments or [], "keywords": e.keywords or [], "figures": e.figures or {},
        "manual_severity": e.manual_severity, "graded_by": e.graded_by, "graded_at": e.graded_at,
        "grade_reason": e.grade_reason,
    }


def list_events(session: Session, ref: Reference, *, status: str | None = None, severity: str | None = None,
                topic: str | None = None, township: str | None = None, sort: str = "heat", limit: int = 50,
                offset: int = 0) -> tuple[int, list[dict]]:
    q = select(EventRow)
    for col, val in ((EventRow.status, status), (EventRow.severity, severity), (EventRow.topic, topic),
                     (EventRow.township, township)):
        if val:
            q = q.where(col == val)
    total = session.execute(select(func.count()).select_from(q.subquery())).scalar() or 0
    order = {"heat": (EventRow.heat.desc(),), "recent": (EventRow.last_published_at.desc(),),
             "severity": (EventRow.severity, EventRow.heat.desc())}.get(sort, (EventRow.heat.desc(),))
    names: dict[str, str] = {}
    rows = session.execute(q.order_by(*order, EventRow.id.desc()).limit(limit).offset(offset)).scalars()
    return total, [event_dict(session, e, ref, names) for e in rows]


def event_series(posts: list[dict], bucket: timedelta = timedelta(hours=1)) -> list[dict]:
    """Posts, negative posts and engagement per hour: the event's time series."""
    if not posts:
        return []
    counts: Counter = Counter()
    neg: Counter = Counter()
    eng: Counter = Counter()
    step = int(bucket.total_seconds())
    for p in posts:
        ts = int(p["published_at"].timestamp()) // step * step
        counts[ts] += 1
        if p["score"] and p["score"]["sentiment"] == "negative":
            neg[ts] += 1
        m = p["metrics"]
        eng[ts] += m.get("reposts", 0) + m.get("comments", 0) + m.get("likes", 0)
    start, end = min(counts), max(counts)
    out = []
    for ts in range(start, end + step, step):
        out.append({"t": datetime.fromtimestamp(ts).astimezone().isoformat(), "posts": counts.get(ts, 0),
                    "negative": neg.get(ts, 0), "engagement": eng.get(ts, 0)})
    return out


def stats(session: Session, ref: Reference, now: datetime) -> dict[str, Any]:
    def grouped(col) -> dict[str, int]:
        return {k or "未知": v for k, v in session.execute(select(col, func.count()).group_by(col))}

    posts = session.execute(select(func.count(PostRow.id))).scalar() or 0
    obs = session.execute(select(ObligationRow).join(AlertRow, AlertRow.id == ObligationRow.alert_id)
                          .where(AlertRow.status != "closed")).scalars().all()
    states = Counter(clock_status(o.due_at, o.met_at, now, o.cancelled) for o in obs)
    day_col = func.date(PostRow.published_at)
    per_day = [{"day": str(d), "posts": n} for d, n in
               session.execute(select(day_col, func.count()).group_by(day_col).order_by(day_col))]
    return {
        "posts": posts,
        "events": session.execute(select(func.count(EventRow.id))).scalar() or 0,
        "open_events": session.execute(select(func.count(EventRow.id)).where(EventRow.status == "open")).scalar() or 0,
        "active_alerts": session.execute(select(func.count(AlertRow.id)).where(AlertRow.status != "closed")).scalar() or 0,
        "obligations": dict(states),
        "by_severity": grouped(ScoreRow.severity),
        "by_sentiment": grouped(ScoreRow.sentiment),
        "by_topic": {ref.taxonomy.topic_name(k): v for k, v in grouped(ScoreRow.topic).items()},
        "by_platform": grouped(PostRow.platform),
        "by_township": grouped(ScoreRow.township),
        "per_day": per_day,
        "rejected": session.execute(select(func.count(RejectRow.id))).scalar() or 0,
        # delivery of notifications: sends, failed attempts, and messages given up after the retries
        "notifications": {a.removeprefix("notification."): n for a, n in session.execute(
            select(AuditRow.action, func.count()).where(AuditRow.action.in_(
                ("notification.sent", "notification.failed", "notification.abandoned", "notification.skipped")))
            .group_by(AuditRow.action))},
    }


def departments(session: Session, now: datetime) -> list[dict]:
    out = []
    for d in session.execute(select(DepartmentRow).order_by(DepartmentRow.kind, DepartmentRow.code)).scalars():
        alerts = session.execute(select(AlertRow.id).where(AlertRow.department == d.code,
                                                           AlertRow.status != "closed")).scalars().all()
        overdue = 0
        if alerts:
            overdue = session.execute(select(func.count(ObligationRow.id)).where(
                ObligationRow.alert_id.in_(alerts), ObligationRow.met_at.is_(None),
                ObligationRow.cancelled.is_(False), ObligationRow.due_at < now)).scalar() or 0
        out.append({"code": d.code, "name": d.name, "kind": d.kind, "topics": d.topics or [], "role": d.role,
                    "open_alerts": len(alerts), "overdue": overdue})
    return out


def event_links(session: Session, event_id: int) -> dict[int, dict]:
    """post id -> how the learned same-event link put it in the event (audit "event.post_linked")."""
    rows = session.execute(select(AuditRow.detail).where(
        AuditRow.action == "event.post_linked", AuditRow.entity == "event", AuditRow.entity_id == str(event_id)))
    out: dict[int, dict] = {}
    for (d,) in rows:
        if d and isinstance(d.get("post"), int):
            out[d["post"]] = {"partner_post": d.get("partner_post"), "probability": float(d.get("probability", 0.0))}
    return out


def audit(session: Session, entity: str | None, entity_id: str | None, limit: int = 200) -> list[dict]:
    q = select(AuditRow)
    if entity:
        q = q.where(AuditRow.entity == entity)
    if entity_id:
        q = q.where(AuditRow.entity_id == entity_id)
    rows = session.execute(q.order_by(AuditRow.id.desc()).limit(limit)).scalars()
    return [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "entity": r.entity,
             "entity_id": r.entity_id, "detail": r.detail or {}} for r in rows]


def rejects(session: Session, limit: int = 100) -> list[dict]:
    rows = session.execute(select(RejectRow).order_by(RejectRow.id.desc()).limit(limit)).scalars()
    return [{"id": r.id, "source": r.source, "line_no": r.line_no, "reason": r.reason, "excerpt": r.excerpt,
             "at": r.at} for r in rows]


def sources(session: Session) -> list[dict]:
    from storage.tables import SourceRow

    rows = session.execute(select(SourceRow).order_by(SourceRow.name)).scalars()
    return [{"name": r.name, "kind": r.kind, "interval_seconds": r.interval_seconds, "enabled": r.enabled,
             "state": r.state, "paused_until": r.paused_until, "consecutive_failures": r.consecutive_failures,
             "last_run_at": r.last_run_at, "last_summary": r.last_summary or {}} for r in rows]
