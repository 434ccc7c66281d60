"""Alerts: route an event to its lead department and track its response obligations."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from kernel.config import Reference
from kernel.domain import events as ev_rules
from kernel.domain.evidence import obligation_kinds_met
from kernel.domain.obligations import plan_obligations
from kernel.domain.records import (
    AlertRecord,
    AuditEntry,
    EventRecord,
    ObligationRecord,
    PostRecord,
    saved,
)
from kernel.domain.routing import Route, route
from kernel.domain.scores import SEVERITY_RANK
from kernel.errors import InvalidGrade, InvalidTransition, NotFound
from kernel.ports import Store

log = logging.getLogger(__name__)

# (what it is about: "alert" | "event", its id, what happened) → e.g. queue a notification
AlertHook = Callable[[str, int, str], None]


class AlertService:
    """Creates, escalates and downgrades alerts and their obligations.

    Changes worth telling someone about are collected per thread while a unit of work
    runs and handed to ``on_change`` by :meth:`flush_hooks` once it has committed, so a
    notification never reads data that is not there yet."""

    def __init__(self, reference: Reference, clock: Callable[[], datetime], store_factory: Callable[[], Store],
                 on_change: AlertHook | None = None) -> None:
        self.reference = reference
        self._clock = clock
        self._store_factory = store_factory
        self._on_change = on_change
        self._local = threading.local()

    @property
    def _pending_hooks(self) -> list[tuple[str, int, str]]:
        hooks = getattr(self._local, "hooks", None)
        if hooks is None:
            hooks = self._local.hooks = []
        return hooks

    def _hook(self, kind: str, pk: int, what: str) -> None:
        self._pending_hooks.append((kind, pk, what))

    # -- called inside the pipeline's unit of work ------------------------------------
    def sync_event(self, store: Store, ev: EventRecord, posts: list[PostRecord]) -> AlertRecord | None:
        """Create, escalate or update the alert an event requires; attach evidence."""
        now = self._clock()
        tax = self.reference.taxonomy
        r = self._route(store, ev)
        ev_pk = saved(ev.pk)
        alerts = store.alerts_for_event(ev_pk)
        alert = alerts[0] if alerts else None
        if alert is None:
            if not tax.obligations.get(ev.severity):
                return None
            alert = self._create(store, ev, r, since=ev.first_detected_at, now=now)
        elif alert.status != "closed" and SEVERITY_RANK[ev.severity] < SEVERITY_RANK[alert.severity]:
            old = alert.severity
            # the new clocks count from when the graver report was detected
            escalated_at = max((p.detected_at for p in posts if p.score and p.score.severity == ev.severity
                                and ev_rules.collected_since_grading(ev, p)), default=now)
            self._regrade(store, alert, ev.severity, r, since=escalated_at, lowering=False, now=now)
            store.audit(AuditEntry("alert.escalated", "alert", str(alert.pk), now,
                                   detail={"from": old, "to": ev.severity, "event": ev.pk}))
            self._hook("alert", saved(alert.pk), "escalated")
        self._attach_evidence(store, alert, posts, now)
        return alert

    def note_suspected_major(self, store: Store, ev: EventRecord) -> None:
        """An event has just become 疑似重大 (III/IV, a post's model suspects I/II): ask the
        coordinating office for 会商研判 once. No clock starts."""
        now = self._clock()
        store.audit(AuditEntry("event.suspected_major", "event", str(ev.pk), now,
                               detail={"severity": ev.severity, "title": ev.title,
                                       "notify": self.reference.county.coordinator}))
        self._hook("event", saved(ev.pk), "suspected_major")

    def _route(self, store: Store, ev: EventRecord) -> Route:
        r = route(self.reference.county, [ev.topic], ev.township, ev.severity)
        ev.lead_department, ev.co_departments = r.lead, list(r.co)
        store.save_event(ev)
        return r

    def _create(self, store: Store, ev: EventRecord, r: Route, since: datetime, now: datetime,
                actor: str = "system", manual: bool = False) -> AlertRecord:
        tax = self.reference.taxonomy
        alert = AlertRecord(event_id=saved(ev.pk), department=r.lead, severity=ev.severity,
                            created_at=min(now, since), co_departments=list(r.co), reasons=list(r.reasons))
        alert.obligations = [ObligationRecord(p.kind, p.due_at) for p in plan_obligations(tax, ev.severity, since)]
        store.save_alert(alert)
        detail = {"event": ev.pk, "department": r.lead, "severity": ev.severity,
                  "obligations": [o.kind for o in alert.obligations]}
        if manual:
            detail["manual"] = True
        store.audit(AuditEntry("alert.created", "alert", str(alert.pk), now, actor, detail))
        self._hook("alert", saved(alert.pk), "created")
        return alert

    def _regrade(self, store: Store, alert: AlertRecord, grade: str, r: Route, since: datetime, lowering: bool,
                 now: datetime, actor: str = "system") -> dict[str, list[str]]:
        """Move an alert to ``grade``: clocks the grade needs and the alert lacks start at
        ``since`` (a clock cancelled earlier runs again from there); running and met clocks
        are kept. When lowering, unmet clocks the grade no longer needs are cancelled (kept
        and audited, never deleted)."""
        alert.severity = grade
        alert.department, alert.co_departments, alert.reasons = r.lead, list(r.co), list(r.reasons)
        plan = plan_obligations(self.reference.taxonomy, grade, since)
        by_kind = {o.kind: o for o in alert.obligations}
        changed: dict[str, list[str]] = {"added": [], "reinstated": [], "cancelled": []}
        for p in plan:
            ob = by_kind.get(p.kind)
            if ob is None:
                alert.obligations.append(ObligationRecord(p.kind, p.due_at, alert_id=alert.pk))
                changed["added"].append(p.kind)
            elif ob.cancelled and ob.met_at is None:
                ob.cancelled, ob.due_at, ob.escalated_at = False, p.due_at, None
                changed["reinstated"].append(p.kind)
        if lowering:
            needed = {p.kind for p in plan}
            for ob in alert.obligations:
                if ob.kind not in needed and ob.met_at is None and not ob.cancelled:
                    ob.cancelled = True
                    changed["cancelled"].append(ob.kind)
        store.save_alert(alert)
        for ob in alert.obligations:
            if ob.kind in changed["cancelled"] or ob.kind in changed["reinstated"]:
                action = "obligation.cancelled" if ob.kind in changed["cancelled"] else "obligation.reinstated"
                store.audit(AuditEntry(action, "obligation", str(ob.pk), now, actor,
                                       {"kind": ob.kind, "alert": alert.pk, "due_at": ob.due_at.isoformat(),
                                        "grade": grade}))
        return changed

    def _attach_evidence(self, store: Store, alert: AlertRecord, posts: list[PostRecord], now: datetime) -> None:
        for ob in alert.obligations:
            if ob.met_at is not None or ob.cancelled:
                continue
            for p in posts:
                if ob.kind in obligation_kinds_met(p):
                    ob.met_at = p.post.published_at
                    ob.evidence_post_id = p.pk
                    ob.evidence_url = p.post.url
                    ob.evidence_note = f"自动识别：{p.post.author or p.post.platform} 发布「{(p.post.title or p.normalized)[:40]}」"
                    store.save_obligation(ob)
                    store.audit(AuditEntry("obligation.met", "obligation", str(ob.pk), now,
                                           detail={"kind": ob.kind, "post": p.pk, "auto": True}))
                    break

    def discard_hooks(self) -> None:
        """Forget this thread's collected changes (its unit of work rolled back)."""
        self._local.hooks = []

    def flush_hooks(self) -> None:
        """Hand this thread's collected changes to ``on_change`` (call after committing)."""
        hooks, self._local.hooks = self._pending_hooks, []
        if self._on_change:
            for kind, pk, what in dict.fromkeys(hooks):  # two clocks of one alert overdue: one message
                try:
                    self._on_change(kind, pk, what)
                except Exception:
                    log.exception("%s %s 的通知排队失败", "预警" if kind == "alert" else "事件", pk)

    # -- periodic ----------------------------------------------------------------------
    def check_obligations(self) -> list[int]:
        """Mark overdue obligations as escalated (once each); returns their ids."""
        now = self._clock()
        escalated = []
        try:
            with self._store_factory() as store:
                for ob in store.open_obligations():
                    if ob.due_at < now and ob.escalated_at is None:
                        ob.escalated_at = now
                        store.save_obligation(ob)
                        store.audit(AuditEntry("obligation.overdue", "obligation", str(ob.pk), now,
                                               detail={"kind": ob.kind, "alert": ob.alert_id,
                                                       "due_at": ob.due_at.isoformat()}))
                        escalated.append(saved(ob.pk))
                        self._hook("alert", saved(ob.alert_id), "overdue")
        except BaseException:
            self.discard_hooks()
            raise
        self.flush_hooks()
        return escalated

    # -- user actions ------------------------------------------------------------------
    def fulfil(self, alert_id: int, kind: str, actor: str, evidence_url: str | None, note: str | None) -> AlertRecord:
        now = self._clock()
        with self._store_factory() as store:
            alert = _existing(store, alert_id)
            ob = next((o for o in alert.obligations if o.kind == kind), None)
            if ob is None:
                raise NotFound(f"预警 {alert_id} 没有「{kind}」时限义务")
            if ob.met_at is not None:
                raise InvalidTransition("该时限义务已完成")
            if not (evidence_url or note):
                raise InvalidTransition("请提供佐证链接或说明")
            ob.met_at, ob.evidence_url, ob.evidence_note = now, evidence_url, note
            store.save_obligation(ob)
            store.audit(AuditEntry("obligation.met", "obligation", str(ob.pk), now, actor,
                                   {"kind": kind, "url": evidence_url, "note": note}))
            return alert

    def grade_event(self, event_id: int, grade: str, reason: str, actor: str) -> EventRecord:
        """An analyst's grade after 会商研判. Raising it opens or escalates the alert with
        the grade's clocks counted from now (clocks already running are kept); lowering it
        cancels the unmet clocks the grade no longer needs. The grade then sticks (see
        :func:`kernel.domain.events.recompute`) and the 疑似重大 flag is cleared. The lead
        department and the coordinating office are told, as for an automatic change."""
        if grade not in SEVERITY_RANK:
            raise InvalidGrade(f"等级必须是 I、II、III 或 IV，收到：{grade}")
        reason = (reason or "").strip()
        if not reason:
            raise InvalidGrade("人工定级须填写理由")
        now = self._clock()
        try:
            with self._store_factory() as store:
                ev = store.get_event(event_id)
                if ev is None:
                    raise NotFound(f"事件 {event_id} 不存在")
                if ev.status == "closed":
                    raise InvalidTransition("事件已办结，不能再定级")
                old, was_suspected = ev.severity, ev.suspected_major
                ev.manual_severity, ev.graded_by, ev.graded_at, ev.grade_reason = grade, actor, now, reason
                posts = store.event_posts(event_id)
                ev_rules.recompute(ev, posts, now)
                r = self._route(store, ev)
                store.audit(AuditEntry("event.graded", "event", str(event_id), now, actor,
                                       {"from": old, "to": grade, "reason": reason,
                                        "suspected_major_cleared": was_suspected}))
                self._apply_grade(store, ev, r, now, actor, reason)
                self._attach_evidence_for(store, ev, posts, now)
        except BaseException:
            self.discard_hooks()  # nothing was committed: nobody is to be told
            raise
        self.flush_hooks()
        return ev

    def _apply_grade(self, store: Store, ev: EventRecord, r: Route, now: datetime, actor: str, reason: str) -> None:
        grade = ev.severity
        alerts = store.alerts_for_event(saved(ev.pk))
        alert = alerts[0] if alerts else None
        if alert is None:
            if self.reference.taxonomy.obligations.get(grade):
                self._create(store, ev, r, since=now, now=now, actor=actor, manual=True)
            return
        if alert.status == "closed" or grade == alert.severity:
            return
        before = alert.severity
        raised = SEVERITY_RANK[grade] < SEVERITY_RANK[before]
        changed = self._regrade(store, alert, grade, r, since=now, lowering=not raised, now=now, actor=actor)
        action = "alert.escalated" if raised else "alert.downgraded"
        store.audit(AuditEntry(action, "alert", str(alert.pk), now, actor,
                               {"from": before, "to": grade, "event": ev.pk, "manual": True, "reason": reason}
                               | changed))
        self._hook("alert", saved(alert.pk), "escalated" if raised else "downgraded")

    def _attach_evidence_for(self, store: Store, ev: EventRecord, posts: list[PostRecord], now: datetime) -> None:
        for alert in store.alerts_for_event(saved(ev.pk)):
            if alert.status != "closed":
                self._attach_evidence(store, alert, posts, now)

    def acknowledge(self, alert_id: int, actor: str) -> AlertRecord:
        now = self._clock()
        with self._store_factory() as store:
            alert = _existing(store, alert_id)
            if alert.status != "open":
                raise InvalidTransition("只有待签收的预警可以签收")
            alert.status, alert.acknowledged_at = "acknowledged", now
            store.save_alert(alert)
            store.audit(AuditEntry("alert.acknowledged", "alert", str(alert_id), now, actor))
            return alert

    def close(self, alert_id: int, actor: str, note: str) -> AlertRecord:
        now = self._clock()
        with self._store_factory() as store:
            alert = _existing(store, alert_id)
            if alert.status == "closed":
                raise InvalidTransition("预警已办结")
            if not note.strip():
                raise InvalidTransition("办结须填写处置情况说明")
            open_obs = [o for o in alert.obligations if o.met_at is None and not o.cancelled]
            for o in open_obs:
                o.cancelled = True
            alert.status, alert.closed_at = "closed", now
            store.save_alert(alert)
            ev = store.get_event(alert.event_id)
            if ev is not None:
                ev.status, ev.closed_at = "closed", now
                store.save_event(ev)
            store.audit(AuditEntry("alert.closed", "alert", str(alert_id), now, actor,
                                   {"note": note, "cancelled_obligations": [o.kind for o in open_obs]}))
            return alert


def _existing(store: Store, alert_id: int) -> AlertRecord:
    alert = store.get_alert(alert_id)
    if alert is None:
        raise NotFound(f"预警 {alert_id} 不存在")
    return alert
