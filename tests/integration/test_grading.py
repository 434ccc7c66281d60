"""An analyst grades an event by hand after 会商研判 (POST /api/events/{id}/grade): clocks
start, stay or are cancelled, the heads are told (real SMTP server), and the grade sticks
against later automatic recomputes."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.integration.alerting import T0, Clock, alerts, audit, beijing, events, make_app, post
from tests.integration.conftest import department_email

EXPLOSION = "东坝工业园区化工厂发生爆炸，已造成12人死亡、30多人受伤，现场浓烟滚滚"  # II
FIRE = "龙泉镇温泉度假区发生火灾，造成4人死亡"  # III
FLOODED = "石门煤矿井下透水，好多矿工没上来，家属都堵在矿口哭"  # IV, suspected major
ANALYST = "值班分析员李四"


@pytest.fixture
def setup(tmp_path, notify_spec, smtp_sink, suspecting_analyzer):
    clock = Clock(T0)
    app = make_app(tmp_path, notify_spec, clock, smtp_sink, analyzer=suspecting_analyzer)
    with TestClient(create_app(app)) as client:
        yield app, client, clock, smtp_sink
    app.close()


def grade(client, event_id, g, reason="会商研判结论", actor=ANALYST):
    return client.post(f"/api/events/{event_id}/grade", json={"grade": g, "reason": reason, "actor": actor})


def obligations(alert):
    return {o["kind"]: o for o in alert["obligations"]}


def mails_since(sink, n, prefix):
    return sorted(m.rcpt_tos[0] for m in sink.mails[n:] if m.subject.startswith(prefix))


def test_raising_a_suspected_event_to_II_opens_the_5h_and_24h_clocks_from_now(setup):
    app, client, clock, sink = setup
    app.ingest.ingest_posts([post("g1", FLOODED)], "t")
    [ev] = events(app)
    assert ev["suspected_major"] and ev["severity"] == "IV" and not alerts(app)
    sent = len(sink.mails)
    clock.t = T1 = T0 + timedelta(hours=2)
    r = grade(client, ev["id"], "II", "会商研判：矿方核实井下被困 23 人")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["severity"] == "II" and body["manual_severity"] == "II" and not body["suspected_major"]
    assert body["graded_by"] == ANALYST and body["grade_reason"] == "会商研判：矿方核实井下被困 23 人"
    [al] = body["alerts"]
    assert al["severity"] == "II" and al["department"] == "yj" and {"zfb", "wxb"} <= set(al["co_departments"])
    obs = obligations(al)
    assert set(obs) == {"authoritative_release", "press_conference"}
    assert obs["authoritative_release"]["remaining_seconds"] == 5 * 3600
    assert obs["press_conference"]["remaining_seconds"] == 24 * 3600
    # told like an automatic I/II alert: lead department, coordinating office, 网信办
    assert mails_since(sink, sent, "【听风·新预警】II级") == sorted(department_email(d) for d in ("yj", "zfb", "wxb"))
    mail = next(m for m in sink.mails[sent:] if m.rcpt_tos == [department_email("yj")])
    assert f"人工定级：II级（{ANALYST}，{beijing(T1)}）：会商研判：矿方核实井下被困 23 人" in mail.body
    assert f"发布权威信息：截止 {beijing(T1 + timedelta(hours=5))}" in mail.body
    [graded] = audit(app, "event.graded")
    assert graded["actor"] == ANALYST and graded["detail"]["from"] == "IV" and graded["detail"]["to"] == "II"
    assert graded["detail"]["suspected_major_cleared"] is True
    [created] = audit(app, "alert.created")
    assert created["actor"] == ANALYST and created["detail"]["manual"] is True
    assert not client.get("/api/events").json()["items"][0]["suspected_major"]


def test_raising_an_alerted_event_keeps_its_running_clock_and_adds_the_major_ones(setup):
    app, client, clock, sink = setup
    app.ingest.ingest_posts([post("g1", FIRE)], "t")
    [ev] = events(app)
    sent = len(sink.mails)
    clock.t = T1 = T0 + timedelta(hours=3)
    r = grade(client, ev["id"], "II", "会商研判：度假区另有 8 名游客失联")
    assert r.status_code == 200, r.text
    [al] = r.json()["alerts"]
    obs = obligations(al)
    assert obs["response"]["remaining_seconds"] == (T0 + timedelta(hours=48) - T1).total_seconds()  # kept
    assert obs["authoritative_release"]["remaining_seconds"] == 5 * 3600
    assert obs["press_conference"]["remaining_seconds"] == 24 * 3600
    assert mails_since(sink, sent, "【听风·预警升级】II级") == sorted(department_email(d) for d in ("yj", "zfb", "wxb"))
    [esc] = audit(app, "alert.escalated")
    assert esc["actor"] == ANALYST and esc["detail"]["manual"] and esc["detail"]["added"] == [
        "authoritative_release", "press_conference"]


def test_a_raised_grade_is_a_floor_that_only_graver_new_posts_lift(setup):
    app, client, clock, sink = setup
    app.ingest.ingest_posts([post("g1", FLOODED)], "t")
    [ev] = events(app)
    clock.t = T1 = T0 + timedelta(hours=1)
    assert grade(client, ev["id"], "II").status_code == 200
    # a later III post: the automatic grade would be III, the analyst's II stands
    clock.t = T0 + timedelta(hours=2)
    app.ingest.ingest_posts([post("g2", "石门煤矿透水事故，听说井下还有很多人没出来，救护车一趟一趟地往县医院跑", 115)], "t")
    [ev] = events(app)
    assert ev["post_count"] == 2 and ev["severity"] == "II" and ev["manual_severity"] == "II"
    # a later post with a toll of 35 makes it I; the clocks already running are kept
    clock.t = T0 + timedelta(hours=3)
    app.ingest.ingest_posts([post("g3", "石门煤矿透水事故已造成35名矿工遇难", 175)], "t")
    [ev] = events(app)
    assert ev["severity"] == "I"
    [al] = alerts(app)
    assert al["severity"] == "I"
    assert obligations(al)["authoritative_release"]["remaining_seconds"] == (
        T1 + timedelta(hours=5) - clock.t).total_seconds()


def test_lowering_cancels_the_clocks_that_no_longer_apply_and_only_new_posts_raise_it_again(setup):
    app, client, clock, sink = setup
    app.ingest.ingest_posts([post("g1", EXPLOSION)], "t")
    [ev] = events(app)
    assert ev["severity"] == "II"
    sent = len(sink.mails)
    clock.t = T0 + timedelta(hours=1)
    r = grade(client, ev["id"], "III", "会商研判：系消防演练视频被误传，无人员伤亡")
    assert r.status_code == 200, r.text
    [al] = r.json()["alerts"]
    obs = obligations(al)
    assert al["severity"] == "III" and not {"zfb", "wxb"} & set(al["co_departments"])
    # cancelled, not deleted: still listed with their deadlines
    assert obs["authoritative_release"]["status"] == "cancelled" and obs["press_conference"]["status"] == "cancelled"
    assert obs["response"]["status"] == "pending" and obs["response"]["remaining_seconds"] == 48 * 3600
    cancelled = audit(app, "obligation.cancelled")
    assert sorted(a["detail"]["kind"] for a in cancelled) == ["authoritative_release", "press_conference"]
    assert all(a["actor"] == ANALYST for a in cancelled)
    [down] = audit(app, "alert.downgraded")
    assert down["detail"]["reason"] == "会商研判：系消防演练视频被误传，无人员伤亡"
    # the lead department and the coordinating office learn that the 5h clock is off
    assert mails_since(sink, sent, "【听风·预警降级】III级") == sorted(department_email(d) for d in ("yj", "zfb"))
    mail = next(m for m in sink.mails[sent:] if m.rcpt_tos == [department_email("yj")])
    assert "发布权威信息：截止" in mail.body and "已撤销" in mail.body
    # a cancelled clock never goes overdue
    clock.t = T0 + timedelta(hours=6)
    assert app.alerts.check_obligations() == []
    # reposts of the old report and a plain new post do not undo the analyst's grade
    app.ingest.ingest_posts([post("g2", EXPLOSION + "！", 300, platform="forum"),
                             post("g3", "东坝工业园区化工厂爆炸现场仍在清理，附近居民说昨晚一直能闻到刺鼻气味", 330)], "t")
    [ev] = events(app)
    assert ev["post_count"] == 3 and ev["severity"] == "III"
    # a new report with a toll of its own raises it again: the 5h clock runs again from its detection
    clock.t = T0 + timedelta(hours=8)
    app.ingest.ingest_posts([post("g4", "东坝工业园区化工厂爆炸后，搜救人员又找到多名遇难者，目前已确认14人死亡", 470)], "t")
    [ev] = events(app)
    assert ev["severity"] == "II" and ev["manual_severity"] == "III"
    [al] = alerts(app)
    obs = obligations(al)
    assert al["severity"] == "II" and obs["authoritative_release"]["status"] == "pending"
    assert obs["authoritative_release"]["remaining_seconds"] == 5 * 3600
    assert obs["response"]["status"] == "pending"  # the III clock keeps running
    assert {a["detail"]["kind"] for a in audit(app, "obligation.reinstated")} == {
        "authoritative_release", "press_conference"}


def test_grading_errors_are_clear(setup):
    app, client, clock, sink = setup
    app.ingest.ingest_posts([post("g1", FIRE)], "t")
    [ev] = events(app)
    r = grade(client, 99999, "II")
    assert r.status_code == 404 and r.json()["code"] == "not_found" and r.json()["message"] == "事件 99999 不存在"
    r = grade(client, ev["id"], "V")
    assert r.status_code == 422 and r.json()["code"] == "invalid_request" and "grade" in r.json()["message"]
    r = grade(client, ev["id"], "II", reason="   ")
    assert r.status_code == 422 and "定级理由不能为空" in r.json()["message"]
    r = client.post(f"/api/events/{ev['id']}/grade", json={"grade": "II", "actor": ANALYST})
    assert r.status_code == 422 and "reason" in r.json()["message"]
    assert not audit(app, "event.graded") and events(app)[0]["severity"] == "III"
    [al] = alerts(app)
    assert client.post(f"/api/alerts/{al['id']}/close", json={"actor": "张三", "note": "已回应"}).status_code == 200
    r = grade(client, ev["id"], "II")
    assert r.status_code == 409 and "已办结" in r.json()["message"]
