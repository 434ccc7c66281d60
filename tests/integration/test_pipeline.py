"""The pipeline end to end on real storage: posts → scores → events → alerts with clocks."""

from datetime import UTC, datetime, timedelta

import pytest

from kernel.settings import Settings
from tests.conftest import make_settings
from tingfeng.bootstrap import bootstrap


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 Beijing


def post(pid, text, minutes, platform="weibo", **kw):
    t = (T0 + timedelta(minutes=minutes)).astimezone()
    return {"id": pid, "platform": platform, "text": text, "published_at": t.isoformat(), **kw}


@pytest.fixture
def clocked(db_url, spec_dir):
    clock = Clock(T0)
    app = bootstrap(make_settings(db_url, spec_dir), clock=clock)
    yield app, clock
    app.close()


def events(app):
    from api import queries

    with app.store_factory() as st:
        return queries.list_events(st.session, app.reference)[1]


def alerts(app):
    from api import queries

    with app.store_factory() as st:
        return queries.list_alerts(st.session, app.clock())[1]


def test_an_accident_with_deaths_opens_a_major_alert_with_5h_and_24h_clocks(clocked):
    app, clock = clocked
    clock.t = T0 + timedelta(minutes=5)
    app.ingest.ingest_posts([post("a1", "东坝工业园区化工厂发生爆炸，已造成12人死亡、30多人受伤，现场浓烟滚滚", 0)], "t")
    [ev] = events(app)
    assert ev["severity"] == "II"
    assert ev["township"] == "东坝镇"
    assert ev["lead_department"] == "yj"
    [al] = alerts(app)
    assert al["department"] == "yj"
    assert {"zfb", "wxb", "township:东坝镇"} <= set(al["co_departments"])
    kinds = {o["kind"]: o for o in al["obligations"]}
    assert set(kinds) == {"authoritative_release", "press_conference"}
    detected = clock.t
    assert kinds["authoritative_release"]["due_at"] == detected + timedelta(hours=5)
    assert kinds["press_conference"]["due_at"] == detected + timedelta(hours=24)


def test_follow_up_posts_join_the_event_and_escalate_it(clocked):
    app, clock = clocked
    clock.t = T0 + timedelta(minutes=2)
    app.ingest.ingest_posts([post("b1", "石门隧道施工段发生塌方，有5名工人被困，救援正在进行", 0)], "t")
    [ev] = events(app)
    first = ev["severity"]
    clock.t = T0 + timedelta(hours=3)
    app.ingest.ingest_posts([post("b2", "石门隧道塌方事故最新消息：已确认11名工人遇难，另有多人受伤", 170)], "t")
    [ev] = events(app)
    assert ev["post_count"] == 2
    assert ev["severity"] == "II"
    assert first != "II"
    [al] = alerts(app)
    assert al["severity"] == "II"
    release = next(o for o in al["obligations"] if o["kind"] == "authoritative_release")
    # the 5-hour clock counts from when the graver report was detected
    assert release["due_at"] == T0 + timedelta(hours=3) + timedelta(hours=5)


def test_an_official_release_in_the_event_is_taken_as_evidence(clocked):
    app, clock = clocked
    clock.t = T0 + timedelta(minutes=3)
    app.ingest.ingest_posts([post("c1", "北岭乡暴雨引发山洪，北岭村已有15人遇难，上千群众紧急转移", 0)], "t")
    clock.t = T0 + timedelta(hours=2)
    app.ingest.ingest_posts([post("c2", "北岭乡山洪灾害情况通报：截至目前北岭村15人遇难，已转移群众1200人，搜救仍在进行。", 110,
                                  platform="news", author="云岭县人民政府", title="关于北岭乡山洪灾害的情况通报",
                                  url="https://www.yunling.gov.example/tb/1")], "t")
    [al] = alerts(app)
    release = next(o for o in al["obligations"] if o["kind"] == "authoritative_release")
    assert release["status"] == "met"
    assert release["evidence_url"] == "https://www.yunling.gov.example/tb/1"
    press = next(o for o in al["obligations"] if o["kind"] == "press_conference")
    assert press["status"] == "pending"


def test_overdue_obligations_are_escalated_once_and_audited(clocked):
    app, clock = clocked
    clock.t = T0
    app.ingest.ingest_posts([post("d1", "龙泉镇温泉度假区发生火灾，造成4人死亡", 0)], "t")
    [al] = alerts(app)
    assert al["severity"] == "III"
    clock.t = T0 + timedelta(hours=49)
    assert len(app.alerts.check_obligations()) == 1
    assert app.alerts.check_obligations() == []
    [al] = alerts(app)
    assert al["obligations"][0]["status"] == "overdue"
    from api import queries

    with app.store_factory() as st:
        actions = [a["action"] for a in queries.audit(st.session, None, None)]
    assert "obligation.overdue" in actions and "alert.created" in actions


def test_unrelated_posts_make_separate_events(clocked):
    app, clock = clocked
    app.ingest.ingest_posts([
        post("e1", "白沙幼儿园门口的斑马线早就磨没了，接送孩子太危险", 0),
        post("e2", "青松花园小区物业乱收停车费，业主意见很大", 10),
    ], "t")
    assert len(events(app)) == 2


REPORT = "石门煤矿今天上午发生透水事故，5名矿工被困井下，县里已组织救援。"
# hours later, in other words: too little shared text for the text matching alone
RELATIVE = "石门镇那个透水的矿，被困的工人救出来没有？家属在矿口守了一夜"
STREETLIGHT = "石门镇中心小学门口的路灯坏了一个月了，晚上接孩子黑乎乎的"


