"""Occlusion explanations: which sentences (and optionally words) carried a prediction.

For each span, the text is re-scored without it; the span's score for a task is
how much the probability of the originally predicted label drops (positive =
the span supported the label), and how much its log-odds drop (which still separate
the spans when the model is all but certain).  No gradients and no attention maps: one extra
forward pass per sentence (cheap, batched with the other texts), or per word
for ``level="word"`` (capped at ``MAX_WORDS`` words per text).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .labels import TASKS

if TYPE_CHECKING:  # pragma: no cover
    from .runtime import Explanation, ModelOutput, PostClassifier

EXPLAINED_TASKS = ("sentiment", "topic", "disposition")
MAX_WORDS = 48
_SENT_END = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_SKIP_WORD = re.compile(r"^[\s\W_]+$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _SENT_END.finditer(text) if m.group().strip()]
    return spans or [(0, len(text))]


def word_spans(text: str) -> list[tuple[int, int]]:
    try:
        import jieba  # noqa: PLC0415

        jieba.setLogLevel(60)
        toks = [(s, e) for w, s, e in jieba.tokenize(text) if not _SKIP_WORD.match(w)]
    except ImportError:  # pragma: no cover - jieba is a core dependency
        toks = [(i, i + 2) for i in range(0, len(text), 2)]
    if len(toks) > MAX_WORDS:  # merge neighbours to stay under the cap
        step = -(-len(toks) // MAX_WORDS)
        toks = [
            (toks[i][0], toks[min(i + step, len(toks)) - 1][1]) for i in range(0, len(toks), step)
        ]
    return toks


def _log_odds(p: float) -> float:
    p = min(max(float(p), 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))


def explain_many(
    clf: PostClassifier,
    texts: Sequence[str],
    results: Sequence[ModelOutput],
    level: str = "sentence",
) -> list[Explanation]:
    from .runtime import Explanation, SpanImportance  # noqa: PLC0415

    plan: list[tuple[int, str, int, int]] = []  # (text index, kind, start, end)
    variants: list[str] = []
    for i, text in enumerate(texts):
        spans = sentence_spans(text)
        if len(spans) > 1:
            for s, e in spans:
                plan.append((i, "sentence", s, e))
                variants.append(text[:s] + text[e:])
        if level == "word":
            for s, e in word_spans(text):
                plan.append((i, "word", s, e))
                variants.append(text[:s] + text[e:])
    occluded = clf._outputs(clf._run(clf.encode(variants))) if variants else []
    per_text: list[dict[str, list]] = [{"sentence": [], "word": []} for _ in texts]
    for (i, kind, s, e), out in zip(plan, occluded, strict=True):
        full = results[i]
        scores, log_odds = {}, {}
        for task in EXPLAINED_TASKS:
            lab = full.label(task)
            p_full, p_out = getattr(full, task)[lab], getattr(out, task)[lab]
            scores[task] = float(p_full - p_out)
            log_odds[task] = _log_odds(p_full) - _log_odds(p_out)
        per_text[i][kind].append(SpanImportance(texts[i][s:e], s, e, scores, log_odds))
    exps = []
    for i, text in enumerate(texts):
        sents: list[SpanImportance] = per_text[i]["sentence"]
        if not sents:  # a single sentence carries everything
            sents = [SpanImportance(text, 0, len(text), {t: 1.0 for t in EXPLAINED_TASKS},
                                    {t: 1.0 for t in EXPLAINED_TASKS})]
        exps.append(
            Explanation(
                labels={task: results[i].label(task) for task in TASKS},
                sentences=sents,
                words=per_text[i]["word"],
            )
        )
    return exps
