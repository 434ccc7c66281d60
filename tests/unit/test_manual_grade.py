"""An analyst's grade sticks when the event is recomputed: it is a floor, and only original
posts collected after the grading may raise it (or bring back the 疑似重大 flag)."""

from datetime import UTC, datetime, timedelta

from kernel.domain.events import new_event, recompute
from kernel.domain.posts import Post
from kernel.domain.records import PostRecord
from kernel.domain.scores import Score

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
GRADED = T0 + timedelta(hours=1)


def record(i: int, severity: str, minutes: int, suspected: bool = False, copy_of: int | None = None) -> PostRecord:
    explanation = {"suspected_major": True} if suspected else {}
    score = Score(sentiment="negative", sentiment_score=0.9, topics=[("work_safety", 0.9)], severity=severity,
                  disposition=None, township="石门镇", explanation=explanation)
    at = T0 + timedelta(minutes=minutes)
    return PostRecord(post=Post(id=str(i), platform="weibo", text=f"石门煤矿透水 {i}", published_at=at),
                      normalized=f"石门煤矿透水 {i}", content_hash=str(i), simhash=i, source="weibo",
                      ingested_at=at, detected_at=at, pk=i, score=score, duplicate_of=copy_of)


def graded(posts, grade):
    ev = recompute(new_event(posts[0], posts[0].score), posts, GRADED)
    ev.manual_severity, ev.graded_at, ev.graded_by, ev.grade_reason = grade, GRADED, "分析员", "会商研判"
    return recompute(ev, posts, GRADED)


def test_without_an_analyst_the_gravest_post_grades_the_event():
    posts = [record(1, "IV", 0), record(2, "III", 10)]
    assert recompute(new_event(posts[0], posts[0].score), posts, GRADED).severity == "III"


def test_a_raised_grade_is_a_floor_that_new_graver_posts_lift():
    posts = [record(1, "IV", 0, suspected=True), record(2, "III", 10)]
    ev = graded(posts, "II")
    assert ev.severity == "II" and not ev.suspected_major
    posts.append(record(3, "III", 90))
    assert recompute(ev, posts, GRADED).severity == "II"
    posts.append(record(4, "I", 120))
    assert recompute(ev, posts, GRADED).severity == "I"


def test_a_lowered_grade_holds_against_the_posts_already_weighed():
    posts = [record(1, "II", 0), record(2, "III", 10)]
    ev = graded(posts, "III")
    assert ev.severity == "III"
    # a copy of the old report collected later repeats what the analyst weighed
    posts.append(record(3, "II", 90, copy_of=1))
    posts.append(record(4, "IV", 95))
    assert recompute(ev, posts, GRADED + timedelta(hours=1)).severity == "III"
    # an original report collected after the grading, with a toll of its own, raises it
    posts.append(record(5, "II", 100))
    assert recompute(ev, posts, GRADED + timedelta(hours=1)).severity == "II"


def test_the_suspected_flag_rests_on_posts_collected_after_the_grading():
    posts = [record(1, "III", 0, suspected=True)]
    ev = recompute(new_event(posts[0], posts[0].score), posts, GRADED)
    assert ev.suspected_major
    ev.manual_severity, ev.graded_at = "III", GRADED
    assert not recompute(ev, posts, GRADED).suspected_major
    posts.append(record(2, "IV", 90, suspected=True))
    assert recompute(ev, posts, GRADED).suspected_major
