"""Discuz! X forums (GBK and UTF-8 HTML, the mobile JSON API) and Baidu Tieba (client API)
crawled from local replicas."""

from __future__ import annotations

from datetime import timedelta

from replica import data
from replica.discuz import PPP, DiscuzSite
from replica.plugin import harness, serve  # noqa: F401
from replica.tieba import TiebaSite, expected_text

SITE = "bbs.yunling.example"


def forum_source(h, r, **params) -> None:  # noqa: ANN001
    h.add_source(
        "bbs",
        "discuz",
        {
            "base_url": r.base_url,
            "fids": ["2"],
            "site": SITE,
            "ppp": PPP,
            "board_names": {"2": "云岭茶馆"},
            "since_days": 30,
            **params,
        },
    )


def expected_forum(site: DiscuzSite) -> dict[str, tuple[data.ForumThread, data.ForumPost]]:
    horizon = data.NOW - timedelta(days=30)
    out = {}
    for t in site.threads:
        if t.missing or t.last_post < horizon:
            continue
        for p in t.posts:
            out[f"{SITE}:t{t.tid}" if p.floor == 1 else f"{SITE}:p{p.pid}"] = (t, p)
    return out


def check_forum_posts(h, site: DiscuzSite) -> None:  # noqa: ANN001
    want = expected_forum(site)
    stored = h.by_id("forum")
    assert sorted(stored) == sorted(want)
    for pid, (t, p) in want.items():
        s = stored[pid]
        assert s["text"] == p.text, pid
        assert s["published_at"] == p.time
        assert s["author"] == p.author
        assert s["extra"]["thread_id"] == str(t.tid) and s["extra"]["board"] == "云岭茶馆"
        assert s["extra"]["floor"] == p.floor
        if p.floor == 1:
            assert s["title"] == t.subject
            assert s["url"].endswith(f"/forum.php?mod=viewthread&tid={t.tid}")
        else:
            assert s["title"] is None
            assert s["extra"]["reply_to"] == f"{SITE}:t{t.tid}"
            assert s["url"].endswith(
                f"/forum.php?mod=redirect&goto=findpost&ptid={t.tid}&pid={p.pid}"
            )


def test_discuz_gbk_html_full_then_incremental(harness) -> None:  # noqa: F811
    site = DiscuzSite(charset="gbk", declare=None)
    with serve(site) as r:
        forum_source(harness, r)
        res = harness.crawl("bbs")
        assert res.outcome == "ok", res.log_tail[-20:]
        check_forum_posts(harness, site)
        # the deleted thread answers with an HTTP 200 message page: logged, counted, skipped
        assert res.summary["bad_pages"] == 1
        assert len(site.hits("tid=1007")) == 2  # tried once more, then given up
        assert "论坛提示页：抱歉，指定的主题不存在" in "\n".join(res.log_tail)
        ck = harness.checkpoints("bbs")
        big = next(t for t in site.threads if t.tid == 1003)
        assert ck["thread:1003"]["replies"] == big.replies and ck["thread:1003"]["posts"] == len(
            big.posts
        )
        assert ck["list:2"]["segments"] == []
        # new replies to threads 1003 and 1005 — the latter in the very minute of the newest
        # post already seen (Discuz shows minutes): only those threads are fetched again, each
        # from its last known page
        before = len(site.requests)
        site.add_reply(
            1003,
            "云岭老张",
            "今天早上又堵了四十分钟，交警能不能在路口疏导一下？",
            data.NOW - timedelta(minutes=2),
        )
        newest = max(t.last_post for t in site.threads)
        site.add_reply(1005, "城关居民", "同感，窗口办事效率确实高，点赞！", newest)
        res2 = harness.crawl("bbs")
    assert res2.outcome == "ok"
    assert res2.summary["new"] == 2
    later = site.requests[before:]
    threads_fetched = [q.query.get("tid") for q in later if q.query.get("mod") == "viewthread"]
    assert sorted(threads_fetched) == ["1003", "1005"]
    pages = {
        q.query.get("tid"): int(q.query.get("page", "1"))
        for q in later
        if q.query.get("mod") == "viewthread"
    }
    assert pages == {"1003": 3, "1005": 1}  # 13 posts seen (pages 1-3 of 5): the 14th is on page 3
    assert [q.query.get("page") for q in later if q.query.get("mod") == "forumdisplay"] == ["1"]
    check_forum_posts(harness, site)


