"""Task-port adapters: eager (inline), in-process (thread + timers) and Celery."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Runner = Callable[[str, dict[str, Any]], Any]


class EagerQueue:
    """Runs each task immediately in the caller's thread (CLI batch work, tests)."""

    def __init__(self, runner: Runner) -> None:
        self._run = runner
        self.schedule: list[tuple[str, float, dict]] = []
        self.delayed = 0  # tasks submitted for later (retries)

    def submit(self, name: str, **kwargs: Any) -> None:
        self._run(name, kwargs)

    def submit_later(self, name: str, delay: float, **kwargs: Any) -> None:
        """Runs it at once: a batch command must not sleep through back-off delays (a
        notification retry here is immediate, still bounded by its attempt count)."""
        self.delayed += 1
        self._run(name, kwargs)

    def every(self, name: str, seconds: float, **kwargs: Any) -> None:
        self.schedule.append((name, seconds, kwargs))

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class InProcessQueue:
    """The embedded scheduler: one worker thread per queue (analysis, alerts, crawl) runs
    that queue's tasks in order, so a long crawl never delays an obligation check; periodic
    tasks are submitted by timer threads. A failing task is logged and counted, and the
    worker goes on."""

    def __init__(self, runner: Runner, queue_of: Callable[[str], str] | None = None) -> None:
        self._run = runner
        self._queue_of = queue_of or (lambda name: "default")
        self._queues: dict[str, queue.Queue[tuple[str, dict] | None]] = {}
        self._periodic: list[tuple[str, float, dict]] = []
        self._stop = threading.Event()
        self._started = False
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._timers: set[threading.Timer] = set()
        self.failures = 0
        self.completed = 0
        self.delayed = 0  # tasks submitted for later (retries); lost if the process stops first

    def _queue(self, qname: str) -> queue.Queue:
        with self._lock:
            q = self._queues.get(qname)
            if q is None:
                q = self._queues[qname] = queue.Queue()
                if self._started:
                    self._spawn(qname, q)
            return q

    def _spawn(self, qname: str, q: queue.Queue) -> None:
        t = threading.Thread(target=self._work, args=(q,), name=f"tingfeng-{qname}", daemon=True)
        t.start()
        self._threads.append(t)

    def submit(self, name: str, **kwargs: Any) -> None:
        self._queue(self._queue_of(name)).put((name, kwargs))

    def submit_later(self, name: str, delay: float, **kwargs: Any) -> None:
        def fire() -> None:
            if not self._stop.is_set():
                self.submit(name, **kwargs)  # queued before the timer is forgotten: join() sees one or the other
            with self._lock:
                self._timers.discard(timer)

        timer = threading.Timer(max(0.0, delay), fire)
        timer.daemon = True
        with self._lock:
            self._timers.add(timer)
            self.delayed += 1
        timer.start()

    def every(self, name: str, seconds: float, **kwargs: Any) -> None:
        self._periodic.append((name, seconds, kwargs))

    def start(self) -> None:
        with self._lock:
            self._started = True
            for qname, q in self._queues.items():
                self._spawn(qname, q)
        for name, secs, kw in self._periodic:
            p = threading.Thread(target=self._tick, args=(name, secs, kw), name=f"tick-{name}", daemon=True)
            p.start()
            self._threads.append(p)

    def _tick(self, name: str, secs: float, kw: dict) -> None:
        while not self._stop.wait(secs):
            self.submit(name, **kw)

    def _work(self, q: queue.Queue) -> None:
        while not self._stop.is_set():
            item = q.get()
            if item is None:
                q.task_done()
                break
            name, kw = item
            try:
                self._run(name, kw)
                self.completed += 1
            except Exception:
                self.failures += 1
                log.exception("任务 %s 执行失败", name)
            finally:
                q.task_done()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every submitted task has run, including tasks they submit and tasks
        submitted for later (tests, demo)."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                queues = list(self._queues.values())
                waiting = len(self._timers)
            if not waiting and all(q.unfinished_tasks == 0 for q in queues):
                return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            for t in self._timers:
                t.cancel()
            if self._timers:
                log.warning("停止时仍有 %d 个待重试的任务，未执行", len(self._timers))
            self._timers.clear()
            for q in self._queues.values():
                q.put(None)


class CeleryQueue:
    """Distributed mode: tasks go to Redis; workers run the same functions (tingfeng.celery_app)."""

    def __init__(self, celery_app: Any) -> None:
        self._app = celery_app

    def submit(self, name: str, **kwargs: Any) -> None:
        from tingfeng.tasks import QUEUES

        self._app.send_task(name, kwargs=kwargs, queue=QUEUES.get(name, "celery"))

    def submit_later(self, name: str, delay: float, **kwargs: Any) -> None:
        from tingfeng.tasks import QUEUES

        # an ETA message: the worker holds it unacknowledged until due (redelivered if lost)
        self._app.send_task(name, kwargs=kwargs, queue=QUEUES.get(name, "celery"), countdown=delay)

    def every(self, name: str, seconds: float, **kwargs: Any) -> None:
        # periodic work is declared in the beat schedule (tingfeng.celery_app)
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass
