"""Event-grouping quality on the demo corpus (its demo_labels.event slugs are the truth).

    .venv/bin/python bench/eval_events.py

Prints B-cubed precision/recall/F1 of the system's events against the corpus's events
(standalone posts count as singletons), and how each labeled event was split.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.metrics import bcubed, f1  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from tingfeng.demo import demo_events_truth, group_demo  # noqa: E402


def main() -> None:
    analyzer = sys.argv[1] if len(sys.argv) > 1 else "rules"
    labels = demo_events_truth()
    pred = group_demo(Settings(analyzer=analyzer))
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
