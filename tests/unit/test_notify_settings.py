"""Notification settings: which channels they switch on, and the refusal of placeholder
secrets in production."""

import pytest
import yaml

from alerts.channels import EmailChannel, WebhookChannel, build_channels, signature
from kernel.config import load_reference
from kernel.errors import ConfigError, InsecureSettings
from kernel.settings import Settings

REAL = {"secret_key": "k3y-9f1c2e", "admin_password": "pw-71ab0d"}


def settings(**kw):
    return Settings(_env_file=None, **kw)


def test_channels_follow_the_settings():
    assert build_channels(settings(smtp_host="", webhook_url="")) == []
    [mail] = build_channels(settings(smtp_host="mail.yunling.gov.example", smtp_port=587, smtp_username="tf",
                                     smtp_password="x", smtp_starttls=True, webhook_url=""))
    assert isinstance(mail, EmailChannel) and mail.starttls and mail.username == "tf" and mail.port == 587
    mail, hook = build_channels(settings(webhook_url="https://gw.example/hook", webhook_secret="s"))
    assert isinstance(hook, WebhookChannel) and hook.url == "https://gw.example/hook" and hook.secret == "s"
    [hook] = build_channels(settings(smtp_host="", webhook_url="https://gw.example/hook"))
    assert hook.secret is None  # unsigned, with a warning at start-up


def test_the_signature_is_hmac_sha256_over_timestamp_and_body():
    import hashlib
    import hmac

    body = '{"title": "【听风·新预警】"}'.encode()
    want = hmac.new(b"s3", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("s3", "1700000000", body) == "sha256=" + want
    assert signature("s3", "1700000001", body) != signature("s3", "1700000000", body)


@pytest.mark.parametrize("name", ["smtp_password", "webhook_secret", "secret_key", "admin_password"])
def test_production_refuses_placeholder_secrets(name):
    values = REAL | {"smtp_username": "tf", "smtp_password": "real-pass-1"} | {name: "change-me-please"}
    with pytest.raises(InsecureSettings, match=f"TINGFENG_{name.upper()}"):
        settings(env="production", **values).check_production()
    settings(env="development", **values).check_production()  # fine while developing


def test_production_accepts_real_or_absent_optional_secrets():
    settings(env="production", **REAL).check_production()
    settings(env="production", **REAL, smtp_username="tf", smtp_password="p-8c1d",
             webhook_url="https://gw.example/hook", webhook_secret="w-55e0").check_production()


def test_production_refuses_a_login_without_a_password():
    with pytest.raises(InsecureSettings, match="TINGFENG_SMTP_PASSWORD"):
        settings(env="production", **REAL, smtp_username="tf").check_production()


def test_console_url_in_messages_defaults_to_the_served_address():
    assert settings(host="127.0.0.1", port=8000).public_console_url == "http://127.0.0.1:8000"
    assert settings(console_url="https://yq.example/").public_console_url == "https://yq.example"


def test_heads_addresses_come_from_the_county_file(spec_dir, tmp_path):
    (tmp_path / "taxonomy.yaml").write_text((spec_dir / "taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    county = yaml.safe_load((spec_dir / "reference-county.yaml").read_text(encoding="utf-8"))
    county["departments"]["yj"]["email"] = "yj@yunling.gov.example"
    (tmp_path / "reference-county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")
    ref = load_reference(tmp_path)
    assert ref.county.departments["yj"].email == "yj@yunling.gov.example"
    assert ref.county.departments["zfb"].email is None
    county["departments"]["yj"]["email"] = "应急局邮箱"
    (tmp_path / "reference-county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="yj 的邮箱"):
        load_reference(tmp_path)


def test_sample_config_holds_placeholders_only():
    from tests.conftest import REPO

    env = dict(line.split("=", 1) for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#"))
    for key in ("TINGFENG_SECRET_KEY", "TINGFENG_ADMIN_PASSWORD", "TINGFENG_SMTP_PASSWORD", "TINGFENG_WEBHOOK_SECRET"):
        assert env[key].startswith("change-me"), key
    fields = {f"TINGFENG_{k.upper()}" for k in Settings.model_fields}
    assert {k for k in env if k.startswith("TINGFENG_")} <= fields
