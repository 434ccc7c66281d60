"""Scoring: analyzer + routing, shared by the pipeline and `tingfeng analyze`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from kernel.config import Reference
from kernel.domain.posts import Post
from kernel.domain.routing import route
from kernel.domain.scores import Score
from kernel.ports import AnalysisInput, Analyzer
from kernel.text import normalize_text


class ScoreContext(Protocol):
    def apply(self, items: Sequence[AnalysisInput], scores: Sequence[Score]) -> None: ...


@dataclass
class Item:
    post: Post
    normalized: str


def to_item(post: Post) -> Item:
    return Item(post, normalize_text(post.title, post.text))


class Scorer:
    """Analyzer + routing. ``context`` (optional) adjusts scores across posts before
    routing, e.g. :class:`kernel.services.event_context.EventContext` in `tingfeng analyze`."""

    def __init__(self, analyzer: Analyzer, reference: Reference,
                 context: ScoreContext | None = None) -> None:
        self.analyzer = analyzer
        self.reference = reference
        self.context = context

    def score(self, items: Sequence[AnalysisInput]) -> list[Score]:
        scores = self.analyzer.analyze(items)
        if len(scores) != len(items):
            raise RuntimeError(f"analyzer {self.analyzer.name} returned {len(scores)} scores for {len(items)} posts")
        if self.context is not None:
            self.context.apply(items, scores)
        for s in scores:
            self.apply_routing(s)
        return scores

    def apply_routing(self, s: Score) -> None:
        r = route(self.reference.county, [c for c, _ in s.topics], s.township, s.severity)
        s.lead_department = r.lead
        s.co_departments = list(r.co)
        s.explanation.setdefault("routing", list(r.reasons))
