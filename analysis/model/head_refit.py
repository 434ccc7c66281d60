"""Refit one task head of the committed artifact (severity by default), on frozen features.

    python -m analysis.model.head_refit [--task severity|sentiment|topic|disposition|major|serious] [--write]

``--task major`` fits the binary head (特别重大/重大 against the rest, from the same
severity labels) from scratch, with a plain L2 penalty instead of a pull towards a
trained head: the network never trained one.  The hybrid analyzer uses its
probability to grade a post that states no figures as 重大 (threshold calibrated by
``analysis.model.calibrate``).  ``--task serious`` fits the other binary head the same
way (较大 or graver against 一般), which the hybrid uses to lift a figure-less IV to III.

``--task topic`` (session 13) refits the topic head, which the network learned from
``data/train.jsonl`` alone (964 posts by one writer), on every readable labeled file we
have: ``--extra`` names them, ``--authored-half all`` takes both halves of
``data/authored/``, and ``--validate`` reports on the blind held-out files instead (the
usual validation files are then training data). ``make model-head`` has the recipe.
``--task disposition`` refits that head the same way (measured in session 13, not kept).

Why a head alone: training the whole network on the incident posts in
``data/authored/`` improved severity but moved the shared encoder enough to cost
sentiment (validation macro-F1 0.967 → 0.948, iNews 0.701 → 0.685; see the model card).
Here the encoder and the other heads stay bit for bit as they are; one head (a linear
layer over the heads' normalised [mean ; first-token] features) is refit by
class-weighted logistic regression on

* the task's labels in ``data/train.jsonl`` and in the extra training files
  (``--extra``, default ``data/train_sentiment_edges.jsonl``: praise set in hardship,
  neutral notices of alarming things, complaints in polite words),
* the training half (odd ids) of ``data/authored/*.jsonl``, and
* for sentiment, the same 2 500 iNews items the network was trained on (``--inews-weight``),

the hand-written posts with two seeded augmented variants each (Traditional script,
hashtags/emoji, place swaps), starting from the current head with an L2 pull towards it.
It reports the old and the new head on the validation posts (``data/val.jsonl``, the
authored even-id half, ``data/val_incidents.jsonl``, and for sentiment
``data/val_sentiment_edges.jsonl`` and the iNews test split), and with ``--write`` replaces the head's two tensors in ``model.safetensors`` and
records what it did in the manifest and ``metrics.json``. Re-export the ONNX model and
recalibrate afterwards (``make model-head``). The dev set is never read.
"""

from __future__ import annotations

import argparse
import json
import random
import time

import numpy as np

from .artifact import METRICS, WEIGHTS, file_sha256, update_manifest
from .dataset import (
    IGNORE,
    Augmenter,
    Example,
    load_authored,
    load_domain,
    load_inews,
    load_training,
)
from .labels import BINARY_HEADS, SEVERITIES, TASKS
from .metrics import report
from .paths import artifact_dir
from .runtime import PostClassifier, _softmax

SEED = 20261122


def log(msg: str) -> None:
    print(f"[head-refit {time.strftime('%H:%M:%S')}] {msg}", flush=True)


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


