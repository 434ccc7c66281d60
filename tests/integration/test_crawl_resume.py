"""A crawl killed mid-way (SIGKILL: no cleanup at all) resumes from its checkpoint: nothing
is lost, nothing is stored twice, and work already stored is not fetched again."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from datetime import timedelta

from replica import data
from replica.discuz import PPP, DiscuzSite
from replica.plugin import harness, serve  # noqa: F401
from replica.server import Reply
from replica.weibo import WeiboSite

HANG = Reply(200, "{}", delay=60)


def wait_for(cond, timeout: float = 40.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def kill(proc) -> None:  # noqa: ANN001
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


def test_weibo_search_killed_on_page_3_resumes_there(harness) -> None:  # noqa: F811
    site = WeiboSite()
    site.inject("page=3", HANG, times=1)
    key = "search:61:云岭"
    with serve(site) as r:
        harness.add_source(
            "wb",
            "weibo",
            {"base_url": r.base_url, "keywords": ["云岭"], "since_days": 30},
            settings={"DOWNLOAD_TIMEOUT": 120},
        )
        proc = harness.spawn("wb")
        wait_for(
            lambda: site.hits("page=3") and harness.checkpoints("wb").get(key, {}).get("segments")
        )
        time.sleep(0.5)  # let anything in flight settle; the crawl now hangs on page 3
        kill(proc)

        # the checkpoint never runs ahead of what is stored
        ck = harness.checkpoints("wb")[key]
        assert ck["watermark"] is None and [s["cursor"] for s in ck["segments"]] == [3]
        want = [m for m in site.search_posts if m.time >= data.NOW - timedelta(days=30)]
        orig = site.search_posts[5].retweet_of
        assert sorted(harness.by_id("weibo")) == sorted([m.id for m in want[:20]] + [orig.id])

        # meanwhile two new posts are published; the next run covers both gaps
        fresh = []
        for i in range(2):
            t = data.NOW + timedelta(minutes=1 + i)
            m = data.Mblog(
                mid=data.mid_for(t, 80 + i),
                uid="5698888888",
                name="后来者",
                time=t,
                text=data.texts(60, seed=123)[i],
                absolute=True,
            )
            site.publish(m)
            fresh.append(m)
        before = len(site.requests)
        res = harness.crawl("wb")
    assert res.outcome == "ok", res.log_tail[-20:]
    later = site.requests[before:]
    pages = sorted(q.query.get("page", "1") for q in later if q.path == "/api/container/getIndex")
    # the head of the stream, then on from the saved cursor (the two new posts pushed the rest one
    # page further down: what slid from page 2 onto page 3 is recognised as stored, not fetched)
    assert pages == ["1", "3", "4", "5", "6"]
    assert res.summary["skipped_known"] == 2
    long_after = {m.id for m in want[20:] if m.long_text}
    assert {q.query["id"] for q in later if q.path == "/statuses/extend"} == long_after
    posts = harness.posts("weibo")
    assert sorted(p["id"] for p in posts) == sorted([m.id for m in want + fresh] + [orig.id])
    assert max(Counter(p["id"] for p in posts).values()) == 1
    assert res.summary["new"] == len(want) - 20 + 2 and res.summary["copies"] == 0
    assert res.summary["duplicates"] == 0
    assert harness.checkpoints("wb")[key] == {
        "watermark": max(int(m.id) for m in want + fresh),
        "segments": [],
    }


def test_forum_killed_inside_a_thread_refetches_only_that_thread(harness) -> None:  # noqa: F811
    site = DiscuzSite()
    site.inject(
        lambda q: q.query.get("tid") == "1003" and q.query.get("page") == "2", HANG, times=1
    )
    with serve(site) as r:
        harness.add_source(
            "bbs",
            "discuz",
            {"base_url": r.base_url, "fids": ["2"], "site": "bbs", "ppp": PPP, "since_days": 30},
            settings={"DOWNLOAD_TIMEOUT": 120},
        )
        proc = harness.spawn("bbs")
        wait_for(
            lambda: (
                any(
                    q.query.get("tid") == "1003" and q.query.get("page") == "2"
                    for q in site.requests
                )
                and len(harness.checkpoints("bbs")) >= 5
            )
        )
        time.sleep(1.0)
        kill(proc)
        ck = harness.checkpoints("bbs")
        assert "thread:1003" not in ck  # unfinished thread: not marked
        assert (
            "list:2" not in ck or ck["list:2"]["watermark"] is None
        )  # its list page not committed
        done = {k.split(":")[1] for k in ck if k.startswith("thread:")}
        stored_before = harness.by_id("forum")
        before = len(site.requests)
        res = harness.crawl("bbs")
    assert res.outcome == "ok"
    later = site.requests[before:]
    refetched = {q.query.get("tid") for q in later if q.query.get("mod") == "viewthread"}
    assert "1003" in refetched and not (refetched & done)  # finished threads are not fetched again
    posts = harness.posts("forum")
    assert max(Counter(p["id"] for p in posts).values()) == 1
    horizon = data.NOW - timedelta(days=30)
    want = {
        f"bbs:t{t.tid}" if p.floor == 1 else f"bbs:p{p.pid}"
        for t in site.threads
        if not t.missing and t.last_post >= horizon
        for p in t.posts
    }
    assert {p["id"] for p in posts} == want
    assert res.summary["new"] == len(want) - len(stored_before)
