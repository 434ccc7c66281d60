"""Helpers shared by the notification, 疑似重大 and grading tests: a settable clock, posts
at given minutes, an App wired to the local SMTP server / webhook receiver, audit reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from api import queries
from tests.conftest import make_settings, wait_for  # noqa: F401 - re-exported for the alerting tests
from tingfeng.bootstrap import bootstrap

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 Beijing
BEIJING = timezone(timedelta(hours=8))
CONSOLE = "https://yuqing.yunling.gov.example"
SECRET = "test-webhook-secret"


class Clock:
    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


def post(pid: str, text: str, minutes: float = 0, **kw) -> dict:
    t = (T0 + timedelta(minutes=minutes)).astimezone()
    return {"id": pid, "platform": "weibo", "text": text, "published_at": t.isoformat(), **kw}


def make_app(tmp_path, spec, clock, smtp=None, hook=None, db="notify.db", analyzer=None, **kw):
    settings = make_settings(
        f"sqlite:///{tmp_path / db}", spec,
        smtp_host="127.0.0.1" if smtp else "", smtp_port=smtp.port if smtp else 25,
        webhook_url=hook.url if hook else "", webhook_secret=SECRET if hook else "",
        console_url=CONSOLE, notify_retry_seconds=kw.pop("notify_retry_seconds", 0.05), **kw)
    return bootstrap(settings, clock=clock, analyzer=analyzer)


def audit(app, action=None) -> list[dict]:
    """Audit entries, oldest first."""
    with app.store_factory() as st:
        rows = queries.audit(st.session, None, None, 1000)
    return [r for r in reversed(rows) if action is None or r["action"] == action]


def alerts(app) -> list[dict]:
    with app.store_factory() as st:
        return queries.list_alerts(st.session, app.clock())[1]


def events(app) -> list[dict]:
    with app.store_factory() as st:
        return queries.list_events(st.session, app.reference)[1]


def beijing(t: datetime) -> str:
    return t.astimezone(BEIJING).strftime("%m-%d %H:%M")


