"""Score a labeled JSONL file with the model and print its metrics.

    python -m analysis.model.evaluate FILE.jsonl [--backend auto|onnx|torch] [--json OUT] [--errors]

Accepts both the dev format (``{"post": {...}, "labels": {...}}``) and the
training-data format (``text``/``title`` + label fields).  Evaluation only:
nothing here feeds back into training (the dev set must stay unseen: the per-post
errors, texts included, are printed only with ``--errors`` and written to ``--json``
only then too).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .labels import TASKS, disposition_code, post_text
from .metrics import report


def read_labeled(path: Path) -> tuple[list[str], list[dict]]:
    texts, labels = [], []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        post, lab = (row["post"], row["labels"]) if "post" in row else (row, row)
        texts.append(post_text(post.get("text") or "", post.get("title")))
        labels.append(
            {
                "sentiment": lab.get("sentiment"),
                "topic": lab.get("topic"),
                "severity": lab.get("severity"),
                "disposition": disposition_code(lab.get("disposition")),
            }
        )
    return texts, labels


def evaluate_file(path: Path, backend: str = "auto") -> dict:
    from .runtime import PostClassifier  # noqa: PLC0415

    texts, gold = read_labeled(path)
    clf = PostClassifier(backend=backend)  # type: ignore[arg-type]
    outs = clf.predict(texts)
    res: dict = {"file": str(path), "backend": clf.backend.name, "n": len(texts)}
    for task, labels in TASKS.items():
        g = [x[task] for x in gold if x[task] is not None]
        p = [o.label(task) for o, x in zip(outs, gold, strict=True) if x[task] is not None]
        res[task] = report(g, p, labels)
    res["errors"] = [
        {"text": t[:80], **{task: (x[task], o.label(task)) for task in ("sentiment", "topic")}}
        for t, x, o in zip(texts, gold, outs, strict=True)
        if x["sentiment"] != o.label("sentiment") or x["topic"] != o.label("topic")
    ]
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="evaluate the classifier on a labeled JSONL file")
    ap.add_argument("file", type=Path)
    ap.add_argument("--backend", default="auto", choices=["auto", "onnx", "torch"])
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--errors", action="store_true", help="list the misclassified posts (never on the dev set)")
    args = ap.parse_args(argv)
    res = evaluate_file(args.file, args.backend)
    print(f"{res['file']}: {res['n']} posts, backend {res['backend']}")
    for task in TASKS:
        print(
            f"  {task:<12} accuracy {res[task]['accuracy']:.3f}   "
            f"macro-F1 {res[task]['macro_f1']:.3f}"
        )
    if args.errors:
        for e in res["errors"]:
            print(f"  ✗ {e['text']}  sentiment {e['sentiment']}  topic {e['topic']}")
    else:
        res.pop("errors")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
