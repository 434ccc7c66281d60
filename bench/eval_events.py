"""Event-grouping quality against the writers' own events.

    .venv/bin/python bench/eval_events.py [rules|model]
    .venv/bin/python bench/eval_events.py [rules|model] --feed FILE.jsonl [FILE.jsonl ...]
    .venv/bin/python bench/eval_events.py [rules|model] --service [--no-event-link] --feed FILE.jsonl ...

Without ``--feed``: the demo corpus loaded through the pipeline into a fresh database (its
demo_labels.event slugs are the truth). Prints B-cubed precision/recall/F1 of the system's
events against the corpus's events (stand-alone posts count as singletons), and how each
labeled event was split.

With ``--feed``: event feeds in the training-data form with an ``event`` field (null for a
stand-alone post), such as analysis/model/data/val_feed.jsonl, grouped as `tingfeng analyze`
groups a run in memory (kernel.services.event_context). Prints B-cubed and, for the posts
event context graded up, how many the writer graded that way: aggregate figures only, so it
may be run on held-out files.

With ``--service --feed``: each feed replayed through the service pipeline into a fresh
database, as the demo is, and B-cubed of the stored events (the event list people work
from); ``--no-event-link`` groups by text alone, without the learned same-event link.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.metrics import bcubed, f1  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from tingfeng.demo import demo_events_truth, group_demo  # noqa: E402


def feed(path: Path, analyzer: str) -> None:
    import orjson

    from kernel.domain.posts import parse_post
    from kernel.services.scoring import to_item
    from tingfeng.analyze_cmd import build_scorer

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from eval_severity import labeled_lines

    rows = [orjson.loads(x) for x in path.read_bytes().splitlines() if x.strip()]
    lines, labels = labeled_lines(path)
    items = [to_item(parse_post(orjson.loads(x))) for x in lines]
    groups: dict[str, int] = {}
    scorer = build_scorer(Settings(analyzer=analyzer), event_context=True, on_group=groups.__setitem__)
    scores = []
    for i in range(0, len(items), 256):
        scores += scorer.score(items[i:i + 256])
    truth = {it.post.id: (r.get("event") or f"solo:{it.post.id}") for it, r in zip(items, rows, strict=True)}
    pred = {k: str(groups.get(k, f"irrelevant:{k}")) for k in truth}
    p, r = bcubed(truth, pred)
    lifted = [(lab["severity"], s) for lab, s in zip(labels, scores, strict=True) if "event_context" in s.explanation]
    right = sum(g == s.severity for g, s in lifted)
    print(f"{path.name}: B-cubed 精确率 {p:.3f}  召回率 {r:.3f}  F1 {f1(p, r):.3f}  （{len(truth)} 条，"
          f"写作者事件 {len({v for v in truth.values() if not v.startswith('solo:')})} 个，系统事件 {len(set(pred.values()))} 个）")
    print(f"  按事件上调 {len(lifted)} 条，其中与标注一致 {right} 条，原等级本就正确 "
          f"{sum(g == s.explanation['event_context']['own_grade'] for g, s in lifted)} 条")


def as_corpus(path: Path, folder: Path) -> Path:
    """A feed in the training-data form as a demo corpus: each post as eval_severity reads it,
    with its ``event`` as demo_labels.event."""
    import orjson
    from eval_severity import labeled_lines

    rows = [orjson.loads(x) for x in path.read_bytes().splitlines() if x.strip()]
    lines, _ = labeled_lines(path)
    out = folder / f"{path.stem}.corpus.jsonl"
    with open(out, "wb") as fh:
        for r, line in zip(rows, lines, strict=True):
            event = (r.get("demo_labels") or {}).get("event") if "demo_labels" in r else r.get("event")
            fh.write(orjson.dumps(orjson.loads(line)["post"] | {"demo_labels": {"event": event}}) + b"\n")
    return out


def service_feed(path: Path, settings: Settings) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        corpus = as_corpus(path, Path(d))
        pred = group_demo(settings, corpus=corpus)
        labels = demo_events_truth(corpus)
    truth = {k: labels[k] for k in pred}
    p, r = bcubed(truth, pred)
    print(f"{path.name}（服务事件列表，关联模型{'开' if settings.event_link else '关'}）: B-cubed 精确率 {p:.3f}  "
          f"召回率 {r:.3f}  F1 {f1(p, r):.3f}  （{len(truth)} 条，系统事件 {len(set(pred.values()))} 个）")


def main() -> None:
    args = sys.argv[1:]
    analyzer = args[0] if args and not args[0].startswith("--") else "rules"
    settings = Settings(analyzer=analyzer, event_link="--no-event-link" not in args)
    if "--feed" in args:
        for f in args[args.index("--feed") + 1:]:
            if "--service" in args:
                service_feed(Path(f), settings)
            else:
                feed(Path(f), analyzer)
        return
    labels = demo_events_truth()
    pred = group_demo(settings)
    truth = {k: labels[k] for k in pred}
    p, r = bcubed(truth, pred)
    print(f"B-cubed 精确率 {p:.3f}  召回率 {r:.3f}  F1 {f1(p, r):.3f}  （{len(truth)} 条帖子）")
    print(f"系统事件数 {len(set(pred.values()))}，语料事件数（含单帖）{len(set(truth.values()))}")
    slugs = sorted({v for v in truth.values() if not v.startswith("solo:")})
    for s in slugs:
        split = Counter(pred[k] for k, v in truth.items() if v == s)
        print(f"  {s:<32} {sum(split.values()):>3} 条 → {len(split)} 个系统事件 {split.most_common(4)}")


if __name__ == "__main__":
    main()
