"""Users, password hashes, signed session tokens and login throttling (stdlib only).

* Passwords are stored as ``pbkdf2_sha256$<iterations>$<salt>$<hash>`` (salt and hash in
  URL-safe base64), never in plain text.
* A session token is ``v1.<username, base64>.<expiry, unix seconds>.<signature, hex>``; the
  signature is HMAC-SHA256 under ``secret_key`` over the first three parts and the user's
  credential fingerprint, so changing a password ends that user's sessions.
* The built-in ``admin`` logs in with ``TINGFENG_ADMIN_PASSWORD``; other users come from the
  users file (YAML or JSON), re-read whenever it changes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kernel.errors import ConfigError, TooManyAttempts, Unauthorized

log = logging.getLogger(__name__)

ROLES = {"analyst": "分析研判人员", "leader": "领导", "department": "部门用户", "admin": "系统管理员"}
ADMIN = "admin"
HASH_SCHEME = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000
MIN_PASSWORD_LENGTH = 8
TOKEN_VERSION = "v1"
# lockout: after this many failures in a row a username waits BASE seconds, doubling, at most MAX
LOCK_AFTER = 5
LOCK_BASE_SECONDS = 30.0
LOCK_MAX_SECONDS = 900.0


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """A salted PBKDF2-SHA256 hash of ``password`` in the users file's format."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{HASH_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the stored hash (constant-time compare)."""
    try:
        scheme, iterations, salt, digest = encoded.split("$")
        if scheme != HASH_SCHEME:
            return False
        expected = _unb64(digest)
        got = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when a username is unknown, so that a miss takes as long as a wrong password."""
    return hash_password("tingfeng-dummy", salt=b"\0" * 16)


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    department: str | None = None
    password_hash: str = ""

    @property
    def actor(self) -> str:
        """How the user is named in the audit trail: display name and username."""
        if self.display_name and self.display_name != self.username:
            return f"{self.display_name}（{self.username}）"
        return self.username

    def to_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"username": self.username, "display_name": self.display_name, "role": self.role}
        if self.department:
            rec["department"] = self.department
        rec["password_hash"] = self.password_hash
        return rec


def check_user(username: str, role: str, department: str | None, units: set[str] | None) -> None:
    """Refuse a user definition that cannot work (Chinese message)."""
    if not username or any(c.isspace() for c in username) or len(username) > 64:
        raise ConfigError(f"用户名不合法：{username!r}（1–64 个字符，不含空白）")
    if role not in ROLES:
        raise ConfigError(f"用户 {username} 的角色 {role!r} 不存在，可选：{'、'.join(ROLES)}")
    if role == "department":
        if not department:
            raise ConfigError(f"用户 {username} 的角色为 department，必须指定部门代码")
        if units is not None and department not in units:
            raise ConfigError(f"未知部门代码：{department}（参考配置中没有这个部门或乡镇）")
    elif department:
        raise ConfigError(f"只有 department 角色的用户才指定部门（用户 {username} 的角色为 {role}）")


def _read_records(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    if data is None:
        return []
    if isinstance(data, dict):
        data = data.get("users") or []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ConfigError(f"用户文件格式不正确：{path}（应为用户列表，或含 users 列表的对象）")
    return data


def load_users(path: Path, units: set[str] | None = None) -> dict[str, User]:
    """The users of a users file, checked; ``units`` are the known department codes."""
    if not path.is_file():
        raise ConfigError(f"用户文件不存在：{path}（用 tingfeng user set 创建）")
    users: dict[str, User] = {}
    for rec in _read_records(path):
        username = str(rec.get("username") or "").strip()
        role = str(rec.get("role") or "")
        department = rec.get("department") or None
        check_user(username, role, department, units)
        if username == ADMIN:
            raise ConfigError("用户文件不能定义 admin：内置管理员的密码由 TINGFENG_ADMIN_PASSWORD 设置")
        if username in users:
            raise ConfigError(f"用户文件中用户 {username} 重复")
        pw = str(rec.get("password_hash") or "")
        if not pw.startswith(HASH_SCHEME + "$"):
            raise ConfigError(f"用户 {username} 缺少密码哈希（必须是 {HASH_SCHEME}，不能存放明文密码）")
        users[username] = User(username, str(rec.get("display_name") or username), role, department, pw)
    return users


def save_user(path: Path, user: User) -> bool:
    """Add or replace ``user`` in the users file (created if missing, readable by its owner
    only). Whether the user already existed."""
    records = _read_records(path) if path.is_file() else []
    existed = any(r.get("username") == user.username for r in records)
    records = [r for r in records if r.get("username") != user.username] + [user.to_record()]
    if path.suffix.lower() == ".json":
        text = json.dumps({"users": records}, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.safe_dump({"users": records}, allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return existed


class LoginThrottle:
    """Per-username backoff: after LOCK_AFTER failures in a row, the next try must wait
    LOCK_BASE_SECONDS, doubling with each further failure up to LOCK_MAX_SECONDS."""

    def __init__(self) -> None:
        self._fails: dict[str, tuple[int, float]] = {}  # username -> (failures, locked until)
        self._lock = threading.Lock()

    def check(self, username: str, now: float) -> None:
        with self._lock:
            _, until = self._fails.get(username, (0, 0.0))
        if until > now:
            raise TooManyAttempts(f"登录失败次数过多，请 {int(until - now) + 1} 秒后再试")

    def failed(self, username: str, now: float) -> int:
        with self._lock:
            count, _ = self._fails.get(username, (0, 0.0))
            count += 1
            until = 0.0
            if count >= LOCK_AFTER:
                until = now + min(LOCK_MAX_SECONDS, LOCK_BASE_SECONDS * 2 ** (count - LOCK_AFTER))
            if len(self._fails) > 10_000:  # bound memory under a spray of made-up names
                self._fails.clear()
            self._fails[username] = (count, until)
            return count

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._fails.pop(username, None)


class Authenticator:
    """Who may log in, and the signed session tokens that prove it."""

    def __init__(self, *, secret_key: str, admin_password: str, users_file: Path | None,
                 units: set[str], session_seconds: float) -> None:
        self._key = secret_key.encode("utf-8")
        self._admin = User(ADMIN, ROLES["admin"], "admin", None, "")
        self._admin_password = admin_password
        self._users_file = users_file
        self._units = units
        self._users: dict[str, User] = {}
        self._mtime: float | None = None
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()
        self.session_seconds = session_seconds
        self.throttle = LoginThrottle()
        self._reload(strict=True)

    # -- users ------------------------------------------------------------------------------
    def _reload(self, strict: bool = False) -> None:
        if self._users_file is None:
            return
        try:
            mtime = self._users_file.stat().st_mtime
        except FileNotFoundError:
            mtime = None
        if mtime is not None and mtime == self._mtime:
            return
        with self._lock:
            if mtime is None:
                if self._mtime is not None or not self._users:
                    log.warning("用户文件不存在：%s，目前只有内置管理员 admin 可以登录", self._users_file)
                self._users, self._mtime = {}, None
                return
            try:
                self._users = load_users(self._users_file, self._units)
            except ConfigError as exc:
                if strict:
                    raise
                log.error("用户文件有误，继续使用上次载入的用户：%s", exc.message)
            self._mtime = mtime
            log.info("已载入用户文件 %s：%d 个用户", self._users_file, len(self._users))

    def user(self, username: str) -> User | None:
        if username == ADMIN:
            return self._admin
        self._reload()
        return self._users.get(username)

    def _fingerprint(self, user: User) -> bytes:
        secret = self._admin_password if user.username == ADMIN else user.password_hash
        return hashlib.sha256(secret.encode("utf-8")).digest()

    # -- login ------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str, now: float | None = None) -> User:
        """The user whose credentials these are; Unauthorized (logged) otherwise."""
        now = time.time() if now is None else now
        self.throttle.check(username, now)
        user = self.user(username)
        if user is None:
            verify_password(password, _dummy_hash())
            ok = False
        elif user.username == ADMIN:
            ok = hmac.compare_digest(hashlib.sha256(password.encode("utf-8")).digest(),
                                     hashlib.sha256(self._admin_password.encode("utf-8")).digest())
        else:
            ok = verify_password(password, user.password_hash)
        if user is None or not ok:
            count = self.throttle.failed(username, now)
            log.warning("登录失败：用户名 %r（连续第 %d 次）", username, count)
            raise Unauthorized("用户名或密码错误", code="login_failed")
        self.throttle.succeeded(username)
        log.info("用户 %s 登录", username)
        return user

    # -- session tokens ---------------------------------------------------------------------
    def _sign(self, payload: str, user: User) -> str:
        return hmac.new(self._key, payload.encode("ascii") + b"|" + self._fingerprint(user), hashlib.sha256).hexdigest()

    def issue(self, user: User, now: float | None = None) -> tuple[str, int]:
        """A session token for ``user`` and its expiry (unix seconds)."""
        now = time.time() if now is None else now
        expiry = int(now + self.session_seconds)
        payload = f"{TOKEN_VERSION}.{_b64(user.username.encode('utf-8'))}.{expiry}"
        return f"{payload}.{self._sign(payload, user)}", expiry

    def verify(self, token: str | None, now: float | None = None) -> User | None:
        """The user a token names, when its signature is right and it has not expired."""
        if not token:
            return None
        now = time.time() if now is None else now
        try:
            version, name, expiry_s, sig = token.split(".")
            username = _unb64(name).decode("utf-8")
            expiry = int(expiry_s)
        except (ValueError, UnicodeDecodeError):
            return None
        if version != TOKEN_VERSION or expiry <= now:
            return None
        user = self.user(username)
        if user is None:
            return None
        if not hmac.compare_digest(self._sign(f"{version}.{name}.{expiry_s}", user), sig):
            return None
        if token in self._revoked:
            return None
        return user

    def revoke(self, token: str | None, now: float | None = None) -> None:
        """End a session before its expiry (this process only; see README)."""
        if not token:
            return
        now = time.time() if now is None else now
        with self._lock:
            self._revoked = {t: e for t, e in self._revoked.items() if e > now}
            try:
                self._revoked[token] = float(token.split(".")[2])
            except (IndexError, ValueError):
                pass


# -- what each role may do -----------------------------------------------------------------
def may_grade(user: User) -> bool:
    return user.role in ("analyst", "leader", "admin")


def may_act_on_alert(user: User, lead_department: str) -> bool:
    return user.role in ("analyst", "leader", "admin") or (
        user.role == "department" and user.department == lead_department)


def may_ingest(user: User) -> bool:
    return user.role in ("analyst", "admin")
