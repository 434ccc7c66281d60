"""Test harness: a temporary tingfeng database, sources pointing at replicas, and crawls run
exactly as in production (``python -m crawlers.run`` in a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from replica import data

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = Path(os.environ.get("TINGFENG_SPEC_DIR", REPO.parent / "shared" / "spec"))

# polite defaults are for real sites; replicas answer at once
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "DOWNLOAD_TIMEOUT": 2,
    "RETRY_TIMES": 1,
    "TINGFENG_RETRY_BACKOFF_BASE": 0.05,
    "TINGFENG_BLOCK_BACKOFF_BASE": 0.05,
    "TINGFENG_BLOCK_BACKOFF_MAX": 0.2,
    "TINGFENG_INGEST_FLUSH_SECONDS": 0.2,
    "TINGFENG_INGEST_BATCH": 20,
    "LOG_LEVEL": "INFO",
    "TINGFENG_SEARCH_INDEX": False,  # jieba takes seconds to load; search is not under test here
}


_TEMPLATE: dict[str, Path] = {}


def migrated_template() -> Path:
    """A migrated, empty database, made once per test session and copied for each test
    (running the Alembic migrations takes over a second each time)."""
    if "db" not in _TEMPLATE:
        import tempfile

        from storage.engine import make_engine, migrate

        path = Path(tempfile.mkdtemp(prefix="tf-crawl-template-")) / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        with engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        _TEMPLATE["db"] = path
    return _TEMPLATE["db"]


class Harness:
    def __init__(self, tmp: Path) -> None:
        import shutil

        from crawlers.state import CrawlState
        from storage.engine import make_engine

        shutil.copyfile(migrated_template(), tmp / "tingfeng.db")
        self.db_url = f"sqlite:///{tmp / 'tingfeng.db'}"
        self.env = {
            "TINGFENG_DATABASE_URL": self.db_url,
            "TINGFENG_TASK_BACKEND": "eager",
            "TINGFENG_SPEC_DIR": str(SPEC_DIR),
            "TINGFENG_ANALYZER": "rules",
            "TINGFENG_SMTP_HOST": "",
        }
        self.engine = make_engine(self.db_url)
        self.state = CrawlState(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def add_source(
        self,
        name: str,
        kind: str,
        params: dict[str, Any],
        interval: int = 300,
        settings: dict[str, Any] | None = None,
    ) -> None:
        from crawlers.sources import SourceConfig

        params = {**params, "settings": {**FAST, **(settings or {})}}
        self.state.upsert_source(
            SourceConfig(name=name, kind=kind, params=params, interval_seconds=interval)
        )

    def command(self, name: str, *extra: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "crawlers.run",
            name,
            "--events",
            "--now",
            data.NOW_ISO,
            *extra,
        ]

    def crawl(self, name: str, *extra: str, timeout: float = 60) -> Any:
        """Run one crawl to the end; returns the runner's CrawlResult."""
        from crawlers.runner import run_source

        overrides = [e for e in extra if e != "--force"]
        return run_source(
            name,
            force="--force" in extra,
            overrides=overrides,
            now=data.NOW_ISO,
            env=self.env,
            timeout=timeout,
        )

    def spawn(self, name: str, *extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(name, *extra),
            env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    # what got stored --------------------------------------------------------------------

    def posts(self, platform: str | None = None) -> list[dict[str, Any]]:
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from storage.tables import PostRow

        with Session(self.engine) as s:
            q = select(PostRow).order_by(PostRow.id)
            if platform:
                q = q.where(PostRow.platform == platform)
            return [
                {
                    "pk": r.id,
                    "id": r.external_id,
                    "platform": r.platform,
                    "url": r.url,
                    "title": r.title,
                    "text": r.text,
                    "author": r.author,
                    "published_at": r.published_at,
                    "metrics": r.metrics,
                    "ip_location": r.ip_location,
                    "extra": r.extra,
                    "duplicate_of": r.duplicate_of,
                    "source": r.source,
                }
                for r in s.scalars(q)
            ]

    def by_id(self, platform: str | None = None) -> dict[str, dict[str, Any]]:
        return {p["id"]: p for p in self.posts(platform)}

    def checkpoints(self, name: str) -> dict[str, Any]:
        return self.state.checkpoints(name).items()

    def status(self, name: str) -> dict[str, Any]:
        return self.state.status(name)[0]


def ids(posts: Iterable[dict[str, Any]]) -> list[str]:
    return sorted(p["id"] for p in posts)
