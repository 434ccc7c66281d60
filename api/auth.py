"""Login, sessions and role checks for the API (TINGFENG_AUTH; see README, *Login and roles*).

With auth on, every ``/api`` route but ``/api/health`` and ``/api/login`` needs the session
cookie set by ``POST /api/login``; the console's static files stay public. With auth off
nothing here changes a request: writes name their ``actor`` in the body, as before.
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kernel.auth import ROLES, Authenticator, User, may_act_on_alert, may_grade, may_ingest
from kernel.domain.routing import unit_name
from kernel.errors import Forbidden, TingfengError
from tingfeng.bootstrap import App

log = logging.getLogger(__name__)
COOKIE = "tingfeng_session"
PUBLIC_API = {"/api/health", "/api/login", "/api/logout"}


class LoginIn(BaseModel):
    username: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=256)


class MissingActor(TingfengError):
    code = "invalid_request"
    http_status = 422


def build_authenticator(tf: App, units: set[str]) -> Authenticator | None:
    s = tf.settings
    if not s.auth_enabled:
        log.warning("未启用登录认证（TINGFENG_AUTH=%s，环境 %s）：任何能访问此端口的人都能以任意姓名操作，"
                    "仅适用于本机演示；生产模式必须启用", s.auth, s.env)
        return None
    authn = Authenticator(secret_key=s.secret_key, admin_password=s.admin_password, users_file=s.users_file,
                          units=units, session_seconds=s.session_hours * 3600)
    log.info("已启用登录认证：会话有效期 %.0f 小时，用户文件 %s", s.session_hours, s.users_file or "（未设置，仅 admin）")
    return authn


def current_user(request: Request) -> User | None:
    """The logged-in user; None when auth is off."""
    return getattr(request.state, "user", None)


def actor_of(request: Request, body_actor: str | None) -> str:
    """Who the audit trail names: the logged-in user when auth is on (the body's ``actor`` is
    ignored), else the body's ``actor``, which is then required."""
    user = current_user(request)
    if user is not None:
        if body_actor and body_actor != user.actor:
            log.info("忽略请求体中的 actor=%r，记录为登录用户 %s", body_actor, user.actor)
        return user.actor
    if not body_actor:
        request.app.state.rejected_requests += 1
        raise MissingActor("请求参数不合法：actor：缺少操作人（actor）")
    return body_actor


def require_grade(request: Request, action: str = "定级") -> None:
    """Grading an event, or correcting its grouping (``action`` names it): the 会商研判 roles."""
    user = current_user(request)
    if user is not None and not may_grade(user):
        what = "人工定级" if action == "定级" else action
        raise Forbidden(f"无权{action}：{what}只限分析研判人员、领导和管理员（您的角色：{ROLES[user.role]}）")


def require_alert_action(request: Request, tf: App, lead_department: str) -> None:
    user = current_user(request)
    if user is not None and not may_act_on_alert(user, lead_department):
        lead = unit_name(tf.reference.county, lead_department)
        mine = unit_name(tf.reference.county, user.department) if user.department else ROLES[user.role]
        raise Forbidden(f"无权处理此预警：它由{lead}主办，您属于{mine}")


def require_ingest(request: Request) -> None:
    user = current_user(request)
    if user is not None and not may_ingest(user):
        raise Forbidden(f"无权导入帖子：只限分析研判人员和管理员（您的角色：{ROLES[user.role]}）")


def me_dict(tf: App, user: User | None, expires_at: int | None = None) -> dict:
    if user is None:
        return {"auth": False}
    county = tf.reference.county
    return {
        "auth": True,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_name": ROLES[user.role],
        "department": user.department,
        "department_name": unit_name(county, user.department) if user.department else None,
        "expires_at": expires_at,
        "can": {"grade": may_grade(user), "ingest": may_ingest(user),
                "alerts": "own" if user.role == "department" else "all"},
    }


def install(api: FastAPI, tf: App, authn: Authenticator | None) -> None:
    """The session middleware and the login, logout and me routes."""
    api.state.authenticator = authn
    secure = tf.settings.public_console_url.startswith("https://")

    @api.middleware("http")
    async def require_session(request: Request, call_next):  # noqa: ANN001, ANN202
        request.state.user = None
        path = request.url.path
        if authn is not None and (path == "/api" or path.startswith("/api/")) and path not in PUBLIC_API:
            user = authn.verify(request.cookies.get(COOKIE))
            if user is None:
                return JSONResponse({"code": "unauthorized", "message": "请先登录（会话不存在或已过期）"},
                                    status_code=401)
            request.state.user = user
        return await call_next(request)

    @api.post("/api/login", operation_id="login")
    def login(request: Request, body: LoginIn, response: Response) -> dict:
        """登录：用户名和密码正确时设置会话 Cookie（HttpOnly、SameSite=Strict）。"""
        if authn is None:
            raise TingfengError("未启用登录认证（TINGFENG_AUTH=off），无需登录", code="auth_disabled")
        client = request.client.host if request.client else "?"
        try:
            user = authn.authenticate(body.username, body.password)
        except TingfengError:
            log.warning("来自 %s 的登录被拒绝：用户名 %r", client, body.username)
            raise
        token, expiry = authn.issue(user)
        response.set_cookie(COOKIE, token, max_age=int(expiry - time.time()), path="/", httponly=True,
                            samesite="strict", secure=secure)
        return me_dict(tf, user, expiry)

    @api.post("/api/logout", operation_id="logout")
    def logout(request: Request, response: Response) -> dict:
        if authn is not None:
            token = request.cookies.get(COOKIE)
            user = authn.verify(token)
            authn.revoke(token)
            if user is not None:
                log.info("用户 %s 退出登录", user.username)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
        return {"ok": True}

    @api.get("/api/me", operation_id="getMe")
    def me(request: Request) -> dict:
        user = current_user(request)
        expires_at = None
        if user is not None:
            try:
                expires_at = int(request.cookies.get(COOKIE, "").split(".")[2])
            except (IndexError, ValueError):
                expires_at = None
        return me_dict(tf, user, expires_at)
