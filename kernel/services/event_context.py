"""Event context for `tingfeng analyze`: a post's grade is the grade of the event it is about.

The pipeline groups posts into stored events and an event's severity is the gravest its
posts justify. `tingfeng analyze` has no database, so this groups the posts of a run in
memory with the same matching rules (``kernel.domain.events``) and lifts a post towards
its event's grade when the event holds I–III evidence from another post: a relative's plea
about the missing, a question about the rescue or the accountability notice describes the
same event as the report with the death toll. Writers of our event feeds grade such posts
by their event (83 of 85 later posts of an event on holdout_severity7).

Guards, because every I/II starts a 5-hour clock:
- a lifted post is graded at most 较大 (III): the I/II grade, and its clock, stay with the
  event and the posts that state it (lifting to I/II as well caught 7 more I/II on our
  timed event feeds and stand-alone files but added 14 false ones);
- the post must be relevant, in the same primary topic and not in another township;
- the evidence post must come first in time or at most ``LEAD`` after it (a report
  published an hour later still describes what the earlier post saw);
- the post must tell of the evidence post's incident, not of another matter at the same
  place: the same kind of incident, the same #话题# or much of the same text (``_linked``);
- a post the analyzer says keeps its own grade (``Score.keeps_own_grade``: a drill, a look
  back, a forecast, a refutation, nobody hurt …) and rumours keep their own grade.

It is the default of `tingfeng analyze` and `tingfeng eval` (``--per-post`` turns it off):
on our timed files it gains 15 posts with none losing one, and on 2 811 stand-alone posts
scored at one instant, where every post may group with every other, it loses 11
(docs/model-card.md, session 11). A ``TextSearch`` (analysis.similarity.TextIndex) keeps
grouping cheap: only events holding a text that can reach the content floor are compared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from kernel.domain import events as ev_rules
from kernel.domain.records import EventRecord
from kernel.domain.scores import SEVERITY_RANK, Score
from kernel.ports import AnalysisInput

Similarity = Callable[[str, str], float]


class TextSearch(Protocol):
    """Finds the stored texts close to a post (analysis.similarity.TextIndex): ``close``
    gives, per key, the greatest similarity where it reaches ``floor``."""

    def add(self, key: int, text: str) -> int: ...

    def remove(self, handle: int) -> None: ...

    def close(self, text: str, floor: float) -> dict[int, float]: ...

WINDOW = timedelta(hours=72)
LEAD = timedelta(hours=6)
TEXTS_PER_GROUP = 12
SHARED_RANK = 3  # evidence of I, II or III is shared
LIFTED_AT_MOST = "III"
MAX_GROUPS = 2000  # open groups kept across batches (oldest dropped first)
LINK_SIM = 0.35  # text similarity that ties a post to the evidence post without a shared incident kind or tag


@dataclass(eq=False)  # a group is itself, not its contents
class _Group:
    event: EventRecord
    texts: list[tuple[str, list[float] | None]] = field(default_factory=list)
    handles: list[int] = field(default_factory=list)  # of texts, in the TextSearch
    evidence: _Evidence | None = None


@dataclass(frozen=True)
class _Evidence:
    item: AnalysisInput
    score: Score

    @property
    def grade(self) -> str:
        return self.score.severity


class EventContext:
    """Groups scored posts in memory and shares I–III evidence within each group."""

    def __init__(self, similarity: Similarity, window: timedelta = WINDOW,
                 embedding_calibration: tuple[float, float] | None = None,
                 search: TextSearch | None = None,
                 on_group: Callable[[str, int], None] | None = None) -> None:
        """``on_group(post_id, group_key)`` is told each post's group (bench/eval_events.py)."""
        self._similarity = similarity
        self._calibration = embedding_calibration
        self._window = window
        self._groups: list[_Group] = []
        self._by_id: dict[int, _Group] = {}
        self._search = search
        self._on_group = on_group

    def apply(self, items: Sequence[AnalysisInput], scores: Sequence[Score]) -> None:
        order = sorted(range(len(items)), key=lambda i: items[i].post.published_at)
        # groups this batch touched, in first-touch order, with the posts it added to each
        members: dict[int, tuple[_Group, list[tuple[AnalysisInput, Score]]]] = {}
        for i in order:
            item, score = items[i], scores[i]
            if not score.relevant:
                continue
            g = self._assign(item, score)
            if self._on_group is not None:
                self._on_group(item.post.id, id(g))
            members.setdefault(id(g), (g, []))[1].append((item, score))
            if SEVERITY_RANK[score.severity] <= SHARED_RANK and not score.rumor:
                cur = g.evidence
                if cur is None or SEVERITY_RANK[score.severity] < SEVERITY_RANK[cur.grade]:
                    g.evidence = _Evidence(item, score)
        for g, posts in members.values():
            self._share(g, posts)
        if len(self._groups) > MAX_GROUPS:
            for g in self._groups[:-MAX_GROUPS]:
                self._forget(g.handles)
                self._by_id.pop(id(g), None)
            del self._groups[:-MAX_GROUPS]

    def _forget(self, handles: list[int]) -> None:
        if self._search is not None:
            for h in handles:
                self._search.remove(h)

    def _assign(self, item: AnalysisInput, score: Score) -> _Group:
        at = item.post.published_at
        text_sim = None
        candidates: Sequence[_Group] = self._groups
        if self._search is not None:
            close = self._search.close(item.normalized, ev_rules.MIN_CONTENT_SIM)
            text_sim = lambda g: close.get(id(g), 0.0)  # noqa: E731
            if not ev_rules.embedding_can_count(self._calibration):
                # a group with no text this close cannot match: only these are looked at
                candidates = [self._by_id[k] for k in close if k in self._by_id]
        best = ev_rules.best_match(item.normalized, score, at, candidates, lambda g: g.event,
                                   lambda g: g.texts, self._similarity, self._window, self._calibration,
                                   text_sim)
        if best is None:
            best = _Group(
                EventRecord(
                    title="",
                    topic=score.topic,
                    township=score.township,
                    severity=score.severity,
                    first_detected_at=at,
                    first_published_at=at,
                    last_published_at=at,
                )
            )
            self._groups.append(best)
            self._by_id[id(best)] = best
        e = best.event
        e.first_published_at = min(e.first_published_at, at)
        e.last_published_at = max(e.last_published_at, at)
        if SEVERITY_RANK[score.severity] < SEVERITY_RANK[e.severity]:
            e.severity = score.severity
        if e.township is None and score.township:
            e.township = score.township
        best.texts.append((item.normalized, score.embedding))
        del best.texts[:-TEXTS_PER_GROUP]
        if self._search is not None:
            best.handles.append(self._search.add(id(best), item.normalized))
            self._forget(best.handles[:-TEXTS_PER_GROUP])
            del best.handles[:-TEXTS_PER_GROUP]
        return best

    def _linked(self, score: Score, text: str, ev: _Evidence) -> bool:
        """Whether a post tells of the evidence post's incident, not of another matter at
        the same place: the same kind of incident (fire, collapse, death …), the same #话题#, or
        much of the same text (posts retelling one event score 0.3–0.7)."""
        if set(score.incident_kinds) & set(ev.score.incident_kinds):
            return True
        if set(score.hashtags) & set(ev.score.hashtags):
            return True
        return self._similarity(text, ev.item.normalized) >= LINK_SIM

    def _share(self, g: _Group, members: list[tuple[AnalysisInput, Score]]) -> None:
        ev = g.evidence
        if ev is None:
            return
        evidence_grade, source, at = ev.grade, ev.item.post.id, ev.item.post.published_at
        grade = evidence_grade if SEVERITY_RANK[evidence_grade] >= SEVERITY_RANK[LIFTED_AT_MOST] else LIFTED_AT_MOST
        for item, score in members:
            if SEVERITY_RANK[score.severity] <= SEVERITY_RANK[grade]:
                continue
            if score.topic != g.event.topic or score.rumor or score.keeps_own_grade:
                continue
            if score.township and g.event.township and score.township != g.event.township:
                continue
            if item.post.published_at < at - LEAD:
                continue  # written before anything serious was reported
            if not self._linked(score, item.normalized, ev):
                continue  # another matter at the same place ("青松花园物业费要涨" beside its owners' protest)
            score.explanation.setdefault("rules", []).append(
                f"等级：与 {source} 同属一个事件（该帖有 {evidence_grade} 级证据），按事件等级由 {score.severity} 上调为 {grade}"
                + ("（I/II 级时限由事件及陈述伤亡的帖子承担）" if grade != evidence_grade else "")
            )
            score.explanation["event_context"] = {"evidence_post": source, "grade": grade,
                                                  "event_grade": evidence_grade, "own_grade": score.severity}
            score.severity = grade
            if score.disposition not in ("rumor",):
                score.disposition = "major_issue"
