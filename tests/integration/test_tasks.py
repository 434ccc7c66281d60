"""The task port's two runners call the same task functions: in-process and Celery on real Redis."""

import time

import pytest
from sqlalchemy import func, select

from storage.tables import PostRow
from tests.conftest import make_settings, wait_for
from tingfeng.bootstrap import bootstrap
from tingfeng.queues import InProcessQueue

POSTS = [
    {"id": "q1", "platform": "weibo", "text": "石门村的自来水这几天发黄，烧开了还有沉淀", "published_at": "2026-11-21T09:00:00+08:00"},
    {"id": "q2", "platform": "forum", "title": "表扬", "text": "县政务服务中心的窗口工作人员耐心又专业，一次就办好了",
     "published_at": "2026-11-21T10:00:00+08:00"},
]


def analyzed_count(app):
    with app.store_factory() as st:
        return st.session.execute(select(func.count()).select_from(PostRow).where(PostRow.status == "analyzed")).scalar()




def test_in_process_runner_analyzes_what_ingestion_accepts(sqlite_url, spec_dir):
    app = bootstrap(make_settings(sqlite_url, spec_dir, task_backend="inprocess"))
    app.tasks.start()
    try:
        app.ingest.ingest_posts(POSTS, "t")
        assert app.tasks.join(timeout=60)
        assert analyzed_count(app) == 2
    finally:
        app.close()


def test_a_failing_task_is_counted_and_the_runner_goes_on():
    ran = []

    def runner(name, kw):
        if name == "boom":
            raise RuntimeError("故意失败")
        ran.append(name)

    q = InProcessQueue(runner)
    q.start()
    q.submit("boom")
    q.submit("ok")
    assert q.join(timeout=10)
    q.stop()
    assert ran == ["ok"] and q.failures == 1


def test_periodic_tasks_are_submitted_by_the_embedded_scheduler():
    ran = []
    q = InProcessQueue(lambda name, kw: ran.append(name))
    q.every("tick", 0.05)
    q.start()
    assert wait_for(lambda: len(ran) >= 3, timeout=10)
    q.stop()


@pytest.mark.redis
def test_celery_worker_on_redis_runs_the_same_analysis(tmp_path, spec_dir, redis_url, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    db = f"sqlite:///{tmp_path / 'celery.db'}"
    monkeypatch.setenv("TINGFENG_DATABASE_URL", db)
    monkeypatch.setenv("TINGFENG_SPEC_DIR", str(spec_dir))
    monkeypatch.setenv("TINGFENG_ANALYZER", "rules")
    monkeypatch.setenv("TINGFENG_SMTP_HOST", "")
    monkeypatch.setenv("TINGFENG_TASK_BACKEND", "eager")  # what the worker's own App uses
    from tingfeng import celery_app as mod

    mod.celery_app.conf.broker_url = redis_url
    mod._app_holder.clear()
    producer = bootstrap(make_settings(db, spec_dir, task_backend="celery"))
    try:
        with mod.celery_app.connection() as conn:  # start from empty queues
            for q in ("analysis", "alerts"):
                conn.default_channel.queue_purge(q) if hasattr(conn.default_channel, "queue_purge") else None
        with start_worker(mod.celery_app, pool="solo", perform_ping_check=False, queues=["analysis", "alerts"]):
            producer.ingest.ingest_posts(POSTS, "t")
            assert wait_for(lambda: analyzed_count(producer) == 2), "Celery 工作进程没有完成分析任务"
    finally:
        producer.close()
        if "app" in mod._app_holder:
            mod._app_holder["app"].close()
        mod._app_holder.clear()


def test_a_long_task_on_one_queue_does_not_hold_up_another():
    import threading

    release = threading.Event()
    ran = []

    def runner(name, kw):
        if name == "slow_crawl":
            release.wait(10)
        ran.append(name)

    q = InProcessQueue(runner, queue_of=lambda n: "crawl" if n == "slow_crawl" else "alerts")
    q.start()
    q.submit("slow_crawl")
    q.submit("check_obligations")
    assert wait_for(lambda: "check_obligations" in ran, timeout=5), "检查时限的任务被采集任务阻塞"
    assert "slow_crawl" not in ran
    release.set()
    assert q.join(timeout=10)
    q.stop()


def test_a_task_submitted_for_later_runs_after_its_delay_and_join_waits_for_it():
    ran = []
    q = InProcessQueue(lambda name, kw: ran.append((name, kw, time.monotonic())), queue_of=lambda n: "alerts")
    q.start()
    start = time.monotonic()
    q.submit_later("tingfeng.notify_alert", 0.3, alert_id=7, what="created", attempt=2)
    assert q.join(timeout=10)
    q.stop()
    [(name, kw, at)] = ran
    assert name == "tingfeng.notify_alert" and kw == {"alert_id": 7, "what": "created", "attempt": 2}
    assert at - start >= 0.3 and q.delayed == 1


def test_stopping_the_runner_drops_pending_retries_without_running_them():
    ran = []
    q = InProcessQueue(lambda name, kw: ran.append(name))
    q.start()
    q.submit_later("later", 0.3)
    q.stop()
    time.sleep(0.5)
    assert ran == []


def test_celery_queue_sends_a_later_task_with_a_countdown_to_its_queue():
    from tingfeng.queues import CeleryQueue

    sent = []

    class Broker:  # records what would go to Redis
        def send_task(self, name, kwargs, queue, countdown=None):
            sent.append((name, kwargs, queue, countdown))

    CeleryQueue(Broker()).submit_later("tingfeng.notify_event", 60.0, event_id=3, what="suspected_major")
    assert sent == [("tingfeng.notify_event", {"event_id": 3, "what": "suspected_major"}, "alerts", 60.0)]
