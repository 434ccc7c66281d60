"""Small, dependency-free classification metrics (accuracy, per-class and macro F1)."""

from __future__ import annotations

from collections.abc import Sequence


def accuracy(gold: Sequence, pred: Sequence) -> float:
    pairs = list(zip(gold, pred, strict=True))
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0


def f1_per_class(gold: Sequence, pred: Sequence, labels: Sequence) -> dict:
    out = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    return out


def macro_f1(gold: Sequence, pred: Sequence, labels: Sequence | None = None) -> float:
    """Mean F1 over ``labels`` (default: the labels present in ``gold``)."""
    labs = list(labels) if labels is not None else sorted(set(gold), key=str)
    per = f1_per_class(gold, pred, labs)
    return sum(v["f1"] for v in per.values()) / len(per) if per else 0.0


def report(gold: Sequence, pred: Sequence, labels: Sequence | None = None) -> dict:
    labs = list(labels) if labels is not None else sorted(set(gold), key=str)
    present = [lab for lab in labs if lab in set(gold)]
    return {
        "n": len(gold),
        "accuracy": round(accuracy(gold, pred), 4),
        "macro_f1": round(macro_f1(gold, pred, present), 4),
        "per_class": {
            k: {kk: round(vv, 4) if isinstance(vv, float) else vv for kk, vv in v.items()}
            for k, v in f1_per_class(gold, pred, present).items()
        },
    }
