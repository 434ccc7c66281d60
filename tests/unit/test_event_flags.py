"""An event carries the "疑似重大" flag of its posts while no post justifies I/II."""

from datetime import UTC, datetime, timedelta

from kernel.domain.events import new_event, recompute
from kernel.domain.posts import Post
from kernel.domain.records import PostRecord
from kernel.domain.scores import Score

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def record(i: int, severity: str, suspected: bool = False) -> PostRecord:
    explanation = {"suspected_major": True} if suspected else {}
    score = Score(sentiment="negative", sentiment_score=0.9, topics=[("emergency_disaster", 0.9)],
                  severity=severity, disposition=None, township="dongba", explanation=explanation)
    at = T0 + timedelta(minutes=i)
    return PostRecord(post=Post(id=str(i), platform="weibo", text=f"东坝镇矿井透水 {i}", published_at=at),
                      normalized=f"东坝镇矿井透水 {i}", content_hash=str(i), simhash=i, source="weibo",
                      ingested_at=at, detected_at=at, pk=i, score=score)


def test_an_event_is_flagged_while_a_post_is_suspected_major_and_none_proves_it():
    posts = [record(1, "IV"), record(2, "III")]
    ev = recompute(new_event(posts[0], posts[0].score), posts, T0 + timedelta(hours=1))
    assert not ev.suspected_major
    posts.append(record(3, "IV", suspected=True))
    ev = recompute(ev, posts, T0 + timedelta(hours=1))
    assert ev.suspected_major and ev.severity == "III"
    # once a post states a major toll the event is II and the clock runs: no doubt to flag
    posts.append(record(4, "II"))
    ev = recompute(ev, posts, T0 + timedelta(hours=1))
    assert ev.severity == "II" and not ev.suspected_major
