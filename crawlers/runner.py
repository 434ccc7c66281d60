"""Start a crawl in its own process and follow it: used by the ``tingfeng.crawl_source`` task
(embedded scheduler and Celery alike) and by ``tingfeng crawl``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from crawlers.run import EXIT

OUTCOMES = {v: k for k, v in EXIT.items()}


@dataclass
class CrawlResult:
    returncode: int
    summary: dict[str, Any] = field(default_factory=dict)
    log_tail: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return str(self.summary.get("outcome") or OUTCOMES.get(self.returncode, "error"))

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def settings_env(settings: Any) -> dict[str, str]:
    """tingfeng's settings as ``TINGFENG_*`` variables, so the crawl process sees the same
    database, search backend and spec directory as its parent."""
    env: dict[str, str] = {}
    if settings is None:
        return env
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        env[f"TINGFENG_{name.upper()}"] = str(value)
    return env


def crawl_command(
    source: str, *, force: bool = False, overrides: Iterable[str] = (), now: str = ""
) -> list[str]:
    cmd = [sys.executable, "-m", "crawlers.run", source, "--events"]
    if force:
        cmd.append("--force")
    for o in overrides:
        cmd += ["-s", o]
    if now:
        cmd += ["--now", now]
    return cmd


def run_source(
    source: str,
    *,
    settings: Any = None,
    force: bool = False,
    overrides: Iterable[str] = (),
    now: str = "",
    on_event: Callable[[dict], None] | None = None,
    on_log: Callable[[str], None] | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> CrawlResult:
    """Run ``python -m crawlers.run SOURCE`` and wait for it. Progress events go to
    ``on_event``, log lines (stderr) to ``on_log``; the last 200 log lines are kept."""
    full_env = {**os.environ, **settings_env(settings), **(env or {}), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        crawl_command(source, force=force, overrides=overrides, now=now),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
    )
    tail: deque[str] = deque(maxlen=200)

    def pump_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip("\n")
            tail.append(line)
            if on_log is not None:
                on_log(line)

    t = threading.Thread(target=pump_stderr, daemon=True)
    t.start()
    summary: dict[str, Any] = {}
    timer = None
    if timeout:
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "summary":
                summary = event
            elif on_event is not None:
                on_event(event)
        proc.wait()
    finally:
        if timer is not None:
            timer.cancel()
    t.join(timeout=5)
    return CrawlResult(proc.returncode, summary, list(tail))
