"""The rules on the incident and look-alike posts written for severity
(analysis/model/data/authored/): majors are caught, look-alikes start no 5-hour clock.

These are regression floors over whole files, not per-post expectations: a change to the
rules that loses majors or invents them shows up here before it reaches a county."""

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.rules import RuleAnalyzer
from kernel.config import load_reference
from kernel.domain.posts import Post
from kernel.services.scoring import to_item

AUTHORED = Path(__file__).resolve().parents[2] / "analysis" / "model" / "data" / "authored"
MAJOR = ("I", "II")


def _grades(analyzer: RuleAnalyzer, name: str) -> list[tuple[str, str]]:
    rows = [json.loads(x) for x in (AUTHORED / name).read_text("utf-8").splitlines() if x.strip()]
    posts = [Post(id=r["id"], platform="forum" if r.get("title") else "weibo", title=r.get("title"),
                  text=r["text"], published_at=datetime(2026, 11, 20, tzinfo=UTC)) for r in rows]
    scores = analyzer.analyze([to_item(p) for p in posts])
    return [(r["severity"], s.severity) for r, s in zip(rows, scores, strict=True)]


@pytest.fixture(scope="module")
def analyzer(spec_dir):
    return RuleAnalyzer(load_reference(spec_dir))


def test_majors_written_many_ways_are_caught(analyzer):
    grades = _grades(analyzer, "majors.jsonl")
    caught = sum(1 for _, p in grades if p in MAJOR)
    assert caught / len(grades) >= 0.93, Counter(p for _, p in grades)


def test_look_alikes_start_no_five_hour_clock(analyzer):
    grades = _grades(analyzer, "general.jsonl")
    assert [p for _, p in grades if p in MAJOR] == []
    assert sum(1 for g, p in grades if g == p) / len(grades) >= 0.97


def test_serious_posts_are_not_called_major(analyzer):
    grades = _grades(analyzer, "serious.jsonl")
    assert sum(1 for _, p in grades if p in MAJOR) <= 1
    assert sum(1 for g, p in grades if g == p) / len(grades) >= 0.7
