"""Tickets: know when everything a page led to has been stored, so that a checkpoint only
moves past work that is really done.

A ticket counts outstanding units (items waiting for ingestion, detail requests, child
tickets). It completes once it is sealed (no more units will be added) and every unit is
done; it fails, for good, when any unit fails (a block, a timeout, a crash). Completion runs
``on_done`` and tells the parent; failure runs ``on_fail`` and fails the parent.
"""

from __future__ import annotations

from collections.abc import Callable


class Ticket:
    __slots__ = (
        "pending",
        "sealed",
        "failed",
        "finished",
        "_on_done",
        "_on_fail",
        "_parent",
        "label",
    )

    def __init__(
        self,
        on_done: Callable[[], None] | None = None,
        on_fail: Callable[[str], None] | None = None,
        parent: Ticket | None = None,
        label: str = "",
    ) -> None:
        self.pending = 0
        self.sealed = False
        self.failed = False
        self.finished = False
        self._on_done = on_done
        self._on_fail = on_fail
        self._parent = parent
        self.label = label
        if parent is not None:
            parent.add(1)

    def add(self, n: int = 1) -> Ticket:
        if self.finished:
            raise RuntimeError(f"ticket {self.label!r} already finished")
        self.pending += n
        return self

    def done(self, n: int = 1) -> None:
        self.pending -= n
        self._check()

    def seal(self) -> Ticket:
        self.sealed = True
        self._check()
        return self

    def fail(self, reason: str = "") -> None:
        if self.failed or self.finished:
            return
        self.failed = True
        if self._on_fail:
            self._on_fail(reason)
        if self._parent is not None:
            self._parent.fail(reason)

    def child(
        self,
        label: str = "",
        on_done: Callable[[], None] | None = None,
        on_fail: Callable[[str], None] | None = None,
    ) -> Ticket:
        return Ticket(on_done=on_done, on_fail=on_fail, parent=self, label=label)

    def _check(self) -> None:
        if self.sealed and self.pending <= 0 and not self.failed and not self.finished:
            self.finished = True
            if self._on_done:
                self._on_done()
            if self._parent is not None:
                self._parent.done()

    def __repr__(self) -> str:
        state = "finished" if self.finished else "failed" if self.failed else "open"
        return f"Ticket({self.label!r}, pending={self.pending}, sealed={self.sealed}, {state})"
