"""Crawl state on a real SQLite database: sources, checkpoints, run leases, the circuit
breaker's transitions and the status the API/console shows; and the spider contracts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from replica.harness import REPO
from replica.plugin import harness  # noqa: F401

from crawlers.errors import SourceConfigError, SourceNotFound
from crawlers.sources import SourceConfig, load_yaml, masked
from crawlers.state import BreakerPolicy, CrawlState


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 4, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def state_with_clock(h) -> tuple[CrawlState, Clock]:  # noqa: ANN001
    clock = Clock()
    return CrawlState(h.engine, clock), clock


def add(st: CrawlState, name: str, interval: int = 300) -> None:
    st.upsert_source(
        SourceConfig(
            name=name,
            kind="news",
            params={"feeds": ["https://x/rss.xml"]},
            interval_seconds=interval,
        )
    )


def test_breaker_opens_doubles_and_closes(harness) -> None:  # noqa: F811
    st, clock = state_with_clock(harness)
    add(st, "src")
    policy = BreakerPolicy(threshold=3, pause_seconds=600, max_pause_seconds=3600)
    for n in (1, 2):
        s = st.record_outcome("src", "blocked", {"pages": 0}, policy)
        assert (s["state"], s["consecutive_failures"]) == ("ok", n)
    s = st.record_outcome("src", "failed", {"pages": 0}, policy)
    assert (
        s["state"] == "paused"
        and s["paused_until"] == (clock.now + timedelta(minutes=10)).isoformat()
    )
    assert st.runnable("src")[0] is False and "已熔断" in st.runnable("src")[1]
    clock.now += timedelta(minutes=11)
    assert st.runnable("src") == (True, None) and st.status("src")[0]["state"] == "probing"
    s = st.record_outcome("src", "blocked", {}, policy)  # the probe fails: a longer pause
    assert s["paused_until"] == (clock.now + timedelta(minutes=20)).isoformat()
    assert policy.pause_for(10) == timedelta(hours=1)  # capped
    clock.now += timedelta(minutes=21)
    s = st.record_outcome("src", "ok", {"pages": 3, "post_ids": [1, 2]}, policy)
    assert (s["state"], s["consecutive_failures"], s["paused_until"]) == ("ok", 0, None)
    assert s["last_summary"] == {"pages": 3}


def test_manual_pause_resume_and_due_claims(harness) -> None:  # noqa: F811
    st, clock = state_with_clock(harness)
    add(st, "a", interval=300)
    add(st, "b", interval=300)
    st.pause("b", None)
    assert st.runnable("b") == (False, "来源 b 已被人工暂停（`tingfeng sources resume b` 恢复）")
    assert st.claim_due() == ["a"]
    assert st.claim_due() == []
    clock.now += timedelta(seconds=301)
    st.resume("b")
    assert st.claim_due() == ["a", "b"]
    other = CrawlState(harness.engine, clock)  # a second scheduler at the same instant
    assert other.claim_due() == []
    st.set_enabled("a", False)
    clock.now += timedelta(hours=1)
    assert st.claim_due() == ["b"]


def test_leases_exclude_a_second_crawl_and_expire(harness) -> None:  # noqa: F811
    st, clock = state_with_clock(harness)
    add(st, "a")
    me = f"{os.uname().nodename}:{os.getpid()}"
    assert st.acquire_lease("a", me, 600)
    assert not st.acquire_lease("a", "otherhost:1", 600)
    assert st.status("a")[0]["running"] is True
    st.release_lease("a", me)
    assert st.acquire_lease("a", "otherhost:1", 600)
    clock.now += timedelta(minutes=11)  # expired
    assert st.acquire_lease("a", me, 600)
    # a lease left by a process on this host that no longer exists is taken over at once
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    st.release_lease("a", me)
    assert st.acquire_lease("a", f"{os.uname().nodename}:{dead.pid}", 600)
    assert st.acquire_lease("a", me, 600)


def test_checkpoints_sources_and_config(harness, tmp_path) -> None:  # noqa: F811
    st, clock = state_with_clock(harness)
    add(st, "a")
    ck = st.checkpoints("a")
    ck.set("list:2", {"watermark": 5, "segments": []})
    ck.set("thread:1", {"replies": 3})
    clock.now += timedelta(days=90)
    ck.set("thread:2", {"replies": 1})
    assert ck.prune("thread:", clock.now - timedelta(days=60)) == 1
    assert sorted(ck.items()) == ["list:2", "thread:2"]
    assert st.reset_checkpoints("a") == 2 and ck.items() == {}
    with pytest.raises(SourceNotFound, match="未找到采集来源：zz"):
        st.get_source("zz")
    with pytest.raises(SourceConfigError, match="缺少参数：base_url, fids"):
        SourceConfig(name="f", kind="discuz", params={}).validate()
    with pytest.raises(SourceConfigError, match="采集间隔过短"):
        SourceConfig(name="f", kind="news", params={"feeds": ["x"]}, interval_seconds=5).validate()
    assert masked({"cookies": ["SUB=secret", "${TINGFENG_WEIBO_SUB}"], "app_code": "abc"}) == {
        "cookies": ["******", "${TINGFENG_WEIBO_SUB}"],
        "app_code": "******",
    }
    bad = tmp_path / "s.yaml"
    bad.write_text("sources:\n  - {name: x, kind: weibo, params: [1]}\n", encoding="utf-8")
    with pytest.raises(SourceConfigError):
        load_yaml(bad)
    st.remove_source("a")
    assert st.list_sources() == []


def test_spider_contracts() -> None:
    """``scrapy check``: each spider's callbacks against fixtures, offline."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "OK" in out.stderr and "Ran 12 contracts" in out.stderr


def test_default_keywords_come_from_the_reference_county(harness) -> None:  # noqa: F811
    from replica.harness import SPEC_DIR

    from crawlers.keywords import load_keywords
    from storage.tables import KeywordRow

    kw = load_keywords(harness.engine, SPEC_DIR)
    assert kw.watch == ["云岭县", "云岭"]
    assert {"城关镇", "龙泉镇", "龙泉村", "南河水库", "马鞍山养老院"} <= set(kw.place)
    assert kw.matches("南河水库周边在搞工程") == "南河水库"
    with harness.state.session() as s:  # once the analyst keeps a list, it replaces the defaults
        s.add_all(
            [KeywordRow(word="云岭", kind="watch"), KeywordRow(word="云岭山庄", kind="exclude")]
        )
        s.commit()
    kw = load_keywords(harness.engine, SPEC_DIR)
    assert (kw.watch, kw.place, kw.exclude) == (["云岭"], [], ["云岭山庄"])
    assert kw.excluded("云岭山庄开业酬宾") == "云岭山庄"
