"""Benchmark the post classifier: throughput, streaming latency, peak memory.

    python bench/bench_model.py [--posts 400] [--threads 2] [--stream 100] [--json OUT]

Each contender runs in its own subprocess (so peak RSS is its own):

* ``analyze``      the whole ``tingfeng analyze`` path (model + rules + routing +
                   contract JSON out) on the same posts as JSON lines, with the default
                   float32 ONNX model; latency = one post per call, as in the streaming
                   pipeline
* ``analyze-int8`` the same with ``TINGFENG_MODEL_PRECISION=int8``
* ``analyze-per-post``, ``analyze-int8-per-post``  the same with ``--per-post`` (no event
                   context: every post graded on its own text), to show what grouping costs;
                   all posts carry one timestamp, so every event stays open to every post
* ``onnx-fp32``    PostClassifier with the float32 ONNX export (the default model)
* ``onnx-int8``    PostClassifier with the int8 ONNX export (faster, approximate)
                   (both skipped if absent: ``python -m analysis.model.onnx_export``)
* ``torch-fp32``   PostClassifier on the torch path
* ``snownlp``    SnowNLP(text).sentiments (a Naive-Bayes review-sentiment model;
                 <0.35 negative, >0.65 positive, else neutral), for comparison

Posts: the hand-written posts in analysis/model/data (train + validation,
repeated to ``--posts``).  Throughput = one ``predict`` call over all posts
(length bucketing + batching inside); latency = ``predict([post])`` one post at a
time; sentiment macro-F1 on the validation posts (our own labels) is printed
side by side.  Needs the converted base (``make model``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def load_posts(n: int, corpus: str = "demo") -> tuple[list[str], list[str], list[str]]:
    """``n`` post texts (title + text, repeated to ``n``) from ``corpus``: ``demo`` (the
    demo corpus: Weibo posts, forum threads, long news reports, as the system meets
    them), ``train`` (our short hand-written training posts), or a JSONL path in either
    the post or the labeled ``{post, labels}`` form. Speed only: nothing is scored
    against labels except our own validation posts."""
    from analysis.model.dataset import load_domain
    from analysis.model.labels import SENTIMENTS, post_text

    val = load_domain("val")
    if corpus == "train":
        pool = [e.text for e in load_domain("train")] + [e.text for e in val]
    else:
        from tingfeng.demo import DEFAULT_CORPUS

        path = DEFAULT_CORPUS if corpus == "demo" else Path(corpus)
        rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
        rows = [r.get("post", r) for r in rows]
        pool = [post_text(r.get("text") or "", r.get("title")) for r in rows]
    texts = (pool * (n // len(pool) + 1))[:n]
    return texts, [e.text for e in val], [SENTIMENTS[e.sentiment] for e in val]


KINDS = ["analyze", "analyze-per-post", "analyze-int8", "analyze-int8-per-post", "onnx-fp32", "onnx-int8", "torch-fp32", "snownlp"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def child(kind: str, n: int, n_stream: int, threads: int, corpus: str = "demo") -> dict:
    from analysis.model.metrics import macro_f1

    texts, val_texts, val_gold = load_posts(n, corpus)
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    if kind.startswith("analyze"):
        import io

        import orjson

        from kernel.settings import Settings
        from tingfeng.analyze_cmd import analyze_stream, build_scorer

        precision = "int8" if kind.startswith("analyze-int8") else "fp32"
        scorer = build_scorer(Settings(analyzer="model", model_precision=precision),
                              event_context=not kind.endswith("per-post"))

        def line(i: int, t: str) -> bytes:
            return orjson.dumps({"id": str(i), "platform": "weibo", "text": t,
                                 "published_at": "2026-11-20T08:00:00+08:00"})

        def score(batch: list[str]) -> list[str]:
            buf = io.BytesIO()
            analyze_stream(scorer, [line(i, t) for i, t in enumerate(batch)], buf)
            return [orjson.loads(x)["sentiment"]["label"] for x in buf.getvalue().splitlines()]

        score(texts[:8])
    elif kind == "snownlp":
        from snownlp import SnowNLP

        def score(batch: list[str]) -> list[str]:
            out = []
            for t in batch:
                p = SnowNLP(t).sentiments if t.strip() else 0.5
                out.append("negative" if p < 0.35 else "positive" if p > 0.65 else "neutral")
            return out

        score(["预热"])
    else:
        from analysis.model.runtime import PostClassifier

        if kind.startswith("onnx"):
            clf = PostClassifier(backend="onnx", threads=threads, precision=kind[5:])
        else:
            clf = PostClassifier(backend="torch", threads=threads)

        def score(batch: list[str]) -> list[str]:
            return [o.label("sentiment") for o in clf.predict(batch)]

        score(texts[:8])  # warm-up
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    score(texts)
    batch_s = time.perf_counter() - t0
    lat = []
    for t in texts[:n_stream]:
        t1 = time.perf_counter()
        score([t])
        lat.append((time.perf_counter() - t1) * 1000)
    pred = score(val_texts)
    return {
        "kind": kind,
        "posts": len(texts),
        "load_s": round(load_s, 2),
        "posts_per_s": round(len(texts) / batch_s, 1),
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "peak_rss_mb": round(peak_rss_mb(), 0),
        "rss_before_load_mb": round(rss0, 0),
        "val_sentiment_macro_f1": round(
            macro_f1(val_gold, pred, ["negative", "neutral", "positive"]), 3
        ),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--stream", type=int, default=100, help="posts for the latency run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--corpus", default="demo", help="demo | train | PATH.jsonl (posts to time)")
    ap.add_argument("--only", nargs="*", default=None, help=" ".join(KINDS))
    ap.add_argument("--json", type=Path, default=None, help="also write results here")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(args.threads))
    if args.child:
        print(json.dumps(child(args.child, args.posts, args.stream, args.threads, args.corpus)))
        return 0

    from analysis.model.onnx_export import find_export
    from analysis.model.runtime import available

    if not available():
        print("模型未就绪（缺少基础模型或训练产物），请先运行 make model；跳过模型基准。")
        return 0
    kinds = args.only or KINDS
    rows = []
    for kind in kinds:
        precision = "int8" if "int8" in kind else "fp32"
        if kind.startswith(("onnx", "analyze")) and find_export(precision=precision) is None:
            print(f"{kind}: no up-to-date {precision} export (python -m analysis.model.onnx_export); skipped")
            continue
        cmd = [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--posts",
            str(args.posts),
            "--stream",
            str(args.stream),
            "--threads",
            str(args.threads),
            "--corpus",
            args.corpus,
        ]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        if res.returncode != 0:
            print(f"{kind}: failed\n{res.stderr[-2000:]}")
            continue
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    cpu = os.cpu_count()
    texts = load_posts(args.posts, args.corpus)[0]
    chars = sum(len(t) for t in texts) / len(texts)
    print(
        f"\npost classifier benchmark — {args.posts} posts from {args.corpus} "
        f"(mean {chars:.0f} characters), {args.threads} threads ({cpu} CPUs visible)"
    )
    head = (
        f"{'contender':<22}{'load s':>8}{'posts/s':>10}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'peak RSS MB':>13}{'val sent. F1':>14}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['kind']:<22}{r['load_s']:>8}{r['posts_per_s']:>10}{r['p50_ms']:>9}"
            f"{r['p95_ms']:>9}{r['peak_rss_mb']:>13.0f}{r['val_sentiment_macro_f1']:>14}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
