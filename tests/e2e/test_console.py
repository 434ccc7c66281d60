"""The running app as a person meets it: `tingfeng run` serves the demo, a real browser reads it."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import REPO, SPEC_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    db = tmp_path_factory.mktemp("e2e") / "run.db"
    # the analyzer a user gets by default: the model when `make model` has built it, else rules
    env = dict(os.environ, TINGFENG_DATABASE_URL=f"sqlite:///{db}", TINGFENG_SPEC_DIR=str(SPEC_DIR),
               TINGFENG_SMTP_HOST="", TINGFENG_ANALYZER=os.environ.get("TINGFENG_TEST_ANALYZER", "auto"))
    log = open(tmp_path_factory.mktemp("log") / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "tingfeng", "run", "--port", str(port)], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"tingfeng run 提前退出，日志：{open(log.name, encoding='utf-8', errors='replace').read()[-3000:]}")
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("tingfeng run 在 300 秒内没有就绪")
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def test_run_serves_the_demo_with_events_and_alerts(server):
    from analysis.model.runtime import available

    health = httpx.get(server + "/api/health").json()
    if available() and os.environ.get("TINGFENG_TEST_ANALYZER", "auto") == "auto":
        assert health["analyzer"].startswith("model"), "模型已构建，默认应使用模型分析器"
    stats = httpx.get(server + "/api/stats").json()
    assert stats["posts"] >= 300 and stats["open_events"] > 0 and stats["active_alerts"] > 0


@pytest.mark.browser
def test_console_shows_alerts_with_countdowns_and_event_posts(server, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("未安装 Debian chromium（apt-get install chromium）：跳过浏览器测试")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server + "/")
        page.wait_for_selector("text=最紧迫的预警")
        countdown = page.locator(".countdown").first
        countdown.wait_for()
        first = countdown.inner_text()
        assert first.startswith("剩余") or first.startswith("超时")
        # the clock ticks every second; on a busy 2-core machine give the page a few seconds
        page.wait_for_function(
            "first => document.querySelector('.countdown').innerText !== first",
            arg=first, timeout=10_000,
        )
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        page.click("nav >> text=事件")
        page.wait_for_selector("text=按热度排序")
        page.locator("tr.clickable").first.click()
        page.wait_for_selector(".post")
        assert page.locator(".post").count() >= 1
        assert page.locator("svg.chart").count() >= 1
        # an analyst asks why the first post was judged as it was
        page.locator("button.explain").first.click()
        box = page.locator(".explain-box").first
        box.locator("text=规则与数字").wait_for()
        assert box.locator("ul.rules li").count() >= 1
        analyzer = page.evaluate("fetch('/api/health').then(r => r.json()).then(h => h.analyzer)")
        if analyzer.startswith("model"):
            # the model's part: its labels with confidence, and the words that carried them
            box.locator("text=模型的判断与把握").wait_for()
            assert box.locator("mark").count() >= 1
            # and the two probabilities the grade leans on, as the analyst reads them
            heads = box.locator(".grade-heads .tag")
            assert heads.count() == 2
            assert "重大及以上" in heads.nth(0).inner_text() and "%" in heads.nth(0).inner_text()
            assert "较大及以上" in heads.nth(1).inner_text()
        page.screenshot(path=str(tmp_path / "explain.png"), full_page=True)
        if analyzer.startswith("model"):
            # a post the model thinks may be 重大 but that gives no figures is marked for an analyst
            posts = httpx.get(server + "/api/posts", params={"limit": 500}).json()["items"]
            flagged = [p for p in posts if p.get("score") and p["score"]["explanation"].get("suspected_major")
                       and p.get("event_id")]
            assert flagged, "演示语料中应有模型提示“疑似重大”的帖子"
            page.goto(f"{server}/#/events/{flagged[0]['event_id']}")
            page.locator(".post .tag.warn", has_text="疑似重大").first.wait_for()
            assert flagged[0]["score"]["severity"] in ("III", "IV")
            # an event left at III/IV with such a post says so, in the event list and on its page
            events = httpx.get(server + "/api/events", params={"limit": 100}).json()["items"]
            doubtful = [e for e in events if e["suspected_major"]]
            assert doubtful, "演示语料中应有被标为“疑似重大”的事件"
            assert all(e["severity"] in ("III", "IV") for e in doubtful)
            page.click("nav >> text=事件")
            page.wait_for_selector("text=按热度排序")
            row = page.locator("tr.clickable", has_text=doubtful[0]["title"]).first
            assert row.locator(".tag.warn", has_text="疑似重大").count() == 1
            row.click()
            page.locator("p.tag.warn", has_text="未自动定级").wait_for()
        # a post the learned same-event link put in its event says so, with the link's probability
        events = httpx.get(server + "/api/events", params={"limit": 100}).json()["items"]
        linked = next(e for e in events
                      if any(p["event_link"] for p in httpx.get(f"{server}/api/events/{e['id']}").json()["posts"]))
        page.goto(f"{server}/#/events/{linked['id']}")
        # a hash change re-renders the view; until the new event's page is drawn the old one (which
        # may hold a linked post too) would take the clicks, and its forms vanish with it
        page.locator("h2", has_text=linked["title"][:20]).first.wait_for()
        tag = page.locator(".post .tag.linked").first
        tag.wait_for()
        assert re.fullmatch(r"模型关联归入 (0\.99\d|1\.000)", tag.inner_text().strip())
        assert "关联帖子" in (tag.get_attribute("title") or "")
        # the analyst disagrees and moves that post out into an event of its own
        post = page.locator(".post", has=page.locator(".tag.linked")).first
        post.locator("button.detach").click()
        form = post.locator("form.detach-form")
        form.locator("input[name=actor]").fill("值班分析员")
        form.locator("input[name=reason]").fill("所述为另一件事")
        form.locator("button").click()
        page.wait_for_function(f"!location.hash.endsWith('/events/{linked['id']}')")
        new_id = int(page.evaluate("location.hash").rsplit("/", 1)[1])
        page.locator(".post").first.wait_for()
        moved = httpx.get(f"{server}/api/events/{new_id}").json()
        # the post, and its reposts if it has any in that event
        assert page.locator(".post").count() == len(moved["posts"]) >= 1
        assert page.locator(".post .tag.linked").count() == 0
        left = httpx.get(f"{server}/api/events/{linked['id']}").json()
        assert not {p["id"] for p in moved["posts"]} & {p["id"] for p in left["posts"]}
        # an event's extracted figures are named in Chinese, not by their JSON keys
        counted = next(e for e in events if (e.get("figures") or {}).get("deaths"))
        page.goto(f"{server}/#/events/{counted['id']}")
        page.locator("h2", has_text=counted["title"][:20]).first.wait_for()
        figures = page.locator("p", has_text="提取的数字")
        figures.wait_for()
        assert f"死亡 {counted['figures']['deaths']}" in figures.inner_text()
        assert "deaths" not in figures.inner_text()
        browser.close()


@pytest.mark.browser
def test_an_analyst_grades_an_event_from_its_page_and_the_5h_clock_starts(server):
    if not os.path.exists(CHROMIUM):
        pytest.skip("未安装 Debian chromium（apt-get install chromium）：跳过浏览器测试")
    from playwright.sync_api import sync_playwright

    events = httpx.get(server + "/api/events", params={"severity": "IV", "status": "open", "limit": 100}).json()
    quiet = next(e for e in events["items"] if not httpx.get(f"{server}/api/events/{e['id']}").json()["alerts"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server}/#/events/{quiet['id']}")
        form = page.locator("#grade-form")
        form.wait_for()
        assert page.locator(".grade-current", has_text="系统根据帖子自动判定").count() == 1
        form.locator("select[name=grade]").select_option("II")
        form.locator("input[name=actor]").fill("值班分析员")
        form.locator("button").click()
        # the reason is required: the browser holds the form back
        assert form.locator("input[name=reason]:invalid").count() == 1
        assert page.locator(".grade-current", has_text="系统根据帖子自动判定").count() == 1
        form.locator("input[name=reason]").fill("会商研判：经现场核实已有 12 人遇难")
        form.locator("button").click()
        page.locator(".grade-current", has_text="当前为人工定级").wait_for()
        page.locator("#grade-form .grade-msg", has_text="已定为 II 级").wait_for()
        # the alert with its running 5-hour clock is now on the page
        page.locator("td", has_text="发布权威信息").locator(".countdown").first.wait_for()
        assert page.locator("h2 .sev-II").count() == 1
        browser.close()
    ev = httpx.get(f"{server}/api/events/{quiet['id']}").json()
    assert ev["manual_severity"] == "II" and ev["graded_by"] == "值班分析员"
    [alert] = ev["alerts"]
    assert {o["kind"] for o in alert["obligations"]} == {"authoritative_release", "press_conference"}


@pytest.mark.browser
def test_with_login_on_the_console_asks_for_a_login_and_hides_what_the_role_may_not_do(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("未安装 Debian chromium（apt-get install chromium）：跳过浏览器测试")
    from playwright.sync_api import sync_playwright

    from kernel.auth import User, hash_password, save_user

    tmp = tmp_path_factory.mktemp("e2e-auth")
    users = tmp / "users.yaml"
    save_user(users, User("yjj", "应急局王五", "department", "yj", hash_password("pw-7d2e5a91", iterations=2000)))
    port = free_port()
    env = dict(os.environ, TINGFENG_DATABASE_URL=f"sqlite:///{tmp / 'run.db'}", TINGFENG_SPEC_DIR=str(SPEC_DIR),
               TINGFENG_SMTP_HOST="", TINGFENG_ANALYZER="rules", TINGFENG_AUTH="on",
               TINGFENG_USERS_FILE=str(users), TINGFENG_ADMIN_PASSWORD="adm-4f1c9e27")
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "tingfeng", "run", "--port", str(port)], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert proc.poll() is None, open(log.name, encoding="utf-8", errors="replace").read()[-3000:]
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert httpx.get(base + "/api/stats").status_code == 401
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/")
            form = page.locator("#login-form")
            form.wait_for()
            form.locator("input[name=username]").fill("yjj")
            form.locator("input[name=password]").fill("wrong-pass")
            form.locator("button").click()
            form.locator(".login-msg", has_text="用户名或密码错误").wait_for()
            form.locator("input[name=password]").fill("pw-7d2e5a91")
            form.locator("button").click()
            page.wait_for_selector("text=最紧迫的预警")
            assert "应急局王五" in page.locator("#user").inner_text()
            # a department user may not grade: the event page says so instead of showing the form
            page.click("nav >> text=事件")
            page.wait_for_selector("text=按热度排序")
            page.locator("tr.clickable").first.click()
            page.locator(".grade-denied").wait_for()
            assert page.locator("#grade-form").count() == 0
            page.click("#logout")
            page.locator("#login-form .login-msg", has_text="已退出登录").wait_for()
            assert page.locator("#user").inner_text() == ""
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
