"""Crawl state on SQLAlchemy: sources, checkpoints, run leases and the circuit breaker.

Tables (storage/tables.py): ``sources`` (configuration, breaker state ``state`` /
``paused_until`` / ``consecutive_failures``, ``last_run_at``, ``last_summary``) and
``crawl_checkpoints`` (per-source JSON values by key; the key ``__lease__`` marks a running
crawl, its ``updated_at`` being the lease's expiry).

The circuit breaker: a run that ends blocked (HTTP 418/432/429/403, captcha or login pages
after backoff) or fails outright counts as a failure; ``threshold`` failures in a row pause
the source until ``paused_until`` (the pause doubles with each further failure, capped).
Once the pause has passed the next run is a probe: success closes the breaker, failure
re-opens it for longer. An analyst may also pause a source with no end time.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawlers.errors import SourceNotFound
from crawlers.sources import SourceConfig
from storage.tables import CheckpointRow, SourceRow

log = logging.getLogger("tingfeng.crawl")

LEASE_KEY = "__lease__"
STATE_OK = "ok"
STATE_PAUSED = "paused"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BreakerPolicy:
    threshold: int = 3
    pause_seconds: int = 1800
    max_pause_seconds: int = 86400

    def pause_for(self, failures: int) -> timedelta:
        extra = max(0, failures - self.threshold)
        secs = min(self.max_pause_seconds, self.pause_seconds * (2 ** min(extra, 16)))
        return timedelta(seconds=secs)

    @classmethod
    def from_settings(cls, settings: Any, params: dict | None = None) -> BreakerPolicy:
        from crawlers import settings as d

        over = (params or {}).get("breaker") or {}
        return cls(
            threshold=int(
                over.get(
                    "threshold",
                    settings.getint("TINGFENG_BREAKER_THRESHOLD", d.TINGFENG_BREAKER_THRESHOLD),
                )
            ),
            pause_seconds=int(
                over.get(
                    "pause_seconds",
                    settings.getint(
                        "TINGFENG_BREAKER_PAUSE_SECONDS", d.TINGFENG_BREAKER_PAUSE_SECONDS
                    ),
                )
            ),
            max_pause_seconds=int(
                over.get(
                    "max_pause_seconds",
                    settings.getint(
                        "TINGFENG_BREAKER_MAX_PAUSE_SECONDS", d.TINGFENG_BREAKER_MAX_PAUSE_SECONDS
                    ),
                )
            ),
        )


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat() if dt else None


def rowcount(result: Any) -> int:
    """Rows an UPDATE/DELETE touched (``CursorResult.rowcount``)."""
    return int(getattr(result, "rowcount", 0) or 0)


def process_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CheckpointStore:
    """A source's checkpoints: JSON values by key, each write committed at once."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        source: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sf = session_factory
        self.source = source
        self._clock = clock

    def get(self, key: str, default: Any = None) -> Any:
        with self._sf() as s:
            row = s.get(CheckpointRow, (self.source, key))
            return row.value if row is not None else default

    def set(self, key: str, value: Any) -> None:
        if key == LEASE_KEY:
            raise ValueError("reserved checkpoint key")
        now = self._clock()
        with self._sf() as s:
            row = s.get(CheckpointRow, (self.source, key))
            if row is None:
                s.add(CheckpointRow(source=self.source, key=key, value=value, updated_at=now))
            else:
                row.value = value
                row.updated_at = now
            s.commit()

    def delete(self, key: str) -> None:
        with self._sf() as s:
            s.execute(
                delete(CheckpointRow).where(
                    CheckpointRow.source == self.source, CheckpointRow.key == key
                )
            )
            s.commit()

    def items(self, prefix: str = "") -> dict[str, Any]:
        with self._sf() as s:
            q = select(CheckpointRow).where(
                CheckpointRow.source == self.source, CheckpointRow.key != LEASE_KEY
            )
            if prefix:
                q = q.where(CheckpointRow.key.startswith(prefix, autoescape=True))
            return {r.key: r.value for r in s.scalars(q)}

    def prune(self, prefix: str, older_than: datetime) -> int:
        """Forget per-item checkpoints (``prefix``…) not touched since ``older_than``."""
        with self._sf() as s:
            res = s.execute(
                delete(CheckpointRow).where(
                    CheckpointRow.source == self.source,
                    CheckpointRow.key.startswith(prefix, autoescape=True),
                    CheckpointRow.key != LEASE_KEY,
                    CheckpointRow.updated_at < older_than,
                )
            )
            s.commit()
            return rowcount(res)


