"""Routing (属地管理、分级负责、谁主管谁负责) and the obligation clocks."""

from datetime import UTC, datetime, timedelta

from kernel.config import load_reference
from kernel.domain.obligations import clock_status, format_remaining, plan_obligations
from kernel.domain.routing import route

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_lead_is_the_primary_topics_department_and_township_co_handles(spec_dir):
    ref = load_reference(spec_dir)
    r = route(ref.county, ["environment", "health"], "东坝镇", "IV")
    assert r.lead == "sthj"
    assert r.co == ("wjj", "township:东坝镇")


def test_major_events_bring_in_the_county_office_and_propaganda(spec_dir):
    ref = load_reference(spec_dir)
    r = route(ref.county, ["work_safety"], "石门镇", "II")
    assert r.lead == "yj"
    assert "zfb" in r.co and "wxb" in r.co


def test_grade_three_is_not_escalated_to_the_county_office(spec_dir):
    ref = load_reference(spec_dir)
    assert "zfb" not in route(ref.county, ["housing"], None, "III").co


def test_major_grades_get_5h_release_and_24h_press_conference(spec_dir):
    tax = load_reference(spec_dir).taxonomy
    plans = plan_obligations(tax, "I", T0)
    assert [(p.kind, p.due_at - T0) for p in plans] == [
        ("authoritative_release", timedelta(hours=5)),
        ("press_conference", timedelta(hours=24)),
    ]
    assert [(p.kind, p.due_at - T0) for p in plan_obligations(tax, "III", T0)] == [("response", timedelta(hours=48))]
    assert plan_obligations(tax, "IV", T0) == []


def test_clock_states():
    due = T0 + timedelta(hours=5)
    assert clock_status(due, None, T0) == "pending"
    assert clock_status(due, None, due + timedelta(seconds=1)) == "overdue"
    assert clock_status(due, due - timedelta(minutes=1), due + timedelta(hours=9)) == "met"
    assert clock_status(due, due + timedelta(minutes=1), due + timedelta(hours=9)) == "met_late"
    assert format_remaining(timedelta(hours=3, minutes=12)) == "剩余 3小时12分"
    assert format_remaining(-timedelta(minutes=40)) == "超时 40分"
