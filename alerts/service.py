"""Alerts: route an event to its lead department and track its response obligations."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from kernel.config import Reference
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
from kernel.domain.routing import route
from kernel.domain.scores import SEVERITY_RANK
from kernel.errors import InvalidTransition, NotFound
from kernel.ports import Store

log = logging.getLogger(__name__)

AlertHook = Callable[[int, str], None]  # (alert id, what happened) → e.g. queue a notification


class AlertService:
    def __init__(self, reference: Reference, clock: Callable[[], datetime], store_factory: Callable[[], Store],
                 on_change: AlertHook | None = None) -> None:
        self.reference = reference
        self._clock = clock
        self._store_factory = store_factory
        self._on_change = on_change
        self._pending_hooks: list[tuple[int, str]] = []

    # -- called inside the pipeline's unit of work ------------------------------------
    def sync_event(self, store: Store, ev: EventRecord, posts: list[PostRecord]) -> AlertRecord | None:
        """Create, escalate or update the alert an event requires; attach evidence."""
        now = self._clock()
        tax = self.reference.taxonomy
        r = route(self.reference.county, [ev.topic], ev.township, ev.severity)
        ev.lead_department, ev.co_departments = r.lead, list(r.co)
        store.save_event(ev)
        ev_pk = saved(ev.pk)
        alerts = store.alerts_for_event(ev_pk)
        alert = alerts[0] if alerts else None
        if alert is None:
            if not tax.obligations.get(ev.severity):
                return None
            detected = ev.first_detected_at
            alert = AlertRecord(event_id=ev_pk, department=r.lead, severity=ev.severity,
                                created_at=min(now, detected), co_departments=list(r.co),
                                reasons=list(r.reasons))
            alert.obligations = [ObligationRecord(p.kind, p.due_at)
                                 for p in plan_obligations(tax, ev.severity, detected)]
            store.save_alert(alert)
            store.audit(AuditEntry("alert.created", "alert", str(alert.pk), now,
                                   detail={"event": ev.pk, "department": r.lead, "severity": ev.severity,
                                           "obligations": [o.kind for o in alert.obligations]}))
            self._pending_hooks.append((saved(alert.pk), "created"))
        elif alert.status != "closed" and SEVERITY_RANK[ev.severity] < SEVERITY_RANK[alert.severity]:
            old = alert.severity
            alert.severity = ev.severity
            alert.department = r.lead
            alert.co_departments = list(r.co)
            alert.reasons = list(r.reasons)
            have = {o.kind for o in alert.obligations}
            escalated_at = max((p.detected_at for p in posts if p.score and p.score.severity == ev.severity),
                               default=now)
            for p in plan_obligations(tax, ev.severity, escalated_at):
                if p.kind not in have:
                    alert.obligations.append(ObligationRecord(p.kind, p.due_at, alert_id=alert.pk))
            store.save_alert(alert)
            store.audit(AuditEntry("alert.escalated", "alert", str(alert.pk), now,
                                   detail={"from": old, "to": ev.severity, "event": ev.pk}))
            self._pending_hooks.append((saved(alert.pk), "escalated"))
        self._attach_evidence(store, alert, posts, now)
        return alert

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

    def flush_hooks(self) -> None:
        hooks, self._pending_hooks = self._pending_hooks, []
        if self._on_change:
            for alert_id, what in hooks:
                try:
                    self._on_change(alert_id, what)
                except Exception:
                    log.exception("预警 %s 的通知排队失败", alert_id)

    # -- periodic ----------------------------------------------------------------------
    def check_obligations(self) -> list[int]:
        """Mark overdue obligations as escalated (once each); returns their ids."""
        now = self._clock()
        escalated = []
        with self._store_factory() as store:
            for ob in store.open_obligations():
                if ob.due_at < now and ob.escalated_at is None:
                    ob.escalated_at = now
                    store.save_obligation(ob)
                    store.audit(AuditEntry("obligation.overdue", "obligation", str(ob.pk), now,
                                           detail={"kind": ob.kind, "alert": ob.alert_id,
                                                   "due_at": ob.due_at.isoformat()}))
                    escalated.append(saved(ob.pk))
                    self._pending_hooks.append((saved(ob.alert_id), "overdue"))
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
