"""Ports: what the services need from the outside world. Adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kernel.domain.events import LinkPost
from kernel.domain.posts import Post
from kernel.domain.records import (
    AlertRecord,
    AuditEntry,
    EventRecord,
    ObligationRecord,
    PostRecord,
    RejectRecord,
)
from kernel.domain.scores import Score


class AnalysisInput(Protocol):
    post: Post
    normalized: str


class Analyzer(Protocol):
    """Scores posts. ``analyze`` keeps input order; routing is applied by the service."""

    name: str

    def analyze(self, items: Sequence[AnalysisInput]) -> list[Score]: ...


class Store(Protocol):
    """Persistence for every entity; one instance per unit of work (``with store:`` commits)."""

    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: Any) -> None: ...
    def commit(self) -> None: ...

    # posts
    def existing_keys(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]: ...
    def originals_by_hash(self, hashes: Sequence[str]) -> dict[str, int]: ...
    def near_candidates(self, simhash: int, since: datetime) -> list[tuple[int, int]]: ...
    def add_post(self, rec: PostRecord) -> int | None: ...
    def get_posts(self, pks: Sequence[int]) -> list[PostRecord]: ...
    def pending_posts(self, limit: int) -> list[int]: ...
    def save_score(self, pk: int, score: Score) -> None: ...
    def set_post_event(self, pk: int, event_id: int) -> None: ...
    def add_reject(self, rec: RejectRecord) -> None: ...

    # events
    def open_events(self, since: datetime) -> list[EventRecord]: ...
    def get_event(self, pk: int) -> EventRecord | None: ...
    def save_event(self, ev: EventRecord) -> int: ...
    def event_posts(self, event_id: int) -> list[PostRecord]: ...
    def event_members(self, event_id: int, limit: int) -> list[LinkPost]: ...

    # alerts
    def alerts_for_event(self, event_id: int) -> list[AlertRecord]: ...
    def get_alert(self, pk: int) -> AlertRecord | None: ...
    def save_alert(self, alert: AlertRecord) -> int: ...
    def save_obligation(self, ob: ObligationRecord) -> int: ...
    def open_obligations(self) -> list[ObligationRecord]: ...

    def department_email(self, code: str) -> str | None: ...

    # audit
    def audit(self, entry: AuditEntry) -> None: ...


class SearchIndex(Protocol):
    """Full-text search over posts (SQLite FTS5 embedded, Elasticsearch distributed)."""

    def index(self, docs: Iterable[tuple[int, str]]) -> None: ...
    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[int]: ...
    def count(self, query: str) -> int: ...


class TaskQueue(Protocol):
    """Runs named task functions now (``submit``) or on a schedule (``every``)."""

    def submit(self, name: str, **kwargs: Any) -> None: ...
    def submit_later(self, name: str, delay: float, **kwargs: Any) -> None:
        """Run the task once, no sooner than ``delay`` seconds from now (retries with back-off)."""
        ...

    def every(self, name: str, seconds: float, **kwargs: Any) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class Notice:
    """One message for one department: what every channel sends (in Chinese)."""

    what: str  # created | escalated | overdue | downgraded | suspected_major
    department: str  # unit code (a county department or ``township:…``)
    department_name: str
    email: str | None  # the department head's address, when one is configured
    subject: str
    body: str
    event_id: int
    alert_id: int | None
    severity: str
    url: str  # where the console shows it


class Notifier(Protocol):
    """A channel that tells a department head about an alert. ``send`` raises on failure."""

    channel: str
    needs_email: bool  # True: departments without an address are skipped (and audited)

    def send(self, notice: Notice) -> None: ...


Clock = Callable[[], datetime]