def test_discuz_wrong_declared_encoding_and_mobile_api(harness) -> None:  # noqa: F811
    # pages in GBK while the header claims UTF-8: decoded right, logged and counted
    site = DiscuzSite(charset="gbk", declare="utf-8")
    with serve(site) as r:
        forum_source(harness, r)
        res = harness.crawl("bbs")
    assert res.outcome == "ok"
    assert res.summary["encoding_fixed"] > 0
    check_forum_posts(harness, site)
    html_posts = harness.by_id("forum")

    api_site = DiscuzSite(charset="utf-8", declare="utf-8")
    with serve(api_site) as r:
        harness.add_source(
            "bbs-api",
            "discuz",
            {
                "base_url": r.base_url,
                "fids": ["2"],
                "site": SITE + ".api",
                "api": True,
                "ppp": PPP,
                "board_names": {"2": "云岭茶馆"},
                "since_days": 30,
            },
        )
        res = harness.crawl("bbs-api")
    assert res.outcome == "ok", res.log_tail[-20:]
    assert all(
        "/api/mobile/index.php" in q.path for q in api_site.requests if q.path != "/robots.txt"
    )
    api_posts = {
        k.replace(SITE + ".api", SITE): v for k, v in harness.by_id("forum").items() if ".api:" in k
    }
    assert sorted(api_posts) == sorted(html_posts)
    for k, p in api_posts.items():
        assert (p["text"], p["published_at"], p["author"], p["title"]) == (
            html_posts[k]["text"],
            html_posts[k]["published_at"],
            html_posts[k]["author"],
            html_posts[k]["title"],
        )
    # the API's copies of the same posts are linked as copies, not counted as new voices
    assert res.summary["new"] == 0 and res.summary["copies"] == len(api_posts)


def test_tieba_threads_and_pages(harness) -> None:  # noqa: F811
    site = TiebaSite()
    with serve(site) as r:
        harness.add_source(
            "tb",
            "tieba",
            {
                "api_base": r.base_url,
                "web_base": "https://tieba.baidu.com",
                "bars": ["云岭县"],
                "since_days": 30,
            },
        )
        res = harness.crawl("tb")
        assert res.outcome == "ok", res.log_tail[-20:]
        stored = harness.by_id("tieba")
        want = {}
        for t in site.threads:
            for p in t.posts:
                want[f"tieba:t{t.tid}" if p.floor == 1 else f"tieba:p{p.pid}"] = (t, p)
        assert sorted(stored) == sorted(want)
        for pid, (t, p) in want.items():
            s = stored[pid]
            assert s["text"] == expected_text(p.text, p.floor)
            assert s["published_at"] == p.time
            assert s["author"] == p.author
            assert s["ip_location"] == data.REGIONS[data.NAMES.index(p.author) % len(data.REGIONS)]
            assert s["url"] == (
                f"https://tieba.baidu.com/p/{t.tid}"
                if p.floor == 1
                else f"https://tieba.baidu.com/p/{t.tid}?pid={p.pid}#{p.pid}"
            )
        big = site.threads[2]
        assert sorted(
            q.form()["pn"] for q in site.hits("/c/f/pb/page") if q.form()["kz"] == str(big.tid)
        ) == ["1", "2"]
        assert all(
            q.form()["sign"] for q in site.requests
        )  # every request signed (the replica checks)
        before = len(site.requests)
        res2 = harness.crawl("tb")
    assert res2.outcome == "ok" and res2.summary["new"] == 0
    assert [q.path for q in site.requests[before:]] == [
        "/c/f/frs/page"
    ]  # nothing changed: list only
