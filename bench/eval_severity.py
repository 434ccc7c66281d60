"""Analysis quality on our own labeled posts, with the severity confusion matrix.

    .venv/bin/python bench/eval_severity.py [--analyzer model|rules] [--misses] FILE.jsonl ...

Files are in the training-data format (``text``/``title`` + label fields), the dev
format (``{"post", "labels"}``) or the demo corpus's (posts with ``demo_labels``). Each file is scored by the same path as
``tingfeng analyze`` and reported with the ``tingfeng eval`` metrics, plus gold×predicted
severity counts. ``--misses`` lists the severity errors with their text: use it on our own
data only (the dev set stays unseen).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.metrics import evaluate  # noqa: E402
from analysis.model.dataset import authored_part  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from tingfeng.analyze_cmd import analyze_stream, build_scorer  # noqa: E402

GRADES = ("I", "II", "III", "IV")


def labeled_lines(path: Path, part: str | None = None) -> tuple[list[bytes], list[dict]]:
    """The file as contract posts (labeled form) and their labels."""
    lines, labels = [], []
    for no, raw in enumerate(path.read_bytes().splitlines(), start=1):
        if not raw.strip():
            continue
        row = orjson.loads(raw)
        if part and not authored_part(str(row.get("id")), part):
            continue
        if "post" in row:
            post, lab = row["post"], row["labels"]
        elif "demo_labels" in row:  # the demo corpus carries its labels inside the post
            lab = row.pop("demo_labels")
            post = row
        else:
            post = {"id": str(row.get("id") or f"{path.stem}-{no}"),
                    "platform": row.get("platform") or ("forum" if row.get("title") else "weibo"),
                    "title": row.get("title"), "text": row["text"],
                    "published_at": row.get("published_at") or "2026-11-04T09:00:00+08:00"}
            # the post's engagement and IP属地 where the writer gave them
            post |= {k: row[k] for k in ("metrics", "ip_location", "author") if row.get(k)}
            lab = {k: row.get(k) for k in ("sentiment", "topic", "severity", "disposition")}
            lab["township"] = row.get("township")
        lines.append(orjson.dumps({"post": post, "labels": lab}))
        labels.append(lab)
    return lines, labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--analyzer", default="model", choices=["model", "rules"])
    ap.add_argument("--misses", action="store_true", help="list severity errors with their text")
    ap.add_argument("--per-post", dest="event_context", action="store_false",
                    help="grade each post on its own text (the default groups a file's posts into events, as `tingfeng analyze` does)")
    ap.add_argument("--part", choices=["train", "val"], default=None,
                    help="only the training or validation half of an authored file (analysis.model.dataset)")
    args = ap.parse_args(argv)
    for path in args.files:
        # each file is its own run, as `tingfeng analyze FILE` would score it: with event
        # context, one scorer for all files would group a file's posts with the earlier files'
        scorer = build_scorer(Settings(analyzer=args.analyzer), event_context=args.event_context)
        lines, labels = labeled_lines(path, args.part)
        buf = io.BytesIO()
        analyze_stream(scorer, lines, buf)
        preds = [orjson.loads(x) for x in buf.getvalue().splitlines()]
        res = evaluate(labels, preds)
        print(f"== {path}  ({res.n} 条, {scorer.analyzer.name})")
        for name, _, value in res.rows():
            print(f"  {name:<14} {value}")
        print("  等级混淆（行=标注，列=判定）  " + "  ".join(f"{g:>4}" for g in GRADES))
        for g in GRADES:
            row = res.severity_confusion.get(g)
            if row:
                print(f"  {g:>30}  " + "  ".join(f"{row.get(q, 0):>4}" for q in GRADES))
        if args.misses:
            for lab, p in zip(labels, preds, strict=True):
                if lab["severity"] != p["severity"]:
                    figs = p.get("explanation", {}).get("figures")
                    print(f"  ✗ {lab['severity']}→{p['severity']}  {(p.get('title') or '')} {p['text'][:110]}"
                          f"  {orjson.dumps(figs).decode()[:160] if figs else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
