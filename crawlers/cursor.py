"""Resumable crawling of newest-first streams (search results, timelines, thread lists
sorted by last reply, message boards).

A stream is crawled in *segments*. A segment starts at a cursor (None = the head of the
stream), walks towards older items and is done when it reaches its ``stop`` key (the
newest key that an earlier segment, or the watermark, already covers) or the end of the
stream. Everything at or below the ``watermark`` has been collected.

Each run adds a head segment for what appeared since, and continues the segments an
interrupted run left behind, from their saved cursors. A segment's cursor only moves when
the page before it is fully stored (see :mod:`crawlers.tickets`), so a crash, a kill or a
block loses nothing; at worst a page is fetched again and ingestion drops the duplicates.

Keys must grow with time (Weibo mids, thread-list last-reply timestamps, message ids).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from crawlers.tickets import Ticket


def _max(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


@dataclass
class Segment:
    cursor: Any = None  # where the next page is; None = head of the stream
    stop: int | None = None  # keys <= stop are already covered below this segment
    top: int | None = None  # newest key this segment has stored
    done: bool = False
    head: bool = False  # created by this run from the head of the stream

    def to_json(self) -> dict:
        return {"cursor": self.cursor, "stop": self.stop, "top": self.top, "done": self.done}

    @classmethod
    def from_json(cls, d: dict) -> Segment:
        return cls(
            cursor=d.get("cursor"), stop=d.get("stop"), top=d.get("top"), done=bool(d.get("done"))
        )

    def reached(self, keys: Iterable[int | None]) -> bool:
        """True when a page with these (non-pinned) keys reaches this segment's stop."""
        ks = [k for k in keys if k is not None]
        return self.stop is not None and bool(ks) and min(ks) <= self.stop


class Stream:
    def __init__(self, value: dict | None = None) -> None:
        value = value or {}
        self.watermark: int | None = value.get("watermark")
        self.segments: list[Segment] = [Segment.from_json(s) for s in value.get("segments", [])]

    def begin_run(self) -> list[Segment]:
        """The segments to crawl this run, head segment first."""
        stop = self.segments[0].top if self.segments else self.watermark
        head = Segment(cursor=None, stop=stop, head=True)
        self.segments.insert(0, head)
        return [s for s in self.segments if not s.done]

    @staticmethod
    def advance(seg: Segment, next_cursor: Any, keys: Iterable[int | None], finished: bool) -> None:
        for k in keys:
            if k is not None and (seg.stop is None or k > seg.stop):
                seg.top = _max(seg.top, k)
        seg.cursor = next_cursor
        if finished:
            seg.done = True

    def snapshot(self) -> dict:
        """The persisted form: segments that stored nothing are dropped; done segments at
        the bottom fold into the watermark."""
        segs = [
            Segment(s.cursor, s.stop, s.top, s.done) for s in self.segments if s.top is not None
        ]
        wm = self.watermark
        while segs and segs[-1].done:
            wm = _max(wm, segs.pop().top)
        return {"watermark": wm, "segments": [s.to_json() for s in segs]}

    @property
    def pending(self) -> int:
        return sum(1 for s in self.segments if not s.done and s.top is not None)


class SegmentRun:
    """Commits a segment's pages in order as their tickets complete, then persists."""

    def __init__(
        self, stream: Stream, seg: Segment, persist: Callable[[], None], label: str = ""
    ) -> None:
        self.stream = stream
        self.seg = seg
        self.persist = persist
        self.label = label
        self.queue: deque[tuple[Ticket, Any, list, bool]] = deque()
        self.failed = False
        self.pages = 0
        self.closed = False  # no more pages will be requested for this segment
        self.info: dict[str, Any] = {}  # what the spider needs to build the next request

    def page(self, next_cursor: Any, keys: list, finished: bool) -> Ticket:
        """Register a parsed page; returns its ticket (seal it once all units are added)."""
        self.pages += 1
        t = Ticket(on_done=self._flush, on_fail=self._failed, label=f"{self.label}#{self.pages}")
        self.queue.append((t, next_cursor, list(keys), finished))
        if finished:
            self.closed = True
        return t

    def _failed(self, reason: str) -> None:
        self.failed = True

    def _flush(self) -> None:
        changed = False
        while self.queue and self.queue[0][0].finished:
            _, cursor, keys, finished = self.queue.popleft()
            Stream.advance(self.seg, cursor, keys, finished)
            changed = True
        if changed:
            self.persist()
