"""Parsers of the crawled formats, on realistic pages (the replicas' renderers) and on the
broken ones: exact values out, clear Chinese reasons for what cannot be parsed."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import pytest
from replica import data
from replica.discuz import DiscuzSite
from replica.gov_board import APP_CODE, GovBoardSite
from replica.news import ERROR_PAGE, NewsSite, article_html
from replica.weibo import WeiboSite, mblog_json

from crawlers.errors import BadPage
from crawlers.parsing import discuz, gov_board, news, tieba
from crawlers.parsing import weibo as wb
from crawlers.parsing.common import (
    CST,
    canonical_url,
    decode_body,
    html_to_text,
    loads_json,
    parse_cn_datetime,
    parse_count,
)

NOW = data.NOW


# --- common ---------------------------------------------------------------------------


def test_html_to_text_keeps_emoticons_breaks_and_survives_broken_markup() -> None:
    html = (
        '龙泉村停水<br />三天了<span class="url-icon"><img alt=[怒] src="//x.png" /></span>'
        "<img alt='[赞]' src=x><a href='/n/山城小李'>@山城小李</a> &amp; 更多<script>var x=1</script><b>未闭合"
    )
    assert html_to_text(html) == "龙泉村停水\n三天了[怒][赞]@山城小李 & 更多未闭合"
    assert html_to_text("半截标签 <a href=") == "半截标签"
    assert html_to_text(None) == ""


@pytest.mark.parametrize(
    "raw,value",
    [
        (12, 12),
        ("12", 12),
        ("1.2万", 12000),
        ("100万+", 1_000_000),
        ("3亿", 300_000_000),
        ("1,024", 1024),
        ("转发", None),
        (None, None),
    ],
)
def test_parse_count(raw, value) -> None:  # noqa: ANN001
    assert parse_count(raw) == value


@pytest.mark.parametrize(
    "text,expected",
    [
        ("刚刚", NOW),
        ("5分钟前", NOW - timedelta(minutes=5)),
        ("半小时前", NOW - timedelta(minutes=30)),
        ("2小时前", NOW - timedelta(hours=2)),
        ("3 天前", NOW - timedelta(days=3)),
        ("昨天 14:02", datetime(2026, 11, 3, 14, 2, tzinfo=CST)),
        ("前天&nbsp;08:00", datetime(2026, 11, 2, 8, 0, tzinfo=CST)),
        ("11-01", datetime(2026, 11, 1, tzinfo=CST)),
        ("11-01 09:30", datetime(2026, 11, 1, 9, 30, tzinfo=CST)),
        ("2026-11-4 09:20", datetime(2026, 11, 4, 9, 20, tzinfo=CST)),
        ("2026年11月4日", datetime(2026, 11, 4, tzinfo=CST)),
        ("发表于 2026-11-03 18:20:05", datetime(2026, 11, 3, 18, 20, 5, tzinfo=CST)),
        ("不是日期", None),
    ],
)
def test_chinese_dates(text, expected) -> None:  # noqa: ANN001
    assert parse_cn_datetime(text, NOW) == expected


def test_month_day_in_january_means_last_year() -> None:
    assert parse_cn_datetime("12-31", datetime(2027, 1, 1, 8, tzinfo=CST)) == datetime(
        2026, 12, 31, tzinfo=CST
    )


def test_canonical_url_drops_tracking_fragment_and_default_port() -> None:
    assert (
        canonical_url("HTTPS://WWW.Yunling.gov.cn:443/a/b.html?id=3&utm_source=rss&spm=x#top")
        == "https://www.yunling.gov.cn/a/b.html?id=3"
    )


def test_decode_body_handles_lying_and_missing_charsets() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk" /></head>龙泉村</html>'
    gbk = page.encode("gbk")
    assert decode_body(gbk, "utf-8") == (page, "gb18030", True)  # header lies: fixed, flagged
    assert decode_body(gbk, None)[:2] == (page, "gb18030")  # no header: the page's meta charset
    assert decode_body("\ufeff云岭".encode(), None)[0] == "云岭"


def test_loads_json_errors_say_what_is_wrong() -> None:
    assert loads_json(b'cb({"ok": 1});') == {"ok": 1}
    with pytest.raises(BadPage, match="期望 JSON，收到的是 HTML 页面"):
        loads_json(b"<!DOCTYPE html><title>Sina Visitor System</title>")
    with pytest.raises(BadPage, match="JSON 格式错误"):
        loads_json(b'{"ok":1,"data":{"cards":[')
    with pytest.raises(BadPage, match="响应为空"):
        loads_json(b"  ")


# --- weibo ----------------------------------------------------------------------------


def test_weibo_created_at_absolute_form() -> None:
    assert wb.parse_created_at("Wed Oct 19 23:44:36 +0800 2022", NOW) == datetime(
        2022, 10, 19, 23, 44, 36, tzinfo=CST
    )
    assert wb.parse_created_at("Sat Oct 19 99:44:36 +0800 2022", NOW) is None


def test_weibo_cards_nested_long_text_repost_and_region() -> None:
    site = WeiboSite()
    site.base_url = "https://m.weibo.cn"
    body = json.loads(
        site.search_page(site.search_posts, 1, "61", "100103type=61&q=云岭").payload()
    )
    page = wb.parse_cards(body)
    assert [m["id"] for m in page.mblogs] == [m.id for m in site.search_posts[:10]]
    assert page.page == 2 and not page.end
    posts = [wb.mblog_post(m, NOW) for m in page.mblogs]
    long_one = next(p for p, m in zip(posts, site.search_posts, strict=False) if m.long_text)
    assert long_one["long_text"] is True and not long_one["text"].endswith("全文")
    repost = posts[5]
    orig = site.search_posts[5].retweet_of
    assert repost["repost_of"] == {"platform": "weibo", "id": orig.id, "url": orig.url}
    assert posts[0]["ip_location"] == "云南" and posts[0]["metrics"]["comments"] == 23
    assert wb.retweeted_original(page.mblogs[5])["id"] == orig.id


def test_weibo_end_login_and_broken_pages() -> None:
    assert wb.parse_cards({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}).end
    assert (
        wb.block_reason({"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"})
        == "需要登录（ok=-100）"
    )
    assert wb.block_reason({"ok": 1}) is None
    with pytest.raises(BadPage, match="data.cards 不是数组"):
        wb.parse_cards({"ok": 1, "data": {"cards": {"card_type": 9}}})
    with pytest.raises(BadPage, match="发布时间"):
        wb.mblog_post({"id": "1", "created_at": "很久以前", "text": "x"}, NOW)
    deleted = mblog_json(data.weibo_search_posts()[1])
    deleted["retweeted_status"] = {"id": "42", "text": "抱歉，此微博已被作者删除。", "user": None}
    assert wb.retweeted_original(deleted) is None
    assert wb.mblog_post(deleted, NOW)["repost_of"]["id"] == "42"  # the link stays


def test_weibo_comments_and_long_text() -> None:
    obj = {
        "ok": 1,
        "data": {
            "max_id": 0,
            "max_id_type": 0,
            "data": [
                {
                    "id": "501",
                    "created_at": "刚刚",
                    "text": "同问<span class='url-icon'><img alt=[doge] /></span>",
                    "user": {"screen_name": "云岭老张"},
                    "like_count": 3,
                    "source": "来自云南",
                },
                {"id": "502", "created_at": None, "text": "坏评论"},
            ],
        },
    }
    page, problems = wb.parse_comments(obj, "99", NOW)
    assert page.max_id == 0 and len(page.comments) == 1 and len(problems) == 1
    c = page.comments[0]
    assert (c["id"], c["text"], c["reply_to"], c["ip_location"], c["metrics"]) == (
        "comment-501",
        "同问[doge]",
        "99",
        "云南",
        {"likes": 3},
    )
    assert wb.parse_comments({"ok": 0, "msg": "快来发表你的评论吧"}, "99", NOW)[0].comments == []
    text, m = wb.parse_long_text(
        {"ok": 1, "data": {"longTextContent": "第一段<br />第二段", "reposts_count": "1万+"}}
    )
    assert text == "第一段\n第二段" and m == {"reposts": 10000}
    with pytest.raises(BadPage, match="longTextContent"):
        wb.parse_long_text({"ok": 1, "data": {}})


# --- discuz ---------------------------------------------------------------------------


def test_discuz_forumdisplay_and_viewthread_gbk() -> None:
    site = DiscuzSite(charset="gbk")
    text, _, _ = decode_body(site.forumdisplay("2", 1).payload(), None)
    lp = discuz.parse_forumdisplay(text, "http://bbs", NOW, 1)
    newest = site.ordered()[:5]
    assert [t.tid for t in lp.threads] == ["900"] + [str(t.tid) for t in newest]
    assert lp.threads[0].sticky and not lp.threads[1].sticky
    assert [t.last_post for t in lp.threads[1:]] == [t.last_post for t in newest]
    assert [t.replies for t in lp.threads[1:]] == [t.replies for t in newest]
    assert lp.total_pages == 3 and lp.has_next
    t = next(t for t in site.threads if t.tid == 1003)
    text, _, _ = decode_body(site.viewthread(1003, 1).payload(), None)
    tp = discuz.parse_viewthread(text, "1003", NOW, 1)
    assert tp.subject == t.subject and tp.total_pages == 3
    assert [(p.pid, p.floor, p.text, p.published, p.author) for p in tp.posts] == [
        (str(p.pid), p.floor, p.text, p.time, p.author) for p in t.posts[:5]
    ]  # quote and edit note removed


def test_discuz_error_truncated_and_login_pages() -> None:
    site = DiscuzSite(charset="utf-8")
    msg = site.viewthread(1007, 1).payload().decode()
    with pytest.raises(BadPage, match="论坛提示页：抱歉，指定的主题不存在"):
        discuz.parse_viewthread(msg, "1007", NOW)
    assert discuz.block_reason_html(msg) is None
    login = site.message("您需要先登录才能继续本操作").payload().decode()
    assert discuz.block_reason_html(login).startswith("论坛要求登录")
    page = site.viewthread(1003, 1).payload().decode()
    with pytest.raises(BadPage, match="HTML 被截断"):
        discuz.parse_viewthread(page[: len(page) // 2], "1003", NOW)
    with pytest.raises(BadPage, match="论坛接口提示：抱歉"):
        discuz.parse_api_viewthread(
            {"Message": {"messageval": "thread_nonexistence", "messagestr": "抱歉，主题不存在"}},
            "1",
            NOW,
        )


# --- tieba ----------------------------------------------------------------------------


def test_tieba_sign_content_and_errors() -> None:
    form = {"_client_type": "2", "kw": "云岭县", "pn": "1"}
    assert (
        tieba.sign(form)
        == hashlib.md5("_client_type=2kw=云岭县pn=1tiebaclient!!!".encode()).hexdigest().upper()
    )
    assert tieba.signed_form(kw="云岭县", pn=1)["sign"] == tieba.sign(
        tieba.signed_form(kw="云岭县", pn=1)
    )
    parts = [
        {"type": "4", "text": "@云岭老张 "},
        {"type": "0", "text": "水什么时候来"},
        {"type": "2", "c": "滑稽"},
        {"type": "3", "src": "http://x.jpg"},
    ]
    assert tieba.content_text(parts) == "@云岭老张 水什么时候来[滑稽]"
    with pytest.raises(BadPage, match="贴吧接口错误 340001"):
        tieba.parse_frs({"error_code": "340001", "error_msg": "很抱歉，该吧尚未建立"}, "w", NOW)
    assert tieba.block_reason({"error_code": "220034", "error_msg": "您的操作太频繁了"}).startswith(
        "贴吧接口拒绝"
    )


# --- message boards -------------------------------------------------------------------


def test_gov_board_signature_detail_and_errors() -> None:
    param = json.dumps(gov_board.list_param("539"), separators=(",", ":"))
    salt = hashlib.md5(APP_CODE.encode()).hexdigest()[:16]
    assert (
        gov_board.sign(gov_board.LIST_PATH, param, APP_CODE)
        == hashlib.md5((gov_board.LIST_PATH + param + salt).encode()).hexdigest()
    )
    site = GovBoardSite()
    m = next(m for m in site.messages if m.replies)
    d = gov_board.parse_detail(
        json.loads(site.content({"tid": m.tid}).payload()), str(m.tid), "https://w", NOW
    )
    assert d.answered and d.message["text"] == m.text and d.message["state"] == "已回复"
    (r,) = d.replies
    assert (
        r["reply_to"] == str(m.tid)
        and r["author"] == m.replies[0]["org"]
        and r["title"] == f"回复：{m.title}"
    )
    waiting = next(m for m in site.messages if not m.replies)
    d2 = gov_board.parse_detail(
        json.loads(site.content({"tid": waiting.tid}).payload()), str(waiting.tid), "w", NOW
    )
    assert not d2.answered and d2.replies == []
    with pytest.raises(BadPage, match="contentList 为空"):
        gov_board.parse_detail(
            {"resultCode": 200, "resultData": {"contentList": []}}, "1", "w", NOW
        )
    assert gov_board.block_reason({"resultCode": 401, "resultMsg": "签名验证失败"}).startswith(
        "留言板接口拒绝"
    )


# --- news -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2026-11-04T08:30:00+08:00", datetime(2026, 11, 4, 8, 30, tzinfo=CST)),
        ("2026-11-04T00:30:00Z", datetime(2026, 11, 4, 8, 30, tzinfo=CST)),
        ("2026-11-04 08:30", datetime(2026, 11, 4, 8, 30, tzinfo=CST)),
        ("2026-11-03-07:00:00", datetime(2026, 11, 3, 7, 0, tzinfo=CST)),
    ],
)
def test_news_dates(raw, expected) -> None:  # noqa: ANN001
    assert news.parse_date(raw, NOW) == expected


def test_article_text_title_time_and_error_pages() -> None:
    site = NewsSite()
    for a in site.articles:
        if a.broken or a.meta == "time":
            continue
        art = news.parse_article(
            article_html(a, "https://gov"), f"https://gov{a.path}?utm_source=x", NOW
        )
        assert art.text == "\n".join(a.paragraphs)
        assert (
            art.title == a.title and art.published == a.time and art.url == f"https://gov{a.path}"
        )
    with pytest.raises(BadPage, match="错误页"):
        news.parse_article(ERROR_PAGE, "https://gov/x.html", NOW)
    with pytest.raises(BadPage, match="RSS/Atom"):
        news.parse_feed(b"<html><body>not a feed", "https://gov/rss.xml")
