"""The one composition root: builds every service with the adapters the settings name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from alerts.notify import NotificationService
from alerts.service import AlertService
from kernel.config import Reference, load_reference
from kernel.ports import Analyzer, SearchIndex, TaskQueue
from kernel.services.ingest import IngestService
from kernel.services.pipeline import PipelineService
from kernel.services.scoring import Scorer
from kernel.settings import Settings
from storage.engine import make_engine, migrate
from storage.seed import seed_reference
from storage.store import SqlStore

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    reference: Reference
    engine: Engine
    store_factory: Callable[[], SqlStore]
    search: SearchIndex
    analyzer: Analyzer
    scorer: Scorer
    tasks: TaskQueue
    ingest: IngestService
    pipeline: PipelineService
    alerts: AlertService
    notifications: NotificationService
    clock: Callable[[], datetime]
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        self.tasks.stop()
        self.engine.dispose()


def build_analyzer(settings: Settings, reference: Reference) -> Analyzer:
    """The configured analyzer: the transformers model when its files are present
    (or demanded), otherwise the rules baseline."""
    from analysis.registry import make_analyzer

    return make_analyzer(settings, reference)


def build_search(settings: Settings, engine: Engine) -> SearchIndex:
    if settings.search_backend == "elasticsearch":
        from storage.search_es import ElasticsearchSearch

        return ElasticsearchSearch(settings.elasticsearch_url)
    if engine.dialect.name == "sqlite":
        from storage.search import Fts5Search

        return Fts5Search(engine)
    from storage.search import SqlLikeSearch

    return SqlLikeSearch(engine)


def build_tasks(settings: Settings, runner: Callable[[str, dict], Any]) -> TaskQueue:
    from tingfeng.queues import CeleryQueue, EagerQueue, InProcessQueue

    if settings.task_backend == "celery":
        from tingfeng.celery_app import celery_app

        return CeleryQueue(celery_app)
    if settings.task_backend == "eager":
        return EagerQueue(runner)
    from tingfeng.tasks import QUEUES

    return InProcessQueue(runner, queue_of=lambda name: QUEUES.get(name, "default"))


def build_channels(settings: Settings) -> list:
    """The notification channels the settings switch on (e-mail, webhook, …)."""
    from alerts.channels import build_channels as from_registry

    return from_registry(settings)


def bootstrap(
    settings: Settings | None = None,
    *,
    analyzer: Analyzer | None = None,
    clock: Callable[[], datetime] = utcnow,
    run_migrations: bool = True,
) -> App:
    settings = settings or Settings()
    settings.check_production()
    reference = load_reference(settings.spec_dir)
    engine = make_engine(settings.database_url)
    if run_migrations:
        migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as s:
        seed_reference(s, reference)

    def store_factory() -> SqlStore:
        return SqlStore(factory)

    search = build_search(settings, engine)
    analyzer = analyzer or build_analyzer(settings, reference)
    scorer = Scorer(analyzer, reference)
    holder: dict[str, App] = {}

    def runner(name: str, kwargs: dict) -> Any:
        from tingfeng.tasks import run_task

        return run_task(holder["app"], name, kwargs)

    tasks = build_tasks(settings, runner)
    notifications = NotificationService(reference, store_factory, clock, build_channels(settings),
                                        console_url=settings.public_console_url,
                                        retries=settings.notify_retries, retry_seconds=settings.notify_retry_seconds)

    def notify(kind: str, pk: int, what: str) -> None:
        if kind == "event":
            tasks.submit("tingfeng.notify_event", event_id=pk, what=what)
        else:
            tasks.submit("tingfeng.notify_alert", alert_id=pk, what=what)

    alerts = AlertService(reference, clock, store_factory, on_change=notify)
    from analysis.event_link import EventLink
    from analysis.similarity import similarity

    pipeline = PipelineService(store_factory, scorer, similarity, alerts, clock,
                               linker=EventLink.load() if settings.event_link else None)
    ingest = IngestService(store_factory, clock, search,
                           on_accepted=lambda pks: tasks.submit("tingfeng.analyze_posts", post_ids=pks))
    tasks.every("tingfeng.check_obligations", settings.obligation_check_seconds)
    tasks.every("tingfeng.analyze_pending", 300)
    from tingfeng.tasks import TASKS

    if "tingfeng.crawl_due" in TASKS:  # the crawler package registered its tasks
        from crawlers.tasks import schedule as schedule_crawls

        schedule_crawls(tasks)
    app = App(settings, reference, engine, store_factory, search, analyzer, scorer, tasks, ingest, pipeline,
              alerts, notifications, clock)
    holder["app"] = app
    return app
