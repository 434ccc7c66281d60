"""The analysis pipeline: score new posts, group them into events, raise alerts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from alerts.service import AlertService
from kernel.domain import events as ev_rules
from kernel.domain.records import AuditEntry, EventRecord, PostRecord, saved
from kernel.domain.scores import Score
from kernel.errors import InvalidTransition, NotFound
from kernel.ports import Store
from kernel.services.scoring import Scorer

log = logging.getLogger(__name__)

Similarity = Callable[[str, str], float]
EVENT_TEXTS = 12  # a post is compared with an event's latest texts


class PipelineService:
    def __init__(
        self,
        store_factory: Callable[[], Store],
        scorer: Scorer,
        similarity: Similarity,
        alerts: AlertService,
        clock: Callable[[], datetime],
        window: timedelta = timedelta(hours=72),
        linker: ev_rules.EventLinker | None = None,
    ) -> None:
        """``linker`` (analysis.event_link): a learned same-event link that gives a post no
        event matched by text a second chance, by its likeliest earlier partner."""
        self._store_factory = store_factory
        self._scorer = scorer
        self._similarity = similarity
        # (floor, scale) of the analyzer's embedding cosine for event matching; None = base E5
        self.embedding_calibration = getattr(scorer.analyzer, "embedding_calibration", None)
        self._alerts = alerts
        self._clock = clock
        self._window = window
        self._linker = linker

    def analyze_pending(self, batch: int = 256) -> int:
        """Analyze every post still marked new; returns how many were processed."""
        done = 0
        while True:
            with self._store_factory() as store:
                pks = store.pending_posts(batch)
            if not pks:
                return done
            self.analyze_posts(pks)
            done += len(pks)

    def analyze_posts(self, pks: Sequence[int]) -> list[int]:
        """Idempotent: posts already analyzed are skipped. Returns touched event ids.
        What the alerts should tell people is handed on once the batch has committed."""
        try:
            touched = self._analyze(pks)
        except BaseException:
            self._alerts.discard_hooks()
            raise
        self._alerts.flush_hooks()
        return touched

    def _analyze(self, pks: Sequence[int]) -> list[int]:
        with self._store_factory() as store:
            recs = [r for r in store.get_posts(list(pks)) if r.status == "new"]
            if not recs:
                return []
            originals = [r for r in recs if r.duplicate_of is None]
            scores = self._scorer.score(originals)
            for rec, score in zip(originals, scores, strict=True):
                rec.score = score
                store.save_score(saved(rec.pk), score)
            copies = [r for r in recs if r.duplicate_of is not None]
            orig_by_pk = {r.pk: r for r in store.get_posts([saved(c.duplicate_of) for c in copies])}
            for c in copies:
                o = orig_by_pk.get(c.duplicate_of)
                if o is not None and o.score is None:
                    o = next((r for r in originals if r.pk == o.pk), o)
                if o is None or o.score is None:
                    # the original is still unscored (another batch): score the copy itself
                    copy_score = self._scorer.score([c])[0]
                else:
                    copy_score = o.score
                    c.event_id = o.event_id
                c.score = copy_score
                store.save_score(saved(c.pk), copy_score)
            touched: dict[int, EventRecord] = {}
            cache: dict[int, list[ev_rules.LinkPost]] = {}
            earliest = min(r.post.published_at for r in recs) - self._window
            open_events = {saved(e.pk): e for e in store.open_events(earliest)}  # loaded once per batch
            for rec in sorted(recs, key=lambda r: r.post.published_at):
                if rec.score is None or not rec.score.relevant:
                    continue
                ev = self._assign(store, rec, rec.score, touched, cache, open_events)
                store.set_post_event(saved(rec.pk), saved(ev.pk))
                rec.event_id = ev.pk
            now = self._clock()
            newly_suspected = []
            for pk, ev in touched.items():
                was_suspected = ev.suspected_major
                ev_rules.recompute(ev, store.event_posts(pk), now)
                store.save_event(ev)
                if ev.suspected_major and not was_suspected:
                    newly_suspected.append(ev)
            for pk, ev in touched.items():
                self._alerts.sync_event(store, ev, store.event_posts(pk))
            for ev in newly_suspected:
                self._alerts.note_suspected_major(store, ev)
        return list(touched)

    def detach_post(self, post_id: int, reason: str, actor: str) -> tuple[int, int]:
        """An analyst's correction of the grouping (研判时发现归并有误): the post, with its
        reposts in the same event, leaves its event for an event of its own. Both events are
        recomputed; the new one gets the alert its grade requires, clocks counted from when
        the post was detected. The old event's running alert is left as it is even where its
        grade falls (clocks are never dropped automatically: an analyst lowers it by grading).
        Returns (old event id, new event id)."""
        reason = (reason or "").strip()
        if not reason:
            raise InvalidTransition("移出事件须填写理由")
        try:
            with self._store_factory() as store:
                found = store.get_posts([post_id])
                if not found:
                    raise NotFound(f"帖子 {post_id} 不存在")
                rec = found[0]
                if rec.event_id is None or rec.score is None:
                    raise InvalidTransition("该帖子不属于任何事件")
                old_pk = rec.event_id
                old = store.get_event(old_pk)
                if old is None:
                    raise NotFound(f"事件 {old_pk} 不存在")
                if old.status == "closed":
                    raise InvalidTransition("事件已办结，不能再调整帖子")
                posts = store.event_posts(old_pk)
                origin = rec.duplicate_of if rec.duplicate_of is not None else rec.pk
                moving = [p for p in posts if p.pk == origin or p.duplicate_of == origin]
                if len(moving) == len(posts):
                    raise InvalidTransition("事件中只有这条帖子（及其转载），无需移出")
                first = min(moving, key=lambda p: p.post.published_at)
                new = self._open_event(store, first, first.score or rec.score, actor, detached_from=old_pk)
                new_pk = saved(new.pk)
                for p in moving:
                    store.set_post_event(saved(p.pk), new_pk)
                if any(ev_rules.event_title(p) == old.title for p in moving):
                    # the old event was named after a post that has left it
                    rest = [p for p in posts if p not in moving]
                    old.title = ev_rules.event_title(min(rest, key=lambda p: p.post.published_at))
                now = self._clock()
                store.audit(AuditEntry("event.post_detached", "event", str(old_pk), now, actor,
                                       detail={"post": rec.pk, "posts": [p.pk for p in moving],
                                               "to_event": new_pk, "reason": reason}))
                for ev, pk in ((old, old_pk), (new, new_pk)):
                    ev_posts = store.event_posts(pk)
                    ev_rules.recompute(ev, ev_posts, now)
                    store.save_event(ev)
                    self._alerts.sync_event(store, ev, ev_posts)
        except BaseException:
            self._alerts.discard_hooks()
            raise
        self._alerts.flush_hooks()
        return old_pk, new_pk

    def _open_event(self, store: Store, rec: PostRecord, score: Score, actor: str = "system",
                    **detail: object) -> EventRecord:
        """A new event for ``rec``, stored and audited (``detail``: more for the audit entry)."""
        ev = ev_rules.new_event(rec, score)
        store.save_event(ev)
        store.audit(AuditEntry("event.created", "event", str(ev.pk), self._clock(), actor,
                               detail={"title": ev.title, "first_post": rec.pk, **detail}))
        return ev

    def _assign(self, store: Store, rec: PostRecord, score: Score, touched: dict[int, EventRecord],
                cache: dict[int, list[ev_rules.LinkPost]], open_events: dict[int, EventRecord]) -> EventRecord:
        if rec.duplicate_of is not None and rec.event_id is not None:
            ev = touched.get(rec.event_id) or open_events.get(rec.event_id) or store.get_event(rec.event_id)
            if ev is not None:
                touched[saved(ev.pk)] = ev
                return ev

        def members_of(e_pk: int) -> list[ev_rules.LinkPost]:
            if e_pk not in cache:
                cache[e_pk] = store.event_members(e_pk, EVENT_TEXTS)
            return cache[e_pk]

        def texts_of(e_pk: int) -> ev_rules.EventTexts:
            return [(m.text, m.embedding) for m in members_of(e_pk)]

        member = ev_rules.LinkPost(rec.normalized, rec.post.published_at, score.topic, score.township,
                                   score.severity, score.embedding, rec.pk)
        match = ev_rules.best_match(rec.normalized, score, rec.post.published_at, open_events,
                                    open_events.__getitem__, texts_of, self._similarity, self._window,
                                    self.embedding_calibration)
        if match is None and self._linker is not None:
            link = ev_rules.best_link(member, open_events, open_events.__getitem__, members_of,
                                      self._linker, self._window)
            if link is not None:
                match = link.event
                # the text did not tie the post to the event: say what did, for the analyst
                store.audit(AuditEntry("event.post_linked", "event", str(link.event), self._clock(),
                                       detail={"post": rec.pk, "partner_post": link.partner.post_id,
                                               "probability": round(link.probability, 4),
                                               "reason": "同一事件关联模型：与事件中的帖子属地、主题、事件类型、时间相近"}))
        best = open_events[match] if match is not None else None
        if best is None:
            best = self._open_event(store, rec, score)
            open_events[saved(best.pk)] = best
        best_pk = saved(best.pk)
        members = cache.setdefault(best_pk, [])
        members.append(member)
        del members[:-EVENT_TEXTS]
        best.last_published_at = max(best.last_published_at, rec.post.published_at)
        touched[best_pk] = best
        return best
