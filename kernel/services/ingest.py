"""Ingestion: validate against the contract, normalise, deduplicate, store.

A bad record is rejected with its line number and reason, counted and recorded;
it never stops the run and never rolls back records accepted before it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from kernel.domain.posts import Post, parse_post
from kernel.domain.records import PostRecord, RejectRecord
from kernel.errors import InvalidPost
from kernel.ports import SearchIndex, Store
from kernel.text import content_hash, hamming, normalize_text, simhash

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 1_000_000
NEAR_DUP_BITS = 3
NEAR_DUP_WINDOW = timedelta(days=7)
BATCH = 200


@dataclass
class IngestReport:
    read: int = 0
    accepted: int = 0
    duplicates: int = 0  # same (platform, id): not stored again
    copies: int = 0  # same or near-same content under another id: stored, linked to the original
    rejected: int = 0
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    accepted_pks: list[int] = field(default_factory=list)
    copy_pks: list[int] = field(default_factory=list)

    def merge(self, other: IngestReport) -> None:
        for f in ("read", "accepted", "duplicates", "copies", "rejected"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.errors += other.errors
        self.accepted_pks += other.accepted_pks
        self.copy_pks += other.copy_pks

    def summary(self) -> str:
        return (f"读取 {self.read} 条，新增 {self.accepted} 条，重复 {self.duplicates} 条，"
                f"转载/近似 {self.copies} 条，拒收 {self.rejected} 条")


def decode_lines(lines: Iterable[bytes | str]) -> Iterator[tuple[int, Any | InvalidPost]]:
    """JSONL → (line number, decoded value or the error). Blank lines are skipped."""
    for no, raw in enumerate(lines, start=1):
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogatepass")
        if len(raw) > MAX_LINE_BYTES:
            yield no, InvalidPost(f"行过长（{len(raw)} 字节，上限 {MAX_LINE_BYTES}）")
            continue
        if not raw.strip():
            continue
        try:
            yield no, orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield no, InvalidPost(f"不是合法的 JSON：{exc}")


class IngestService:
    def __init__(
        self,
        store_factory: Callable[[], Store],
        clock: Callable[[], datetime],
        search: SearchIndex | None = None,
        on_accepted: Callable[[list[int]], None] | None = None,
    ) -> None:
        self._store_factory = store_factory
        self._clock = clock
        self._search = search
        self._on_accepted = on_accepted

    def ingest_lines(self, lines: Iterable[bytes | str], source: str, **kw: Any) -> IngestReport:
        return self.ingest_records(decode_lines(lines), source, **kw)

    def ingest_posts(self, posts: Iterable[dict[str, Any]], source: str, **kw: Any) -> IngestReport:
        return self.ingest_records(((None, p) for p in posts), source, **kw)

    def ingest_records(
        self,
        records: Iterable[tuple[int | None, Any]],
        source: str,
        *,
        detected_at: Callable[[Post], datetime] | None = None,
        notify: bool = True,
    ) -> IngestReport:
        """Store every valid record; commit in batches so a crash loses at most one batch
        of uncommitted work and nothing committed before it."""
        total = IngestReport()
        batch: list[tuple[int | None, Any]] = []
        for item in records:
            batch.append(item)
            if len(batch) >= BATCH:
                total.merge(self._ingest_batch(batch, source, detected_at, notify))
                batch = []
        if batch:
            total.merge(self._ingest_batch(batch, source, detected_at, notify))
        if total.rejected:
            log.warning("来源 %s：%s", source, total.summary())
        return total

    def _ingest_batch(self, batch, source, detected_at, notify) -> IngestReport:
        rep = IngestReport()
        now = self._clock()
        indexed: list[tuple[int, str]] = []
        with self._store_factory() as store:
            parsed: list[Post] = []
            for line_no, value in batch:
                rep.read += 1
                try:
                    if isinstance(value, InvalidPost):
                        raise value
                    parsed.append(parse_post(value))
                except InvalidPost as exc:
                    rep.rejected += 1
                    rep.errors.append((line_no, exc.message))
                    excerpt = value.message if isinstance(value, InvalidPost) else _excerpt(value)
                    store.add_reject(RejectRecord(source, line_no, exc.message, excerpt, now))
                    where = f"第 {line_no} 行" if line_no else "记录"
                    log.info("拒收 %s（来源 %s）：%s", where, source, exc.message)
            # one query each for what the whole batch needs to know about stored posts
            seen = store.existing_keys([(p.platform, p.id) for p in parsed])
            recs = [self._record(p, source, now, detected_at) for p in parsed if (p.platform, p.id) not in seen]
            rep.duplicates += len(parsed) - len(recs)
            by_hash = store.originals_by_hash([r.content_hash for r in recs])
            batch_hashes: list[tuple[int, int, datetime]] = []  # (pk, simhash, published) stored in this batch
            for rec in recs:
                key = (rec.post.platform, rec.post.id)
                if key in seen:
                    rep.duplicates += 1
                    continue
                seen.add(key)
                rec.duplicate_of = by_hash.get(rec.content_hash) or self._find_near(store, rec, batch_hashes)
                pk = store.add_post(rec)
                if pk is None:
                    rep.duplicates += 1
                    continue
                if rec.duplicate_of is not None:
                    rep.copies += 1
                    rep.copy_pks.append(pk)
                else:
                    rep.accepted += 1
                    rep.accepted_pks.append(pk)
                    by_hash.setdefault(rec.content_hash, pk)
                    batch_hashes.append((pk, rec.simhash, rec.post.published_at))
                indexed.append((pk, rec.normalized))
        if self._search is not None and indexed:
            try:
                self._search.index(indexed)
            except Exception:  # the posts are stored; the index can be rebuilt
                log.exception("全文索引更新失败，帖子已保存，可稍后重建索引")
        if notify and self._on_accepted and (rep.accepted_pks or rep.copy_pks):
            self._on_accepted(rep.accepted_pks + rep.copy_pks)
        return rep

    def _record(self, post: Post, source: str, now: datetime, detected_at) -> PostRecord:
        normalized = normalize_text(post.title, post.text)
        det = detected_at(post) if detected_at else now
        return PostRecord(
            post=post,
            normalized=normalized,
            content_hash=content_hash(normalized),
            simhash=simhash(normalized),
            source=source,
            ingested_at=now,
            detected_at=det,
            status="new",
        )

    @staticmethod
    def _find_near(store: Store, rec: PostRecord, batch: list[tuple[int, int, datetime]]) -> int | None:
        """The original this post nearly copies: SimHash within 3 bits, in the last week."""
        if len(rec.normalized) < 20:  # too short to call a copy
            return None
        since = rec.post.published_at - NEAR_DUP_WINDOW
        best = None
        pool = store.near_candidates(rec.simhash, since) + [(pk, h) for pk, h, t in batch if t >= since]
        for pk, h in pool:
            d = hamming(h, rec.simhash)
            if d <= NEAR_DUP_BITS and (best is None or d < best[1]):
                best = (pk, d)
        return best[0] if best else None

def _excerpt(value: Any) -> str:
    try:
        return orjson.dumps(value).decode("utf-8", "replace")[:500]
    except TypeError:
        return repr(value)[:500]
