"""Notification channels. Each registers itself; ``build_channels`` asks every registered
channel whether the settings switch it on.

Webhook signature (when ``TINGFENG_WEBHOOK_SECRET`` is set): the request carries
``X-Tingfeng-Timestamp`` (Unix seconds) and ``X-Tingfeng-Signature: sha256=<hex>``, the
HMAC-SHA256 under the secret of ``<timestamp>.`` followed by the raw request body. A
receiver recomputes it over the bytes it received, compares in constant time and rejects
old timestamps (see :func:`signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx

from alerts.errors import DeliveryFailed
from kernel.ports import Notice, Notifier
from kernel.settings import Settings

log = logging.getLogger(__name__)

CHANNELS: dict[str, Any] = {}
SENDER_NAME = "听风舆情监测"
SIGNATURE_HEADER = "X-Tingfeng-Signature"
TIMESTAMP_HEADER = "X-Tingfeng-Timestamp"


def channel(name: str):
    """Register a channel class. It needs ``from_settings(settings) -> instance | None``
    (None: not configured) and ``send(notice)``, raising on failure."""

    def deco(cls):
        CHANNELS[name] = cls
        cls.channel = name
        return cls

    return deco


def build_channels(settings: Settings) -> list[Notifier]:
    """Every registered channel the settings configure, in registration order."""
    out = []
    for cls in CHANNELS.values():
        ch = cls.from_settings(settings)
        if ch is not None:
            out.append(ch)
    return out


@channel("email")
class EmailChannel:
    """Sends mail through an SMTP server: plain, or STARTTLS, with login when a username is set."""

    needs_email = True

    def __init__(self, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, ca_file: str | None = None,
                 timeout: float = 10.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout
        self.ca_file = ca_file

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailChannel | None:
        if not settings.smtp_host:
            return None
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_sender,
                   username=settings.smtp_username or None, password=settings.smtp_password or None,
                   starttls=settings.smtp_starttls, ca_file=settings.smtp_ca_file or None)

    def message(self, notice: Notice) -> EmailMessage:
        if not notice.email:
            raise DeliveryFailed(f"{notice.department_name} 未配置邮箱")
        local, _, domain = self.sender.partition("@")
        msg = EmailMessage()  # default policy: RFC 2047 for the Chinese subject and names, UTF-8 body
        msg["From"] = Address(SENDER_NAME, addr_spec=self.sender)
        msg["To"] = Address(notice.department_name, addr_spec=notice.email)
        msg["Subject"] = notice.subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid("tingfeng", domain=domain or None)
        msg["X-Tingfeng-Event"] = str(notice.event_id)
        if notice.alert_id is not None:
            msg["X-Tingfeng-Alert"] = str(notice.alert_id)
        msg.set_content(notice.body, charset="utf-8")
        return msg

    def send(self, notice: Notice) -> None:
        msg = self.message(notice)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as s:
                if self.starttls:
                    s.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                if self.username:
                    s.login(self.username, self.password or "")
                s.send_message(msg)
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            raise DeliveryFailed(f"邮件服务器拒绝（{exc.smtp_code} {text}）") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            detail = "；".join(f"{rcpt}: {code} {err.decode('utf-8', 'replace')}"
                              for rcpt, (code, err) in exc.recipients.items())
            raise DeliveryFailed(f"邮件服务器拒收收件人（{detail}）") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"邮件发送失败（{self.host}:{self.port}：{exc}）") from exc


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Tingfeng-Signature`` value for a body sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@channel("webhook")
class WebhookChannel:
    """POSTs a JSON message to an HTTP receiver (e.g. a 政务微信/钉钉 gateway), signed when a
    secret is set. Any answer other than 2xx is a failure."""

    needs_email = False

    def __init__(self, url: str, secret: str | None = None, timeout: float = 10.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.url, self.secret, self.timeout, self._clock = url, secret, timeout, clock

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookChannel | None:
        if not settings.webhook_url:
            return None
        if not settings.webhook_secret:
            log.warning("TINGFENG_WEBHOOK_SECRET 未设置：预警推送不带签名，接收端无法验证来源")
        return cls(settings.webhook_url, settings.webhook_secret or None)

    @staticmethod
    def payload(notice: Notice) -> dict[str, Any]:
        return {
            "what": notice.what, "department": notice.department, "department_name": notice.department_name,
            "email": notice.email, "title": notice.subject, "text": notice.body, "event_id": notice.event_id,
            "alert_id": notice.alert_id, "severity": notice.severity, "url": notice.url,
        }

    def send(self, notice: Notice) -> None:
        body = json.dumps(self.payload(notice), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "tingfeng-notify"}
        if self.secret:
            ts = str(int(self._clock()))
            headers[TIMESTAMP_HEADER] = ts
            headers[SIGNATURE_HEADER] = signature(self.secret, ts, body)
        try:
            r = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"推送接口无法访问（{exc}）") from exc
        if not r.is_success:
            raise DeliveryFailed(f"推送接口返回 HTTP {r.status_code}：{r.text[:200]}")
