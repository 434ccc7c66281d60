"""How the model's probabilities and the rules combine (a fake classifier stands in for the model)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from analysis.hybrid import HybridAnalyzer
from kernel.config import load_reference
from kernel.domain.posts import Post
from kernel.services.scoring import to_item


@dataclass
class FakeOut:
    sentiment: dict
    topic: dict
    severity: dict
    disposition: dict
    embedding: list = field(default_factory=lambda: [1.0, 0.0])
    major: float | None = None
    serious: float | None = None

    def top(self, task, k=3):
        return sorted(getattr(self, task).items(), key=lambda kv: -kv[1])[:k]


class FakeClassifier:
    def __init__(self, out):
        self.out = out
        self.seen = []

    def predict(self, texts):
        self.seen.extend(texts)
        return [self.out for _ in texts]


def out(sent="neutral", topic="other", sev="IV", disp="none", p=0.9):
    def dist(labels, top):
        rest = (1 - p) / (len(labels) - 1)
        return {lab: (p if lab == top else rest) for lab in labels}

    ref = load_reference_cached()
    return FakeOut(dist(["negative", "neutral", "positive"], sent), dist(list(ref.taxonomy.topics), topic),
                   dist(["I", "II", "III", "IV"], sev),
                   dist(["suggestion", "hardship", "major_issue", "misunderstanding", "wrong_view", "rumor", "none"], disp))


_REF = {}


def load_reference_cached():
    from tests.conftest import SPEC_DIR

    if "r" not in _REF:
        _REF["r"] = load_reference(SPEC_DIR)
    return _REF["r"]


def item(text, title=None, platform="weibo"):
    return to_item(Post(id="1", platform=platform, text=text, title=title,
                        published_at=datetime(2026, 11, 20, tzinfo=UTC)))


@pytest.fixture
def ref():
    return load_reference_cached()


def test_model_alone_never_raises_a_post_to_a_five_hour_grade(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(sev="I", p=0.99)))
    [s] = a.analyze([item("南河镇有座桥看着有点旧了，希望检查一下")])
    assert s.severity in ("III", "IV")


def test_figures_decide_major_grades_even_when_the_model_says_minor(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(sev="IV", p=0.99)))
    [s] = a.analyze([item("东坝工业园区一化工厂爆炸，已造成15人死亡")])
    assert s.severity == "II" and s.disposition == "major_issue"


def test_sarcasm_found_by_the_rules_wins_over_the_model(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(sent="positive", p=0.95)))
    [s] = a.analyze([item("真是好样的👍 马鞍山村的路灯坏了三个月了都没人修")])
    assert s.sentiment == "negative"


def test_township_comes_from_the_gazetteer_and_embedding_from_the_model(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(topic="transport")))
    [s] = a.analyze([item("石门隧道里面的路灯全灭了，开车进去黑乎乎的")])
    assert s.township == "石门镇"
    assert s.embedding == [1.0, 0.0]
    assert s.topic == "transport"
    assert "model" in s.explanation and s.explanation["model"]["topic"]


def test_order_is_kept_and_the_model_reads_simplified_text(ref):
    clf = FakeClassifier(out())
    a = HybridAnalyzer(ref, clf)
    scores = a.analyze([item("縣城停電了"), item("北岭村修路")])
    assert len(scores) == 2 and clf.seen[0] == "县城停电了"


def test_posts_about_another_place_skip_the_model_and_keep_the_rules_result():
    # given one post about the county and one only about another county
    clf = FakeClassifier(out(sent="positive", p=0.99))
    an = HybridAnalyzer(load_reference_cached(), clf)
    ours, theirs = an.analyze([item("城关镇新华路的路灯坏了三个月，没人管"), item("隔壁河阳县今天开了一家新超市")])
    # then only our post went through the model
    assert clf.seen == [t for t in clf.seen if "城关镇" in t] and len(clf.seen) == 1
    assert ours.relevant and "model" in ours.explanation
    # and the other post is kept, not routed as ours, and says why no model ran
    assert not theirs.relevant and "model" not in theirs.explanation
    assert any("未调用模型" in r for r in theirs.explanation["rules"])


def test_the_artifact_calibration_replaces_the_default_lift_threshold():
    clf = FakeClassifier(out(sev="III", p=0.8))
    clf.manifest = {"calibration": {"lift_to_iii": 0.95, "emb_floor": 0.94, "emb_scale": 5.0}}
    an = HybridAnalyzer(load_reference_cached(), clf)
    assert an.embedding_calibration == (0.94, 5.0)
    [s] = an.analyze([item("城关镇新华路的路灯坏了三个月，没人管")])
    assert s.severity == "IV"  # P(I..III) = 0.8 + 2 × 0.067 ≈ 0.93 < 0.95
    clf.manifest = {"calibration": {"lift_to_iii": 0.6}}
    [s] = HybridAnalyzer(load_reference_cached(), clf).analyze([item("城关镇新华路的路灯坏了三个月，没人管")])
    assert s.severity == "III"


# a disaster told without a count or any cue the rules grade (hospitals overflowing, a
# township under water…): only the model can judge its scale
FIGURELESS_DISASTER = "石门煤矿那边出大事了，救护车一辆接一辆往县城开，矿口哭声一片"


def test_a_calibrated_model_grades_a_figure_less_disaster_major_and_says_so():
    # given an artifact calibrated to trust P(I)+P(II) ≥ 0.95 when the post states no figures
    clf = FakeClassifier(out(sev="II", p=0.97))
    clf.manifest = {"calibration": {"major_from_model": 0.95}}
    an = HybridAnalyzer(load_reference_cached(), clf)
    # when a post describes a disaster without a single count
    [s] = an.analyze([item(FIGURELESS_DISASTER)])
    # then it is 重大, and the explanation tells the analyst to verify the scale
    assert s.severity == "II" and s.disposition == "major_issue"
    assert any("未给出" in r and "核实" in r for r in s.explanation["rules"])
    # but a post that states its toll keeps the grade the toll justifies
    [t] = an.analyze([item("东坝镇一辆货车侧翻，造成2人受伤")])
    assert t.severity in ("III", "IV")
    # and without the calibration the model never starts a 5-hour clock on its own
    clf.manifest = {}
    [u] = HybridAnalyzer(load_reference_cached(), clf).analyze(
        [item(FIGURELESS_DISASTER)])
    assert u.severity in ("III", "IV")


def test_a_stated_minor_toll_is_not_lifted_by_a_worried_model():
    clf = FakeClassifier(out(sev="III", p=0.99))
    clf.manifest = {"calibration": {"lift_to_iii": 0.9}}
    an = HybridAnalyzer(load_reference_cached(), clf)
    minor, figureless = an.analyze([item("南河大桥北段发生追尾事故，2人轻伤，已送医治疗"),
                                    item("东坝化工厂那边一早上救护车没停过，整个车间都被抬出来了")])
    assert minor.severity == "IV"
    assert any("低于较大标准" in r for r in minor.explanation["rules"])
    assert figureless.severity == "III"




def test_the_binary_major_head_decides_a_figure_less_post_over_the_severity_head():
    # given an artifact with a binary major head, calibrated to grade at 0.93 and hint at 0.8
    clf = FakeClassifier(out(sev="IV", p=0.9))
    clf.manifest = {"calibration": {"major_from_model": 0.93, "major_hint": 0.8}}
    an = HybridAnalyzer(load_reference_cached(), clf)
    # when the binary head is sure although the four-grade head says IV
    clf.out.major = 0.96
    [s] = an.analyze([item(FIGURELESS_DISASTER)])
    # then the post is 重大 and the explanation shows the probability that decided it
    assert s.severity == "II" and s.disposition == "major_issue"
    assert s.explanation["model"]["major"] == 0.96
    assert not s.explanation.get("suspected_major")
    # and when the four-grade head says II but the binary head does not, nothing is lifted
    clf.out = out(sev="II", p=0.99)
    clf.out.major = 0.2
    [t] = an.analyze([item(FIGURELESS_DISASTER)])
    assert t.severity in ("III", "IV") and not t.explanation.get("suspected_major")


def test_the_binary_serious_head_decides_a_lift_to_iii_over_the_severity_head():
    # given an artifact with a binary serious head and a lift threshold of 0.8
    clf = FakeClassifier(out(sev="IV", p=0.99))
    clf.manifest = {"calibration": {"lift_to_iii": 0.8}}
    an = HybridAnalyzer(load_reference_cached(), clf)
    text = "东坝化工厂那边一早上救护车没停过，整个车间都被抬出来了"
    # when the serious head is sure although the four-grade head says IV
    clf.out.serious = 0.9
    [s] = an.analyze([item(text)])
    # then the post is 较大 and the explanation shows the probability that decided it
    assert s.severity == "III" and s.explanation["model"]["serious"] == 0.9
    assert any("上调为 III" in r for r in s.explanation["rules"])
    # and when the four-grade head says III but the serious head does not, it stays IV
    clf.out = out(sev="III", p=0.99)
    clf.out.serious = 0.3
    [t] = an.analyze([item(text)])
    assert t.severity == "IV" and t.explanation["model"]["serious"] == 0.3


def test_p_of_iii_or_graver_is_never_shown_below_p_of_i_or_ii():
    # the two binary heads are fitted apart; an analyst must not read 重大 22 % beside 较大 1 %
    clf = FakeClassifier(out(sev="IV", p=0.9))
    clf.out.major, clf.out.serious = 0.22, 0.01
    clf.manifest = {"calibration": {"lift_to_iii": 0.97, "major_from_model": 0.93}}
    [s] = HybridAnalyzer(load_reference_cached(), clf).analyze([item("北岭乡发布暴雨橙色预警，请群众注意防范")])
    assert s.explanation["model"]["major"] == 0.22 and s.explanation["model"]["serious"] == 0.22


def test_a_post_below_the_grading_threshold_is_flagged_for_an_analyst_not_graded():
    clf = FakeClassifier(out(sev="IV", p=0.9))
    clf.out.major = 0.85
    clf.manifest = {"calibration": {"major_from_model": 0.93, "major_hint": 0.8}}
    an = HybridAnalyzer(load_reference_cached(), clf)
    doubtful, counted = an.analyze([item(FIGURELESS_DISASTER), item("东坝镇一辆货车侧翻，造成2人受伤")])
    # no 5-hour clock on a doubt, but the analyst is told to check the scale
    assert doubtful.severity in ("III", "IV") and doubtful.disposition != "major_issue"
    assert doubtful.explanation.get("suspected_major") is True
    assert any("疑似重大" in r and "研判核实" in r for r in doubtful.explanation["rules"])
    # a post that states its toll is judged by it: no hint
    assert not counted.explanation.get("suspected_major")
    assert not any("疑似重大" in r for r in counted.explanation["rules"])
    # without a calibrated hint threshold nothing is flagged
    clf.manifest = {"calibration": {"major_from_model": 0.93}}
    [u] = HybridAnalyzer(load_reference_cached(), clf).analyze([item(FIGURELESS_DISASTER)])
    assert not u.explanation.get("suspected_major")


def sure_of_a_major(p):
    """A hybrid whose model gives P(II) = ``p``, calibrated to grade a figure-less post II at 0.9
    (and to lift a IV to III at 0.9)."""
    clf = FakeClassifier(out(sev="II", p=p))
    clf.manifest = {"calibration": {"major_from_model": 0.9, "lift_to_iii": 0.9}}
    return HybridAnalyzer(load_reference_cached(), clf)


def test_a_toll_the_rules_place_elsewhere_is_not_graded_by_the_model():
    # given a model sure of a major incident, calibrated to grade figure-less posts at 0.9
    an = sure_of_a_major(0.97)
    # when the post's toll happened in the next county and ours only checks its own hazards
    [s] = an.analyze([item("邻县暴雨致十余人遇难后，我县迅速组织对地质灾害点开展拉网式排查，确保安全度汛。")])
    # then the model, which reads the number but not where, starts no 5-hour clock
    assert s.severity == "IV"
    # while the same words about our own county are graded by the toll itself
    [t] = an.analyze([item("石门镇暴雨致十余人遇难，县里正在组织救援。")])
    assert t.severity == "II"


def test_a_news_report_of_an_accident_is_not_negative_but_the_same_words_from_a_user_are(ref):
    text = "今日上午，城关镇新华路一电动车与货车相撞，造成1人死亡，事故原因正在调查。"
    a = HybridAnalyzer(ref, FakeClassifier(out(sent="negative", p=0.95)))
    [news] = a.analyze([item(text, platform="news")])
    [weibo] = a.analyze([item(text, platform="weibo")])
    assert news.sentiment == "neutral"
    assert any("新闻网站的报道" in x for x in news.explanation["rules"])
    assert weibo.sentiment == "negative"


def test_a_news_report_can_still_be_positive(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(sent="positive", p=0.9)))
    [s] = a.analyze([item("县人民医院开通夜间门诊，群众看病更方便了。", platform="news")])
    assert s.sentiment == "positive"


def test_a_较大_event_calls_for_an_investigation_not_hardship_relief(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(sent="negative", disp="hardship", p=0.9)))
    [big] = a.analyze([item("东坝工业园区某企业拖欠工资，数十名工人围堵公司大门讨薪。")])
    [small] = a.analyze([item("我在东坝工业园区打工，老板拖欠我两个月工资，希望帮忙讨回。")])
    assert big.severity == "III" and big.disposition == "major_issue"
    assert small.severity == "IV" and small.disposition == "hardship"


def test_praise_of_an_ordinary_matter_needs_no_response(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(sent="positive", disp="hardship", p=0.9)))
    [s] = a.analyze([item("感谢龙泉镇卫生院的医生，半夜出诊救了我家老人一命！")])
    assert s.sentiment == "positive" and s.severity == "IV" and s.disposition is None


def test_the_taxonomy_names_road_crashes_transport_and_meals_that_sicken_food_drug(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(topic="work_safety", p=0.9)))
    [crash] = a.analyze([item("南河大桥上一辆大客车和油罐车撞了，起火了，好多人从车窗往外爬。")])
    [mine] = a.analyze([item("石门煤矿井下发生透水事故，多名矿工被困。")])
    assert crash.topics[0][0] == "transport" and "work_safety" in [c for c, _ in crash.topics]
    assert mine.topics[0][0] == "work_safety"
    b = HybridAnalyzer(ref, FakeClassifier(out(topic="health", p=0.9)))
    [meal] = b.analyze([item("农家乐吃了个杀猪饭，结果四十几个人上吐下泻进了卫生院。")])
    [flu] = b.analyze([item("最近流感高发，县医院儿科排长队。")])
    assert meal.topics[0][0] == "food_drug"
    assert flu.topics[0][0] == "health"


def test_a_post_that_clarifies_a_scare_is_not_negative_about_it(ref):
    a = HybridAnalyzer(ref, FakeClassifier(out(sent="negative", p=0.9)))
    [clar] = a.analyze([item("网上说一中上百人食物中毒，别传了，实际就是三个学生肠胃炎，已经回来上课了。")])
    [scare] = a.analyze([item("一中上百人食物中毒，学校到现在一句话都没有！")])
    assert clar.sentiment == "neutral" and any("辟谣/澄清" in x for x in clar.explanation["rules"])
    assert scare.sentiment == "negative"


def test_an_earthquake_the_rules_place_elsewhere_is_not_graded_by_the_model():
    # given a model sure of a major disaster, calibrated to grade figure-less posts at 0.9
    an = sure_of_a_major(0.97)
    # when the earthquake struck the neighbouring prefecture and our county only sent help
    [s] = an.analyze([item("邻州某县发生5.2级地震后，县应急管理局派出40人救援队前往驰援。我县境内未受影响。")])
    # then the magnitude the rules set aside keeps the model from starting a 5-hour clock
    assert s.severity == "IV"
    # while an earthquake of that size in our own county is graded up
    [t] = an.analyze([item("石门镇发生5.2级地震，部分房屋受损。")])
    assert t.severity in ("II", "III")


def test_a_post_that_refutes_a_disaster_is_not_graded_up_by_the_model():
    an = sure_of_a_major(0.99)
    [s] = an.analyze([item("网传“南河水库大坝出现裂缝即将溃坝”不实，经现场核查，大坝运行正常。")])
    assert s.severity == "IV"
