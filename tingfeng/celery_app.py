"""Distributed mode: Celery on Redis. Workers call the same task functions as the embedded runner.

    celery -A tingfeng.celery_app worker -Q analysis,alerts,crawl
    celery -A tingfeng.celery_app beat
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from kernel.settings import Settings
from tingfeng import tasks as registry

log = logging.getLogger(__name__)
_settings = Settings()

celery_app = Celery("tingfeng", broker=_settings.redis_url, backend=None)
celery_app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_acks_late=True,  # a task lost with its worker is redelivered; tasks are idempotent
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    task_default_queue="analysis",
    task_routes={name: {"queue": q} for name, q in registry.QUEUES.items()},
    beat_schedule={
        "check-obligations": {"task": "tingfeng.check_obligations", "schedule": float(_settings.obligation_check_seconds)},
        "analyze-pending": {"task": "tingfeng.analyze_pending", "schedule": 300.0},
    },
    timezone="Asia/Shanghai",
)

_app_holder: dict[str, Any] = {}


def worker_app():
    """The App for this worker process, built once (the model loads once per process)."""
    if "app" not in _app_holder:
        from tingfeng.bootstrap import bootstrap

        _app_holder["app"] = bootstrap(Settings())
    return _app_holder["app"]


@worker_process_init.connect
def _init_worker(**_: Any) -> None:
    _app_holder.clear()


def _make_task(name: str):
    @celery_app.task(name=name, bind=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True,
                     max_retries=5)
    def _task(self, **kwargs: Any) -> Any:
        return registry.run_task(worker_app(), name, kwargs)

    return _task


for _name in list(registry.TASKS):
    _make_task(_name)

try:  # crawl scheduling joins beat when the crawler package is installed
    from crawlers.tasks import BEAT_SCHEDULE as _CRAWL_BEAT

    celery_app.conf.beat_schedule.update(_CRAWL_BEAT)
except ImportError:
    pass
