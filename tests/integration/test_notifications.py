"""Alert notifications through real parts: an SMTP server and an HTTP receiver on local
ports, the real channels built from settings, the real notification service and tasks."""

import hmac
import logging
import ssl
from datetime import timedelta

import pytest

from alerts.channels import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from api import queries
from tests.integration.alerting import (
    CONSOLE,
    SECRET,
    T0,
    Clock,
    alerts,
    audit,
    beijing,
    events,
    make_app,
    post,
)
from tests.integration.conftest import department_email
from tests.receivers import SmtpSink, self_signed_cert

EXPLOSION = "东坝工业园区化工厂发生爆炸，已造成12人死亡、30多人受伤，现场浓烟滚滚"  # II, 应急管理局, 东坝镇
FIRE = "龙泉镇温泉度假区发生火灾，造成4人死亡"  # III, 48h response


def the_alert(app):
    [al] = alerts(app)
    return al


def the_event(app):
    [ev] = events(app)
    return ev


def test_a_major_alert_reaches_the_department_head_by_mail_and_webhook(tmp_path, notify_spec, smtp_sink, webhook):
    clock = Clock(T0 + timedelta(minutes=5))
    app = make_app(tmp_path, notify_spec, clock, smtp_sink, webhook)
    try:
        app.ingest.ingest_posts([post("n1", EXPLOSION)], "t")
        ev, al = the_event(app), the_alert(app)
    finally:
        app.close()
    assert al["severity"] == "II" and al["department"] == "yj"
    # the head of 县应急管理局 finds the mail at the address the county file gives
    [mail] = smtp_sink.to(department_email("yj"))
    assert mail.mail_from == "tingfeng@yunling.example"
    assert mail.subject == f"【听风·新预警】II级 {ev['title']}"
    assert "县应急管理局" in str(mail.message["To"])
    body = mail.body
    assert body.startswith("县应急管理局：")
    assert f"事件：{ev['title']}" in body
    assert "等级：II级（重大）；属地：东坝镇" in body
    assert "协办：东坝镇人民政府、县人民政府办公室、县委宣传部（县委网信办）" in body
    detected = T0 + timedelta(minutes=5)
    assert f"- 发布权威信息：截止 {beijing(detected + timedelta(hours=5))}，剩余 5小时0分" in body
    assert f"- 举行新闻发布会：截止 {beijing(detected + timedelta(hours=24))}，剩余 1天0小时" in body
    assert f"详情：{CONSOLE}/#/alerts/{al['id']}" in body
    # the subject travels as RFC 2047 UTF-8 (readable by any mail client), the body as UTF-8
    raw_subject = next(line for line in mail.raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject.lower()
    assert mail.message.get_body(("plain",)).get_content_charset() == "utf-8"
    # 分级负责: for a II alert the county office coordinates and 网信办 is informed
    assert smtp_sink.to(department_email("zfb")) and smtp_sink.to(department_email("wxb"))
    assert len(smtp_sink.mails) == 3
    # the webhook receives the same message as signed JSON, one per department
    assert [r.json["department"] for r in webhook.delivered] == ["yj", "zfb", "wxb"]
    first = webhook.requests[0]
    assert first.json["title"] == mail.subject and first.json["text"] == body.rstrip("\n")
    assert first.json["department_name"] == "县应急管理局" and first.json["email"] == department_email("yj")
    assert first.json["alert_id"] == al["id"] and first.json["severity"] == "II"
    assert first.headers["content-type"].startswith("application/json")
    expected = signature(SECRET, first.headers[TIMESTAMP_HEADER.lower()], first.body)
    assert hmac.compare_digest(first.headers[SIGNATURE_HEADER.lower()], expected)
    assert signature("wrong-secret", first.headers[TIMESTAMP_HEADER.lower()], first.body) != expected
    sent = audit(app, "notification.sent")
    assert {(a["detail"]["channel"], a["detail"]["department"]) for a in sent} == {
        (c, d) for c in ("email", "webhook") for d in ("yj", "zfb", "wxb")}
    assert not audit(app, "notification.failed")


def test_escalation_and_overdue_messages_also_go_to_the_coordinating_office(tmp_path, notify_spec, smtp_sink):
    clock = Clock(T0)
    app = make_app(tmp_path, notify_spec, clock, smtp_sink)
    try:
        app.ingest.ingest_posts([post("f1", FIRE)], "t")
        assert the_alert(app)["severity"] == "III"
        # a III alert: the lead department alone is told
        assert [m.rcpt_tos for m in smtp_sink.mails] == [[department_email("yj")]]
        assert smtp_sink.mails[0].subject.startswith("【听风·新预警】III级")
        clock.t = T0 + timedelta(hours=49)
        assert len(app.alerts.check_obligations()) == 1
        overdue = smtp_sink.mails[1:]
        assert {m.rcpt_tos[0] for m in overdue} == {department_email("yj"), department_email("zfb")}
        for m in overdue:
            assert m.subject.startswith("【听风·时限已超】III级")
            assert "- 回应关切：截止" in m.body and "超时 1小时0分" in m.body
        assert app.alerts.check_obligations() == [] and len(smtp_sink.mails) == 3  # told once

        # an event that grows from III to II: the escalation goes to the office and 网信办 too
        clock.t = T0 + timedelta(hours=50)
        app.ingest.ingest_posts([post("s1", "石门隧道施工段发生塌方，有5名工人被困，救援正在进行", 60 * 50)], "t")
        before = len(smtp_sink.mails)
        clock.t = T0 + timedelta(hours=53)
        app.ingest.ingest_posts([post("s2", "石门隧道塌方事故最新消息：已确认11名工人遇难，另有多人受伤", 60 * 53)], "t")
        escalated = [m for m in smtp_sink.mails[before:] if m.subject.startswith("【听风·预警升级】II级")]
        assert {m.rcpt_tos[0] for m in escalated} == {department_email(d) for d in ("yj", "zfb", "wxb")}
    finally:
        app.close()


def test_a_failing_webhook_is_recorded_and_retried_by_the_task_while_mail_still_arrives(
        tmp_path, notify_spec, smtp_sink, webhook):
    webhook.statuses = [500, 500]  # the gateway is down for two attempts
    clock = Clock(T0)
    app = make_app(tmp_path, notify_spec, clock, smtp_sink, webhook, task_backend="inprocess")
    app.tasks.start()
    try:
        app.ingest.ingest_posts([post("f1", FIRE)], "t")
        assert app.tasks.join(timeout=60)
        assert app.tasks.failures == 0 and app.tasks.delayed == 2
    finally:
        app.close()
    # the mail went out once: a retry sends only what failed
    assert len(smtp_sink.mails) == 1 and smtp_sink.attempts == 1
    assert [r.status for r in webhook.requests] == [500, 500, 200]
    assert webhook.requests[-1].json["department"] == "yj"
    failed = audit(app, "notification.failed")
    assert [(a["detail"]["channel"], a["detail"]["attempt"]) for a in failed] == [("webhook", 1), ("webhook", 2)]
    assert "推送接口返回 HTTP 500" in failed[0]["detail"]["error"]
    assert failed[0]["detail"]["retry_in"] == pytest.approx(0.05) and failed[1]["detail"]["retry_in"] == pytest.approx(0.1)
    sent = [(a["detail"]["channel"], a["detail"]["attempt"]) for a in audit(app, "notification.sent")]
    assert sent == [("email", 1), ("webhook", 3)]
    assert not audit(app, "notification.abandoned")


def test_a_refusing_mail_server_is_retried_a_bounded_number_of_times_then_given_up(
        tmp_path, notify_spec, smtp_sink, webhook, caplog):
    smtp_sink.refuse = -1
    clock = Clock(T0)
    app = make_app(tmp_path, notify_spec, clock, smtp_sink, webhook, notify_retries=2)
    try:
        with caplog.at_level(logging.WARNING):
            app.ingest.ingest_posts([post("f1", FIRE)], "t")
    finally:
        app.close()
    assert smtp_sink.attempts == 3 and not smtp_sink.mails  # the first send and two retries
    assert len(webhook.delivered) == 1  # the other channel delivered, once
    failed = audit(app, "notification.failed")
    assert [a["detail"]["attempt"] for a in failed] == [1, 2, 3]
    assert all(a["detail"]["channel"] == "email" and "邮件服务器拒绝（554" in a["detail"]["error"] for a in failed)
    assert failed[-1]["detail"]["retry_in"] is None
    [gave_up] = audit(app, "notification.abandoned")
    assert gave_up["detail"]["targets"] == [["email", "yj"]] and "已尝试 3 次" in gave_up["detail"]["reason"]
    assert any(r.levelno == logging.ERROR and "放弃重发" in r.getMessage() for r in caplog.records)
    with app.store_factory() as st:  # counted where the console reads its figures
        assert queries.stats(st.session, app.reference, T0)["notifications"] == {
            "sent": 1, "failed": 3, "abandoned": 1}


def test_an_unreachable_mail_server_is_recorded_with_its_error(tmp_path, notify_spec, webhook):
    from tests.receivers import free_port

    class Closed:
        port = free_port()  # nothing listens there

    app = make_app(tmp_path, notify_spec, Clock(T0), Closed, webhook, notify_retries=0)
    try:
        app.ingest.ingest_posts([post("f1", FIRE)], "t")
    finally:
        app.close()
    [failed] = audit(app, "notification.failed")
    assert "邮件发送失败" in failed["detail"]["error"] and failed["detail"]["channel"] == "email"
    assert len(webhook.delivered) == 1
    assert audit(app, "notification.abandoned")


def test_a_department_without_an_address_is_skipped_and_recorded(tmp_path, spec_dir, smtp_sink):
    # the shipped reference county names no addresses
    app = make_app(tmp_path, spec_dir, Clock(T0), smtp_sink)
    try:
        app.ingest.ingest_posts([post("f1", FIRE)], "t")
    finally:
        app.close()
    assert not smtp_sink.mails
    [skipped] = audit(app, "notification.skipped")
    assert skipped["detail"]["department"] == "yj" and skipped["detail"]["reason"] == "未配置邮箱"


def test_mail_over_starttls_with_login(tmp_path, notify_spec):
    pytest.importorskip("cryptography", reason="生成测试证书需要 cryptography")
    cert, key = self_signed_cert(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    sink = SmtpSink(tls_context=server_tls, users={"tingfeng": "s3cret-pass"}).start()
    try:
        app = make_app(tmp_path, notify_spec, Clock(T0), sink, smtp_starttls=True, smtp_username="tingfeng",
                       smtp_password="s3cret-pass", smtp_ca_file=str(cert))
        try:
            app.ingest.ingest_posts([post("f1", FIRE)], "t")
        finally:
            app.close()
        [mail] = sink.mails
        assert sink.logins == ["tingfeng"] and mail.login == "tingfeng"
        assert mail.subject.startswith("【听风·新预警】III级") and "回应关切" in mail.body
        assert mail.rcpt_tos == [department_email("yj")]

        # a wrong password is a recorded failure with the server's answer
        app = make_app(tmp_path, notify_spec, Clock(T0), sink, db="wrong.db", smtp_starttls=True,
                       smtp_username="tingfeng", smtp_password="wrong", smtp_ca_file=str(cert), notify_retries=0)
        try:
            app.ingest.ingest_posts([post("f2", FIRE)], "t")
        finally:
            app.close()
        [failed] = audit(app, "notification.failed")
        assert "535" in failed["detail"]["error"] and len(sink.mails) == 1

        # without STARTTLS this server refuses to take the login at all
        app = make_app(tmp_path, notify_spec, Clock(T0), sink, db="plain.db", smtp_username="tingfeng",
                       smtp_password="s3cret-pass", notify_retries=0)
        try:
            app.ingest.ingest_posts([post("f3", FIRE)], "t")
        finally:
            app.close()
        assert audit(app, "notification.failed") and len(sink.mails) == 1
    finally:
        sink.stop()


@pytest.mark.redis
def test_in_distributed_mode_a_celery_worker_retries_the_failed_send_through_redis(
        tmp_path, notify_spec, smtp_sink, webhook, redis_url, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from tests.integration.alerting import wait_for
    from tingfeng import celery_app as mod
    from tingfeng.bootstrap import bootstrap
    from tingfeng.queues import CeleryQueue

    webhook.statuses = [503]
    db = f"sqlite:///{tmp_path / 'celery.db'}"
    env = {"DATABASE_URL": db, "SPEC_DIR": str(notify_spec), "ANALYZER": "rules", "TASK_BACKEND": "celery",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_sink.port), "WEBHOOK_URL": webhook.url,
           "WEBHOOK_SECRET": SECRET, "NOTIFY_RETRY_SECONDS": "0.2"}
    for k, v in env.items():
        monkeypatch.setenv(f"TINGFENG_{k}", v)
    mod.celery_app.conf.broker_url = redis_url
    mod._app_holder.clear()
    producer = bootstrap()
    assert isinstance(producer.tasks, CeleryQueue)
    try:
        with start_worker(mod.celery_app, pool="solo", perform_ping_check=False, queues=["analysis", "alerts"]):
            producer.ingest.ingest_posts([post("c1", FIRE)], "t")
            assert wait_for(lambda: len(webhook.delivered) == 1), "重试的推送没有送达"
    finally:
        producer.close()
        if "app" in mod._app_holder:
            mod._app_holder["app"].close()
        mod._app_holder.clear()
    assert [r.status for r in webhook.requests] == [503, 200]
    assert len(smtp_sink.mails) == 1  # the mail is not sent again
    assert [a["detail"]["attempt"] for a in audit(producer, "notification.failed")] == [1]