class MemoryCheckpoints:
    """In-memory checkpoints (``scrapy check``, benchmarks)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.source = "memory"

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)

    def items(self, prefix: str = "") -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k.startswith(prefix)}

    def prune(self, prefix: str, older_than: datetime) -> int:
        return 0


def row_to_config(row: SourceRow) -> SourceConfig:
    return SourceConfig(
        name=row.name,
        kind=row.kind,
        params=dict(row.params or {}),
        interval_seconds=row.interval_seconds,
        enabled=row.enabled,
    )


class CrawlState:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self._sf = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sf() as s:
            yield s

    # --- sources ------------------------------------------------------------------------

    def _row(self, s: Session, name: str) -> SourceRow:
        row = s.get(SourceRow, name)
        if row is None:
            raise SourceNotFound(name)
        return row

    def get_source(self, name: str) -> SourceConfig:
        with self._sf() as s:
            return row_to_config(self._row(s, name))

    def list_sources(self) -> list[SourceConfig]:
        with self._sf() as s:
            return [row_to_config(r) for r in s.scalars(select(SourceRow).order_by(SourceRow.name))]

    def upsert_source(self, cfg: SourceConfig) -> bool:
        """Create or update a source's configuration; breaker state and checkpoints are kept.
        Returns True when the source is new."""
        cfg.validate()
        with self._sf() as s:
            row = s.get(SourceRow, cfg.name)
            created = row is None
            if row is None:
                row = SourceRow(
                    name=cfg.name, state=STATE_OK, consecutive_failures=0, last_summary={}
                )
                s.add(row)
            row.kind = cfg.kind
            row.params = cfg.params
            row.interval_seconds = cfg.interval_seconds
            row.enabled = cfg.enabled
            s.commit()
        return created

    def remove_source(self, name: str) -> None:
        with self._sf() as s:
            self._row(s, name)
            s.execute(delete(CheckpointRow).where(CheckpointRow.source == name))
            s.execute(delete(SourceRow).where(SourceRow.name == name))
            s.commit()

    def set_enabled(self, name: str, enabled: bool) -> None:
        with self._sf() as s:
            self._row(s, name).enabled = enabled
            s.commit()

    # --- circuit breaker ----------------------------------------------------------------

    def pause(self, name: str, until: datetime | None, reason: str = "人工暂停") -> None:
        with self._sf() as s:
            row = self._row(s, name)
            row.state = STATE_PAUSED
            row.paused_until = until
            row.last_summary = {**(row.last_summary or {}), "pause_reason": reason}
            s.commit()
        when = until.astimezone().strftime("%Y-%m-%d %H:%M") if until else "人工恢复为止"
        log.warning("来源 %s 已暂停采集（%s），暂停至 %s", name, reason, when)

    def resume(self, name: str) -> None:
        with self._sf() as s:
            row = self._row(s, name)
            row.state = STATE_OK
            row.paused_until = None
            row.consecutive_failures = 0
            s.commit()
        log.info("来源 %s 已恢复采集", name)

    def runnable(self, name: str) -> tuple[bool, str | None]:
        """Whether the breaker lets a run start now, and why not."""
        with self._sf() as s:
            row = self._row(s, name)
            if row.state != STATE_PAUSED:
                return True, None
            if row.paused_until is None:
                return False, f"来源 {name} 已被人工暂停（`tingfeng sources resume {name}` 恢复）"
            if row.paused_until > self.clock():
                until = row.paused_until.astimezone().strftime("%Y-%m-%d %H:%M:%S")
                return False, (
                    f"来源 {name} 因连续 {row.consecutive_failures} 次被封禁或失败已熔断，"
                    f"暂停至 {until}"
                )
            return True, None  # the pause is over: this run is the probe

    def record_outcome(self, name: str, outcome: str, summary: dict, policy: BreakerPolicy) -> dict:
        """Store a run's summary and move the breaker: ``ok`` closes it, ``blocked`` and
        ``failed`` count towards opening it, anything else (``interrupted``) leaves it as it
        is. Returns the source's status afterwards."""
        now = self.clock()
        with self._sf() as s:
            row = self._row(s, name)
            was_paused = row.state == STATE_PAUSED
            if outcome not in ("ok", "blocked", "failed"):
                pass  # interrupted (or stopped by an operator): the breaker does not move
            elif outcome == "ok":
                if was_paused:
                    log.warning("来源 %s 探测采集成功，熔断解除，恢复正常采集", name)
                row.state = STATE_OK
                row.paused_until = None
                row.consecutive_failures = 0
            else:
                row.consecutive_failures = (row.consecutive_failures or 0) + 1
                n = row.consecutive_failures
                if n >= policy.threshold:
                    row.state = STATE_PAUSED
                    row.paused_until = now + policy.pause_for(n)
                    local = row.paused_until.astimezone().strftime("%Y-%m-%d %H:%M:%S")
                    why = "被封禁" if outcome == "blocked" else "失败"
                    log.warning("来源 %s 连续 %d 次%s，熔断暂停采集至 %s", name, n, why, local)
                else:
                    log.warning(
                        "来源 %s 本次采集%s（连续第 %d 次，达到 %d 次将暂停）",
                        name,
                        "被封禁" if outcome == "blocked" else "失败",
                        n,
                        policy.threshold,
                    )
            row.last_summary = {k: v for k, v in summary.items() if k != "post_ids"}
            s.commit()
        return self.status(name)[0]

    def mark_started(self, name: str) -> None:
        with self._sf() as s:
            self._row(s, name).last_run_at = self.clock()
            s.commit()

    def claim_due(self) -> list[str]:
        """Names of enabled, unpaused sources whose interval has passed; each is claimed by
        moving its ``last_run_at`` with a conditional update, so two schedulers firing at
        once never start the same source twice."""
        now = self.clock()
        claimed = []
        with self._sf() as s:
            rows = list(
                s.scalars(
                    select(SourceRow).where(SourceRow.enabled.is_(True)).order_by(SourceRow.name)
                )
            )
            for r in rows:
                if r.state == STATE_PAUSED and (r.paused_until is None or r.paused_until > now):
                    continue
                if (
                    r.last_run_at is not None
                    and r.last_run_at + timedelta(seconds=r.interval_seconds) > now
                ):
                    continue
                cond = (
                    SourceRow.last_run_at.is_(None)
                    if r.last_run_at is None
                    else SourceRow.last_run_at == r.last_run_at
                )
                res = s.execute(
                    update(SourceRow).where(SourceRow.name == r.name, cond).values(last_run_at=now)
                )
                if rowcount(res) == 1:
                    claimed.append(r.name)
            s.commit()
        return claimed

    # --- checkpoints --------------------------------------------------------------------

    def checkpoints(self, name: str) -> CheckpointStore:
        return CheckpointStore(self._sf, name, self.clock)

    def reset_checkpoints(self, name: str) -> int:
        with self._sf() as s:
            self._row(s, name)
            res = s.execute(
                delete(CheckpointRow).where(
                    CheckpointRow.source == name, CheckpointRow.key != LEASE_KEY
                )
            )
            s.commit()
            return rowcount(res)

    # --- leases -------------------------------------------------------------------------

    def acquire_lease(self, name: str, owner: str, ttl_seconds: int) -> bool:
        """Take the source's run lease. A lease held by a dead process on this host, or an
        expired one, is taken over."""
        now = self.clock()
        expires = now + timedelta(seconds=ttl_seconds)
        with self._sf() as s:
            res = s.execute(
                update(CheckpointRow)
                .where(
                    CheckpointRow.source == name,
                    CheckpointRow.key == LEASE_KEY,
                    CheckpointRow.updated_at < now,
                )
                .values(value={"owner": owner, "since": _iso(now)}, updated_at=expires)
            )
            if rowcount(res) == 1:
                s.commit()
                return True
            row = s.get(CheckpointRow, (name, LEASE_KEY))
            if row is None:
                s.add(
                    CheckpointRow(
                        source=name,
                        key=LEASE_KEY,
                        value={"owner": owner, "since": _iso(now)},
                        updated_at=expires,
                    )
                )
                try:
                    s.commit()
                    return True
                except IntegrityError:
                    s.rollback()
                    return False
            holder = str((row.value or {}).get("owner", ""))
            host, _, pid = holder.rpartition(":")
            if holder == owner or (
                host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))
            ):
                res = s.execute(
                    update(CheckpointRow)
                    .where(
                        CheckpointRow.source == name,
                        CheckpointRow.key == LEASE_KEY,
                        CheckpointRow.updated_at == row.updated_at,
                    )
                    .values(value={"owner": owner, "since": _iso(now)}, updated_at=expires)
                )
                s.commit()
                if rowcount(res) == 1 and holder != owner:
                    log.info("来源 %s 的上次采集进程（%s）已不存在，接管采集", name, holder)
                return rowcount(res) == 1
            return False

    def release_lease(self, name: str, owner: str) -> None:
        with self._sf() as s:
            row = s.get(CheckpointRow, (name, LEASE_KEY))
            if row is not None and (row.value or {}).get("owner") == owner:
                s.delete(row)
                s.commit()

    def lease_holder(self, name: str) -> str | None:
        with self._sf() as s:
            row = s.get(CheckpointRow, (name, LEASE_KEY))
            if row is None or row.updated_at <= self.clock():
                return None
            return str((row.value or {}).get("owner"))

    # --- status (for the API and the console) --------------------------------------------

    def status(self, name: str | None = None) -> list[dict[str, Any]]:
        """JSON-safe status of one or all sources: configuration (secrets masked), breaker
        state (``ok``, ``paused``, ``probing`` once a pause has passed), whether a crawl is
        running now, the last run and its summary."""
        from crawlers.sources import KIND_NAMES, masked

        now = self.clock()
        with self._sf() as s:
            q = select(SourceRow).order_by(SourceRow.name)
            if name is not None:
                q = q.where(SourceRow.name == name)
            rows = list(s.scalars(q))
            if name is not None and not rows:
                raise SourceNotFound(name)
            leases = {
                r.source: r
                for r in s.scalars(select(CheckpointRow).where(CheckpointRow.key == LEASE_KEY))
            }
            out = []
            for r in rows:
                state = r.state or STATE_OK
                if state == STATE_PAUSED and r.paused_until is not None and r.paused_until <= now:
                    state = "probing"
                lease = leases.get(r.name)
                running = lease is not None and lease.updated_at > now
                due = None
                if r.last_run_at is not None:
                    due = r.last_run_at + timedelta(seconds=r.interval_seconds)
                out.append(
                    {
                        "name": r.name,
                        "kind": r.kind,
                        "kind_name": KIND_NAMES.get(r.kind, r.kind),
                        "enabled": r.enabled,
                        "interval_seconds": r.interval_seconds,
                        "state": state,
                        "paused_until": _iso(r.paused_until),
                        "manually_paused": r.state == STATE_PAUSED and r.paused_until is None,
                        "consecutive_failures": r.consecutive_failures or 0,
                        "running": running,
                        "last_run_at": _iso(r.last_run_at),
                        "next_run_at": _iso(due) if r.enabled else None,
                        "last_summary": r.last_summary or {},
                        "params": masked(dict(r.params or {})),
                    }
                )
            return out


def source_status(engine: Engine, name: str | None = None) -> list[dict[str, Any]]:
    """Status of the configured sources, for the API and the console (see CrawlState.status)."""
    return CrawlState(engine).status(name)
