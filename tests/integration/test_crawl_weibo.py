"""Weibo (m.weibo.cn JSON API) crawled from the local replica, end to end: a crawl process,
ingestion into SQLite, checkpoints, incremental runs and hostile answers."""

from __future__ import annotations

from datetime import timedelta

from replica import data
from replica.plugin import harness, serve  # noqa: F401
from replica.server import Reply
from replica.weibo import WeiboSite

KW = "云岭"


def form(created_at: str) -> str:
    if "+0800" in created_at:
        return "absolute"
    for kind in ("分钟前", "小时前"):
        if created_at.endswith(kind):
            return "x" + kind
    if created_at.startswith("昨天"):
        return "昨天 HH:MM"
    return created_at if created_at == "刚刚" else "MM-DD"


def expected_search(site: WeiboSite) -> list[data.Mblog]:
    horizon = data.NOW - timedelta(days=30)
    return [m for m in site.search_posts if m.time >= horizon]


def source(h, r, **params) -> None:  # noqa: ANN001
    h.add_source(
        "wb", "weibo", {"base_url": r.base_url, "keywords": [KW], "since_days": 30, **params}
    )


def test_first_crawl_stores_exactly_the_search_results(harness) -> None:  # noqa: F811
    site = WeiboSite()
    with serve(site) as r:
        source(harness, r)
        res = harness.crawl("wb")
    assert res.outcome == "ok", res.log_tail[-20:]
    want = expected_search(site)
    orig = site.search_posts[5].retweet_of
    stored = harness.by_id("weibo")
    assert sorted(stored) == sorted([m.id for m in want] + [orig.id])
    for m in want + [orig]:
        p = stored[m.id]
        assert p["published_at"] == m.expected_time, (m.created_at, p["published_at"])
        assert p["text"] == m.expected_text()
        assert p["url"] == m.url
        assert p["author"] == m.name
        assert p["metrics"] == {"reposts": m.reposts, "comments": m.comments, "likes": m.likes}
        assert p["ip_location"] == m.region
        assert p["extra"]["mid"] == m.id
    # every relative form was read back exactly
    assert {form(m.created_at) for m in want} == {
        "刚刚",
        "x分钟前",
        "x小时前",
        "昨天 HH:MM",
        "MM-DD",
        "absolute",
    }
    # a repost keeps a link to its original, which is stored as a post of its own
    repost = stored[site.search_posts[5].id]
    assert repost["extra"]["repost_of"] == {"platform": "weibo", "id": orig.id, "url": orig.url}
    assert stored[orig.id]["extra"]["via_repost"] == repost["id"]
    # a copy-paste is stored but linked to the first voice, not counted as new
    assert stored[site.search_posts[10].id]["duplicate_of"] == stored[site.search_posts[9].id]["pk"]
    assert (
        res.summary["new"] == len(want)
        and res.summary["copies"] == 1
        and res.summary["errors"] == 0
    )
    # long texts were fetched in full (and only those)
    long_ids = {m.id for m in want if m.long_text}
    assert {q.query["id"] for q in site.hits("/statuses/extend")} == long_ids
    assert all(
        q.headers.get("referer") == "https://m.weibo.cn/"
        for q in site.hits("/api/container/getIndex")
    )
    # the stream is checkpointed: everything up to the newest mid is collected
    ck = harness.checkpoints("wb")[f"search:61:{KW}"]
    assert ck == {"watermark": max(int(m.id) for m in want), "segments": []}
    assert harness.status("wb")["last_summary"]["pages"] == res.summary["pages"]


def test_second_crawl_fetches_only_what_is_new(harness) -> None:  # noqa: F811
    site = WeiboSite()
    with serve(site) as r:
        source(harness, r)
        assert harness.crawl("wb").outcome == "ok"
        before = len(site.requests)
        fresh = []
        for i in range(3):
            t = data.NOW - timedelta(seconds=5 - i)
            m = data.Mblog(
                mid=data.mid_for(t, 70 + i),
                uid="5699999999",
                name="新网友",
                time=t + timedelta(minutes=1),
                text=data.texts(60, seed=99)[i],
                absolute=True,
                long_text=(i == 1),
            )
            site.publish(m)
            fresh.append(m)
        res = harness.crawl("wb")
    assert res.outcome == "ok"
    new_requests = site.requests[before:]
    pages = [q.query.get("page", "1") for q in new_requests if q.path == "/api/container/getIndex"]
    assert pages == ["1"]  # the first page already reaches the watermark
    assert [q.query["id"] for q in new_requests if q.path == "/statuses/extend"] == [fresh[1].id]
    assert res.summary["new"] == 3
    stored = harness.by_id("weibo")
    assert all(m.id in stored for m in fresh)
    assert stored[fresh[1].id]["text"] == fresh[1].text


