"""疑似重大: when an event first becomes suspected of I/II, the coordinating office gets one
request for 会商研判 by mail, saying that no clock has started (real SMTP server)."""

from datetime import timedelta

from fastapi.testclient import TestClient

from api.app import create_app
from tests.integration.alerting import (
    CONSOLE,
    T0,
    Clock,
    alerts,
    audit,
    events,
    make_app,
    post,
    wait_for,
)
from tests.integration.conftest import department_email

FLOODED = "石门煤矿井下透水，好多矿工没上来，家属都堵在矿口哭"  # IV by the rules, suspected by the "model"
FLOODED_MORE = "石门煤矿透水事故，听说井下还有很多人没出来，救护车一趟一趟地往县医院跑"  # III, suspected
AMBULANCES = "石门煤矿矿口又来了好几辆救护车，很多人没出来的家属在哭"  # III, suspected


def suspected_mails(sink):
    return [m for m in sink.mails if m.subject.startswith("【听风·疑似重大·请研判】")]


def test_a_newly_suspected_event_asks_the_coordinating_office_once(tmp_path, notify_spec, smtp_sink,
                                                                    suspecting_analyzer):
    clock = Clock(T0)
    app = make_app(tmp_path, notify_spec, clock, smtp_sink, analyzer=suspecting_analyzer)
    try:
        app.ingest.ingest_posts([post("m1", FLOODED)], "t")
        [ev] = events(app)
        assert ev["suspected_major"] and ev["severity"] == "IV"
        [mail] = suspected_mails(smtp_sink)
        assert mail.rcpt_tos == [department_email("zfb")]  # county.coordinator: 县人民政府办公室
        assert mail.subject == f"【听风·疑似重大·请研判】IV级 {ev['title']}"
        body = mail.body
        assert body.startswith("县人民政府办公室：")
        assert "尚未启动 5 小时（发布权威信息）和 24 小时（新闻发布会）时限" in body
        assert "请组织会商研判" in body and "人工定级" in body
        assert "主办：县应急管理局" in body and "属地：石门镇" in body
        assert "好多矿工没上来" in body  # the post the doubt rests on
        assert f"详情：{CONSOLE}/#/events/{ev['id']}" in body
        assert not alerts(app)  # a IV event: no alert, no clock
        [entry] = audit(app, "event.suspected_major")
        assert entry["entity_id"] == str(ev["id"]) and entry["detail"]["notify"] == "zfb"

        # the event grows (III, an alert with its 48h clock) and stays suspected: no second request
        clock.t = T0 + timedelta(minutes=30)
        app.ingest.ingest_posts([post("m2", FLOODED_MORE, 25)], "t")
        [ev] = events(app)
        assert ev["severity"] == "III" and ev["suspected_major"] and ev["post_count"] == 2
        assert len(suspected_mails(smtp_sink)) == 1 and len(audit(app, "event.suspected_major")) == 1
        [al] = alerts(app)
        assert [o["kind"] for o in al["obligations"]] == ["response"]
    finally:
        app.close()


def test_after_an_analyst_graded_only_new_suspect_posts_ask_again(tmp_path, notify_spec, smtp_sink,
                                                                  suspecting_analyzer):
    clock = Clock(T0)
    app = make_app(tmp_path, notify_spec, clock, smtp_sink, analyzer=suspecting_analyzer)
    try:
        app.ingest.ingest_posts([post("m1", FLOODED), post("m2", FLOODED_MORE, 5)], "t")
        [ev] = events(app)
        assert ev["suspected_major"] and len(suspected_mails(smtp_sink)) == 1
        clock.t = T0 + timedelta(hours=1)
        with TestClient(create_app(app)) as client:
            r = client.post(f"/api/events/{ev['id']}/grade",
                            json={"grade": "III", "reason": "会商研判：矿方核实井下 2 人受轻伤，已全部升井", "actor": "分析员王五"})
            assert r.status_code == 200, r.text
            assert r.json()["suspected_major"] is False and r.json()["severity"] == "III"
        # the event is recomputed with a new, plain post: the suspect posts the analyst weighed
        # do not bring the flag back
        clock.t = T0 + timedelta(hours=1, minutes=30)
        app.ingest.ingest_posts([post("m3", "石门煤矿透水事故救援还在继续，矿口拉起了警戒线", 85)], "t")
        [ev] = events(app)
        assert ev["post_count"] == 3 and not ev["suspected_major"] and len(suspected_mails(smtp_sink)) == 1
        # a new suspect post collected after the grading brings the doubt back: the office is asked again
        clock.t = T0 + timedelta(hours=2)
        app.ingest.ingest_posts([post("m4", AMBULANCES, 115)], "t")
        [ev] = events(app)
        assert ev["suspected_major"] and ev["severity"] == "III" and ev["post_count"] == 4
        assert len(suspected_mails(smtp_sink)) == 2
        listed = suspected_mails(smtp_sink)[1].body.split("疑似帖子：")[1]
        assert "很多人没出来的家属" in listed
        assert "好多矿工没上来" not in listed and "很多人没出来，救护车" not in listed  # already weighed
    finally:
        app.close()


def test_a_retry_of_the_request_is_dropped_once_an_analyst_has_graded(tmp_path, notify_spec, smtp_sink, webhook,
                                                                        suspecting_analyzer):
    webhook.statuses = [500]
    app = make_app(tmp_path, notify_spec, Clock(T0), smtp_sink, webhook, analyzer=suspecting_analyzer,
                   task_backend="inprocess", notify_retry_seconds=3)
    app.tasks.start()
    try:
        app.ingest.ingest_posts([post("m1", FLOODED)], "t")
        assert wait_for(lambda: webhook.requests, timeout=30)
        [ev] = events(app)
        app.alerts.grade_event(ev["id"], "IV", "会商研判：井下人员已全部升井", "分析员王五")
        assert app.tasks.join(timeout=30)
    finally:
        app.close()
    assert [r.status for r in webhook.requests] == [500]  # the failed request is not sent again
    assert len(suspected_mails(smtp_sink)) == 1
    [dropped] = audit(app, "notification.dropped")
    assert dropped["detail"]["attempt"] == 2 and "不再疑似重大" in dropped["detail"]["reason"]
