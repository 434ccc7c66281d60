"""Which posts count as the government's release for an obligation."""

from datetime import UTC, datetime

from kernel.domain.evidence import obligation_kinds_met
from kernel.domain.posts import Post
from kernel.domain.records import PostRecord
from kernel.text import normalize_text

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def rec(text, author, platform="weibo", title=None):
    p = Post(id="1", platform=platform, text=text, published_at=NOW, title=title, author=author)
    return PostRecord(p, normalize_text(title, text), "h", 0, "t", NOW, NOW)


def test_an_official_bulletin_is_a_release():
    assert "authoritative_release" in obligation_kinds_met(rec("【情况通报】石门镇发生一起事故……", "云岭县应急管理局"))


def test_a_press_conference_counts_for_the_24h_obligation():
    kinds = obligation_kinds_met(rec("今天上午县政府召开新闻发布会，通报救援进展", "云岭发布"))
    assert "press_conference" in kinds


def test_a_board_reply_from_a_bureau_is_a_response():
    assert "response" in obligation_kinds_met(rec("您好，经核实……", "云岭县教育体育局", "gov_board", "回复：学区划分"))


def test_citizens_groups_and_plain_news_reports_are_not_evidence():
    assert obligation_kinds_met(rec("请求县里紧急处理，情况说明如下", "锦绣华庭业主委员会", "gov_board")) == []
    assert obligation_kinds_met(rec("一工地数十名农民工讨薪，涉及金额400余万元", "云岭融媒", "news")) == []
    assert obligation_kinds_met(rec("官方通报了吗？", "路人甲")) == []
