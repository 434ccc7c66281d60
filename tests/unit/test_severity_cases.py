"""Our own severity cases (tests/data/severity_cases.jsonl): I/II are never missed,
and retrospectives, drills, other counties and refuted rumours start no 5-hour clock."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.rules import RuleAnalyzer
from kernel.config import load_reference
from kernel.domain.posts import Post
from kernel.services.scoring import to_item

CASES = [json.loads(x) for x in (Path(__file__).parent.parent / "data" / "severity_cases.jsonl")
         .read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="module")
def analyzer(spec_dir):
    return RuleAnalyzer(load_reference(spec_dir))


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:12] for c in CASES])
def test_major_grade_boundary(analyzer, case):
    post = Post(id="c", platform="weibo", text=case["text"], published_at=datetime(2026, 11, 20, tzinfo=UTC))
    [score] = analyzer.analyze([to_item(post)])
    major = case["severity"] in ("I", "II")
    assert (score.severity in ("I", "II")) == major, (score.severity, score.explanation.get("rules"))
