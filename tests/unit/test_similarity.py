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


def test_the_text_index_finds_exactly_the_texts_that_reach_the_floor() -> None:
    import random

    from analysis.similarity import TextIndex

    # posts of several events, with and without tags and places, some repeated
    pool = [MINE_A, MINE_B, HOUSING, SERVICE,
            "#石门煤矿透水# 家属还在矿口等，求平安", "东坝镇化工厂泄漏，村民被送医",
            "东坝镇化工厂那边还有味道吗，孩子咳嗽", "青松花园业主今天又去售楼处了",
            "新华路的路灯坏了三个月", "#石门煤矿透水# 救援还在继续"]
    rng = random.Random(7)
    index = TextIndex()
    index.SMALL_BLOCK, index.MAX_BLOCKS = 3, 2  # many blocks and merges in a short run
    stored: dict[int, tuple[int, str]] = {}
    for _ in range(120):
        text = rng.choice(pool) + rng.choice(["", "！", "，大家注意", " 现场视频"])
        expected: dict[int, float] = {}
        for key, other in stored.values():
            s = similarity(text, other)
            if s >= 0.25:
                expected[key] = max(expected.get(key, 0.0), s)
        assert index.close(text, 0.25) == expected
        key = rng.randrange(12)
        stored[index.add(key, text)] = (key, text)
        if rng.random() < 0.3:
            gone = rng.choice(list(stored))
            index.remove(gone)
            del stored[gone]
    assert len(index) == len(stored)
