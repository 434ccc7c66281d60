"""News feeds + article pages, and a government message board, crawled from replicas."""

from __future__ import annotations

from datetime import timedelta

from replica import data
from replica.gov_board import APP_CODE, GovBoardSite
from replica.news import NewsSite
from replica.plugin import harness, serve  # noqa: F401

from crawlers.parsing.news import article_id


def test_news_feeds_articles_robots_and_conditional_get(harness) -> None:  # noqa: F811
    site = NewsSite()
    with serve(site) as r:
        feeds = [
            {"url": f"{r.base_url}/rss.xml", "name": "云岭县人民政府网"},
            f"{r.base_url}/atom.xml",
            {"url": f"{r.base_url}/gbk.xml", "name": "滇中新闻网"},
        ]
        harness.add_source("news", "news", {"feeds": feeds, "since_days": 30})
        res = harness.crawl("news")
        assert res.outcome == "ok", res.log_tail[-20:]
        stored = harness.by_id("news")
        arts = {a.slug: a for a in site.articles}
        assert sorted(stored) == sorted(article_id(f"{r.base_url}{a.path}") for a in site.articles)
        for a in site.articles:
            p = stored[article_id(f"{r.base_url}{a.path}")]
            assert p["published_at"] == a.time, a.meta
            if a.private:  # robots.txt forbids the page: stored from the feed entry, never fetched
                assert p["extra"]["from_feed_only"] is True and p["text"] == a.summary
                continue
            if a.broken:  # an error page served with HTTP 200: counted, the feed entry kept
                assert p["extra"]["from_feed_only"] is True
                continue
            assert p["title"] == a.title
            assert p["text"] == "\n".join(a.paragraphs)
            assert p["url"] == f"{r.base_url}{a.path}"
            assert p["extra"]["date_source"].startswith(("meta:", "json-ld"))
            assert p["extra"]["site"] == a.site
        assert (
            stored[article_id(f"{r.base_url}{arts['t20261104_1001'].path}")]["author"]
            == "云岭县融媒体中心"
        )
        assert site.hits("/private/") == []
        assert res.summary["robots_forbidden"] == 1 and res.summary["bad_pages"] == 1
        # the Atom feed links the same articles with tracking parameters: fetched once
        assert len(site.hits(arts["t20261104_1001"].path)) == 1
        before = len(site.requests)
        res2 = harness.crawl("news")
    assert res2.outcome == "ok" and res2.summary["new"] == 0
    later = site.requests[before:]
    assert sorted(q.path for q in later) == ["/atom.xml", "/gbk.xml", "/robots.txt", "/rss.xml"]
    assert res2.summary["feeds_unchanged"] == 3  # 304 Not Modified thanks to the stored ETags


def test_news_keyword_filter(harness) -> None:  # noqa: F811
    site = NewsSite()
    with serve(site) as r:
        harness.add_source(
            "news",
            "news",
            {
                "feeds": [f"{r.base_url}/gbk.xml", f"{r.base_url}/rss.xml"],
                "keyword_filter": True,
                "since_days": 30,
            },
        )
        res = harness.crawl("news")
    assert res.outcome == "ok"
    # every article mentions a county place (default keywords from reference-county.yaml)
    # except the error page's feed entry ("此文已被删除")
    assert res.summary["filtered"] == 1
    assert all("此文已被删除" != p["title"] for p in harness.posts("news"))


def test_message_board_messages_replies_and_late_answers(harness) -> None:  # noqa: F811
    site = GovBoardSite()
    with serve(site) as r:
        harness.add_source(
            "board",
            "gov_board",
            {
                "api_base": r.base_url,
                "web_base": "https://liuyan.example",
                "fid": "539",
                "app_code": APP_CODE,
                "since_days": 30,
            },
        )
        res = harness.crawl("board")
        assert res.outcome == "ok", res.log_tail[-20:]
        stored = harness.by_id("gov_board")
        msgs = site.messages
        want = {str(m.tid) for m in msgs} | {
            f"{m.tid}-reply-{int(rep['time'].timestamp())}" for m in msgs for rep in m.replies
        }
        assert sorted(stored) == sorted(want)
        for m in msgs:
            p = stored[str(m.tid)]
            assert p["text"] == m.text and p["title"] == m.title and p["author"] == m.author
            assert p["published_at"] == m.time
            assert p["extra"]["state"] == m.state and p["extra"]["board"] == "云岭县委书记"
            for rep in m.replies:
                rp = stored[f"{m.tid}-reply-{int(rep['time'].timestamp())}"]
                assert (
                    rp["extra"]["reply_to"] == str(m.tid) and rp["extra"]["official_reply"] is True
                )
                assert rp["author"] == rep["org"] and rp["text"] == rep["text"]
                assert rp["published_at"] == rep["time"]
        waiting = sorted(k for k in harness.checkpoints("board") if k.startswith("open:"))
        assert waiting == sorted(f"open:{m.tid}" for m in msgs if not m.replies)
        lists = site.hits("/v1/threads/list/df")
        assert len(lists) == 3  # 23 messages, 10 a page, lastItem cursor
        assert harness.checkpoints("board")["board:539"] == {
            "watermark": msgs[0].tid,
            "segments": [],
        }
        # two answers arrive later; the next run picks them up through the follow-ups
        pending = [m for m in msgs if not m.replies]
        for m in pending[:2]:
            site.answer(
                m.tid,
                "云岭县人民政府办公室",
                "您好，来信收悉，已转相关部门办理。",
                data.NOW + timedelta(minutes=5),
            )
        before = len(site.requests)
        res2 = harness.crawl("board")
    assert res2.outcome == "ok"
    assert res2.summary["new"] == 2 and res2.summary["follow_ups"] == len(pending)
    later = site.requests[before:]
    assert sum(1 for q in later if q.path == "/v1/threads/list/df") == 1
    assert sum(1 for q in later if q.path == "/v1/threads/content") == len(pending)
    waiting = sorted(k for k in harness.checkpoints("board") if k.startswith("open:"))
    assert waiting == sorted(f"open:{m.tid}" for m in pending[2:])