def test_timeline_pinned_post_and_comments(harness) -> None:  # noqa: F811
    site = WeiboSite()
    with serve(site) as r:
        source(harness, r, uids=["2803301701"], comments=True, comments_max_pages=5)
        res = harness.crawl("wb")
    assert res.outcome == "ok", res.log_tail[-20:]
    stored = harness.by_id("weibo")
    timeline = site.timeline
    assert all(m.id in stored for m in timeline)  # pinned one included (within 30 days)
    since = [q.query.get("since_id") for q in site.hits("containerid=1076032803301701")]
    assert since == [None, str(timeline[10].mid), str(timeline[20].mid)]
    ck = harness.checkpoints("wb")
    # the pinned post (old, on top) does not define the watermark
    assert ck["timeline:2803301701"]["watermark"] == max(m.mid for m in timeline if not m.pinned)
    post0 = site.search_posts[0]
    comments = [p for p in stored.values() if p["extra"].get("kind") == "comment"]
    assert sorted(p["id"] for p in comments) == sorted(
        f"comment-{c['id']}" for c in post0.comment_list
    )
    assert all(p["extra"]["reply_to"] == post0.id for p in comments)
    first = stored[f"comment-{post0.comment_list[0]['id']}"]
    assert first["ip_location"] == post0.comment_list[0]["region"]
    assert [q.query.get("max_id") for q in site.hits(f"hotflow?id={post0.id}")] == [
        None,
        "10",
        "20",
    ]
    assert ck[f"comments:{post0.id}"] == {"count": 23}


def test_blocks_bad_json_captcha_and_timeouts_are_survived(harness) -> None:  # noqa: F811
    site = WeiboSite()
    visitor = site.visitor_page
    site.inject("page=2", Reply(432, "", content_type="text/html"), times=2)
    site.inject("page=3", Reply(200, '{"ok":1,"data":{"cards":[{"card_type":9,"mblog":'), times=1)
    long_ids = [m.id for m in site.search_posts if m.long_text]
    site.inject(
        f"extend?id={long_ids[0]}",
        Reply(200, visitor, content_type="text/html; charset=utf-8"),
        times=1,
    )
    site.inject(f"extend?id={long_ids[1]}", Reply(200, "{}", delay=3.0), times=1)
    with serve(site) as r:
        source(harness, r)
        res = harness.crawl("wb")
    assert res.outcome == "ok", res.log_tail[-30:]
    want = expected_search(site)
    stored = harness.by_id("weibo")
    assert all(m.id in stored for m in want)
    assert stored[long_ids[0]]["text"] == next(m for m in want if m.id == long_ids[0]).text
    assert res.summary["blocked"] == 3  # two 432s, one visitor (captcha) page
    assert res.summary["blocked_gave_up"] == 0
    assert len(site.hits("page=2")) == 3 and len(site.hits("page=3")) == 2
    log = "\n".join(res.log_tail)
    assert "检测到封禁迹象（HTTP 432）" in log and "验证页（Sina Visitor System）" in log


def test_a_broken_list_page_is_skipped_and_counted(harness) -> None:  # noqa: F811
    site = WeiboSite()
    site.inject(
        "page=3",
        Reply(200, "<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
        times=None,
    )
    with serve(site) as r:
        source(harness, r)
        res = harness.crawl("wb")
    assert res.outcome == "ok"
    assert res.summary["bad_pages"] == 1 and res.summary["errors"] == 1
    want = expected_search(site)
    stored = harness.by_id("weibo")
    lost = {m.id for m in want[20:30]}
    assert {m.id for m in want} - set(stored) == lost  # only page 3's posts are missing
    assert len(site.hits("page=4")) == 1  # the crawl went on past the broken page
    assert "页面有问题，已跳过（期望 JSON，收到的是 HTML 页面）" in "\n".join(res.log_tail)
