"""Notification channels. Each registers itself; the service picks by name."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import httpx

log = logging.getLogger(__name__)

CHANNELS: dict[str, Callable[..., Any]] = {}


def channel(name: str):
    def deco(cls):
        CHANNELS[name] = cls
        cls.channel = name
        return cls

    return deco


@channel("email")
class EmailChannel:
    """Sends mail through an SMTP server (plain or STARTTLS)."""

    def __init__(self, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, recipient: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = recipient
        msg["Subject"] = subject
        msg.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as s:
            if self.starttls:
                s.starttls()
            if self.username:
                s.login(self.username, self.password or "")
            s.send_message(msg)


@channel("webhook")
class WebhookChannel:
    """POSTs a JSON message to an HTTP receiver (e.g. a 政务微信/钉钉 gateway)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url, self.timeout = url, timeout

    def send(self, recipient: str, subject: str, body: str) -> None:
        r = httpx.post(self.url, json={"to": recipient, "title": subject, "text": body}, timeout=self.timeout)
        r.raise_for_status()
