"""A learned same-event link: how likely a post tells of the same matter as an earlier post.

The rule-based grouping (``kernel.domain.events.best_match``) joins a post to an open event
whose texts it resembles. Many follow-ups resemble their report too little to pass that bar
("那件事后续呢", an official 通报 in other words, a relative's plea) while they share the
place, the kind of incident, the topic and the days. This module weighs those signals
together: a logistic regression over eleven features of a (post, earlier post) pair,
fitted on our readable event feeds (``analysis/model/data/val_feed.jsonl`` and the demo
corpus, where each writer marked which posts tell of one event) by
``python -m analysis.event_link --fit`` (a few seconds). The coefficients and the threshold
are committed in ``event_link.json`` beside this file; ``bench/eval_events.py model --service
--feed FILE`` measures the event list it gives (docs/model-card.md, session 12).

The service's event list uses it (``PipelineService``): a post that no open event matches
by text joins the event of its likeliest earlier partner when the probability reaches the
threshold. Event context in `tingfeng analyze` does not: grades lifted through these
groups were no better (see docs/model-card.md, session 11).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis.figures import incident_kinds
from analysis.similarity import hashtags, places, similarity
from kernel.domain.events import LinkPost

MODEL_PATH = Path(__file__).resolve().with_name("event_link.json")
FEATURES = ("text_similarity", "embedding_cosine", "same_topic", "same_township", "other_township",
            "shared_incident_kind", "shared_place", "shared_hashtag", "log_hours_apart",
            "earlier_is_serious", "refers_back")
NO_EMBEDDING = 0.9  # the cosine assumed when a post has no embedding (the rules analyzer): a typical one
# a post that points back at something already known: 那件事, 此前, 后续, 通报, 进展 …
_REFERS_BACK = re.compile(r"那件事|这件事|那个事|这事|此事|此前|之前那|上次那|前几天那|前天那|昨天那|后续|进展|通报|"
                          r"回应|续[：:]|最新|还没(?:有)?(?:说法|结果|处理)|怎么样了|有结果了|处理结果|调查结果")
_SERIOUS = ("I", "II", "III")


@lru_cache(maxsize=8192)
def _signals(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str], bool]:
    return (frozenset(incident_kinds(text)), frozenset(places(text)), frozenset(hashtags(text)),
            bool(_REFERS_BACK.search(text)))


def _cheap_features(post: LinkPost, earlier: LinkPost) -> list[float]:
    """FEATURES[2:]: everything but the two similarities, from cached signals and fields."""
    k1, p1, t1, back = _signals(post.text)
    k2, p2, t2, _ = _signals(earlier.text)
    hours = abs((post.at - earlier.at).total_seconds()) / 3600.0
    both_placed = bool(post.township and earlier.township)
    return [
        float(post.topic == earlier.topic),
        float(both_placed and post.township == earlier.township),
        float(both_placed and post.township != earlier.township),
        float(bool(k1 & k2)),
        float(bool(p1 & p2)),
        float(bool(t1 & t2)),
        math.log1p(hours),
        float(earlier.severity in _SERIOUS),
        float(back),
    ]


def _cosine(post: LinkPost, earlier: LinkPost) -> float:
    if post.embedding and earlier.embedding:
        return float(np.dot(np.asarray(post.embedding), np.asarray(earlier.embedding)))
    return NO_EMBEDDING


def features(post: LinkPost, earlier: LinkPost) -> list[float]:
    """The eleven features (FEATURES) of a post and an earlier post."""
    return [similarity(post.text, earlier.text), _cosine(post, earlier), *_cheap_features(post, earlier)]


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1.0 - 1e-12)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class EventLink:
    """The fitted link: ``probability(post, earlier)``; ``threshold`` is the least
    probability at which the service joins a post to its partner's event."""

    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, post: LinkPost, earlier: LinkPost) -> float:
        return self._from_features(features(post, earlier))

    def _from_features(self, x: list[float]) -> float:
        z = self.intercept + sum(c * v for c, v in zip(self.coef, x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def linked(self, post: LinkPost, earlier: LinkPost) -> float | None:
        """``probability(post, earlier)`` where it reaches the threshold, else None. The same
        answer as computing the probability, but most pairs are settled from their cheap
        features: when even the largest text similarity (1) and embedding cosine (±1) their
        coefficients allow cannot lift the pair to the threshold, neither is computed. The
        service compares a post with every recent member of every open event (best_link),
        so this is where the link spends its time."""
        cheap = _cheap_features(post, earlier)
        c_text, c_cos = self.coef[0], self.coef[1]
        z = self.intercept + sum(c * v for c, v in zip(self.coef[2:], cheap, strict=True))
        # the margin keeps rounding from pruning a pair that links: stored embeddings are unit
        # vectors rounded to 5 decimals, so a cosine may pass 1 by ~1e-4 (x ~6 in the sum)
        need = _logit(self.threshold) - 0.01
        if z + max(c_text, 0.0) + abs(c_cos) < need:
            return None
        text = similarity(post.text, earlier.text)
        if z + c_text * text + abs(c_cos) < need:
            return None
        p = self._from_features([text, _cosine(post, earlier), *cheap])
        return p if p >= self.threshold else None

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> EventLink | None:
        """The committed link, or None where there is none (the service then groups by text alone)."""
        if not path.is_file():
            return None
        d = json.loads(path.read_text("utf-8"))
        if list(d["features"]) != list(FEATURES):
            raise ValueError(f"{path}: 特征与代码不一致（{d['features']} ≠ {list(FEATURES)}），请重新拟合")
        return cls(tuple(float(c) for c in d["coef"]), float(d["intercept"]), float(d["threshold"]))


# ---------------------------------------------------------------------------------------
# fitting


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-4, iters: int = 50) -> tuple[np.ndarray, float]:
    """Class-balanced logistic regression by Newton's method; returns (coef, intercept)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    pos = max(1, int(y.sum()))
    w_sample = np.where(y == 1, n / (2.0 * pos), n / (2.0 * max(1, n - pos)))
    beta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0  # the intercept is not pulled
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ beta, -60, 60)))
        grad = xb.T @ (w_sample * (p - y)) / n + reg * beta
        h = (xb * (w_sample * p * (1 - p))[:, None]).T @ xb / n + np.diag(reg)
        step = np.linalg.solve(h, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def _feed_posts(path: Path) -> list[tuple[LinkPost, str | None]]:
    """A labeled feed scored post by post (the service stores per-post scores), with each
    post's event as its writer marked it (None: it stands alone)."""
    import orjson  # noqa: PLC0415

    from kernel.domain.posts import parse_post  # noqa: PLC0415
    from kernel.services.scoring import to_item  # noqa: PLC0415
    from kernel.settings import Settings  # noqa: PLC0415
    from tingfeng.analyze_cmd import build_scorer  # noqa: PLC0415

    rows, items = [], []
    for no, raw in enumerate(path.read_bytes().splitlines(), start=1):
        if not raw.strip():
            continue
        r = orjson.loads(raw)
        event = (r.get("demo_labels") or {}).get("event") if "demo_labels" in r else r.get("event")
        post = {"id": str(r.get("id") or no), "platform": r.get("platform") or "weibo", "title": r.get("title"),
                "text": r["text"], "published_at": r["published_at"]}
        # what the service stores with a post and the rules read (engagement for 引发广泛关注,
        # IP属地 as weak evidence of place): scored without them, the fit would see other grades
        post |= {k: r[k] for k in ("metrics", "ip_location", "author", "url") if r.get(k)}
        rows.append(event)
        items.append(to_item(parse_post(post)))
    scorer = build_scorer(Settings(analyzer="model"), event_context=False)
    scores = []
    for i in range(0, len(items), 128):
        scores += scorer.score(items[i:i + 128])
    return [(LinkPost(it.normalized, it.post.published_at, s.topic, s.township, s.severity, s.embedding), ev)
            for it, s, ev in zip(items, scores, rows, strict=True) if s.relevant]


def pairs(posts: list[tuple[LinkPost, str | None]], window_hours: float = 72.0) -> tuple[np.ndarray, np.ndarray]:
    """Every (post, earlier post) pair within the window, with 1 where both tell of one event."""
    order = sorted(posts, key=lambda pe: pe[0].at)
    xs, ys = [], []
    for i, (p, ev) in enumerate(order):
        for q, ev2 in order[:i]:
            if (p.at - q.at).total_seconds() > window_hours * 3600:
                continue
            xs.append(features(p, q))
            ys.append(int(ev is not None and ev == ev2))
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="拟合同一事件关联模型（帖子对 → 是否同一事件）")
    ap.add_argument("--fit", action="store_true", help="fit on the readable feeds and write event_link.json")
    ap.add_argument("--threshold", type=float, default=None, help="keep this threshold instead of the stored one")
    args = ap.parse_args(argv)
    if not args.fit:
        ap.print_help()
        return 2
    from analysis.model.paths import DATA_DIR  # noqa: PLC0415

    # (scoring a feed builds the rules analyzer, which tells analysis.similarity the county's places)
    feeds = [DATA_DIR / "val_feed.jsonl", Path(__file__).resolve().parent.parent / "demo" / "corpus.jsonl"]
    xs, ys = [], []
    for f in feeds:
        print(f"[event-link] 评分 {f.name} …", file=sys.stderr, flush=True)
        x, y = pairs(_feed_posts(f))
        xs.append(x)
        ys.append(y)
        print(f"[event-link] {f.name}: {len(y)} 对，同一事件 {int(y.sum())} 对", file=sys.stderr, flush=True)
    x, y = np.vstack(xs), np.concatenate(ys)
    coef, intercept = fit_logistic(x, y)
    old = json.loads(MODEL_PATH.read_text("utf-8")) if MODEL_PATH.is_file() else {}
    threshold = args.threshold if args.threshold is not None else float(old.get("threshold", 0.99))
    out = {
        "features": list(FEATURES),
        "coef": [round(float(c), 6) for c in coef],
        "intercept": round(intercept, 6),
        "threshold": threshold,
        "fitted_on": [f.name for f in feeds],
        "pairs": int(len(y)),
        "same_event_pairs": int(y.sum()),
        "method": "class-balanced logistic regression (Newton, L2 1e-4), pairs within 72 h, per-post model scores",
    }
    MODEL_PATH.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")
    for name, c in zip(FEATURES, coef, strict=True):
        print(f"  {name:<22} {c:+.3f}")
    print(f"  {'intercept':<22} {intercept:+.3f}\n已写入 {MODEL_PATH}（阈值 {threshold}）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
