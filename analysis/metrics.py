"""Evaluation metrics for scored posts against labels (the `tingfeng eval` table)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

MAJOR = ("I", "II")


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        if tp + fp + fn == 0:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def bcubed(truth: Mapping[Hashable, str], pred: Mapping[Hashable, str]) -> tuple[float, float]:
    """B-cubed precision and recall of a clustering ``pred`` (item → cluster) against
    ``truth`` (item → true cluster), over the items of ``truth``."""
    by_t: dict[str, set] = defaultdict(set)
    by_p: dict[str, set] = defaultdict(set)
    for k, v in truth.items():
        by_t[v].add(k)
    for k, v in pred.items():
        by_p[v].add(k)
    p = sum(len(by_p[pred[k]] & by_t[truth[k]]) / len(by_p[pred[k]]) for k in truth) / len(truth)
    r = sum(len(by_p[pred[k]] & by_t[truth[k]]) / len(by_t[truth[k]]) for k in truth) / len(truth)
    return p, r


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def accuracy(gold: Sequence, pred: Sequence) -> float:
    return sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold) if gold else 0.0


@dataclass
class EvalResult:
    n: int
    sentiment_macro_f1: float
    topic_accuracy: float
    severity_accuracy: float
    major_recall: float
    major_total: int
    false_major: int
    township_accuracy: float
    disposition_accuracy: float
    misses: list[dict] = field(default_factory=list)
    # gold grade -> predicted grade -> posts
    severity_confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, str]]:
        return [
            ("情感 macro-F1", "sentiment_macro_f1", f"{self.sentiment_macro_f1:.3f}"),
            ("主题准确率", "topic_accuracy", f"{self.topic_accuracy:.3f}"),
            ("等级准确率", "severity_accuracy", f"{self.severity_accuracy:.3f}"),
            ("I/II 级召回率", "major_recall", f"{self.major_recall:.3f}（{self.major_total} 条 I/II）"),
            ("误报 I/II 条数", "false_major", str(self.false_major)),
            ("属地准确率", "township_accuracy", f"{self.township_accuracy:.3f}"),
            ("处置方式准确率", "disposition_accuracy", f"{self.disposition_accuracy:.3f}"),
        ]


def evaluate(labels: Sequence[dict], preds: Sequence[dict], ids: Sequence[str] | None = None) -> EvalResult:
    """labels: dicts with sentiment/topic/severity/township/disposition; preds: scored-post dicts."""
    g_sent = [lab["sentiment"] for lab in labels]
    p_sent = [p["sentiment"]["label"] for p in preds]
    g_top = [lab["topic"] for lab in labels]
    p_top = [p["topics"][0]["code"] if p["topics"] else "other" for p in preds]
    g_sev = [lab["severity"] for lab in labels]
    p_sev = [p["severity"] for p in preds]
    major = [i for i, s in enumerate(g_sev) if s in MAJOR]
    recall = sum(1 for i in major if p_sev[i] in MAJOR) / len(major) if major else 1.0
    false_major = sum(1 for g, p in zip(g_sev, p_sev, strict=True) if p in MAJOR and g not in MAJOR)
    g_town = [lab.get("township") for lab in labels]
    p_town = [p.get("township") for p in preds]
    g_disp = [lab.get("disposition") for lab in labels]
    p_disp = [p.get("disposition") for p in preds]
    misses = []
    for i in range(len(labels)):
        wrong = {k: (g, p) for k, g, p in (("sentiment", g_sent[i], p_sent[i]), ("topic", g_top[i], p_top[i]),
                                           ("severity", g_sev[i], p_sev[i]), ("township", g_town[i], p_town[i]),
                                           ("disposition", g_disp[i], p_disp[i])) if g != p}
        if wrong:
            misses.append({"id": ids[i] if ids else i, "wrong": wrong})
    confusion: dict[str, dict[str, int]] = {}
    for g, p in zip(g_sev, p_sev, strict=True):
        row = confusion.setdefault(g, {})
        row[p] = row.get(p, 0) + 1
    return EvalResult(
        severity_confusion=confusion,
        n=len(labels),
        sentiment_macro_f1=macro_f1(g_sent, p_sent, ["negative", "neutral", "positive"]),
        topic_accuracy=accuracy(g_top, p_top),
        severity_accuracy=accuracy(g_sev, p_sev),
        major_recall=recall,
        major_total=len(major),
        false_major=false_major,
        township_accuracy=accuracy(g_town, p_town),
        disposition_accuracy=accuracy(g_disp, p_disp),
        misses=misses,
    )
