"""Named task functions. Every runner (in-process, eager, Celery) calls these same functions.

Each takes the App and JSON-safe keyword arguments and is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tingfeng.bootstrap import App

log = logging.getLogger(__name__)

TaskFn = Callable[..., Any]
TASKS: dict[str, TaskFn] = {}
QUEUES: dict[str, str] = {}


def task(name: str, queue: str) -> Callable[[TaskFn], TaskFn]:
    def deco(fn: TaskFn) -> TaskFn:
        TASKS[name] = fn
        QUEUES[name] = queue
        return fn

    return deco


@task("tingfeng.analyze_posts", "analysis")
def analyze_posts(app: App, post_ids: list[int]) -> int:
    app.pipeline.analyze_posts(post_ids)
    return len(post_ids)


@task("tingfeng.analyze_pending", "analysis")
def analyze_pending(app: App) -> int:
    return app.pipeline.analyze_pending()


@task("tingfeng.check_obligations", "alerts")
def check_obligations(app: App) -> int:
    return len(app.alerts.check_obligations())


@task("tingfeng.notify_alert", "alerts")
def notify_alert(app: App, alert_id: int, what: str, targets: list[list[str]] | None = None,
                 attempt: int = 1) -> int:
    """Tell the departments about an alert. Sends that failed run again later, alone
    (``targets``), with back-off, until the retries are spent: nothing is sent twice."""
    report = app.notifications.notify_alert(alert_id, what, targets=targets, attempt=attempt)
    _retry_failed(app, "tingfeng.notify_alert", report, alert_id=alert_id, what=what, attempt=attempt)
    return report.sent


@task("tingfeng.notify_event", "alerts")
def notify_event(app: App, event_id: int, what: str, targets: list[list[str]] | None = None,
                 attempt: int = 1) -> int:
    """Tell the coordinating office about an event (the 疑似重大 request for 会商研判)."""
    report = app.notifications.notify_event(event_id, what, targets=targets, attempt=attempt)
    _retry_failed(app, "tingfeng.notify_event", report, event_id=event_id, what=what, attempt=attempt)
    return report.sent


def _retry_failed(app: App, name: str, report: Any, attempt: int, **kwargs: Any) -> None:
    if not report.failed or report.retry_in is None:
        return
    log.warning("%s：%d 条通知发送失败，%.0f 秒后第 %d 次尝试", name, len(report.failed), report.retry_in, attempt + 1)
    app.tasks.submit_later(name, report.retry_in, targets=report.failed, attempt=attempt + 1, **kwargs)


def _load_plugins() -> None:
    """Task modules of other packages register themselves on import."""
    try:
        import crawlers.tasks  # noqa: F401
    except ImportError as exc:
        log.debug("crawler tasks not available: %s", exc)


_load_plugins()


def run_task(app: App, name: str, kwargs: dict[str, Any]) -> Any:
    fn = TASKS.get(name)
    if fn is None:
        raise KeyError(f"未注册的任务：{name}")
    return fn(app, **kwargs)
