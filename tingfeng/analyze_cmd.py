"""Streaming `tingfeng analyze`: contract-exact output, input order kept, bad lines reported."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

import orjson

from kernel.config import load_reference
from kernel.domain.posts import parse_post
from kernel.errors import InvalidPost
from kernel.services.ingest import decode_lines
from kernel.services.scoring import Scorer, to_item
from kernel.settings import Settings


@dataclass
class AnalyzeStats:
    scored: int = 0
    rejected: int = 0
    lifted: int = 0  # graded up by their event (event context)


def build_scorer(settings: Settings, *, event_context: bool = True,
                 on_group: Callable[[str, int], None] | None = None) -> Scorer:
    """The analyzer + routing. With ``event_context`` (the default of `tingfeng analyze`) the
    posts of one run are grouped into events in memory and a post that tells of the same
    incident as another is lifted towards its event's grade, at most to III (see
    EventContext), as the stored events of the running service are graded; without it each
    post is graded on its own text alone."""
    from analysis.registry import make_analyzer
    from analysis.similarity import TextIndex, similarity
    from kernel.services.event_context import EventContext

    ref = load_reference(settings.spec_dir)
    analyzer = make_analyzer(settings, ref)
    context = (
        EventContext(similarity, embedding_calibration=getattr(analyzer, "embedding_calibration", None),
                     search=TextIndex(), on_group=on_group)
        if event_context
        else None
    )
    return Scorer(analyzer, ref, context)


def analyze_stream(scorer: Scorer, src: Iterable[bytes], dst: IO[bytes], *, batch: int = 256,
                   on_reject: Callable[[int, str], None] | None = None,
                   on_progress: Callable[[int], None] | None = None) -> AnalyzeStats:
    stats = AnalyzeStats()
    pending = []

    def flush() -> None:
        if not pending:
            return
        scores = scorer.score([to_item(p) for _, p in pending])
        for (raw, _), score in zip(pending, scores, strict=True):
            dst.write(orjson.dumps(raw | score.to_contract()) + b"\n")
            stats.lifted += "event_context" in score.explanation
        stats.scored += len(pending)
        pending.clear()
        if on_progress:
            on_progress(stats.scored)

    for no, value in decode_lines(src):
        try:
            if isinstance(value, InvalidPost):
                raise value
            post = parse_post(value)
            raw = value["post"] if "labels" in value and isinstance(value.get("post"), dict) else value
            pending.append((raw, post))
        except InvalidPost as exc:
            stats.rejected += 1
            if on_reject:
                on_reject(no, exc.message)
            continue
        if len(pending) >= batch:
            flush()
    flush()
    return stats