def fit(x: np.ndarray, y: np.ndarray, sw: np.ndarray, w0: np.ndarray, b0: np.ndarray, *, decay: float,
        steps: int, power: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    """Class-weighted multinomial logistic regression, warm-started from (w0, b0), with an
    L2 pull towards the starting head (so rare classes move it, not replace it)."""
    import torch  # noqa: PLC0415

    torch.manual_seed(SEED)
    counts = np.bincount(y, minlength=len(b0)).astype(float)
    cw = np.where(counts > 0, (counts.sum() / np.maximum(counts, 1) / len(counts)) ** power, 0.0)
    cw = np.clip(cw, 0.25, 8.0)
    cw = torch.tensor(cw / cw[counts > 0].mean(), dtype=torch.float32)
    xt, yt, swt = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(sw.astype(np.float32))
    w_init, b_init = torch.from_numpy(w0.copy()), torch.from_numpy(b0.copy())
    w = w_init.clone().requires_grad_(True)
    b = b_init.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([w, b], lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        per = torch.nn.functional.cross_entropy(xt @ w.T + b, yt, weight=cw, reduction="none")
        loss = (per * swt).sum() / (cw[yt] * swt).sum()
        loss = loss + decay * ((w - w_init) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().numpy(), b.detach().numpy()


def binary_labels(head: str, severity: np.ndarray) -> np.ndarray:
    """Severity label indices -> 1 for the head's grades (I/II for major, I–III for
    serious), 0 for the others."""
    grades = [SEVERITIES.index(g) for g in BINARY_HEADS[head]]
    return np.isin(severity, grades).astype(np.int64)


def auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half)."""
    pos, neg = score[y == 1], score[y == 0]
    if not len(pos) or not len(neg):
        return None
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return round(float(greater / (len(pos) * len(neg))), 4)


def task_report(task: str, y: np.ndarray, logits: np.ndarray) -> dict:
    if task in BINARY_HEADS:
        p = _softmax(logits)[:, 1]
        out: dict = {"n": int(len(y)), "positives": int(y.sum()), "auc": auc(y, p)}
        for th in (0.5, 0.7, 0.9, 0.95):
            out[f"recall@{th}"] = round(float((p[y == 1] >= th).mean()), 4) if y.sum() else None
            out[f"false@{th}"] = int((p[y == 0] >= th).sum())
        return out
    names = TASKS[task]
    pred = logits.argmax(-1)
    gold = [names[i] for i in y]
    labels = [names[i] for i in pred]
    rep = report(gold, labels, list(names))
    if task != "severity":
        return {k: rep[k] for k in ("n", "accuracy", "macro_f1")}
    majors = [i for i, g in enumerate(gold) if g in ("I", "II")]
    rep["major_recall"] = round(sum(labels[i] in ("I", "II") for i in majors) / len(majors), 4) if majors else None
    rep["false_major"] = sum(1 for g, p in zip(gold, labels, strict=True) if p in ("I", "II") and g not in ("I", "II"))
    return {k: rep[k] for k in ("n", "accuracy", "macro_f1", "major_recall", "false_major")}


def labels_of(task: str, examples: list[Example]) -> np.ndarray:
    if task in BINARY_HEADS:
        return binary_labels(task, np.array([e.severity for e in examples]))
    return np.array([e.label(task) for e in examples])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="refit one task head of the committed artifact")
    ap.add_argument("--task", default="severity", choices=["severity", "sentiment", "topic", "disposition", *BINARY_HEADS])
    ap.add_argument("--write", action="store_true", help="replace the head in the artifact")
    ap.add_argument("--copies", type=int, default=2, help="augmented variants per training post")
    ap.add_argument("--decay", type=float, default=1e-3, help="L2 pull towards the current head")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--inews-weight", type=float, default=1.0, help="sentiment: weight of the iNews items")
    ap.add_argument("--extra", nargs="*", default=["train_sentiment_edges"],
                    help="more training files, data/<name>.jsonl (all their labels)")
    ap.add_argument("--authored", nargs="*", default=None,
                    help="train on these data/authored/<stem>.jsonl files only (default: all)")
    ap.add_argument("--authored-half", choices=["train", "all"], default="train",
                    help="the odd-id training half of data/authored/ (default) or both halves")
    ap.add_argument("--validate", nargs="*", default=None,
                    help="report on these data/<name>.jsonl files, pooled, instead of the usual validation files")
    args = ap.parse_args(argv)

    import torch  # noqa: PLC0415
    from safetensors.torch import load_file, save_file  # noqa: PLC0415

    t0 = time.perf_counter()
    art = artifact_dir()
    clf = PostClassifier(artifact=art, backend="torch")
    task = args.task
    label_task = "severity" if task in BINARY_HEADS else task  # binary heads learn from severity labels
    only = tuple(args.authored) if args.authored is not None else None
    # a topic or disposition fit keeps the authored posts' sentiment labels too: the augmenter
    # picks its emoji by them (the fit itself reads the task's labels only)
    authored_tasks = (label_task, "sentiment") if task in ("topic", "disposition") else (label_task,)
    halves = ("train", "val") if args.authored_half == "all" else ("train",)
    train = [e for e in load_training(args.extra)
             + [a for half in halves for a in load_authored(half, authored_tasks, only=only)]
             if e.label(label_task) != IGNORE]
    train = with_variants(train, args.copies)
    vals = {
        "val.jsonl": load_domain("val"),
        "authored (even ids)": load_authored("val", (label_task,)),
        "val_incidents.jsonl": load_domain("val_incidents"),
    }
    if args.validate is not None:
        vals = {" + ".join(args.validate): [e for name in args.validate for e in load_domain(name)]}
    if task == "sentiment":
        inews = load_inews("train", weight=args.inews_weight)
        train += random.Random(20261104).sample(inews, 2500)  # train.py's own sample (its seed and --inews)
        vals["val_sentiment_edges.jsonl"] = load_domain("val_sentiment_edges")
        vals["iNews test"] = load_inews("test")
    log(f"{len(train)} training items (with variants); computing frozen features")
    x_tr = features(clf, [e.text for e in train])
    y_tr = labels_of(task, train)
    sw = np.array([e.weight for e in train])
    tensors = load_file(str(art / WEIGHTS))
    if task in BINARY_HEADS:
        # no trained head to stay near: start from zero, the pull becomes plain L2
        w0 = np.zeros((2, x_tr.shape[1]), dtype=np.float32)
        b0 = np.zeros(2, dtype=np.float32)
        target = f"heads.{task}"
    else:
        # the anchor is the head as the network trained it, kept in the artifact beside the
        # refit one ("trained_heads.*", ignored by the loaders), so a second run gives the same head
        anchor = "trained_heads" if f"trained_heads.{task}.weight" in tensors else "heads.heads"
        w0 = tensors[f"{anchor}.{task}.weight"].float().numpy()
        b0 = tensors[f"{anchor}.{task}.bias"].float().numpy()
        target = f"heads.heads.{task}"
    w, b = fit(x_tr, y_tr, sw, w0, b0, decay=args.decay, steps=args.steps,
               power=0.5 if task == "sentiment" else 0.7)
    results: dict = {}
    log(f"refit {task} head; {len(train)} items"
        + (f" (before = P({'+'.join(BINARY_HEADS[task])}) of the severity head)" if task in BINARY_HEADS else ""))
    for name, exs in vals.items():
        exs = [e for e in exs if e.label(label_task) != IGNORE]
        x = features(clf, [e.text for e in exs])
        y = labels_of(task, exs)
        before = x @ w0.T + b0
        if task in BINARY_HEADS:
            # the baseline a binary head must beat: the severity head's P of the same grades
            sev = _softmax(x @ tensors["heads.heads.severity.weight"].float().numpy().T
                           + tensors["heads.heads.severity.bias"].float().numpy())
            p = np.clip(sev[:, :len(BINARY_HEADS[task])].sum(-1), 1e-7, 1 - 1e-7)
            before = np.stack([np.log1p(-p), np.log(p)], axis=-1)
        results[name] = {"before": task_report(task, y, before), "after": task_report(task, y, x @ w.T + b)}
        log(f"{name}: before {results[name]['before']}  after {results[name]['after']}")
    summary = {
        "trained_on": "data/train.jsonl"
                      + "".join(f" + data/{name}.jsonl" for name in args.extra)
                      + f" {label_task} labels + data/authored/"
                      + ("*" if only is None else "{" + ",".join(only) + "}")
                      + (".jsonl all ids, " if args.authored_half == "all" else ".jsonl odd ids, ")
                      + f"{args.copies} augmented variants each"
                      + (f" + 2 500 iNews train items (weight {args.inews_weight})" if task == "sentiment" else "")
                      + f" ({len(train)} items)",
        "method": f"class-weighted logistic regression on frozen features, L2 {args.decay} towards "
                  + ("zero" if task in BINARY_HEADS else "the old head"),
        "validation": results,
        "time_s": round(time.perf_counter() - t0),
    }
    if args.write:
        path = art / WEIGHTS
        if task not in BINARY_HEADS:
            tensors.setdefault(f"trained_heads.{task}.weight", torch.from_numpy(w0).to(torch.float16).contiguous())
            tensors.setdefault(f"trained_heads.{task}.bias", torch.from_numpy(b0).to(torch.float16).contiguous())
        tensors[f"{target}.weight"] = torch.from_numpy(w).to(torch.float16).contiguous()
        tensors[f"{target}.bias"] = torch.from_numpy(b).to(torch.float16).contiguous()
        save_file(tensors, str(path), metadata={"format": "pt"})
        update_manifest(art, **{f"{task}_head": {"trained_on": summary["trained_on"], "method": summary["method"],
                                                 "weights_sha256": file_sha256(path)}})
        metrics_path = art / METRICS
        metrics = json.loads(metrics_path.read_text("utf-8")) if metrics_path.is_file() else {}
        metrics[f"{task}_head"] = summary
        metrics_path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False), "utf-8")
        log(f"{task} head written into {path}; re-export ONNX and recalibrate next")
    else:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
