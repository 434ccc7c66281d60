"""Tells the responsible department head about an alert, and records that it did."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from kernel.config import Reference
from kernel.domain.obligations import KIND_NAMES, clock_status, format_remaining
from kernel.domain.records import AuditEntry
from kernel.ports import Notifier, Store

log = logging.getLogger(__name__)

WHAT = {"created": "新预警", "escalated": "预警升级", "overdue": "时限已超", "reminder": "时限提醒"}


class NotificationService:
    def __init__(self, reference: Reference, store_factory: Callable[[], Store], clock: Callable[[], datetime],
                 channels: list[Notifier],
                 console_url: str = "http://127.0.0.1:8000") -> None:
        self.reference = reference
        self._store_factory = store_factory
        self._clock = clock
        self._channels = channels
        self._console_url = console_url

    def compose(self, store: Store, alert_id: int, what: str) -> tuple[str, str, list[str]] | None:
        alert = store.get_alert(alert_id)
        if alert is None:
            return None
        ev = store.get_event(alert.event_id)
        county = self.reference.county
        dept = county.departments.get(alert.department)
        now = self._clock()
        subject = f"【听风·{WHAT.get(what, '预警')}】{alert.severity}级 {ev.title if ev else ''}"[:120]
        lines = [
            f"{dept.name if dept else alert.department}：",
            f"事件：{ev.title if ev else alert.event_id}（{alert.severity}级，{ev.township or '属地未明'}）",
            f"主办：{dept.name if dept else alert.department}；协办：{'、'.join(alert.co_departments) or '无'}",
        ]
        for o in alert.obligations:
            st = clock_status(o.due_at, o.met_at, now, o.cancelled)
            lines.append(f"- {KIND_NAMES.get(o.kind, o.kind)}：截止 {o.due_at.astimezone().strftime('%m-%d %H:%M')}，"
                         f"{format_remaining(o.due_at - now) if st in ('pending', 'overdue') else st}")
        lines.append(f"详情：{self._console_url}/#/alerts/{alert_id}")
        recipients = [alert.department]
        if what in ("overdue", "escalated"):
            recipients.append(county.coordinator)
        return subject, "\n".join(lines), recipients

    def notify_alert(self, alert_id: int, what: str) -> int:
        """Send on every channel to every recipient; returns how many messages went out.
        A failing channel is logged and recorded; the others still send."""
        sent = 0
        with self._store_factory() as store:
            composed = self.compose(store, alert_id, what)
            if composed is None:
                return 0
            subject, body, depts = composed
            for dept in depts:
                addr = store.department_email(dept)
                for ch in self._channels:
                    ok, err = True, None
                    if addr is None and ch.channel == "email":
                        continue
                    try:
                        ch.send(addr or dept, subject, body)
                        sent += 1
                    except Exception as exc:  # noqa: BLE001 - recorded and retried by the caller
                        ok, err = False, str(exc)
                        log.warning("通知发送失败（%s → %s）：%s", ch.channel, dept, exc)
                    store.audit(AuditEntry("notification.sent" if ok else "notification.failed", "alert",
                                           str(alert_id), self._clock(),
                                           detail={"channel": ch.channel, "department": dept, "what": what,
                                                   "subject": subject, "error": err}))
            store.audit(AuditEntry("notification.console", "alert", str(alert_id), self._clock(),
                                   detail={"departments": depts, "what": what, "subject": subject}))
        return sent
