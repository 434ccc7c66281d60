"""Errors raised by the kernel. Each carries a stable ``code`` and a Chinese message."""

from __future__ import annotations


class TingfengError(Exception):
    """Base class: ``code`` is stable for API clients, ``message`` is shown to users."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidPost(TingfengError):
    """Raised by :func:`kernel.domain.posts.parse_post` when a record breaks the post contract."""

    code = "invalid_post"
    http_status = 422


class ConfigError(TingfengError):
    """Raised when the taxonomy / county configuration is missing or inconsistent."""

    code = "config_error"
    http_status = 500


class NotFound(TingfengError):
    """Raised by services when an entity id does not exist."""

    code = "not_found"
    http_status = 404


class UnknownDepartment(TingfengError):
    """Raised when a department code is not in the configured county."""

    code = "unknown_department"
    http_status = 422


class InvalidTransition(TingfengError):
    """Raised when an alert/obligation change is not allowed in its current state."""

    code = "invalid_transition"
    http_status = 409


class InvalidGrade(TingfengError):
    """Raised when an analyst's grading names no valid grade (I–IV) or gives no reason."""

    code = "invalid_grade"
    http_status = 422


class InsecureSettings(TingfengError):
    """Raised at start-up when production mode still uses placeholder secrets."""

    code = "insecure_settings"
    http_status = 500


class Unauthorized(TingfengError):
    """Raised when a request needs a login and has no valid session, or a login fails."""

    code = "unauthorized"
    http_status = 401


class Forbidden(TingfengError):
    """Raised when the logged-in user's role may not do what the request asks."""

    code = "forbidden"
    http_status = 403


class TooManyAttempts(TingfengError):
    """Raised when a username is locked out for a while after repeated failed logins."""

    code = "too_many_attempts"
    http_status = 429
