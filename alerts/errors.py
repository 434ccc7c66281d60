"""Errors of the alerts package."""

from __future__ import annotations

from kernel.errors import TingfengError


class DeliveryFailed(TingfengError):
    """Raised by a notification channel when its message did not reach the receiver
    (SMTP refusal or connection error, webhook answering non-2xx or unreachable).
    The notification service records it as ``notification.failed`` and retries."""

    code = "delivery_failed"
    http_status = 502
