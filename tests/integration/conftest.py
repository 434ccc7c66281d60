"""Fixtures for notification tests: the reference county with heads' e-mail addresses, a
real SMTP server and a real webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.receivers import SmtpSink, WebhookReceiver

MAIL_DOMAIN = "yunling.gov.example"


def department_email(code: str) -> str:
    return f"{code}@{MAIL_DOMAIN}"


@pytest.fixture(scope="session")
def notify_spec(spec_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference configuration, with every department head's address given in
    reference-county.yaml (``email:``), as a county fills it in."""
    out = tmp_path_factory.mktemp("spec")
    (out / "taxonomy.yaml").write_text((spec_dir / "taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    county = yaml.safe_load((spec_dir / "reference-county.yaml").read_text(encoding="utf-8"))
    for code, dep in county["departments"].items():
        dep["email"] = department_email(code)
    (out / "reference-county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    return out


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    pytest.importorskip("aiosmtpd", reason="需要 aiosmtpd（pip install -e '.[dev]'）")
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    rec = WebhookReceiver().start()
    yield rec
    rec.stop()


class SuspectingAnalyzer:
    """The rules analyzer plus the model's 疑似重大 hint: posts that speak of many victims
    without a figure (cues below) and stay III/IV are marked ``suspected_major``, as the
    model's binary major head marks them (analysis/hybrid.py) — without loading the model."""

    CUES = ("好多矿工", "很多人没出来")

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name

    def analyze(self, items):
        scores = self.inner.analyze(items)
        for item, score in zip(items, scores, strict=True):
            if score.severity in ("III", "IV") and any(c in item.normalized for c in self.CUES):
                score.explanation["suspected_major"] = True
        return scores


@pytest.fixture(scope="session")
def suspecting_analyzer(notify_spec: Path) -> SuspectingAnalyzer:
    from analysis.rules import RuleAnalyzer
    from kernel.config import load_reference

    return SuspectingAnalyzer(RuleAnalyzer(load_reference(notify_spec)))
