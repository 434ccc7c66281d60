"""PostClassifier on a tiny randomly initialised BERT with the real e5 tokenizer.

No trained weights: these tests check loading, batching, shapes, probabilities
and order, not accuracy (that is tests/integration/test_model_real.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from analysis.model.artifact import MANIFEST  # noqa: E402
from analysis.model.errors import ArtifactMismatch, ModelUnavailable  # noqa: E402
from analysis.model.labels import DISPOSITIONS, SENTIMENTS, SEVERITIES, TOPICS  # noqa: E402
from analysis.model.runtime import (  # noqa: E402
    ModelOutput,
    PostClassifier,
    available,
    fast_tokenizer,
)
from analysis.model.testing import make_tiny_model  # noqa: E402

TEXTS = [
    "东坝工业园区的化工厂半夜排气，整个村子都是刺鼻的味道。环保部门能不能来查一查？",
    "感谢县医院！",
    "",
    "#云岭县# 真是好样的👍 路灯坏了三个月 @云岭发布",
    "青鬆花園二期延期交房，業主們很著急。開發商人找不到了。希望政府給個說法！",
    "zf和jc能不能管管夜市的噪音 😡😡",
    "今天天气不错。" * 30,  # longer than max_length: truncated
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path]:
    try:
        return make_tiny_model(tmp_path_factory.mktemp("tiny"))
    except RuntimeError as exc:
        pytest.skip(f"e5 tokenizer unavailable: {exc}")


@pytest.fixture(scope="module")
def clf(tiny) -> PostClassifier:
    base, art = tiny
    return PostClassifier(base, art, backend="torch", batch_size=3)


def test_available_tells_whether_base_and_artifact_exist(tiny, tmp_path: Path) -> None:
    base, art = tiny
    assert available(base, art)
    assert not available(tmp_path / "no-base", art)
    assert not available(base, tmp_path / "no-artifact")


def test_missing_base_raises_model_unavailable(tiny, tmp_path: Path) -> None:
    _, art = tiny
    with pytest.raises(ModelUnavailable):
        PostClassifier(tmp_path / "nothing", art, backend="torch")


def test_each_output_has_full_probability_distributions(clf) -> None:
    outs = clf.predict(TEXTS)
    assert len(outs) == len(TEXTS)
    for out in outs:
        assert isinstance(out, ModelOutput)
        assert list(out.sentiment) == list(SENTIMENTS)
        assert list(out.topic) == list(TOPICS)
        assert list(out.disposition) == list(DISPOSITIONS)
        assert list(out.severity) == list(SEVERITIES)
        for task in ("sentiment", "topic", "disposition", "severity"):
            probs = np.array(list(getattr(out, task).values()))
            assert np.all(probs >= 0)
            assert probs.sum() == pytest.approx(1.0, abs=1e-5)
        assert out.label("topic") in TOPICS


def test_embeddings_are_l2_normalised_vectors(clf) -> None:
    outs = clf.predict(TEXTS[:3])
    for out in outs:
        assert out.embedding.shape == (32,)
        assert np.linalg.norm(out.embedding) == pytest.approx(1.0, abs=1e-5)
    emb = clf.embed(TEXTS[:3])
    np.testing.assert_allclose(emb, np.stack([o.embedding for o in outs]), atol=1e-5)


def test_batched_results_match_one_by_one_in_input_order(clf) -> None:
    batched = clf.predict(TEXTS)  # sorted into length buckets of <= 3 internally
    for text, out in zip(TEXTS, batched, strict=True):
        single = clf.predict([text])[0]
        for task in ("sentiment", "topic", "disposition", "severity"):
            a = np.array(list(getattr(out, task).values()))
            b = np.array(list(getattr(single, task).values()))
            np.testing.assert_allclose(a, b, atol=1e-4)
        np.testing.assert_allclose(out.embedding, single.embedding, atol=1e-4)


def test_small_token_budget_splits_batches_without_changing_results(tiny, clf) -> None:
    base, art = tiny
    small = PostClassifier(base, art, backend="torch", batch_size=64, token_budget=70)
    assert len(small._batches([len(x) for x in small.encode(TEXTS)])) > 2
    for a, b in zip(small.predict(TEXTS), clf.predict(TEXTS), strict=True):
        np.testing.assert_allclose(list(a.topic.values()), list(b.topic.values()), atol=1e-4)


def test_batches_are_length_sorted_and_bounded(clf) -> None:
    lengths = [5, 60, 7, 33, 64, 2, 18]
    batches = clf._batches(lengths)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)
    assert all(len(b) <= clf.batch_size for b in batches)


def test_long_texts_are_truncated_to_max_length(clf) -> None:
    ids = clf.encode(["很长的句子。" * 200])[0]
    assert len(ids) == clf.max_length == 64


def test_onnx_path_tokenizer_gives_the_same_ids_as_auto_tokenizer(tiny, clf) -> None:
    base, _ = tiny
    fast = fast_tokenizer(base, clf.max_length)
    from analysis.model.labels import model_input

    ids = [e.ids for e in fast.encode_batch([model_input(t) for t in TEXTS])]
    assert ids == clf.encode(TEXTS)


def test_empty_input_gives_empty_output(clf) -> None:
    assert clf.predict([]) == []
    assert clf.embed([]).shape == (0, 32)


def test_predict_posts_reads_title_and_text(clf) -> None:
    posts = [{"title": "南河大桥维修", "text": "大桥封闭施工，请绕行。"}, {"text": "路灯坏了"}]
    outs = clf.predict_posts(posts)
    direct = clf.predict(["南河大桥维修。大桥封闭施工，请绕行。", "路灯坏了"])
    for a, b in zip(outs, direct, strict=True):
        np.testing.assert_allclose(a.embedding, b.embedding, atol=1e-5)


def test_sentence_explanations_cover_each_sentence(clf) -> None:
    text = "化工厂半夜排气。村里都是刺鼻的味道！孩子咳嗽了一晚上？"
    exp = clf.explain(text)
    assert [s.text for s in exp.sentences] == [
        "化工厂半夜排气。",
        "村里都是刺鼻的味道！",
        "孩子咳嗽了一晚上？",
    ]
    for span in exp.sentences:
        assert text[span.start : span.end] == span.text
        assert set(span.scores) == {"sentiment", "topic", "disposition"}
        assert set(span.log_odds) == set(span.scores)
    # within one post the two measures rank the sentences alike (both fall as the occluded
    # text's probability of the label rises)
    for task in ("sentiment", "topic", "disposition"):
        by_prob = sorted(exp.sentences, key=lambda s: s.scores[task])
        by_odds = sorted(exp.sentences, key=lambda s: s.log_odds[task])
        assert [s.text for s in by_prob] == [s.text for s in by_odds]
    assert exp.labels["topic"] in TOPICS
    json.dumps(exp.to_dict(), ensure_ascii=False)


def test_word_explanations_are_optional_and_bounded(clf) -> None:
    out = clf.predict(["东坝村的河水又黑又臭"], explain="word")[0]
    assert out.explanation is not None and out.explanation.words
    assert all(w.text.strip() for w in out.explanation.words)
    assert clf.predict(["东坝村的河水又黑又臭"])[0].explanation is None


def test_to_dict_is_json_safe(clf) -> None:
    d = clf.predict(["路灯坏了"])[0].to_dict(with_embedding=True)
    assert len(d["embedding"]) == 32
    json.dumps(d)


def test_shared_instance_is_loaded_once(tiny) -> None:
    base, art = tiny
    a = PostClassifier.shared(model_dir=base, artifact=art, backend="torch")
    b = PostClassifier.shared(model_dir=base, artifact=art, backend="torch")
    assert a is b


def test_onnx_backend_without_export_is_refused(tiny, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TINGFENG_ONNX_DIR", str(tmp_path / "no-onnx"))
    base, art = tiny
    with pytest.raises(ModelUnavailable):
        PostClassifier(base, art, backend="onnx")
    assert PostClassifier(base, art, backend="auto").backend.name == "torch"


def test_artifact_with_other_labels_is_rejected(tiny, tmp_path: Path) -> None:
    base, art = tiny
    bad = tmp_path / "bad-artifact"
    bad.mkdir()
    for f in art.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    manifest = json.loads((bad / MANIFEST).read_text())
    manifest["labels"]["topic"] = manifest["labels"]["topic"][:-1]
    (bad / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactMismatch):
        PostClassifier(base, bad, backend="torch")


@pytest.mark.parametrize("head", ["major", "serious"])
def test_a_binary_head_gives_a_probability_when_the_artifact_has_one(tiny, clf, head) -> None:
    outs = clf.predict(TEXTS[:3])
    probs = [getattr(o, head) for o in outs]
    assert all(p is not None and 0.0 <= p <= 1.0 for p in probs)
    assert len({round(p, 6) for p in probs}) > 1  # it reads the post, it is not a constant
    assert head in outs[0].to_dict()


def _copy_artifact(art: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in art.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


@pytest.mark.parametrize("head", ["major", "serious"])
def test_an_artifact_from_before_a_binary_head_still_loads_without_it(tiny, tmp_path: Path, head) -> None:
    from safetensors.torch import load_file, save_file

    from analysis.model.artifact import WEIGHTS

    base, art = tiny
    old = _copy_artifact(art, tmp_path / "old-artifact")
    tensors = {k: v for k, v in load_file(str(old / WEIGHTS)).items() if not k.startswith(f"heads.{head}.")}
    save_file(tensors, str(old / WEIGHTS))
    manifest = json.loads((old / MANIFEST).read_text())
    del manifest[f"{head}_head"]
    (old / MANIFEST).write_text(json.dumps(manifest))
    out = PostClassifier(base, old, backend="torch").predict(["东坝镇山体滑坡"])[0]
    assert getattr(out, head) is None and abs(sum(out.severity.values()) - 1) < 1e-5
    # the other head is still read
    other = "serious" if head == "major" else "major"
    assert getattr(out, other) is not None
    # a manifest that claims a head its weights lack is refused
    manifest[f"{head}_head"] = {"trained_on": "?"}
    (old / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactMismatch):
        PostClassifier(base, old, backend="torch")
