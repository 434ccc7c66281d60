"""The rule analyzer as an analyst sees it: labels, grades, places and reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.rules import RuleAnalyzer
from kernel.config import load_reference
from kernel.domain.posts import Post
from kernel.domain.scores import Score
from kernel.text import normalize_text


@dataclass
class Item:
    post: Post
    normalized: str


def make_item(text: str, *, title: str | None = None, platform: str = "weibo", author: str | None = None,
              ip: str | None = None, metrics: dict[str, int] | None = None) -> Item:
    post = Post(id="t1", platform=platform, text=text, title=title, author=author, ip_location=ip,
                published_at=datetime(2026, 11, 4, 9, 0, tzinfo=UTC), metrics=metrics or {})
    return Item(post, normalize_text(title, text))


@pytest.fixture(scope="module")
def analyzer(spec_dir: Path) -> RuleAnalyzer:
    return RuleAnalyzer(load_reference(spec_dir))


def score(analyzer: RuleAnalyzer, text: str, **kw: object) -> Score:
    return analyzer.analyze([make_item(text, **kw)])[0]  # type: ignore[arg-type]


def test_it_implements_the_analyzer_port_and_keeps_order(analyzer: RuleAnalyzer) -> None:
    items = [make_item("北岭小学门口的路灯坏了"), make_item("感谢龙泉镇卫生院的医生")]
    out = analyzer.analyze(items)
    assert analyzer.name == "rules"
    assert [s.township for s in out] == ["北岭乡", "龙泉镇"]
    assert all(s.lead_department == "" and s.co_departments == [] for s in out)


def test_topics_form_a_sorted_distribution(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "南河小区物业不作为，电梯坏了半个月没人修，物业费倒是一分不少收")
    assert s.topic == "housing"
    assert abs(sum(v for _, v in s.topics) - 1.0) < 1e-3
    assert [v for _, v in s.topics] == sorted((v for _, v in s.topics), reverse=True)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("石门镇一家小作坊卖的月饼吃出了头发，生产日期也没有", "food_drug"),
        ("东坝工业园区有家厂晚上偷排废水，河里的鱼都死了", "environment"),
        ("在县政务服务中心办营业执照，窗口让我跑了四趟还没办下来", "gov_service"),
        ("青松镇有人冒充客服搞电信诈骗，我妈被骗走两万块，已经报警", "public_security"),
        ("白沙乡的低保评定不公平，真正困难的老人评不上", "civil_affairs"),
        ("包工头拖欠我们三个月工资，过年都回不了家", "social_security"),
        ("西山村征地补偿款到现在还没发到村民手里", "land"),
        ("县城新华路早晚高峰堵车严重，红绿灯时间设置不合理", "transport"),
    ],
)
def test_primary_topic_follows_the_domain_words(analyzer: RuleAnalyzer, text: str, topic: str) -> None:
    assert score(analyzer, text).topic == topic


def test_a_post_with_no_known_words_falls_to_other(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "哈哈哈今天天气不错")
    assert s.topics == [("other", 1.0)]


def test_sarcastic_praise_of_a_long_standing_problem_is_negative(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "真是好样的👍 南河小区门口的路灯坏了三个月，天天摸黑回家")
    assert s.sentiment == "negative"
    assert any("反讽" in r for r in s.explanation["rules"])


def test_genuine_thanks_is_positive(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "感谢龙泉镇的工作人员，反映的路灯问题第二天就修好了，效率很高！")
    assert s.sentiment == "positive"
    assert s.disposition is None


def test_negation_flips_praise(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "对县人民医院的服务一点也不满意，医生态度也不耐心")
    assert s.sentiment == "negative"


def test_a_plain_question_is_neutral(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "请问在县政务服务中心办理居住证需要带什么材料？")
    assert s.sentiment == "neutral"


def test_an_official_notice_about_an_accident_is_neutral_but_graded(analyzer: RuleAnalyzer) -> None:
    # given an official bulletin reporting casualties
    s = score(analyzer, "【云岭县应急管理局】11月4日凌晨，石门煤矿发生透水事故，13名矿工被困，"
                        "救援工作正在进行，事故原因正在调查。", platform="news", author="云岭发布")
    # then the tone is neutral, yet the event is graded 重大 and handled as a major issue
    assert s.sentiment == "neutral"
    assert s.severity == "II"
    assert s.disposition == "major_issue"
    assert s.topic == "work_safety"
    assert s.township == "石门镇"
    assert s.explanation["figures"]["trapped"] == 13


def test_complaint_with_abbreviations_and_emoji_is_negative(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "东坝那个化工厂天天半夜偷排，臭得睡不着😡 zf到底管不管？？")
    assert s.sentiment == "negative"
    assert s.topic == "environment"
    assert s.township == "东坝镇"
    assert any("缩写" in r for r in s.explanation["rules"])


def test_mentions_do_not_count_as_sentiment(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "@云岭好人好事 请问北岭小学什么时候开学？")
    assert s.sentiment == "neutral"
    assert s.explanation["mentions"] == ["@云岭好人好事"]


def test_rumour_cues_set_the_rumour_flag(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "听说南河水库大坝裂了，马上要溃坝，大家赶紧往山上跑！")
    assert s.rumor is True
    assert s.disposition == "rumor"


def test_an_official_refutation_is_handled_as_rumour(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "近日网传“东坝镇自来水有毒”，经检测水质达标，该消息系谣言，请勿信谣传谣。",
              platform="news", author="云岭发布")
    assert s.disposition == "rumor"
    assert s.severity == "IV"


@pytest.mark.parametrize(
    ("text", "disposition"),
    [
        ("建议在北岭小学门口增设一个红绿灯，上下学时段车太多", "suggestion"),
        ("我父亲常年瘫痪，家里实在困难，申请临时救助一直没批，求助", "hardship"),
        ("为什么要交这个垃圾处理费？这个政策看不懂", "misunderstanding"),
        ("当官的都一样，就知道收钱，根本不管老百姓", "wrong_view"),
    ],
)
def test_disposition_follows_what_the_post_asks_for(analyzer: RuleAnalyzer, text: str, disposition: str) -> None:
    assert score(analyzer, text).disposition == disposition


def test_a_serious_event_is_a_major_issue_with_reasons(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "龙泉小学食堂午饭后，一百多名学生上吐下泻被送到医院，家长们都急疯了")
    assert s.severity == "II"
    assert s.disposition == "major_issue"
    assert s.topic == "food_drug"
    assert any("中毒" in r for r in s.explanation["rules"])


def test_another_countys_event_is_not_relevant_and_not_graded(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "邻县河阳县昨天发生煤矿事故，9人遇难，太惨了")
    assert s.relevant is False
    assert s.severity == "IV"
    assert s.disposition is None


def test_explanation_is_complete_and_json_safe(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "#石门煤矿透水# 石门煤矿井下12名矿工被困，家属很着急", ip="云南")
    e = s.explanation
    assert set(e) >= {"matched_terms", "figures", "township_evidence", "rules", "scores"}
    assert set(e["matched_terms"]) == {"topic", "sentiment"}
    assert e["hashtags"] == ["石门煤矿透水"]
    assert e["township_evidence"]["township"] == "石门镇"
    json.dumps(s.to_contract(), ensure_ascii=False)
    assert 0.5 <= s.sentiment_score <= 1.0


def test_traditional_chinese_posts_are_read_after_normalisation(analyzer: RuleAnalyzer) -> None:
    s = score(analyzer, "東壩鎮化工廠偷排廢水，臭氣熏天，有沒有人管？")
    assert s.township == "东坝镇"
    assert s.topic == "environment"
    assert s.sentiment == "negative"


def test_a_year_is_past_or_present_by_the_posts_own_date(analyzer: RuleAnalyzer) -> None:
    text = "2026年11月3日石门煤矿透水，已造成12人遇难。"
    item = make_item(text)
    assert analyzer.analyze([item])[0].severity == "II"  # published 2026-11-04: this year's event
    later = Item(Post(id="t2", platform="weibo", text=text,
                      published_at=datetime(2027, 3, 1, 9, 0, tzinfo=UTC)), normalize_text(None, text))
    assert analyzer.analyze([later])[0].severity != "II"  # a year later, it is a look back
