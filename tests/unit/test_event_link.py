"""The learned same-event link (analysis.event_link) and how the grouping uses it
(kernel.domain.events.best_link)."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from analysis.event_link import FEATURES, EventLink, features, fit_logistic
from analysis.similarity import register_places
from kernel.domain.events import LinkPost, best_link
from kernel.domain.records import EventRecord

register_places(["石门煤矿", "石门镇", "城关镇"])
T = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

REPORT = LinkPost("石门煤矿今天上午发生透水事故，5名矿工被困井下，县里已组织救援。", T, "work_safety", "石门镇", "III")
# the same matter hours later in other words: a relative's question, no figure, a township of its own
FOLLOW_UP = LinkPost("石门镇那个透水的矿，被困的工人救出来没有？家属在矿口守了一夜", T + timedelta(hours=3),
                     "work_safety", "石门镇", "IV")
# the same township the same day, another matter
STREETLIGHT = LinkPost("石门镇中心小学门口的路灯坏了一个月了，晚上接孩子黑乎乎的", T + timedelta(hours=3),
                       "education", "石门镇", "IV")


def test_features_are_named_and_read_the_pair() -> None:
    f = dict(zip(FEATURES, features(FOLLOW_UP, REPORT), strict=True))
    assert len(f) == 11
    assert f["same_topic"] == 1.0 and f["same_township"] == 1.0 and f["other_township"] == 0.0
    assert f["shared_incident_kind"] == 1.0  # both tell of water (透水)
    assert f["earlier_is_serious"] == 1.0
    assert f["log_hours_apart"] == pytest.approx(np.log1p(3.0))
    assert 0.0 < f["text_similarity"] < 0.25  # too little shared text for the text matching alone
    g = dict(zip(FEATURES, features(STREETLIGHT, REPORT), strict=True))
    assert g["same_topic"] == 0.0 and g["shared_incident_kind"] == 0.0


def test_the_committed_link_joins_a_follow_up_and_not_another_matter_of_the_same_place() -> None:
    link = EventLink.load()
    assert link is not None
    assert 0.5 < link.threshold < 1.0
    assert link.probability(FOLLOW_UP, REPORT) >= link.threshold
    assert link.probability(STREETLIGHT, REPORT) < link.threshold


def test_the_link_weakens_with_time_and_with_another_township() -> None:
    link = EventLink.load()
    assert link is not None
    later = LinkPost(FOLLOW_UP.text, T + timedelta(hours=60), FOLLOW_UP.topic, FOLLOW_UP.township, "IV")
    elsewhere = LinkPost(FOLLOW_UP.text, FOLLOW_UP.at, FOLLOW_UP.topic, "城关镇", "IV")
    p = link.probability(FOLLOW_UP, REPORT)
    assert link.probability(later, REPORT) < p
    assert link.probability(elsewhere, REPORT) < p


def test_a_link_file_whose_features_differ_from_the_code_is_refused(tmp_path) -> None:
    path = tmp_path / "event_link.json"
    path.write_text(json.dumps({"features": ["text_similarity"], "coef": [1.0], "intercept": 0.0,
                                "threshold": 0.9}), "utf-8")
    with pytest.raises(ValueError, match="特征与代码不一致"):
        EventLink.load(path)
    assert EventLink.load(tmp_path / "missing.json") is None


def test_linked_gives_the_probability_exactly_where_it_reaches_the_threshold() -> None:
    # linked() skips the two similarities on pairs their largest values could not lift: it
    # must still answer as probability() does, at any threshold, for pairs on both sides
    base = EventLink.load()
    assert base is not None
    texts = [REPORT.text, FOLLOW_UP.text, STREETLIGHT.text, "石门煤矿透水事故最新通报：被困5人已全部升井",
             "城关镇菜市场今天早上有人打架", "#石门煤矿透水# 家属还在等消息"]
    emb = [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]
    posts = [LinkPost(t, T + timedelta(hours=h), topic, town, sev, e)
             for t in texts for h in (0, 5, 40) for topic, town in (("work_safety", "石门镇"), ("education", "城关镇"))
             for sev in ("III", "IV") for e in (None, emb[len(t) % 3])]
    passed = pruned = 0
    for threshold in (0.2, 0.9, 0.99):
        link = EventLink(base.coef, base.intercept, threshold)
        for a in posts[::3]:
            for b in posts[1::4]:
                post, earlier = (a, b) if b.at <= a.at else (b, a)
                p = link.probability(post, earlier)
                got = link.linked(post, earlier)
                assert got == (p if p >= threshold else None)
                passed += got is not None
                pruned += got is None
    assert passed > 50 and pruned > 50  # both sides were exercised


def test_logistic_fit_finds_the_feature_that_separates_the_classes() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 3))
    y = (x[:, 1] > 0.2).astype(float)  # only the second feature decides; positives are the minority
    coef, intercept = fit_logistic(x, y)
    assert coef[1] > 5 * max(abs(coef[0]), abs(coef[2]))
    p = 1 / (1 + np.exp(-(x @ coef + intercept)))
    assert ((p >= 0.5) == (y == 1)).mean() > 0.95


@dataclass
class FakeLinker:
    """A unit-test stand-in: the probability is looked up by the pair's texts."""

    table: dict[tuple[str, str], float]
    threshold: float = 0.9

    def linked(self, post: LinkPost, earlier: LinkPost) -> float | None:
        p = self.table.get((post.text, earlier.text), 0.0)
        return p if p >= self.threshold else None


def event(first: datetime, last: datetime) -> EventRecord:
    return EventRecord(title="t", topic="work_safety", township="石门镇", severity="III",
                       first_detected_at=first, first_published_at=first, last_published_at=last)


def member(text: str, hours: float) -> LinkPost:
    return LinkPost(text, T + timedelta(hours=hours), "work_safety", "石门镇", "IV")


def test_best_link_picks_the_event_of_the_likeliest_partner_above_the_threshold() -> None:
    post = member("post", 10)
    events = {1: (event(T, T + timedelta(hours=2)), [member("a", 0), member("b", 2)]),
              2: (event(T, T + timedelta(hours=5)), [member("c", 5)])}
    linker = FakeLinker({("post", "a"): 0.5, ("post", "b"): 0.93, ("post", "c"): 0.97})
    pick = best_link(post, events, lambda k: events[k][0], lambda k: events[k][1], linker, timedelta(hours=72))
    assert pick is not None and (pick.event, pick.partner.text, pick.probability) == (2, "c", 0.97)
    linker.threshold = 0.98  # nobody reaches it: no link
    assert best_link(post, events, lambda k: events[k][0], lambda k: events[k][1], linker,
                     timedelta(hours=72)) is None


def test_best_link_ignores_partners_outside_the_window_and_reads_later_members_as_the_later_post() -> None:
    post = member("post", 100)
    events = {1: (event(T, T), [member("old", 0)]),  # 100 h before: outside a 72 h window
              2: (event(T + timedelta(hours=90), T + timedelta(hours=120)), [member("newer", 120)])}
    linker = FakeLinker({("post", "old"): 0.99, ("newer", "post"): 0.95})
    pick = best_link(post, events, lambda k: events[k][0], lambda k: events[k][1], linker, timedelta(hours=72))
    assert pick is not None and pick.event == 2
