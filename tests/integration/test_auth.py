"""Login, sessions and roles (TINGFENG_AUTH=on) over a demo-loaded database."""

import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.auth import COOKIE
from kernel.auth import LOCK_AFTER, User, hash_password, load_users, save_user, verify_password
from tingfeng.demo import load_demo

ADMIN_PW = "adm-4f1c9e27"
PW = "pw-7d2e5a91"


@pytest.fixture(scope="module")
def tf(tmp_path_factory, spec_dir):
    from tests.conftest import make_settings
    from tingfeng.bootstrap import bootstrap

    tmp = tmp_path_factory.mktemp("auth")
    users = tmp / "users.yaml"
    fast = hash_password(PW, iterations=2_000)  # the format is the same; fewer rounds keep the test quick
    for u in (User("fenxi", "分析员李四", "analyst", None, fast), User("yjj", "应急局王五", "department", "yj", fast),
              User("lingdao", "赵县长", "leader", None, fast)):
        save_user(users, u)
    app = bootstrap(make_settings(f"sqlite:///{tmp / 'auth.db'}", spec_dir, auth="on", admin_password=ADMIN_PW,
                                  secret_key="k-" + "9" * 30, users_file=users))
    load_demo(app)
    yield app
    app.close()


@pytest.fixture
def client(tf):
    with TestClient(create_app(tf)) as c:
        yield c


def login(client, username, password=PW):
    return client.post("/api/login", json={"username": username, "password": password})


def test_without_a_session_only_health_and_the_console_files_answer(client):
    assert client.get("/api/health").status_code == 200
    assert client.get("/").status_code == 200 and client.get("/static/console.js").status_code == 200
    for path in ("/api/stats", "/api/config", "/api/events", "/api/alerts", "/api/me", "/api/audit"):
        r = client.get(path)
        assert r.status_code == 401 and r.json()["code"] == "unauthorized" and "登录" in r.json()["message"], path
    r = client.post("/api/events/1/grade", json={"grade": "II", "reason": "x", "actor": "冒名者"})
    assert r.status_code == 401


