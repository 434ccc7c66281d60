"""The circuit breaker: a source that keeps blocking us (HTTP 432, captcha pages) is paused
after repeated failures, says so, is not contacted while paused, and recovers with a
successful probe once the pause is over — collecting everything it missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from replica import data
from replica.plugin import harness, serve  # noqa: F401
from replica.server import Reply
from replica.weibo import WeiboSite

from storage.tables import SourceRow


def test_breaker_trips_after_repeated_blocks_and_recovers(harness) -> None:  # noqa: F811
    site = WeiboSite()
    site.inject("/api/container/getIndex", Reply(432, "", content_type="text/html"), times=None)
    with serve(site) as r:
        harness.add_source(
            "wb",
            "weibo",
            {
                "base_url": r.base_url,
                "keywords": ["云岭"],
                "since_days": 30,
                "breaker": {"threshold": 2, "pause_seconds": 600},
            },
        )
        first = harness.crawl("wb")
        assert first.outcome == "blocked" and first.returncode == 4
        assert len(site.hits("/api/container/getIndex")) == 4  # one request, three backoff retries
        st = harness.status("wb")
        assert (st["state"], st["consecutive_failures"]) == ("ok", 1)
        assert "来源 wb 本次采集被封禁（连续第 1 次，达到 2 次将暂停）" in "\n".join(first.log_tail)

        # second run: a captcha (visitor) page instead of JSON, also a block
        site.clear_faults()
        site.inject(
            "/api/container/getIndex",
            Reply(200, site.visitor_page, content_type="text/html"),
            times=None,
        )
        second = harness.crawl("wb")
        assert second.outcome == "blocked"
        st = harness.status("wb")
        assert st["state"] == "paused" and st["consecutive_failures"] == 2
        until = datetime.fromisoformat(st["paused_until"])
        assert timedelta(seconds=590) < until - datetime.now(UTC) <= timedelta(seconds=600)
        assert "熔断暂停采集至" in "\n".join(second.log_tail)
        assert second.summary["state"] == "paused"

        # while paused, a run refuses to start and the site is not contacted
        seen = len(site.requests)
        third = harness.crawl("wb")
        assert third.outcome == "paused" and third.returncode == 2
        assert "已熔断" in third.summary["message"]
        assert len(site.requests) == seen
        assert harness.state.claim_due() == []  # the scheduler skips it too

        # ten minutes later (the clock is moved on), the site is healthy again: the probe
        # succeeds and closes the breaker
        site.clear_faults()
        with harness.state.session() as s:
            s.get(SourceRow, "wb").paused_until = datetime.now(UTC) - timedelta(seconds=1)
            s.commit()
        assert harness.status("wb")["state"] == "probing"
        fourth = harness.crawl("wb")
        assert fourth.outcome == "ok"
        st = harness.status("wb")
        assert (st["state"], st["consecutive_failures"], st["paused_until"]) == ("ok", 0, None)
        assert "熔断解除" in "\n".join(fourth.log_tail)
    horizon = data.NOW - timedelta(days=30)
    assert (
        len(harness.posts("weibo")) == len([m for m in site.search_posts if m.time >= horizon]) + 1
    )
