"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine); check what can be checked."""

import re

import yaml

from kernel.settings import Settings
from tests.conftest import REPO


def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_the_distributed_services():
    services = compose()["services"]
    assert {"postgres", "redis", "api", "worker", "beat", "migrate"} <= set(services)
    for name in ("api", "worker", "beat", "migrate"):
        assert services[name]["environment"]["TINGFENG_TASK_BACKEND"] == "celery"


def test_compose_commands_name_real_commands():
    from typer.main import get_command

    from tingfeng.cli import app

    cli_commands = set(get_command(app).commands)
    services = compose()["services"]
    for name in ("api", "migrate"):
        cmd = services[name]["command"]
        assert cmd[0] == "tingfeng" and cmd[1] in cli_commands, cmd
    for name in ("worker", "beat"):
        cmd = services[name]["command"]
        assert cmd[:3] == ["celery", "-A", "tingfeng.celery_app"]
    import importlib

    mod = importlib.import_module("tingfeng.celery_app")
    registered = set(mod.celery_app.tasks)
    for entry in mod.celery_app.conf.beat_schedule.values():
        assert entry["task"] in registered
    queues = services["worker"]["command"][services["worker"]["command"].index("-Q") + 1].split(",")
    from tingfeng.tasks import QUEUES

    assert set(QUEUES.values()) <= set(queues)


def test_compose_environment_names_real_settings_and_no_secrets():
    fields = {f"TINGFENG_{k.upper()}" for k in Settings.model_fields}
    env = compose()["x-tingfeng-env"]
    for key, value in env.items():
        assert key in fields, f"{key} 不是 Settings 的字段"
        if any(s in key for s in ("SECRET", "PASSWORD")):
            # required ones must be set (${X:?…}); optional ones default to empty (${X:-}), never to a value
            assert str(value).startswith("${") and (":?" in str(value) or str(value).endswith(":-}")), \
                f"{key} 必须来自环境变量"


def test_dockerfile_copies_existing_folders():
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    for src in re.findall(r"^COPY (\S+)", text, flags=re.M):
        assert (REPO / src).exists(), f"Dockerfile 复制的 {src} 不存在"
