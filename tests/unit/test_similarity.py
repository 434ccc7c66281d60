"""Text similarity for grouping posts into events, and keywords for their titles."""

from __future__ import annotations

from analysis.similarity import keywords, register_places, similarity

register_places(["石门煤矿", "青松花园", "东坝镇"])

MINE_A = "石门煤矿今天下午发生透水事故，十几名矿工被困井下，家属在矿口等消息"
MINE_B = "石门煤矿透水事故最新进展：被困矿工中已有5人升井，其余人员仍在搜救"
HOUSING = "青松花园延期交房两年了，业主们到售楼处讨说法"
SERVICE = "请问县政务服务中心周末能办身份证吗？"


def test_two_posts_about_the_same_accident_are_similar() -> None:
    assert similarity(MINE_A, MINE_B) > 0.35


def test_posts_about_different_matters_are_not() -> None:
    assert similarity(MINE_A, HOUSING) < 0.15
    assert similarity(HOUSING, SERVICE) < 0.15


def test_similarity_is_symmetric_and_one_for_identical_text() -> None:
    assert similarity(MINE_A, MINE_B) == similarity(MINE_B, MINE_A)
    assert similarity(HOUSING, HOUSING) == 1.0
    assert similarity("", HOUSING) == 0.0


def test_a_shared_hashtag_pulls_differently_worded_posts_together() -> None:
    a = "#东坝镇停水# 三天没水了，洗衣做饭都成问题"
    b = "家里老人等着用水，自来水公司电话打不通 #东坝镇停水#"
    without = similarity("三天没水了，洗衣做饭都成问题", "家里老人等着用水，自来水公司电话打不通")
    assert similarity(a, b) > without + 0.3


def test_keywords_name_the_event() -> None:
    kws = keywords(MINE_A, 5)
    assert "石门煤矿" in kws
    assert "透水" in kws or "透水事故" in kws
    assert len(kws) <= 5


def test_keywords_put_hashtags_first_and_skip_filler_words() -> None:
    kws = keywords("#青松花园烂尾# 网友反映 今天 业主们又去售楼处了，开发商还是不见人", 4)
    assert kws[0] == "青松花园烂尾"
    assert "网友" not in kws and "今天" not in kws
