"""Export base + artifact to ONNX and quantize it to int8 (the fast CPU path).

    python -m analysis.model.onnx_export [--out DIR] [--force] [--keep-fp32]

Writes ``model.int8.onnx`` and ``onnx-manifest.json`` into the ONNX cache dir
(``.cache/tingfeng/onnx``; ``TINGFENG_ONNX_DIR``).  The manifest records the
hashes of the base conversion and of the artifact weights, so a stale export
(retrained artifact, other base) is ignored by the runtime, which then uses
torch.  Dynamic quantization (int8 weights of every MatMul, activations
quantized on the fly) and an int8 word-embedding table (``Gather``), which
shrinks the file from 470 MB to ~120 MB at no measurable cost.  The export is checked
against the torch model on the validation posts and the agreement is stored in
the manifest.  Idempotent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from .artifact import WEIGHTS, file_sha256, read_manifest
from .convert import MARKER, is_valid
from .errors import ModelUnavailable
from .labels import TASKS
from .paths import artifact_dir, base_model_dir, onnx_dir

EXPORT_VERSION = 2
INT8 = "model.int8.onnx"
FP32 = "model.fp32.onnx"
ONNX_MANIFEST = "onnx-manifest.json"


def log(msg: str) -> None:
    print(f"[onnx] {msg}", flush=True)


def _fingerprint(base: Path, artifact: Path) -> dict:
    marker = json.loads((base / MARKER).read_text("utf-8"))
    return {
        "export_version": EXPORT_VERSION,
        "base_source_sha256": marker.get("source_sha256"),
        "artifact_sha256": file_sha256(artifact / WEIGHTS),
    }


def find_export(
    base: Path | None = None, artifact: Path | None = None, out: Path | None = None
) -> Path | None:
    """The int8 model if it exists and was exported from this base and artifact."""
    base = base or base_model_dir()
    artifact = artifact or artifact_dir()
    out = out or onnx_dir()
    path = out / INT8
    if not path.is_file() or not (out / ONNX_MANIFEST).is_file():
        return None
    try:
        manifest = json.loads((out / ONNX_MANIFEST).read_text("utf-8"))
        want = _fingerprint(base, artifact)
    except (OSError, ValueError):
        return None
    if any(manifest.get(k) != v for k, v in want.items()):
        return None
    return path


def _sample_texts(n: int = 200) -> list[str]:
    from .dataset import load_domain  # noqa: PLC0415

    try:
        texts = [e.text for e in load_domain("val")][:n]
    except OSError:
        texts = []
    return texts or ["东坝村的河水又黑又臭，请环保部门来查一查。", "县医院的医生很负责，点赞！"]


def export(
    base: Path | None = None,
    artifact: Path | None = None,
    out: Path | None = None,
    force: bool = False,
    keep_fp32: bool = False,
    min_agreement: float = 0.9,
) -> Path:
    import torch  # noqa: PLC0415
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415

    from .network import OUTPUT_NAMES  # noqa: PLC0415
    from .runtime import PostClassifier  # noqa: PLC0415

    base = base or base_model_dir()
    artifact = artifact or artifact_dir()
    out = out or onnx_dir()
    if not is_valid(base):
        raise ModelUnavailable(f"base model folder {base} missing; run analysis.model.convert")
    read_manifest(artifact)
    if not force and find_export(base, artifact, out) is not None:
        log(f"{out / INT8} is up to date; nothing to do (use --force to redo)")
        return out / INT8
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    clf = PostClassifier(base, artifact, backend="torch")
    model = clf.backend.model.eval()
    ids = clf.encode(["东坝村的河水又黑又臭", "县医院的医生很负责，点赞！感谢！"])
    width = max(len(x) for x in ids)
    inp = np.full((2, width), clf.pad_id, dtype=np.int64)
    mask = np.zeros((2, width), dtype=np.int64)
    for r, x in enumerate(ids):
        inp[r, : len(x)] = x
        mask[r, : len(x)] = 1
    fp32 = out / FP32
    log("exporting float32 graph ...")
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}}
    dyn.update({name: {0: "batch"} for name in OUTPUT_NAMES})
    with torch.inference_mode():
        torch.onnx.export(
            model,
            (torch.from_numpy(inp), torch.from_numpy(mask)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=list(OUTPUT_NAMES),
            dynamic_axes=dyn,
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )
    log("quantizing to int8 (dynamic: MatMul weights per channel, embedding table) ...")
    int8_tmp = out / (INT8 + ".tmp")
    quantize_dynamic(
        str(fp32),
        str(int8_tmp),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gather"],
        per_channel=True,
    )
    log("checking the int8 model against torch ...")
    check = _compare(clf, int8_tmp, _sample_texts())
    log(f"agreement with torch: {json.dumps(check)}")
    if min(check["label_agreement"].values()) < min_agreement:
        raise RuntimeError(f"int8 export disagrees with torch too often: {check}")
    int8_tmp.replace(out / INT8)
    if not keep_fp32:
        fp32.unlink(missing_ok=True)
    manifest = {
        **_fingerprint(base, artifact),
        "check_vs_torch": check,
        "quantization": "dynamic int8: MatMul weights per channel, Gather (embeddings)",
        "opset": 17,
        "export_seconds": round(time.perf_counter() - t0, 1),
        # the int8 graph depends on these builds (the same weights exported with other
        # versions scored differently on borderline posts): record them with the file
        "versions": _versions(),
    }
    (out / ONNX_MANIFEST).write_text(json.dumps(manifest, indent=2), "utf-8")
    size = (out / INT8).stat().st_size / 1e6
    log(f"done: {out / INT8} ({size:.0f} MB) in {time.perf_counter() - t0:.0f} s")
    return out / INT8


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    out = {}
    for pkg in ("torch", "onnx", "onnxruntime", "transformers", "tokenizers"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


def _compare(clf, onnx_path: Path, texts: list[str]) -> dict:
    from .runtime import _OnnxBackend  # noqa: PLC0415

    ref = clf._run(clf.encode(texts))
    torch_backend = clf.backend
    clf.backend = _OnnxBackend(onnx_path, None)
    try:
        got = clf._run(clf.encode(texts))
    finally:
        clf.backend = torch_backend

    def sm(x: np.ndarray) -> np.ndarray:
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    agree, maxdiff = {}, {}
    for t, task in enumerate(TASKS):
        a, b = sm(ref[t]), sm(got[t])
        agree[task] = round(float((a.argmax(-1) == b.argmax(-1)).mean()), 4)
        maxdiff[task] = round(float(np.abs(a - b).max()), 4)
    e1, e2 = ref[-1], got[-1]
    cos = (e1 * e2).sum(-1) / (np.linalg.norm(e1, axis=-1) * np.linalg.norm(e2, axis=-1))
    return {
        "texts": len(texts),
        "label_agreement": agree,
        "max_prob_diff": maxdiff,
        "embedding_cosine_min": round(float(cos.min()), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="export the classifier to int8 ONNX")
    ap.add_argument("--base", type=Path, default=None)
    ap.add_argument("--artifact", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--keep-fp32", action="store_true")
    args = ap.parse_args(argv)
    try:
        export(args.base, args.artifact, args.out, args.force, args.keep_fp32)
    except ModelUnavailable as exc:
        print(f"[onnx] skipped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
