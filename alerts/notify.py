"""Tells the responsible department heads about an alert or an event, and records that it did.

Who is told (属地管理、分级负责、谁主管谁负责):
- every alert message goes to the lead department;
- the coordinating office (county.coordinator, 县人民政府办公室) also gets escalations,
  overdue clocks, downgrades and every message about a I/II alert;
- the propaganda department (网信办) is informed of new and escalated I/II alerts;
- a 疑似重大 notice goes to the coordinating office alone, asking for 会商研判.

Each (channel, department) send is audited as ``notification.sent`` / ``notification.failed``.
The sends that failed are retried by the caller (``tingfeng.notify_*`` tasks) after
:meth:`NotificationService.retry_delay`; after the last attempt ``notification.abandoned``
is recorded and logged as an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kernel.config import Reference
from kernel.domain.events import collected_since_grading
from kernel.domain.obligations import KIND_NAMES, STATUS_NAMES, clock_status, format_remaining
from kernel.domain.posts import CST  # Beijing time; China keeps no summer time
from kernel.domain.records import AuditEntry, EventRecord, PostRecord
from kernel.domain.routing import unit_name
from kernel.domain.scores import is_major
from kernel.ports import Notice, Notifier, Store

log = logging.getLogger(__name__)

WHAT = {"created": "新预警", "escalated": "预警升级", "overdue": "时限已超", "reminder": "时限提醒",
        "downgraded": "预警降级", "suspected_major": "疑似重大·请研判"}
PLATFORMS = {"weibo": "微博", "forum": "论坛", "tieba": "贴吧", "news": "新闻", "gov_board": "留言板"}

Target = Sequence[str]  # [channel, department]: one send, JSON-safe for task arguments


@dataclass(frozen=True)
class Draft:
    """A composed message before it is addressed to each department."""

    subject: str
    body: str
    departments: list[str]
    event_id: int
    alert_id: int | None
    severity: str
    url: str


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: list[list[str]] = field(default_factory=list)  # [channel, department] still to send
    retry_in: float | None = None  # seconds until those are retried; None: nothing to retry or gave up


def beijing(t: datetime) -> str:
    return t.astimezone(CST).strftime("%m-%d %H:%M")


class NotificationService:
    def __init__(self, reference: Reference, store_factory: Callable[[], Store], clock: Callable[[], datetime],
                 channels: list[Notifier], console_url: str = "http://127.0.0.1:8000", retries: int = 3,
                 retry_seconds: float = 30.0) -> None:
        self.reference = reference
        self._store_factory = store_factory
        self._clock = clock
        self._channels = channels
        self._console_url = console_url.rstrip("/")
        self.retries = retries
        self.retry_seconds = retry_seconds
        self._warned_no_email: set[str] = set()

    @property
    def channels(self) -> list[Notifier]:
        return list(self._channels)

    def retry_delay(self, attempt: int) -> float | None:
        """Seconds to wait after failed attempt ``attempt`` (1 = the first send): the base
        delay, doubled each time; None once ``retries`` retries have been spent."""
        if attempt > self.retries:
            return None
        return self.retry_seconds * 2 ** (attempt - 1)

    # -- composing ---------------------------------------------------------------------
    def _name(self, code: str) -> str:
        return unit_name(self.reference.county, code)

    def alert_recipients(self, lead: str, severity: str, what: str) -> list[str]:
        county = self.reference.county
        out = [lead]
        if what in ("escalated", "overdue", "downgraded") or is_major(severity):
            out.append(county.coordinator)
        if is_major(severity) and what in ("created", "escalated"):
            out.append(county.propaganda)
        return list(dict.fromkeys(out))

    def compose_alert(self, store: Store, alert_id: int, what: str) -> Draft | None:
        alert = store.get_alert(alert_id)
        if alert is None:
            return None
        ev = store.get_event(alert.event_id)
        now = self._clock()
        tax = self.reference.taxonomy
        title = ev.title if ev else f"事件 {alert.event_id}"
        lead = self._name(alert.department)
        grade = f"{alert.severity}级（{tax.severities.get(alert.severity, '').split('—')[0].strip()}）"
        subject = f"【听风·{WHAT.get(what, '预警')}】{alert.severity}级 {title}"[:120]
        lines = [
            f"{lead}：",
            f"事件：{title}",
            f"等级：{grade}；属地：{(ev.township if ev else None) or '属地未明'}",
            f"主办：{lead}；协办：{'、'.join(self._name(c) for c in alert.co_departments) or '无'}",
        ]
        if ev is not None and ev.manual_severity:
            lines.append(f"人工定级：{ev.manual_severity}级（{ev.graded_by or '分析人员'}，"
                         f"{beijing(ev.graded_at) if ev.graded_at else ''}）：{ev.grade_reason or ''}")
        if alert.obligations:
            lines.append("回应时限（北京时间）：")
        else:
            lines.append("回应时限：无（该等级没有法定回应时限）")
        for o in alert.obligations:
            st = clock_status(o.due_at, o.met_at, now, o.cancelled)
            state = format_remaining(o.due_at - now) if st in ("pending", "overdue") else STATUS_NAMES[st]
            lines.append(f"- {KIND_NAMES.get(o.kind, o.kind)}：截止 {beijing(o.due_at)}，{state}")
        url = f"{self._console_url}/#/alerts/{alert_id}"
        lines.append(f"详情：{url}")
        return Draft(subject, "\n".join(lines), self.alert_recipients(alert.department, alert.severity, what),
                     alert.event_id, alert_id, alert.severity, url)

    def compose_event(self, store: Store, event_id: int, what: str) -> Draft | None:
        """The 疑似重大 notice: an event kept at III/IV that a post's model thinks may be I/II."""
        ev = store.get_event(event_id)
        if ev is None:
            return None
        tax = self.reference.taxonomy
        county = self.reference.county
        coordinator = self._name(county.coordinator)
        doubtful = [p for p in store.event_posts(event_id) if _suspected(p, ev)]
        grade_name = tax.severities.get(ev.severity, "").split("—")[0].strip()
        subject = f"【听风·疑似重大·请研判】{ev.severity}级 {ev.title}"[:120]
        lines = [
            f"{coordinator}：",
            f"事件：{ev.title}",
            f"现按 {ev.severity}级（{grade_name}）处置；属地：{ev.township or '属地未明'}；"
            f"主题：{tax.topic_name(ev.topic)}；主办：{self._name(ev.lead_department)}",
            f"模型判断其中 {len(doubtful)} 条帖子可能达到重大（I/II 级），但帖子没有给出可核对的伤亡、"
            "聚集等数字，系统未自动定级。",
            "尚未启动 5 小时（发布权威信息）和 24 小时（新闻发布会）时限。",
            "请组织会商研判、核实规模：确属重大的，请在控制台事件页“人工定级”升为 I/II 级，时限自定级时起算；"
            "不属重大的，也请定级说明理由，以免重复提示。",
        ]
        if doubtful:
            lines.append("疑似帖子：")
            for p in doubtful[:5]:
                text = (p.post.title or p.normalized).replace("\n", " ")
                lines.append(f"- {beijing(p.post.published_at)} {PLATFORMS.get(p.post.platform, p.post.platform)}："
                             f"{text[:60]}{'…' if len(text) > 60 else ''}")
        url = f"{self._console_url}/#/events/{event_id}"
        lines.append(f"详情：{url}")
        return Draft(subject, "\n".join(lines), [county.coordinator], event_id, None, ev.severity, url)

    # -- sending -----------------------------------------------------------------------
    def notify_alert(self, alert_id: int, what: str, targets: Sequence[Target] | None = None,
                     attempt: int = 1) -> DeliveryReport:
        """Send an alert message on every channel to every recipient (or only ``targets``,
        the sends of an earlier attempt that failed). A failing channel is recorded; the
        others still send."""
        with self._store_factory() as store:
            if attempt > 1:
                alert = store.get_alert(alert_id)
                if alert is not None and alert.status == "closed":
                    self._abandon(store, "alert", alert_id, what, targets or [], "预警已办结，不再重发")
                    return DeliveryReport()
            draft = self.compose_alert(store, alert_id, what)
            if draft is None:
                return DeliveryReport()
            return self._deliver(store, "alert", alert_id, what, draft, targets, attempt)

    def notify_event(self, event_id: int, what: str, targets: Sequence[Target] | None = None,
                     attempt: int = 1) -> DeliveryReport:
        """Send an event notice (the 疑似重大 request for 会商研判) to the coordinating office."""
        with self._store_factory() as store:
            ev = store.get_event(event_id)
            if ev is not None and what == "suspected_major" and not ev.suspected_major:
                # graded (or proven I/II) before the notice went out: nothing left to ask
                log.info("事件 %s 已不再疑似重大，研判提示不再发送", event_id)
                store.audit(AuditEntry("notification.dropped", "event", str(event_id), self._clock(),
                                       detail={"what": what, "attempt": attempt,
                                               "reason": "事件已不再疑似重大（已人工定级或已确认等级）"}))
                return DeliveryReport()
            draft = self.compose_event(store, event_id, what)
            if draft is None:
                return DeliveryReport()
            return self._deliver(store, "event", event_id, what, draft, targets, attempt)

    def _deliver(self, store: Store, entity: str, entity_id: int, what: str, draft: Draft,
                 targets: Sequence[Target] | None, attempt: int) -> DeliveryReport:
        wanted = None if targets is None else {(str(c), str(d)) for c, d in targets}
        report = DeliveryReport()
        retry_in = self.retry_delay(attempt)
        for dept in draft.departments:
            email = store.department_email(dept)
            notice = Notice(what=what, department=dept, department_name=self._name(dept), email=email,
                            subject=draft.subject, body=draft.body, event_id=draft.event_id,
                            alert_id=draft.alert_id, severity=draft.severity, url=draft.url)
            for ch in self._channels:
                if wanted is not None and (ch.channel, dept) not in wanted:
                    continue
                detail = {"channel": ch.channel, "department": dept, "what": what, "subject": draft.subject,
                          "attempt": attempt}
                if getattr(ch, "needs_email", False) and not email:
                    if dept not in self._warned_no_email:  # once per department and process
                        self._warned_no_email.add(dept)
                        log.warning("%s 未配置邮箱（reference-county.yaml 的 email），不会收到预警邮件",
                                    notice.department_name)
                    store.audit(AuditEntry("notification.skipped", entity, str(entity_id), self._clock(),
                                           detail=detail | {"reason": "未配置邮箱"}))
                    continue
                try:
                    ch.send(notice)
                except Exception as exc:  # noqa: BLE001 - any channel failure is recorded and retried
                    report.failed.append([ch.channel, dept])
                    log.warning("通知发送失败（第 %d 次，%s → %s）：%s", attempt, ch.channel, dept, exc)
                    store.audit(AuditEntry("notification.failed", entity, str(entity_id), self._clock(),
                                           detail=detail | {"error": str(exc), "retry_in": retry_in}))
                    continue
                report.sent += 1
                store.audit(AuditEntry("notification.sent", entity, str(entity_id), self._clock(),
                                       detail=detail | {"recipient": email if ch.channel == "email" else dept}))
        if attempt == 1:
            store.audit(AuditEntry("notification.console", entity, str(entity_id), self._clock(),
                                   detail={"departments": draft.departments, "what": what,
                                           "subject": draft.subject}))
        if report.failed:
            if retry_in is None:
                self._abandon(store, entity, entity_id, what, report.failed,
                              f"已尝试 {attempt} 次仍失败，放弃重发")
            else:
                report.retry_in = retry_in
        return report

    def _abandon(self, store: Store, entity: str, entity_id: int, what: str, targets: Sequence[Target],
                 reason: str) -> None:
        log.error("通知未能送达，%s（%s %s，%s）：%s", reason, entity, entity_id, what,
                  "、".join(f"{c}→{d}" for c, d in targets))
        store.audit(AuditEntry("notification.abandoned", entity, str(entity_id), self._clock(),
                               detail={"what": what, "targets": [list(t) for t in targets], "reason": reason}))


def _suspected(p: PostRecord, ev: EventRecord) -> bool:
    """A post the model suspects of I/II that the event's flag rests on (after an analyst
    graded the event, only posts collected since count)."""
    if p.score is None or not p.score.explanation.get("suspected_major"):
        return False
    return collected_since_grading(ev, p)
