"""The ONNX paths (float32 default, int8 opt-in), exported from the tiny random model."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from analysis.model.artifact import WEIGHTS  # noqa: E402
from analysis.model.onnx_export import FP32, INT8, export, find_export  # noqa: E402
from analysis.model.runtime import PostClassifier  # noqa: E402
from analysis.model.testing import make_tiny_model  # noqa: E402

TEXTS = ["东坝村的河水又黑又臭！", "县医院的医生很负责，点赞", "南河大桥封闭施工，请绕行。" * 5]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("tiny-onnx")
    try:
        base, art = make_tiny_model(root)
    except RuntimeError as exc:
        pytest.skip(f"e5 tokenizer unavailable: {exc}")
    out = root / "onnx"
    export(base, art, out, min_agreement=0.0)
    return base, art, out


def test_export_is_found_for_its_own_base_and_artifact(exported) -> None:
    base, art, out = exported
    assert find_export(base, art, out) == out / FP32
    assert find_export(base, art, out, precision="int8") == out / INT8
    assert not list(out.glob("*.tmp"))
    with pytest.raises(ValueError):
        find_export(base, art, out, precision="fp16")


def test_export_is_idempotent(exported, capsys) -> None:
    base, art, out = exported
    mtimes = [(out / f).stat().st_mtime_ns for f in (FP32, INT8)]
    export(base, art, out)
    assert "up to date" in capsys.readouterr().out
    assert [(out / f).stat().st_mtime_ns for f in (FP32, INT8)] == mtimes


def test_float32_backend_is_the_torch_model_and_ignores_batch_mates(exported) -> None:
    base, art, out = exported
    onnx = PostClassifier(base, art, backend="onnx", onnx_path=out / FP32)
    torch_clf = PostClassifier(base, art, backend="torch")
    together = onnx.predict(TEXTS)
    for i, (a, b) in enumerate(zip(together, torch_clf.predict(TEXTS), strict=True)):
        np.testing.assert_allclose(list(a.sentiment.values()), list(b.sentiment.values()), atol=1e-4)
        np.testing.assert_allclose(list(a.severity.values()), list(b.severity.values()), atol=1e-4)
        assert a.major is not None and abs(a.major - b.major) < 1e-4
        assert a.serious is not None and abs(a.serious - b.serious) < 1e-4
        alone = onnx.predict([TEXTS[i]])[0]
        np.testing.assert_allclose(list(a.topic.values()), list(alone.topic.values()), atol=1e-5)


def test_configured_precision_picks_the_file(exported, monkeypatch) -> None:
    base, art, out = exported
    monkeypatch.setenv("TINGFENG_ONNX_DIR", str(out))
    assert PostClassifier(base, art).backend.name == "onnx-fp32"
    assert PostClassifier(base, art, precision="int8").backend.name == "onnx-int8"


def test_int8_backend_gives_distributions_close_to_torch(exported) -> None:
    base, art, out = exported
    onnx = PostClassifier(base, art, backend="onnx", onnx_path=out / INT8)
    torch_clf = PostClassifier(base, art, backend="torch")
    assert onnx.backend.name == "onnx"
    for a, b in zip(onnx.predict(TEXTS), torch_clf.predict(TEXTS), strict=True):
        assert sum(a.topic.values()) == pytest.approx(1.0, abs=1e-5)
        np.testing.assert_allclose(list(a.sentiment.values()), list(b.sentiment.values()), atol=0.1)
        assert float(a.embedding @ b.embedding) > 0.9


def test_retrained_artifact_makes_the_export_stale(exported, tmp_path: Path) -> None:
    base, art, out = exported
    other = tmp_path / "artifact"
    shutil.copytree(art, other)
    raw = bytearray((other / WEIGHTS).read_bytes())
    raw[-1] ^= 0xFF
    (other / WEIGHTS).write_bytes(bytes(raw))
    assert find_export(base, other, out) is None


def test_batches_scored_side_by_side_come_back_in_input_order(exported) -> None:
    base, art, out = exported
    texts = [f"{t}（第{i}条）" for i in range(6) for t in TEXTS]
    serial = PostClassifier(base, art, backend="onnx", onnx_path=out / FP32, threads=1, batch_size=2)
    parallel = PostClassifier(base, art, backend="onnx", onnx_path=out / FP32, threads=2, batch_size=2)
    assert serial._pool() is None and parallel._pool() is not None
    for a, b in zip(serial.predict(texts), parallel.predict(texts), strict=True):
        assert a.sentiment == b.sentiment and a.severity == b.severity and a.major == b.major and a.serious == b.serious
        np.testing.assert_array_equal(a.embedding, b.embedding)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_gets_its_own_batch_workers(exported) -> None:
    base, art, out = exported
    clf = PostClassifier(base, art, backend="onnx", onnx_path=out / FP32, threads=2, batch_size=1)
    texts = TEXTS * 2
    before = [o.sentiment for o in clf.predict(texts)]  # the parent's pool now exists
    pid = os.fork()
    if pid == 0:  # the child: a prefork worker that inherited the classifier
        ok = [o.sentiment for o in clf.predict(texts)] == before
        os._exit(0 if ok else 1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    pytest.fail("the forked child hung on the inherited batch workers")


def test_the_export_checks_every_probability_output_against_torch(exported) -> None:
    import json

    from analysis.model.onnx_export import ONNX_MANIFEST

    _, _, out = exported
    checks = json.loads((out / ONNX_MANIFEST).read_text("utf-8"))["check_vs_torch"]
    for precision in ("fp32", "int8"):
        assert set(checks[precision]["max_prob_diff"]) == {"sentiment", "topic", "disposition", "severity",
                                                           "major", "serious"}
    assert checks["fp32"]["max_prob_diff"]["major"] <= 1e-3
    assert checks["fp32"]["max_prob_diff"]["serious"] <= 1e-3
