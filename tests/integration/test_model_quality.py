"""A floor under the production analyzer's quality on writers it never trained on.

The hybrid analyzer (the committed model + the rules, float32 ONNX or torch) scores two
blind held-out files as `tingfeng analyze` would, each as its own run with event context,
and the pooled figures must stay near what they were when the floors were set (session 13:
topic 0.933, sentiment macro-F1 0.836, severity 0.938, I/II 75 of 80 with 4 false; with the
session-12 heads topic was 0.875, and this test fails). The floors sit a few points lower: a
broken artifact, a head written into the wrong tensor, a blend or a rule gone astray fails
here; the usual movement of a refit does not. Aggregate figures only: no post is printed.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import orjson
import pytest

pytest.importorskip("transformers")

from analysis.metrics import evaluate  # noqa: E402
from analysis.model.paths import DATA_DIR  # noqa: E402
from analysis.model.runtime import available  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from tingfeng.analyze_cmd import analyze_stream, build_scorer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from eval_severity import labeled_lines  # noqa: E402

FILES = ("holdout_severity2.jsonl", "holdout_severity3.jsonl")


@pytest.fixture(scope="module")
def pooled():
    if not available():
        pytest.skip("转换后的基础模型不存在（运行 make model）")
    labels, preds = [], []
    for name in FILES:
        scorer = build_scorer(Settings(analyzer="model"), event_context=True)
        assert scorer.analyzer.name.startswith("model+rules")
        lines, labs = labeled_lines(DATA_DIR / name)
        buf = io.BytesIO()
        analyze_stream(scorer, lines, buf)
        labels += labs
        preds += [orjson.loads(x) for x in buf.getvalue().splitlines()]
    return evaluate(labels, preds)


def test_topic_and_sentiment_hold_on_unseen_writers(pooled) -> None:
    assert pooled.n == 400
    assert pooled.topic_accuracy >= 0.90
    assert pooled.sentiment_macro_f1 >= 0.80


def test_severity_catches_the_majors_without_crying_wolf(pooled) -> None:
    assert pooled.severity_accuracy >= 0.90
    assert pooled.major_total == 80
    assert pooled.major_recall >= 0.85
    assert pooled.false_major <= 6
