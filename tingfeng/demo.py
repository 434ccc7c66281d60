"""The demo corpus: replayed with its timestamps shifted so the newest post is minutes old,
so events, alerts and their 5h/24h/48h clocks look live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from kernel.domain.posts import Post, parse_datetime
from kernel.services.ingest import IngestReport

if TYPE_CHECKING:
    from kernel.settings import Settings
    from tingfeng.bootstrap import App

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "demo" / "corpus.jsonl"
NEWEST_AGE = timedelta(minutes=25)
DETECTION_LAG = timedelta(minutes=4)


def needs_demo(app: App) -> bool:
    from sqlalchemy import func, select

    from storage.tables import PostRow

    with app.store_factory() as store:
        return (store.session.execute(select(func.count(PostRow.id))).scalar() or 0) == 0


def read_corpus(path: Path) -> list[dict]:
    rows = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            obj = orjson.loads(line)
            obj.pop("demo_labels", None)
            rows.append(obj)
    return rows


def shift_corpus(rows: list[dict], now: datetime) -> list[dict]:
    """Move every published_at by one offset so the newest lands NEWEST_AGE before now."""
    times = [parse_datetime(r["published_at"]) for r in rows]
    delta = (now - NEWEST_AGE) - max(times)
    out = []
    for r, t in sorted(zip(rows, times, strict=True), key=lambda x: x[1]):
        shifted = (t + delta).astimezone(t.tzinfo)
        out.append(r | {"published_at": shifted.isoformat(timespec="seconds")})
    return out


def load_demo(app: App, corpus: Path | None = None, progress: bool = False) -> IngestReport:
    rows = shift_corpus(read_corpus(corpus or DEFAULT_CORPUS), app.clock())
    total = IngestReport()
    chunk = 25

    def detected(post: Post) -> datetime:
        return min(post.published_at + DETECTION_LAG, app.clock())

    bar = None
    if progress:
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        tid = bar.add_task("回放演示语料", total=len(rows))
    try:
        for i in range(0, len(rows), chunk):
            part = rows[i : i + chunk]
            rep = app.ingest.ingest_posts(part, source="demo", detected_at=detected, notify=False)
            app.pipeline.analyze_posts(rep.accepted_pks + rep.copy_pks)
            total.merge(rep)
            if bar:
                bar.update(tid, advance=len(part))
    finally:
        if bar:
            bar.stop()
    app.alerts.check_obligations()
    return total


def reset_database(settings: Settings) -> None:
    from storage.engine import make_engine
    from storage.tables import Base

    engine = make_engine(settings.database_url)
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TABLE IF EXISTS posts_fts")
        c.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    Base.metadata.drop_all(engine)
    engine.dispose()


def demo_events_truth(corpus: Path | None = None) -> dict[tuple[str, str], str]:
    """(platform, id) → the event slug the corpus author gave the post (``demo_labels.event``);
    a post outside every event is its own ``solo:`` cluster."""
    truth = {}
    for line in (corpus or DEFAULT_CORPUS).read_bytes().splitlines():
        if not line.strip():
            continue
        o = orjson.loads(line)
        key = (o["platform"], o["id"])
        truth[key] = (o.get("demo_labels") or {}).get("event") or f"solo:{key[0]}:{key[1]}"
    return truth


@contextmanager
def replayed(settings: Settings, corpus: Path | None = None,
             embedding_calibration: tuple[float, float] | None = None) -> Iterator[App]:
    """The app over a fresh temporary database into which ``corpus`` (default: the demo
    corpus) has been replayed through the pipeline with ``settings`` (its analyzer), inline
    and without mail. ``embedding_calibration`` overrides the analyzer's own."""
    import tempfile

    from tingfeng.bootstrap import bootstrap

    with tempfile.TemporaryDirectory() as d:
        app = bootstrap(settings.model_copy(update={"database_url": f"sqlite:///{d}/events.db",
                                                    "task_backend": "eager", "smtp_host": ""}))
        try:
            if embedding_calibration is not None:
                app.pipeline.embedding_calibration = embedding_calibration
            load_demo(app, corpus)
            yield app
        finally:
            app.close()


def group_demo(settings: Settings, embedding_calibration: tuple[float, float] | None = None,
               corpus: Path | None = None) -> dict[tuple[str, str], str]:
    """Load the demo corpus into a fresh temporary database with ``settings`` (its analyzer)
    and return (platform, id) → the event the pipeline put the post in (``none<pk>`` for a
    post in no event). ``embedding_calibration`` overrides the analyzer's own."""
    from sqlalchemy import select

    from storage.tables import PostRow

    with replayed(settings, corpus, embedding_calibration) as app, app.store_factory() as st:
        rows = st.session.execute(
            select(PostRow.platform, PostRow.external_id, PostRow.id, PostRow.event_id)).all()
    return {(p, e): f"ev{ev}" if ev else f"none{pk}" for p, e, pk, ev in rows}
