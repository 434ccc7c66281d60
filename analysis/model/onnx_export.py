"""Export base + artifact to ONNX: a float32 graph (the default) and an int8 one.

    python -m analysis.model.onnx_export [--out DIR] [--force]

Writes ``model.fp32.onnx``, ``model.int8.onnx`` and ``onnx-manifest.json`` into
the ONNX cache dir (``.cache/tingfeng/onnx``; ``TINGFENG_ONNX_DIR``).  The
manifest records the hashes of the base conversion and of the artifact weights,
so a stale export (retrained artifact, other base) is ignored by the runtime,
which then uses torch.

Which one runs is the setting ``TINGFENG_MODEL_PRECISION``:

- ``fp32`` (default): the trained model exactly (the same labels as torch), and
  a post scores the same whatever other posts share its batch.
- ``int8``: dynamic quantization (int8 weights of every MatMul, activations
  quantized on the fly with one scale per batch tensor) and an int8 word-embedding
  table.  About twice as fast, but it is an approximation: 2–4 % of labels differ
  from the trained model, and which ones depends on the CPU (AVX2 hosts without VNNI
  saturate u8×s8 products).  The runtime scores one post per int8 run, so a post's
  labels do not depend on its batch-mates.  For throughput-bound deployments that
  accept that.

Both are checked against the torch model on the validation posts and the
agreement is stored in the manifest.  Idempotent.
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
from .labels import BINARY_HEADS, EMBEDDING_OUTPUT, OUTPUT_NAMES, TASKS
from .paths import artifact_dir, base_model_dir, onnx_dir

EXPORT_VERSION = 5  # 4: traced with eager attention (a leaner graph than SDPA's: +12 % posts/s); 5: serious head output
INT8 = "model.int8.onnx"
FP32 = "model.fp32.onnx"
ONNX_MANIFEST = "onnx-manifest.json"
PRECISIONS = {"fp32": FP32, "int8": INT8}


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
    base: Path | None = None,
    artifact: Path | None = None,
    out: Path | None = None,
    precision: str = "fp32",
) -> Path | None:
    """The ONNX model of this precision if it was exported from this base and artifact."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown model precision {precision!r} (fp32 or int8)")
    base = base or base_model_dir()
    artifact = artifact or artifact_dir()
    out = out or onnx_dir()
    path = out / PRECISIONS[precision]
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
    min_agreement: float = 0.9,
) -> Path:
    """Write both graphs; returns the float32 one (the default runtime model)."""
    import torch  # noqa: PLC0415
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415

    from .runtime import PostClassifier  # noqa: PLC0415

    base = base or base_model_dir()
    artifact = artifact or artifact_dir()
    out = out or onnx_dir()
    if not is_valid(base):
        raise ModelUnavailable(f"base model folder {base} missing; run analysis.model.convert")
    read_manifest(artifact)
    if not force and all(find_export(base, artifact, out, p) for p in PRECISIONS):
        log(f"{out} is up to date; nothing to do (use --force to redo)")
        return out / FP32
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    clf = PostClassifier(base, artifact, backend="torch")
    model = clf.backend.model.eval()
    # the same weights and maths; traced through eager attention the graph has no SDPA
    # mask plumbing and runs ~12 % faster in onnxruntime (measured, session 5)
    model.encoder.set_attn_implementation("eager")
    ids = clf.encode(["东坝村的河水又黑又臭", "县医院的医生很负责，点赞！感谢！"])
    width = max(len(x) for x in ids)
    inp = np.full((2, width), clf.pad_id, dtype=np.int64)
    mask = np.zeros((2, width), dtype=np.int64)
    for r, x in enumerate(ids):
        inp[r, : len(x)] = x
        mask[r, : len(x)] = 1
    fp32 = out / (FP32 + ".tmp")
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
    texts = _sample_texts()
    checks = {}
    for name, path in (("fp32", fp32), ("int8", int8_tmp)):
        log(f"checking the {name} model against torch ...")
        checks[name] = _compare(clf, path, texts)
        log(f"{name} agreement with torch: {json.dumps(checks[name])}")
    # the float32 graph must be the trained model; int8 is allowed its approximation
    if max(checks["fp32"]["max_prob_diff"].values()) > 1e-3:
        raise RuntimeError(f"float32 export differs from torch: {checks['fp32']}")
    if min(checks["int8"]["label_agreement"].values()) < min_agreement:
        raise RuntimeError(f"int8 export disagrees with torch too often: {checks['int8']}")
    (out / ONNX_MANIFEST).unlink(missing_ok=True)
    fp32.replace(out / FP32)
    int8_tmp.replace(out / INT8)
    manifest = {
        **_fingerprint(base, artifact),
        "check_vs_torch": checks,
        "files": {p: {"name": f, "sha256": file_sha256(out / f)} for p, f in PRECISIONS.items()},
        "quantization": "int8 file: dynamic int8, MatMul weights per channel, Gather (embeddings)",
        "opset": 17,
        "export_seconds": round(time.perf_counter() - t0, 1),
        # the int8 graph depends on these builds (the same weights exported with other
        # versions scored differently on borderline posts): record them with the file
        "versions": _versions(),
    }
    (out / ONNX_MANIFEST).write_text(json.dumps(manifest, indent=2), "utf-8")
    sizes = ", ".join(f"{f} {(out / f).stat().st_size / 1e6:.0f} MB" for f in PRECISIONS.values())
    log(f"done: {out} ({sizes}) in {time.perf_counter() - t0:.0f} s")
    return out / FP32


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
    from .runtime import _OnnxBackend, _softmax  # noqa: PLC0415

    ref = clf._run(clf.encode(texts))
    torch_backend = clf.backend
    clf.backend = _OnnxBackend(onnx_path, None)
    try:
        got = clf._run(clf.encode(texts))
    finally:
        clf.backend = torch_backend

    agree, maxdiff = {}, {}
    # every probability output, the binary heads' included
    for t, task in [*enumerate(TASKS), *((OUTPUT_NAMES.index(name), name) for name in BINARY_HEADS)]:
        a, b = _softmax(ref[t]), _softmax(got[t])
        agree[task] = round(float((a.argmax(-1) == b.argmax(-1)).mean()), 4)
        maxdiff[task] = round(float(np.abs(a - b).max()), 4)
    e1, e2 = ref[EMBEDDING_OUTPUT], got[EMBEDDING_OUTPUT]
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
    args = ap.parse_args(argv)
    try:
        export(args.base, args.artifact, args.out, args.force)
    except ModelUnavailable as exc:
        print(f"[onnx] skipped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
