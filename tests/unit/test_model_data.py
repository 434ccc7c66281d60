"""The hand-written training/validation posts and the augmentation that multiplies them."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from analysis.model.dataset import IGNORE, Augmenter, augment, load_domain
from analysis.model.labels import DISPOSITIONS, SENTIMENTS, SEVERITIES, TOPICS, post_text
from analysis.model.metrics import accuracy, macro_f1, report
from analysis.model.paths import DATA_DIR


@pytest.fixture(scope="module")
def train():
    return load_domain("train")


@pytest.fixture(scope="module")
def val():
    return load_domain("val")


def test_every_row_has_valid_labels() -> None:
    for name in ("train", "val"):
        for line in (DATA_DIR / f"{name}.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            assert row["text"].strip()
            assert row["sentiment"] in SENTIMENTS
            assert row["topic"] in TOPICS
            assert row["severity"] in SEVERITIES
            assert row["disposition"] is None or row["disposition"] in DISPOSITIONS[:-1]


def test_every_topic_and_label_is_taught(train) -> None:
    assert set(Counter(TOPICS[e.topic] for e in train)) == set(TOPICS)
    assert min(Counter(e.topic for e in train).values()) >= 25
    assert set(e.sentiment for e in train) == {0, 1, 2}
    assert set(e.disposition for e in train) == set(range(len(DISPOSITIONS)))


def test_validation_posts_are_not_training_posts(train, val) -> None:
    assert not {e.text for e in train} & {e.text for e in val}


def test_augmented_variants_keep_labels_and_are_deterministic(train) -> None:
    sample = train[:20]
    a = augment(sample, 3, seed=7)
    b = augment(sample, 3, seed=7)
    assert [e.text for e in a] == [e.text for e in b]
    assert len(a) > len(sample)
    by_text = {e.text: e for e in sample}
    for e in a[len(sample) :]:
        assert e.source.endswith("-aug")
        assert e.text not in by_text
    # labels ride along with their source post
    originals = {(e.sentiment, e.topic, e.disposition, e.severity) for e in sample}
    assert {(e.sentiment, e.topic, e.disposition, e.severity) for e in a} <= originals


def test_traditional_variant_converts_script() -> None:
    pytest.importorskip("opencc")
    assert Augmenter().traditional("县医院的医生") == "縣醫院的醫生"


def test_post_text_joins_title_and_body() -> None:
    assert (
        post_text("大桥封闭施工，请绕行。", "南河大桥维修")
        == "南河大桥维修。大桥封闭施工，请绕行。"
    )
    assert post_text("南河大桥维修 今天开始", "南河大桥维修") == "南河大桥维修 今天开始"
    assert post_text("  路灯\n坏了  ", None) == "路灯 坏了"


def test_metrics() -> None:
    gold = ["a", "a", "b", "c"]
    pred = ["a", "b", "b", "c"]
    assert accuracy(gold, pred) == 0.75
    # F1: a = 2/3, b = 2/3, c = 1
    assert macro_f1(gold, pred) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert report(gold, pred)["per_class"]["c"]["f1"] == 1.0
    assert IGNORE == -1


def test_the_held_out_files_are_labeled_and_no_training_or_calibration_code_names_them() -> None:
    # the held-out posts measure generalisation only if nothing that fits the model or its
    # thresholds can read them: no module under analysis/ may name them
    from pathlib import Path

    held_out = sorted(p.name for p in DATA_DIR.glob("holdout_*.jsonl"))
    assert held_out, "应有留出评测集"
    for name in held_out:
        rows = [json.loads(x) for x in (DATA_DIR / name).read_text("utf-8").splitlines() if x.strip()]
        assert rows and all(r["severity"] in SEVERITIES and r["text"].strip() for r in rows), name
    code = Path(DATA_DIR).parents[1]  # analysis/
    for py in code.rglob("*.py"):
        text = py.read_text("utf-8")
        assert not any(Path(name).stem in text for name in held_out), f"{py} 引用了留出集"
