"""Typed settings read from the environment (prefix ``TINGFENG_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.errors import InsecureSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_MARK = "change-me"
# refused in production while they still hold a placeholder (an empty optional secret is fine)
SECRETS = ("secret_key", "admin_password", "smtp_password", "webhook_secret")


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
    # the learned same-event link (analysis/event_link.json) gives a post that no open event
    # matches by text a second chance in the service's event list; off = text matching alone
    event_link: bool = True
    secret_key: str = "change-me-dev-secret"
    admin_password: str = "change-me-admin"
    # login and roles for the API and console: auto = on in production, off otherwise
    auth: Literal["auto", "on", "off"] = "auto"
    users_file: Path | None = None  # YAML or JSON list of users (`tingfeng user set`); admin is built in
    session_hours: float = Field(12.0, gt=0, le=24 * 30)
    # alert e-mail (empty host = no e-mail); login when a username is set, STARTTLS on request
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_sender: str = "tingfeng@yunling.example"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ca_file: str = ""  # PEM bundle to trust for STARTTLS (a county's own CA); empty = system CAs
    # alert webhook (empty = off); with a secret each body is signed (X-Tingfeng-Signature)
    webhook_url: str = ""
    webhook_secret: str = ""
    # a failed send is retried this many times, waiting notify_retry_seconds, then twice as long each time
    notify_retries: int = Field(3, ge=0, le=10)
    notify_retry_seconds: float = Field(30.0, ge=0)
    console_url: str = ""  # the console's address in notifications; empty = http://host:port
    host: str = "127.0.0.1"
    port: int = 8000
    obligation_check_seconds: int = 60
    event_window_hours: int = 72
    log_level: str = "INFO"

    @field_validator("users_file", mode="before")
    @classmethod
    def _empty_users_file_is_none(cls, v: object) -> object:
        return None if v == "" else v

    def check_production(self) -> None:
        """Refuse to run in production with placeholder secrets or SQLite."""
        if self.env != "production":
            return
        problems = []
        for name in SECRETS:
            if PLACEHOLDER_MARK in getattr(self, name):
                problems.append(f"TINGFENG_{name.upper()} 仍是示例占位值")
        if self.auth == "off":
            problems.append("TINGFENG_AUTH=off：生产模式必须启用登录认证")
        if self.smtp_host and self.smtp_username and not self.smtp_password:
            problems.append("设置了 TINGFENG_SMTP_USERNAME 却没有 TINGFENG_SMTP_PASSWORD")
        if problems:
            raise InsecureSettings("生产模式拒绝启动：" + "；".join(problems))

    @property
    def auth_enabled(self) -> bool:
        """Whether the API asks for a login: TINGFENG_AUTH, or by default only in production."""
        return self.auth == "on" or (self.auth == "auto" and self.env == "production")

    @property
    def public_console_url(self) -> str:
        """Where a department head opens the console from a notification."""
        return (self.console_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
