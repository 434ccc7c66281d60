"""Typed settings read from the environment (prefix ``TINGFENG_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.errors import InsecureSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_MARK = "change-me"


def _default_spec_dir() -> Path:
    return (REPO_ROOT.parent / "shared" / "spec").resolve()


class Settings(BaseSettings):
    """All configuration of a tingfeng process.

    The defaults run the embedded mode on a laptop: SQLite under ``./var``,
    the in-process scheduler and the SQLite full-text index.
    """

    model_config = SettingsConfigDict(env_prefix="TINGFENG_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{(REPO_ROOT / 'var' / 'tingfeng.db').as_posix()}"
    spec_dir: Path = Field(default_factory=_default_spec_dir)
    task_backend: Literal["inprocess", "celery", "eager"] = "inprocess"
    redis_url: str = "redis://127.0.0.1:6379/0"
    search_backend: Literal["sqlite", "elasticsearch"] = "sqlite"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    analyzer: Literal["auto", "rules", "model"] = "auto"
    model_dir: Path | None = None
    # fp32: the trained model exactly, on any CPU; int8: ~2x faster, 2–4 % of labels differ
    # from the trained model and depend on the CPU (see analysis/model/onnx_export.py)
    model_precision: Literal["fp32", "int8"] = "fp32"
    secret_key: str = "change-me-dev-secret"
    admin_password: str = "change-me-admin"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_sender: str = "tingfeng@yunling.example"
    host: str = "127.0.0.1"
    port: int = 8000
    obligation_check_seconds: int = 60
    event_window_hours: int = 72
    log_level: str = "INFO"

    def check_production(self) -> None:
        """Refuse to run in production with placeholder secrets or SQLite."""
        if self.env != "production":
            return
        problems = []
        for name in ("secret_key", "admin_password"):
            if PLACEHOLDER_MARK in getattr(self, name):
                problems.append(f"TINGFENG_{name.upper()} 仍是示例占位值")
        if problems:
            raise InsecureSettings("生产模式拒绝启动：" + "；".join(problems))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
