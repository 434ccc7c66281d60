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
def notify_alert(app: App, alert_id: int, what: str) -> int:
    return app.notifications.notify_alert(alert_id, what)


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