def test_login_sets_a_strict_httponly_cookie_and_me_names_the_user(client):
    r = login(client, "admin", ADMIN_PW)
    assert r.status_code == 200 and r.json()["role"] == "admin"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(COOKIE + "=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    me = client.get("/api/me").json()
    assert me["auth"] and me["username"] == "admin" and me["expires_at"] > time.time() + 11 * 3600
    assert client.get("/api/stats").status_code == 200
    assert client.post("/api/logout").status_code == 200
    assert client.get("/api/stats").status_code == 401


def test_a_logged_out_token_is_refused_even_if_replayed(client):
    login(client, "fenxi")
    token = client.cookies[COOKIE]
    client.post("/api/logout")
    client.cookies.set(COOKIE, token)
    assert client.get("/api/stats").status_code == 401


def test_wrong_credentials_are_refused_in_chinese_and_logged(client, caplog):
    for user, pw in (("admin", "nope"), ("fenxi", "wrong-pass"), ("nobody", PW)):
        r = login(client, user, pw)
        assert r.status_code == 401 and r.json()["message"] == "用户名或密码错误"
        assert COOKIE not in r.cookies
    assert any("登录失败" in m and "nobody" in m for m in caplog.messages)


def test_repeated_failures_lock_the_username_for_a_while(tf):
    with TestClient(create_app(tf)) as c:
        for _ in range(LOCK_AFTER):
            assert login(c, "lingdao", "wrong-pass").status_code == 401
        r = login(c, "lingdao")  # even the right password waits now
        assert r.status_code == 429 and "秒后再试" in r.json()["message"]
        assert login(c, "fenxi").status_code == 200  # other users are not affected


def test_tampered_forged_and_expired_tokens_are_refused(tf, client):
    authn = client.app.state.authenticator
    analyst = authn.user("fenxi")
    token, _ = authn.issue(analyst)
    version, name, expiry, sig = token.split(".")
    admin_name = authn.issue(authn.user("admin"))[0].split(".")[1]
    bad = [
        f"{version}.{admin_name}.{expiry}.{sig}",  # someone else's name under this signature
        f"{version}.{name}.{int(expiry) + 86400}.{sig}",  # a later expiry
        f"{version}.{name}.{expiry}.{sig[:-1]}{'0' if sig[-1] != '0' else '1'}",  # signature altered
        authn.issue(analyst, now=time.time() - 13 * 3600)[0],  # issued 13 hours ago: expired
        "garbage",
    ]
    from kernel.auth import Authenticator

    other = Authenticator(secret_key="another-key-" + "1" * 20, admin_password=ADMIN_PW, users_file=None,
                          units=set(), session_seconds=3600)
    bad.append(other.issue(other.user("admin"))[0])  # signed with another key
    for t in bad:
        client.cookies.set(COOKIE, t)
        assert client.get("/api/stats").status_code == 401, t
    client.cookies.set(COOKIE, token)
    assert client.get("/api/stats").status_code == 200


def _open_alert(client, department=None, other_than=None):
    items = client.get("/api/alerts?status=open&limit=500").json()["items"]
    return next(a for a in items if (department is None or a["department"] == department)
                and (other_than is None or a["department"] != other_than))


def test_a_department_user_acts_only_on_its_own_alerts_and_is_named_in_the_audit(client):
    login(client, "yjj")
    me = client.get("/api/me").json()
    assert me["role"] == "department" and me["department"] == "yj" and me["can"]["grade"] is False
    foreign = _open_alert(client, other_than="yj")
    for action, body in (("acknowledge", {}), ("close", {"note": "已处置"}),
                         ("fulfil", {"kind": "response", "evidence_url": "https://x.example/1"})):
        r = client.post(f"/api/alerts/{foreign['id']}/{action}", json=body)
        assert r.status_code == 403 and r.json()["code"] == "forbidden" and "无权处理此预警" in r.json()["message"]
    assert client.get(f"/api/alerts/{foreign['id']}").json()["status"] == "open"
    # its own department's alert: allowed, and the audit names the logged-in user, not the body's actor
    own = _open_alert(client, department="yj")
    r = client.post(f"/api/alerts/{own['id']}/acknowledge", json={"actor": "县长本人"})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = client.post(f"/api/alerts/{own['id']}/close", json={"note": "已回应并处置完毕"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    audit = client.get("/api/audit", params={"entity": "alert", "entity_id": str(own["id"])}).json()
    acts = {a["action"]: a["actor"] for a in audit}
    assert acts["alert.acknowledged"] == "应急局王五（yjj）" and acts["alert.closed"] == "应急局王五（yjj）"
    assert "县长本人" not in str(audit)


def test_grading_needs_an_analyst_leader_or_admin(client):
    quiet = client.get("/api/events?severity=IV&status=open&limit=5")
    assert quiet.status_code == 401
    login(client, "yjj")
    event = client.get("/api/events?severity=IV&status=open&limit=5").json()["items"][0]
    r = client.post(f"/api/events/{event['id']}/grade", json={"grade": "III", "reason": "会商研判"})
    assert r.status_code == 403 and "无权定级" in r.json()["message"]
    assert client.post("/api/posts", json={"posts": []}).status_code == 403
    login(client, "fenxi")
    r = client.post(f"/api/events/{event['id']}/grade", json={"grade": "III", "reason": "会商研判：影响扩大",
                                                              "actor": "别人"})
    assert r.status_code == 200 and r.json()["manual_severity"] == "III"
    assert r.json()["graded_by"] == "分析员李四（fenxi）"
    audit = client.get("/api/audit", params={"entity": "event", "entity_id": str(event["id"])}).json()
    assert any(a["action"] == "event.graded" and a["actor"] == "分析员李四（fenxi）" for a in audit)


def test_a_leader_may_act_on_any_alert(client):
    login(client, "lingdao")
    alert = _open_alert(client, other_than="yj")
    r = client.post(f"/api/alerts/{alert['id']}/acknowledge", json={})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"


def test_a_changed_password_ends_the_users_sessions(tmp_path):
    from kernel.auth import Authenticator

    path = tmp_path / "users.json"
    save_user(path, User("a1", "甲", "analyst", None, hash_password("first-pass", iterations=1000)))
    authn = Authenticator(secret_key="k" * 32, admin_password=ADMIN_PW, users_file=path, units={"yj"},
                          session_seconds=3600)
    token, _ = authn.issue(authn.authenticate("a1", "first-pass"))
    assert authn.verify(token).username == "a1"
    time.sleep(0.01)
    save_user(path, User("a1", "甲", "analyst", None, hash_password("second-pass", iterations=1000)))
    import os

    os.utime(path, (time.time() + 5, time.time() + 5))  # a new mtime even on coarse clocks
    assert authn.verify(token) is None
    assert authn.authenticate("a1", "second-pass").username == "a1"


def test_cli_sets_a_user_with_a_salted_pbkdf2_hash_and_refuses_unknown_departments(tmp_path, spec_dir,
                                                                                    monkeypatch):
    from tingfeng.cli import app

    monkeypatch.setenv("TINGFENG_SPEC_DIR", str(spec_dir))
    path = tmp_path / "users.yaml"
    runner = CliRunner()
    r = runner.invoke(app, ["user", "set", "wang", "--role", "department", "--department", "yj", "--name", "王五",
                            "--file", str(path), "--password-stdin"], input="s3cret-pass\n")
    assert r.exit_code == 0, r.output
    text = path.read_text(encoding="utf-8")
    assert "s3cret-pass" not in text and "pbkdf2_sha256$600000$" in text
    [user] = load_users(path, {"yj"}).values()
    assert (user.username, user.display_name, user.role, user.department) == ("wang", "王五", "department", "yj")
    assert verify_password("s3cret-pass", user.password_hash) and not verify_password("s3cret-pasS", user.password_hash)
    # the same password twice gives different hashes (salted)
    assert hash_password("x", iterations=1000) != hash_password("x", iterations=1000)
    r = runner.invoke(app, ["user", "set", "li", "--role", "department", "--department", "nosuch",
                            "--file", str(path), "--password-stdin"], input="s3cret-pass\n")
    assert r.exit_code == 2 and "未知部门代码：nosuch" in r.output
    r = runner.invoke(app, ["user", "set", "li", "--role", "boss", "--file", str(path), "--password-stdin"],
                      input="s3cret-pass\n")
    assert r.exit_code == 2 and "角色" in r.output
    assert list(load_users(path)) == ["wang"]


def test_auth_defaults_on_in_production_and_production_refuses_placeholders_or_auth_off(tmp_path, spec_dir):
    from kernel.errors import InsecureSettings
    from kernel.settings import Settings

    assert not Settings(env="development").auth_enabled
    assert Settings(env="development", auth="on").auth_enabled
    real = {"secret_key": "s-" + "3" * 30, "admin_password": ADMIN_PW, "smtp_host": ""}
    assert Settings(env="production", **real).auth_enabled
    Settings(env="production", **real).check_production()
    with pytest.raises(InsecureSettings, match="TINGFENG_ADMIN_PASSWORD"):
        Settings(env="production", **(real | {"admin_password": "change-me-admin"})).check_production()
    with pytest.raises(InsecureSettings, match="TINGFENG_AUTH"):
        Settings(env="production", auth="off", **real).check_production()


def test_with_auth_off_the_api_is_open_and_the_body_names_the_actor(tmp_path, spec_dir, caplog):
    from tests.conftest import make_settings
    from tingfeng.bootstrap import bootstrap

    app = bootstrap(make_settings(f"sqlite:///{tmp_path / 'off.db'}", spec_dir))
    try:
        with caplog.at_level("WARNING"), TestClient(create_app(app)) as c:
            assert c.get("/api/me").json() == {"auth": False}
            assert c.get("/api/stats").status_code == 200
            r = c.post("/api/login", json={"username": "admin", "password": "change-me-admin"})
            assert r.status_code == 400 and "未启用登录认证" in r.json()["message"]
        assert any("未启用登录认证" in m for m in caplog.messages)
    finally:
        app.close()
