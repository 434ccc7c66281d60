"""Checkpointed newest-first streams and tickets: a cursor only moves past stored work,
interrupted runs leave resumable segments, finished segments fold into the watermark."""

from __future__ import annotations

from crawlers.cursor import Segment, SegmentRun, Stream
from crawlers.tickets import Ticket


def test_ticket_completes_when_sealed_and_all_units_done() -> None:
    done: list[str] = []
    t = Ticket(on_done=lambda: done.append("page"))
    t.add(2)
    child = t.child(on_done=lambda: done.append("thread"))
    child.add(1)
    t.done()
    t.done()
    child.seal()
    assert done == [] and not t.finished  # t not sealed, child pending
    child.done()
    assert done == ["thread"]
    t.seal()
    assert done == ["thread", "page"] and t.finished


def test_ticket_failure_reaches_the_parent_and_blocks_completion() -> None:
    failed: list[str] = []
    t = Ticket(on_done=lambda: failed.append("done!"), on_fail=failed.append)
    child = t.child()
    child.add(1)
    t.seal()
    child.fail("HTTP 432")
    child.done()
    assert failed == ["HTTP 432"] and t.failed and not t.finished


def test_first_run_folds_into_the_watermark() -> None:
    s = Stream()
    (head,) = s.begin_run()
    assert head.stop is None and head.cursor is None
    Stream.advance(head, 2, [90, 80], finished=False)
    assert s.snapshot() == {
        "watermark": None,
        "segments": [{"cursor": 2, "stop": None, "top": 90, "done": False}],
    }
    Stream.advance(head, 3, [70, 60], finished=True)
    assert s.snapshot() == {"watermark": 90, "segments": []}


def test_interrupted_run_resumes_and_new_items_get_a_head_segment() -> None:
    s = Stream({"watermark": 50, "segments": []})
    (head,) = s.begin_run()
    Stream.advance(head, 2, [100, 95], finished=False)  # killed after page 1
    saved = s.snapshot()
    assert saved == {
        "watermark": 50,
        "segments": [{"cursor": 2, "stop": 50, "top": 100, "done": False}],
    }

    s2 = Stream(saved)
    new_head, pending = s2.begin_run()
    assert (new_head.cursor, new_head.stop) == (None, 100) and (pending.cursor, pending.stop) == (
        2,
        50,
    )
    Stream.advance(new_head, 2, [120, 110, 100], finished=True)  # reaches the old top
    assert s2.snapshot() == {
        "watermark": 50,
        "segments": [
            {"cursor": 2, "stop": 100, "top": 120, "done": True},
            {"cursor": 2, "stop": 50, "top": 100, "done": False},
        ],
    }
    Stream.advance(pending, 3, [90, 60, 45], finished=True)
    assert s2.snapshot() == {"watermark": 120, "segments": []}


def test_items_at_or_below_stop_do_not_raise_the_top() -> None:
    seg = Segment(stop=100)
    Stream.advance(seg, 2, [105, 100, 99], finished=True)
    assert seg.top == 105 and seg.reached([105, 100, 99]) and not seg.reached([105])


def test_segment_run_commits_pages_in_order() -> None:
    s = Stream()
    (head,) = s.begin_run()
    saved: list[dict] = []
    run = SegmentRun(s, head, lambda: saved.append(s.snapshot()))
    p1 = run.page(2, [90], False)
    p1.add(1)
    p2 = run.page(3, [80], True)
    p1.seal()
    p2.seal()  # page 2 had nothing to store: complete, but waits for page 1
    assert saved == [] and head.cursor is None
    p1.done()  # page 1's post stored
    assert head.done and saved[-1] == {"watermark": 90, "segments": []}


def test_a_failed_page_holds_the_cursor() -> None:
    s = Stream()
    (head,) = s.begin_run()
    run = SegmentRun(s, head, lambda: None)
    p1 = run.page(2, [90], False).seal()
    p2 = run.page(3, [80], False)
    p2.add(1)
    p3 = run.page(4, [70], False).seal()
    p2.seal()
    p2.fail("blocked")
    assert run.failed and head.cursor == 2 and p1.finished and p3.finished
    assert s.snapshot()["segments"] == [{"cursor": 2, "stop": None, "top": 90, "done": False}]
