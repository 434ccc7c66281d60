"""Event-grouping quality on the demo corpus (its demo_labels.event slugs are the truth).

    .venv/bin/python bench/eval_events.py

Prints B-cubed precision/recall/F1 of the system's events against the corpus's events
(standalone posts count as singletons), and how each labeled event was split.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kernel.settings import Settings  # noqa: E402
from tingfeng.bootstrap import bootstrap  # noqa: E402
from tingfeng.demo import DEFAULT_CORPUS, load_demo  # noqa: E402


def bcubed(truth: dict[str, str], pred: dict[str, str]) -> tuple[float, float]:
    by_t, by_p = defaultdict(set), defaultdict(set)
    for k, v in truth.items():
        by_t[v].add(k)
    for k, v in pred.items():
        by_p[v].add(k)
    p = sum(len(by_p[pred[k]] & by_t[truth[k]]) / len(by_p[pred[k]]) for k in truth) / len(truth)
    r = sum(len(by_p[pred[k]] & by_t[truth[k]]) / len(by_t[truth[k]]) for k in truth) / len(truth)
    return p, r


def main() -> None:
    labels = {}
    for line in DEFAULT_CORPUS.read_bytes().splitlines():
        o = orjson.loads(line)
        labels[(o["platform"], o["id"])] = o["demo_labels"].get("event") or f"solo:{o['platform']}:{o['id']}"
    with tempfile.TemporaryDirectory() as d:
        app = bootstrap(Settings(database_url=f"sqlite:///{d}/ev.db", task_backend="eager", analyzer=sys.argv[1]
                                 if len(sys.argv) > 1 else "rules", smtp_host=""))
        load_demo(app)
        from sqlalchemy import select

        from storage.tables import PostRow

        with app.store_factory() as st:
            rows = st.session.execute(select(PostRow.platform, PostRow.external_id, PostRow.id, PostRow.event_id)).all()
        app.close()
    pred = {(p, e): f"ev{ev}" if ev else f"none{pk}" for p, e, pk, ev in rows}
    truth = {k: labels[k] for k in pred}
    p, r = bcubed(truth, pred)
    print(f"B-cubed 精确率 {p:.3f}  召回率 {r:.3f}  F1 {2 * p * r / (p + r):.3f}  （{len(truth)} 条帖子）")
    print(f"系统事件数 {len(set(pred.values()))}，语料事件数（含单帖）{len(set(truth.values()))}")
    slugs = sorted({v for v in truth.values() if not v.startswith("solo:")})
    for s in slugs:
        split = Counter(pred[k] for k, v in truth.items() if v == s)
        print(f"  {s:<32} {sum(split.values()):>3} 条 → {len(split)} 个系统事件 {split.most_common(4)}")


if __name__ == "__main__":
    main()
