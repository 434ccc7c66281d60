"""Incident-level quality: do the posts about one incident land in one event, and does that
event carry the incident's grade?

    .venv/bin/python bench/eval_incidents.py [--analyzer model|rules] FILE.jsonl

FILE is in the training-data format with two more fields per post: ``published_at`` and
``incident`` (the same value for every post about one incident, null for a post about
nothing else), and ``severity`` labeled per incident (a relative's plea or an angry
follow-up carries the grade of the incident it is about), as in
``analysis/model/data/val_severity_probe2.jsonl``.

The posts are replayed through the real pipeline (a temporary SQLite database, the
configured analyzer, event grouping, alerts), as the demo corpus is. Printed:

* B-cubed precision / recall of the events against the incidents (other posts singletons);
* per post: the grade of the event it landed in (what the event list shows an analyst)
  against its label, with I/II recall and false I/II, next to the post's own grade;
* per incident: the gravest event holding its posts against its grade.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.metrics import bcubed, f1  # noqa: E402
from kernel.domain.scores import SEVERITY_RANK  # noqa: E402
from kernel.settings import Settings  # noqa: E402

MAJOR = ("I", "II")


def replay(rows: list[dict], settings: Settings) -> dict[str, tuple[str, str | None, str | None]]:
    """id → (the post's own grade, its event key, the event's grade) after the pipeline ran."""
    from sqlalchemy import select

    from storage.tables import EventRow, PostRow, ScoreRow
    from tingfeng.demo import replayed

    with tempfile.TemporaryDirectory() as d:
        corpus = Path(d) / "corpus.jsonl"
        corpus.write_bytes(b"\n".join(orjson.dumps({
            "id": r["id"], "platform": r.get("platform") or "weibo", "title": r.get("title"),
            "text": r["text"], "published_at": r["published_at"]}) for r in rows))
        with replayed(settings, corpus) as app, app.store_factory() as st:
            grades = dict(st.session.execute(select(EventRow.id, EventRow.severity)).all())
            out = {}
            for ext, ev, own in st.session.execute(
                    select(PostRow.external_id, PostRow.event_id, ScoreRow.severity)
                    .join(ScoreRow, ScoreRow.post_id == PostRow.id, isouter=True)).all():
                out[ext] = (own, f"ev{ev}" if ev else None, grades.get(ev))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--analyzer", default="model", choices=["model", "rules"])
    args = ap.parse_args(argv)
    rows = [orjson.loads(x) for x in args.file.read_bytes().splitlines() if x.strip()]
    missing = [r["id"] for r in rows if "published_at" not in r or "incident" not in r]
    if missing:
        print(f"缺少 published_at / incident 字段的帖子：{len(missing)} 条（如 {missing[0]}）", file=sys.stderr)
        return 2
    got = replay(rows, Settings(analyzer=args.analyzer))

    truth = {r["id"]: f"inc{r['incident']}" if r["incident"] is not None else f"solo:{r['id']}" for r in rows}
    pred = {r["id"]: got[r["id"]][1] or f"none:{r['id']}" for r in rows}
    p, rc = bcubed(truth, pred)
    print(f"== {args.file}  （{len(rows)} 条，{sum(1 for v in set(truth.values()) if v.startswith('inc'))} 个多帖事件）")
    print(f"  事件归并 B-cubed 精确率 {p:.3f}  召回率 {rc:.3f}  F1 {f1(p, rc):.3f}")

    def table(name: str, grade_of) -> None:
        right = sum(1 for r in rows if grade_of(r) == r["severity"])
        majors = [r for r in rows if r["severity"] in MAJOR]
        caught = sum(1 for r in majors if grade_of(r) in MAJOR)
        false = sum(1 for r in rows if r["severity"] not in MAJOR and grade_of(r) in MAJOR)
        print(f"  {name:<10} 等级准确率 {right / len(rows):.3f}  I/II 召回 {caught}/{len(majors)}  误报 I/II {false}")

    table("帖子自身", lambda r: got[r["id"]][0])
    table("所在事件", lambda r: got[r["id"]][2] or got[r["id"]][0])

    by_incident: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        if r["incident"] is not None:
            by_incident[r["incident"]].append(r)
    conf: Counter[tuple[str, str]] = Counter()
    for posts in by_incident.values():
        want = min((r["severity"] for r in posts), key=SEVERITY_RANK.__getitem__)
        have = min((got[r["id"]][2] or got[r["id"]][0] or "IV" for r in posts), key=SEVERITY_RANK.__getitem__)
        conf[(want, have)] += 1
    print("  事件级（每个多帖事件取其帖子所在系统事件的最高等级）：行=标注，列=判定")
    print("        " + "".join(f"{g:>5}" for g in ("I", "II", "III", "IV")))
    for g in ("I", "II", "III", "IV"):
        if any(k[0] == g for k in conf):
            print(f"  {g:>5} " + "".join(f"{conf.get((g, q), 0):>5}" for q in ("I", "II", "III", "IV")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