@pytest.mark.parametrize("event_link", [True, False])
def test_a_follow_up_in_other_words_joins_its_report_through_the_learned_link(db_url, spec_dir, event_link):
    clock = Clock(T0 + timedelta(hours=4))
    app = bootstrap(make_settings(db_url, spec_dir, event_link=event_link), clock=clock)
    try:
        app.ingest.ingest_posts([post("m1", REPORT, 0)], "t")
        app.ingest.ingest_posts([post("m2", RELATIVE, 180), post("m3", STREETLIGHT, 185)], "t")
        evs = events(app)
        sizes = sorted(e["post_count"] for e in evs)
        # with the link (the default) the relative's question joins the accident; the
        # streetlight of the same township stays its own matter either way
        assert sizes == ([1, 2] if event_link else [1, 1, 1])
        mine = next(e for e in evs if e["severity"] == "III")
        assert mine["post_count"] == (2 if event_link else 1)
        from api import queries

        with app.store_factory() as st:
            linked = [a for a in queries.audit(st.session, "event", None) if a["action"] == "event.post_linked"]
        # the analyst can see why the relative's question sits in the accident's event
        if event_link:
            [entry] = linked
            assert entry["entity_id"] == str(mine["id"])
            assert entry["detail"]["probability"] >= 0.99
            assert entry["detail"]["partner_post"] != entry["detail"]["post"]
        else:
            assert linked == []
    finally:
        app.close()


def test_analysis_is_idempotent(clocked):
    app, _ = clocked
    rep = app.ingest.ingest_posts([post("f1", "南河水库大坝出现渗水，下游南河村村民很担心", 0)], "t")
    before = events(app)
    app.pipeline.analyze_posts(rep.accepted_pks)
    assert events(app) == before
    assert len(alerts(app)) == len(alerts(app))


def test_production_mode_refuses_placeholder_secrets(spec_dir, tmp_path):
    from kernel.errors import InsecureSettings

    s = Settings(env="production", database_url=f"sqlite:///{tmp_path}/x.db", spec_dir=spec_dir)
    with pytest.raises(InsecureSettings, match="占位值"):
        bootstrap(s)


def test_an_analyst_moves_a_post_that_does_not_belong_out_of_its_event(db_url, spec_dir):
    from fastapi.testclient import TestClient

    from api import queries
    from api.app import create_app

    clock = Clock(T0 + timedelta(hours=4))
    app = bootstrap(make_settings(db_url, spec_dir), clock=clock)
    try:
        app.ingest.ingest_posts([post("d1", REPORT, 0)], "t")
        app.ingest.ingest_posts([post("d2", RELATIVE, 180)], "t")
        [accident] = events(app)
        with app.store_factory() as st:
            _, posts = queries.list_posts(st.session, event_id=accident["id"], limit=10)
        relative = next(p for p in posts if p["external_id"] == "d2")
        report = next(p for p in posts if p["external_id"] == "d1")
        with TestClient(create_app(app)) as client:
            url = f"/api/posts/{relative['id']}/detach"
            r = client.post(url, json={"actor": "值班分析员", "reason": "   "})
            assert r.status_code == 422 and "理由" in r.json()["message"]
            r = client.post(url, json={"actor": "值班分析员", "reason": "家属所问为另一起事故"})
            assert r.status_code == 200, r.text
            new = r.json()
            assert [p["id"] for p in new["posts"]] == [relative["id"]] and new["id"] != accident["id"]
            assert new["severity"] == "IV" and new["alerts"] == []
            old = client.get(f"/api/events/{accident['id']}").json()
            assert [p["id"] for p in old["posts"]] == [report["id"]]
            # the accident keeps its grade and its running 48-hour response
            assert old["severity"] == "III" and old["alerts"][0]["status"] != "closed"
            trail = client.get("/api/audit", params={"entity": "event", "entity_id": str(accident["id"])}).json()
            [moved] = [a for a in trail if a["action"] == "event.post_detached"]
            assert moved["actor"] == "值班分析员" and moved["detail"]["reason"] == "家属所问为另一起事故"
            assert moved["detail"]["to_event"] == new["id"]
            # an event of one post has nothing to move out; an unknown post is not found
            r = client.post(f"/api/posts/{report['id']}/detach", json={"actor": "值班分析员", "reason": "试一下"})
            assert r.status_code == 409 and "只有这条帖子" in r.json()["message"]
            assert client.post("/api/posts/999999/detach", json={"actor": "a", "reason": "b"}).status_code == 404
        assert sorted(e["post_count"] for e in events(app)) == [1, 1]
        # moving out the post an event is named after renames the event after those left
        app.ingest.ingest_posts([post("d3", "救援队说还在抽水，" + RELATIVE, 200)], "t")
        grown = next(e for e in events(app) if e["post_count"] == 2)
        with app.store_factory() as st:
            _, posts = queries.list_posts(st.session, event_id=grown["id"], limit=10)
        first = min(posts, key=lambda p: p["published_at"])
        app.pipeline.detach_post(first["id"], "另一件事", "值班分析员")
        renamed = next(e for e in events(app) if e["id"] == grown["id"])
        assert renamed["post_count"] == 1 and renamed["title"] != grown["title"]
    finally:
        app.close()
