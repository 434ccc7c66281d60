"""The analysis pipeline: score new posts, group them into events, raise alerts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from alerts.service import AlertService
from kernel.domain import events as ev_rules
from kernel.domain.records import AuditEntry, EventRecord, PostRecord
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
    ) -> None:
        self._store_factory = store_factory
        self._scorer = scorer
        self._similarity = similarity
        self._emb_calibration = getattr(scorer.analyzer, "embedding_calibration", None)
        self._alerts = alerts
        self._clock = clock
        self._window = window

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
        """Idempotent: posts already analyzed are skipped. Returns touched event ids."""
        with self._store_factory() as store:
            recs = [r for r in store.get_posts(list(pks)) if r.status == "new"]
            if not recs:
                return []
            originals = [r for r in recs if r.duplicate_of is None]
            scores = self._scorer.score(originals)
            for rec, score in zip(originals, scores, strict=True):
                rec.score = score
                store.save_score(rec.pk, score)
            copies = [r for r in recs if r.duplicate_of is not None]
            orig_by_pk = {r.pk: r for r in store.get_posts([c.duplicate_of for c in copies])}
            for c in copies:
                o = orig_by_pk.get(c.duplicate_of)
                if o is not None and o.score is None:
                    o = next((r for r in originals if r.pk == o.pk), o)
                if o is None or o.score is None:
                    # the original is still unscored (another batch): score the copy itself
                    c.score = self._scorer.score([c])[0]
                else:
                    c.score = o.score
                    c.event_id = o.event_id
                store.save_score(c.pk, c.score)
            touched: dict[int, EventRecord] = {}
            cache: dict[int, list[tuple[str, list[float] | None]]] = {}
            earliest = min(r.post.published_at for r in recs) - self._window
            open_events = {e.pk: e for e in store.open_events(earliest)}  # loaded once per batch
            for rec in sorted(recs, key=lambda r: r.post.published_at):
                if not rec.score.relevant:
                    continue
                ev = self._assign(store, rec, touched, cache, open_events)
                store.set_post_event(rec.pk, ev.pk)
                rec.event_id = ev.pk
            now = self._clock()
            for ev in touched.values():
                ev_rules.recompute(ev, store.event_posts(ev.pk), now)
                store.save_event(ev)
            for ev in touched.values():
                self._alerts.sync_event(store, ev, store.event_posts(ev.pk))
        self._alerts.flush_hooks()
        return list(touched)

    def _assign(self, store: Store, rec: PostRecord, touched: dict[int, EventRecord],
                cache: dict[int, list[tuple[str, list[float] | None]]], open_events: dict[int, EventRecord]) -> EventRecord:
        if rec.duplicate_of is not None and rec.event_id is not None:
            ev = touched.get(rec.event_id) or open_events.get(rec.event_id) or store.get_event(rec.event_id)
            if ev is not None:
                touched[ev.pk] = ev
                return ev
        since = rec.post.published_at - self._window
        best, best_s = None, ev_rules.MATCH_THRESHOLD
        for e in open_events.values():
            if e.last_published_at < since or e.first_published_at > rec.post.published_at + self._window:
                continue
            if not ev_rules.could_match(rec.score, e):
                continue
            if e.pk not in cache:
                cache[e.pk] = store.event_texts(e.pk, EVENT_TEXTS)
            sim = max((self._similarity(rec.normalized, t) for t, _ in cache[e.pk]), default=0.0)
            emb_sim = None
            if rec.score.embedding:
                emb_sim = max((ev_rules.cosine(rec.score.embedding, v) for _, v in cache[e.pk] if v), default=None)
            s = ev_rules.match_score(sim, rec.score, e, emb_sim, self._emb_calibration)
            if s > best_s:
                best, best_s = e, s
        if best is None:
            best = ev_rules.new_event(rec, rec.score)
            store.save_event(best)
            open_events[best.pk] = best
            store.audit(AuditEntry("event.created", "event", str(best.pk), self._clock(),
                                   detail={"title": best.title, "first_post": rec.pk}))
        texts = cache.setdefault(best.pk, [])
        texts.append((rec.normalized, rec.score.embedding))
        del texts[:-EVENT_TEXTS]
        best.last_published_at = max(best.last_published_at, rec.post.published_at)
        touched[best.pk] = best
        return best
