"""Ingest + analyze + cluster + alert throughput on the embedded default (SQLite).

    .venv/bin/python bench/bench_pipeline.py [--posts 2000] [--analyzer rules]

Prints posts/s for ingestion alone and for the whole pipeline, and peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kernel.settings import Settings  # noqa: E402
from tingfeng.bootstrap import bootstrap  # noqa: E402
from tingfeng.demo import DEFAULT_CORPUS, read_corpus  # noqa: E402


def synth(n: int) -> list[dict]:
    """Demo posts re-issued under new ids with small variations and a spread of times."""
    base = read_corpus(DEFAULT_CORPUS)
    rnd = random.Random(7)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        p = dict(rnd.choice(base))
        p["id"] = f"bench-{i}"
        p["text"] = p["text"] + f"（{rnd.randint(1, 10**6)}）"
        p["published_at"] = (t0 + timedelta(minutes=i * 7)).isoformat()
        out.append(p)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--analyzer", default="rules")
    ap.add_argument("--no-event-link", dest="event_link", action="store_false",
                    help="group by text alone (without the learned same-event link)")
    args = ap.parse_args()
    posts = synth(args.posts)
    with tempfile.TemporaryDirectory() as d:
        s = Settings(database_url=f"sqlite:///{d}/bench.db", task_backend="eager", analyzer=args.analyzer,
                     smtp_host="", event_link=args.event_link)
        app = bootstrap(s)
        app.ingest._on_accepted = None  # measure ingestion alone first
        t = time.perf_counter()
        rep = app.ingest.ingest_posts(posts, "bench")
        t_ingest = time.perf_counter() - t
        t = time.perf_counter()
        n = app.pipeline.analyze_pending(batch=256)
        t_pipe = time.perf_counter() - t
        app.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'阶段':<24}{'帖子数':>8}{'秒':>10}{'帖子/秒':>12}")
    print(f"{'入库（校验/规范化/去重）':<20}{rep.accepted + rep.copies:>8}{t_ingest:>10.2f}{(rep.accepted + rep.copies) / t_ingest:>12.1f}")
    print(f"{'分析+聚类+预警':<21}{n:>8}{t_pipe:>10.2f}{n / t_pipe:>12.1f}")
    print(f"峰值内存 {peak:.0f} MiB；分析器 {args.analyzer}；同一事件关联模型 {'开' if args.event_link else '关'}")


if __name__ == "__main__":
    main()
