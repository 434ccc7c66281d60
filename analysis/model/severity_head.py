"""Retrain only the severity head of the committed artifact, on frozen features.

    python -m analysis.model.severity_head [--write]

Why a head alone: training the whole network on the incident posts in
``data/authored/`` improved severity but moved the shared encoder enough to cost
sentiment (validation macro-F1 0.967 → 0.948, iNews 0.701 → 0.685; see the model card).
Here the encoder and the other heads stay bit for bit as they are; the severity head (a
linear layer over the heads' normalised [mean ; first-token] features) is refit by
class-weighted logistic regression on

* the severity labels of ``data/train.jsonl``, and
* the training half (odd ids) of ``data/authored/*.jsonl``,

each with two seeded augmented variants (Traditional script, hashtags/emoji, place
swaps), starting from the current head. It reports severity accuracy, macro-F1 and I/II
recall of the old and the new head on the validation posts (``data/val.jsonl``, the
authored even-id half, ``data/val_incidents.jsonl``), and with ``--write`` replaces the
head's two tensors in ``model.safetensors`` and records what it did in the manifest and
``metrics.json``. Re-export the ONNX model and recalibrate afterwards (``make model-head``).
The dev set is never read.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from .artifact import MANIFEST, METRICS, WEIGHTS, file_sha256
from .dataset import IGNORE, Augmenter, Example, load_authored, load_domain
from .labels import SEVERITIES
from .metrics import report
from .paths import artifact_dir

SEED = 20261122


def log(msg: str) -> None:
    print(f"[severity-head {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def features(clf, texts: list[str], batch: int = 32) -> np.ndarray:
    """The severity head's input for each text: LayerNorm([mean ; first token])."""
    import torch  # noqa: PLC0415

    from .network import masked_mean  # noqa: PLC0415

    model = clf.backend.model
    ids_list = clf.encode(texts)
    out = np.zeros((len(texts), 2 * model.encoder.config.hidden_size), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(ids_list[i]))
    with torch.inference_mode():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            width = max(len(ids_list[i]) for i in idx)
            ids = torch.full((len(idx), width), clf.pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for r, i in enumerate(idx):
                ids[r, :len(ids_list[i])] = torch.tensor(ids_list[i])
                mask[r, :len(ids_list[i])] = 1
            hidden = model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            feats = model.heads.norm(torch.cat([masked_mean(hidden, mask), hidden[:, 0]], dim=-1))
            out[idx] = feats.numpy()
    return out


def with_variants(examples: list[Example], copies: int) -> list[Example]:
    aug = Augmenter(SEED)
    out = list(examples)
    for ex in examples:
        out.extend(aug.variants(ex, copies))
    return out


def fit(x: np.ndarray, y: np.ndarray, w0: np.ndarray, b0: np.ndarray, *, decay: float, steps: int,
        power: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    """Class-weighted multinomial logistic regression, warm-started from (w0, b0), with an
    L2 pull towards the starting head (so rare classes move it, not replace it)."""
    import torch  # noqa: PLC0415

    torch.manual_seed(SEED)
    counts = np.bincount(y, minlength=len(SEVERITIES)).astype(float)
    cw = np.where(counts > 0, (counts.sum() / np.maximum(counts, 1) / len(counts)) ** power, 0.0)
    cw = np.clip(cw, 0.25, 8.0)
    cw = torch.tensor(cw / cw[counts > 0].mean(), dtype=torch.float32)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    w_init, b_init = torch.from_numpy(w0.copy()), torch.from_numpy(b0.copy())
    w = w_init.clone().requires_grad_(True)
    b = b_init.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([w, b], lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(xt @ w.T + b, yt, weight=cw)
        loss = loss + decay * ((w - w_init) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().numpy(), b.detach().numpy()


def grade_report(y: np.ndarray, logits: np.ndarray) -> dict:
    pred = logits.argmax(-1)
    gold = [SEVERITIES[i] for i in y]
    labels = [SEVERITIES[i] for i in pred]
    rep = report(gold, labels, list(SEVERITIES))
    majors = [i for i, g in enumerate(gold) if g in ("I", "II")]
    rep["major_recall"] = round(sum(labels[i] in ("I", "II") for i in majors) / len(majors), 4) if majors else None
    rep["false_major"] = sum(1 for g, p in zip(gold, labels, strict=True) if p in ("I", "II") and g not in ("I", "II"))
    return {k: rep[k] for k in ("n", "accuracy", "macro_f1", "major_recall", "false_major")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="refit the severity head of the committed artifact")
    ap.add_argument("--write", action="store_true", help="replace the head in the artifact")
    ap.add_argument("--copies", type=int, default=2, help="augmented variants per training post")
    ap.add_argument("--decay", type=float, default=1e-3, help="L2 pull towards the current head")
    ap.add_argument("--steps", type=int, default=200)
    args = ap.parse_args(argv)

    import torch  # noqa: PLC0415
    from safetensors.torch import load_file, save_file  # noqa: PLC0415

    from .runtime import PostClassifier  # noqa: PLC0415

    t0 = time.perf_counter()
    art = artifact_dir()
    clf = PostClassifier(artifact=art, backend="torch")
    train = [e for e in load_domain("train") + load_authored("train", ("severity",)) if e.severity != IGNORE]
    train = with_variants(train, args.copies)
    vals = {
        "val.jsonl": load_domain("val"),
        "authored (even ids)": load_authored("val", ("severity",)),
        "val_incidents.jsonl": load_domain("val_incidents"),
    }
    log(f"{len(train)} training items (with variants); computing frozen features")
    x_tr = features(clf, [e.text for e in train])
    y_tr = np.array([e.severity for e in train])
    head = clf.backend.model.heads.heads["severity"]
    w0 = head.weight.detach().float().numpy()
    b0 = head.bias.detach().float().numpy()
    w, b = fit(x_tr, y_tr, w0, b0, decay=args.decay, steps=args.steps)
    results: dict = {}
    for name, exs in vals.items():
        exs = [e for e in exs if e.severity != IGNORE]
        x = features(clf, [e.text for e in exs])
        y = np.array([e.severity for e in exs])
        results[name] = {"before": grade_report(y, x @ w0.T + b0), "after": grade_report(y, x @ w.T + b)}
        log(f"{name}: before {results[name]['before']}  after {results[name]['after']}")
    summary = {
        "trained_on": "data/train.jsonl severity labels + data/authored/*.jsonl odd ids, "
                      f"{args.copies} augmented variants each ({len(train)} items)",
        "method": f"class-weighted logistic regression on frozen features, L2 {args.decay} towards the old head",
        "validation": results,
        "time_s": round(time.perf_counter() - t0),
    }
    if args.write:
        path = art / WEIGHTS
        tensors = load_file(str(path))
        tensors["heads.heads.severity.weight"] = torch.from_numpy(w).to(torch.float16).contiguous()
        tensors["heads.heads.severity.bias"] = torch.from_numpy(b).to(torch.float16).contiguous()
        save_file(tensors, str(path), metadata={"format": "pt"})
        manifest = json.loads((art / MANIFEST).read_text("utf-8"))
        manifest["severity_head"] = {k: summary[k] for k in ("trained_on", "method")}
        manifest["severity_head"]["weights_sha256"] = file_sha256(path)
        (art / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        metrics_path = art / METRICS
        metrics = json.loads(metrics_path.read_text("utf-8")) if metrics_path.is_file() else {}
        metrics["severity_head"] = summary
        metrics_path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False), "utf-8")
        log(f"severity head written into {path}; re-export ONNX and recalibrate next")
    else:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
