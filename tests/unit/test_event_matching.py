"""Which open event a scored post joins (kernel.domain.events.match_score)."""

from datetime import UTC, datetime

from kernel.domain.events import MATCH_THRESHOLD, match_score
from kernel.domain.records import EventRecord
from kernel.domain.scores import Score

T = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def score(topic: str, township: str | None, severity: str = "IV") -> Score:
    return Score(sentiment="negative", sentiment_score=0.9, topics=[(topic, 1.0)], severity=severity,
                 disposition=None, township=township)


def incident(topic: str = "health", township: str = "城关镇") -> EventRecord:
    return EventRecord(title="县人民医院产妇死亡", topic=topic, township=township, severity="III",
                       first_detected_at=T, first_published_at=T, last_published_at=T)


def test_a_post_sharing_nothing_with_an_incident_but_topic_and_township_stays_apart() -> None:
    # a flu-shot question from the same town, about health, with no words in common
    assert match_score(0.05, score("health", "城关镇"), incident()) < MATCH_THRESHOLD


def test_a_follow_up_with_some_shared_content_joins_the_incident_of_its_place() -> None:
    # the bonuses for topic, township and an open incident carry a moderately similar post
    assert match_score(0.26, score("health", "城关镇"), incident()) > MATCH_THRESHOLD
    # but not one from another township
    assert match_score(0.26, score("health", "东坝镇"), incident()) < MATCH_THRESHOLD


def test_the_embedding_counts_as_shared_content() -> None:
    # text unlike the event's (another script, other words) but close in meaning
    assert match_score(0.02, score("health", "城关镇"), incident(), embedding_sim=0.99,
                       calibration=(0.9, 4.0)) > MATCH_THRESHOLD
