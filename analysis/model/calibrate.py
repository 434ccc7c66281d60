"""Calibrate the hybrid analyzer for the current artifact, on the project's own data only.

    python -m analysis.model.calibrate [--write]

These numbers depend on the trained model rather than on the rules, so they are chosen
per artifact and stored in its ``manifest.json`` under ``calibration``:

* ``major_from_model``: the model's P(I or II) (the binary major head's, else P(I)+P(II) of
  the severity head) above which a post that states no figures is graded II
  (``analysis/hybrid.py``): the lowest value on the grid at which at least three in four
  of the posts it adds are real majors on the pooled posts below (a false II starts a
  5-hour clock; a missed one goes unanswered).
* ``major_hint``: the P(I or II) above which a figure-less post left at III/IV is
  flagged "疑似重大，请研判核实" for an analyst: the lowest value at which at least 40 %
  of the flagged posts are real majors.
* ``lift_to_iii``: the model's P(I..III) (the binary serious head's, else the severity
  head's sum) above which a figure-less IV post is raised to
  III. Chosen, with that major threshold in place, to maximise severity accuracy of the
  hybrid on the pooled posts: our validation posts (``data/val.jsonl``), our incident
  posts (``data/val_incidents.jsonl``), our sentiment edge cases
  (``data/val_sentiment_edges.jsonl``), the validation half of the authored severity posts
  (``data/authored/*.jsonl``, even ids; the odd half trains the model) and the demo corpus
  (``demo/corpus.jsonl``, whose ``demo_labels`` we wrote).
* ``emb_floor`` / ``emb_scale``: how an embedding cosine turns into an event-match score
  (``kernel.domain.events.match_score``). A smaller student model spreads its cosines
  differently from base E5, so the floor moves. Chosen to maximise B-cubed F1 of event
  grouping on the demo corpus (its ``demo_labels.event`` slugs).

The dev set (``shared/data/dev_posts.jsonl``) is never read here.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from .artifact import update_manifest
from .paths import artifact_dir

VAL = Path(__file__).resolve().parent / "data" / "val.jsonl"
# 73 incident posts (I/II/III and look-alike IV) written in session 2, kept out of training
INCIDENTS = Path(__file__).resolve().parent / "data" / "val_incidents.jsonl"
# 180 sentiment edge cases written in session 3 (praise amid hardship, neutral 通报 of incidents,
# polite complaints), kept out of training
SENTIMENT_EDGES = Path(__file__).resolve().parent / "data" / "val_sentiment_edges.jsonl"

LIFT_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 1.01)
SENT_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)
MAJOR_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 1.01)
MAJOR_PRECISION = 0.75  # of the posts the model alone grades II, at least this share real I/II
HINT_PRECISION = 0.4  # of the posts flagged 疑似重大 for an analyst, at least this share real I/II
FLOOR_GRID = (0.88, 0.90, 0.92, 0.94, 0.95, 0.96)
SCALE_GRID = (4.0, 5.0, 6.0)


def log(msg: str) -> None:
    print(f"[calibrate {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def _pooled_rows(authored: bool = True) -> list[list[dict]]:
    """The calibration pool; ``authored=False`` leaves out the even halves of the authored
    files, for an encoder that trained on their odd halves (the same writers' posts would
    flatter it)."""
    from tingfeng.demo import DEFAULT_CORPUS  # noqa: PLC0415

    from .dataset import AUTHORED_DIR, authored_part  # noqa: PLC0415

    out = [_rows(VAL), _rows(INCIDENTS), _rows(SENTIMENT_EDGES), _rows(DEFAULT_CORPUS)]
    for path in sorted((VAL.parent / AUTHORED_DIR).glob("*.jsonl")) if authored else ():
        out.append([r for r in _rows(path) if authored_part(str(r.get("id")), "val")])
    return out


def _score_sets(analyzer, authored: bool = True) -> list[tuple[list, list, list[str]]]:
    from analysis.hybrid import _model_text  # noqa: PLC0415
    from kernel.domain.posts import Post  # noqa: PLC0415
    from kernel.services.scoring import to_item  # noqa: PLC0415

    sets = []
    for rows in _pooled_rows(authored):
        items = [
            # the post's own engagement where the file gives it (the rules read it)
            to_item(Post(id=str(i), platform="weibo", text=r["text"], title=r.get("title"),
                         published_at=datetime(2026, 11, 20, tzinfo=UTC), metrics=r.get("metrics") or {}))
            for i, r in enumerate(rows)
        ]
        gold = [(r.get("demo_labels") or r)["severity"] for r in rows]
        gold_sent = [(r.get("demo_labels") or r)["sentiment"] for r in rows]
        rules = analyzer.rules.analyze(items)
        outs = analyzer.classifier.predict([_model_text(it) for it in items])
        sets.append((rules, outs, gold, gold_sent))
    return sets


def _grades(analyzer, sets) -> tuple[int, int, int, int, int]:
    """(hits, total, majors caught, majors, false majors) of the hybrid as set now."""
    hit = total = caught = majors = false = 0
    for rules, outs, gold, _ in sets:
        for r, o, g in zip(rules, outs, gold, strict=True):
            p = analyzer.combine(r, o).severity
            hit += p == g
            total += 1
            majors += g in ("I", "II")
            caught += g in ("I", "II") and p in ("I", "II")
            false += p in ("I", "II") and g not in ("I", "II")
    return hit, total, caught, majors, false


def choose_sentiment_weight(analyzer, sets) -> tuple[float, dict[str, float]]:
    """The model's weight in the sentiment blend with the rules: best pooled macro-F1."""
    from analysis.metrics import macro_f1  # noqa: PLC0415

    scores: dict[str, float] = {}
    for w in SENT_GRID:
        analyzer.w_sentiment = w
        gold, pred = [], []
        for rules, outs, _, gold_sent in sets:
            pred += [analyzer.combine(r, o).sentiment for r, o in zip(rules, outs, strict=True)]
            gold += gold_sent
        scores[str(w)] = round(macro_f1(gold, pred, ["negative", "neutral", "positive"]), 4)
        log(f"w_sentiment {w}: sentiment macro-F1 {scores[str(w)]:.3f} ({len(gold)} pooled posts)")
    best = max(SENT_GRID, key=lambda w: (scores[str(w)], w))
    analyzer.w_sentiment = best
    return best, scores


def choose_major(analyzer, sets) -> tuple[float, dict[str, str]]:
    """The lowest threshold on the model's P(I or II) at which the posts it grades II (those
    the rules did not) are still at least MAJOR_PRECISION real majors on the pooled posts.

    Scanned from the top down and stopped at the first threshold that falls short. A false
    II starts a 5-hour clock; a missed one is a flood nobody answers: three real majors
    for each false one is the trade."""
    report: dict[str, str] = {}
    analyzer.major_from_model = 1.01
    _, _, base_caught, _, base_false = _grades(analyzer, sets)
    best = 1.01
    for th in sorted(MAJOR_GRID, reverse=True):
        analyzer.major_from_model = th
        hit, total, caught, majors, false = _grades(analyzer, sets)
        added, added_false = caught - base_caught, false - base_false
        report[str(th)] = (f"I/II {caught}/{majors}, false {false} (+{added} / +{added_false} over the "
                           f"rules), accuracy {hit / total:.3f}")
        log(f"major_from_model {th}: {report[str(th)]} ({total} posts)")
        if added + added_false and added / (added + added_false) < MAJOR_PRECISION:
            break
        best = th
    analyzer.major_from_model = best
    return best, report


def choose_hint(analyzer, sets) -> tuple[float, dict[str, str]]:
    """The lowest P(I or II) at which the figure-less posts left at III/IV but flagged
    "疑似重大，请研判核实" are at least HINT_PRECISION real majors on the pooled posts."""
    report: dict[str, str] = {}
    best = 1.01
    for th in sorted(MAJOR_GRID, reverse=True):
        analyzer.major_hint = th
        flagged = real = 0
        for rules, outs, gold, _ in sets:
            for r, o, g in zip(rules, outs, gold, strict=True):
                if analyzer.combine(r, o).explanation.get("suspected_major"):
                    flagged += 1
                    real += g in ("I", "II")
        report[str(th)] = f"flagged {flagged}, of them I/II {real}"
        log(f"major_hint {th}: {report[str(th)]}")
        if flagged and real / flagged >= HINT_PRECISION:
            best = th
    analyzer.major_hint = best
    return best, report


def choose_lift(analyzer, sets) -> tuple[float, dict[str, float]]:
    scores: dict[str, float] = {}
    for th in LIFT_GRID:
        analyzer.lift_to_iii = th
        hit, total, *_ = _grades(analyzer, sets)
        scores[str(th)] = round(hit / total, 4)
        log(f"lift_to_iii {th}: severity accuracy {hit / total:.3f} ({total} pooled posts)")
    best = max(LIFT_GRID, key=lambda t: (scores[str(t)], t))
    return best, scores


def choose_embedding(spec_dir: str | None) -> tuple[tuple[float, float], dict[str, float]]:
    from analysis.metrics import bcubed, f1  # noqa: PLC0415
    from kernel.settings import Settings  # noqa: PLC0415
    from tingfeng.demo import demo_events_truth, group_demo  # noqa: PLC0415

    truth = demo_events_truth()
    settings = Settings(analyzer="model", **({"spec_dir": spec_dir} if spec_dir else {}))
    scores: dict[str, float] = {}
    for floor in FLOOR_GRID:
        for scale in SCALE_GRID:
            pred = group_demo(settings, (floor, scale))
            score = f1(*bcubed({k: truth[k] for k in pred}, pred))
            scores[f"{floor}/{scale}"] = round(score, 4)
            log(f"emb_floor {floor} emb_scale {scale}: event B-cubed F1 {score:.3f}")
    best = max(scores, key=lambda k: scores[k])
    floor, scale = (float(x) for x in best.split("/"))
    return (floor, scale), scores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="calibrate the hybrid analyzer for the current artifact")
    ap.add_argument("--write", action="store_true", help="store the result in the artifact manifest")
    ap.add_argument("--spec-dir", default=None)
    ap.add_argument("--skip-events", action="store_true", help="only the severity threshold")
    ap.add_argument("--lift-only", action="store_true",
                    help="re-choose lift_to_iii alone, keeping the stored sentiment weight and major thresholds "
                         "(after refitting the serious head)")
    ap.add_argument("--without-authored", action="store_true",
                    help="leave the authored files out of the pool (for an encoder trained on them)")
    args = ap.parse_args(argv)

    from analysis.hybrid import HybridAnalyzer  # noqa: PLC0415
    from kernel.config import load_reference  # noqa: PLC0415
    from kernel.settings import Settings  # noqa: PLC0415

    from .runtime import PostClassifier  # noqa: PLC0415

    settings = Settings(**({"spec_dir": args.spec_dir} if args.spec_dir else {}))
    ref = load_reference(settings.spec_dir)
    analyzer = HybridAnalyzer(ref, PostClassifier.shared())
    sets = _score_sets(analyzer, authored=not args.without_authored)
    chosen_on = CHOSEN_ON_NO_AUTHORED if args.without_authored else CHOSEN_ON
    if args.lift_only:
        # the analyzer already holds the stored w_sentiment / major_from_model / major_hint
        lift, lift_scores = choose_lift(analyzer, sets)
        result = {"lift_to_iii": lift, "lift_to_iii_accuracy": lift_scores,
                  "serious_source": _serious_source(analyzer),
                  "lift_chosen_on": chosen_on}
        log(f"chosen: lift_to_iii {lift} (the other thresholds kept)")
        return _store(result, args.write)
    analyzer.lift_to_iii = 1.01
    w_sent, sent_scores = choose_sentiment_weight(analyzer, sets)
    major, major_report = choose_major(analyzer, sets)
    lift, lift_scores = choose_lift(analyzer, sets)
    analyzer.lift_to_iii = lift
    hint, hint_report = choose_hint(analyzer, sets)
    result: dict = {"w_sentiment": w_sent, "w_sentiment_macro_f1": sent_scores, "major_from_model": major, "major_from_model_grid": major_report,
                    "lift_to_iii": lift, "lift_to_iii_accuracy": lift_scores,
                    "major_hint": hint, "major_hint_grid": hint_report,
                    "major_source": "binary major head" if "major_head" in analyzer.classifier.manifest
                    else "P(I)+P(II) of the severity head",
                    "serious_source": _serious_source(analyzer)}
    if not args.skip_events:
        (floor, scale), emb_scores = choose_embedding(args.spec_dir)
        result |= {"emb_floor": floor, "emb_scale": scale, "event_bcubed_f1": emb_scores}
    result["chosen_on"] = chosen_on
    log(f"chosen: w_sentiment {w_sent}, major_from_model {major}, lift_to_iii {lift}, major_hint {hint}" + (f", emb_floor {result.get('emb_floor')}, emb_scale "
                                         f"{result.get('emb_scale')}" if "emb_floor" in result else ""))
    # --skip-events keeps the embedding calibration already stored
    return _store(result, args.write)


_POOL = "analysis/model/data/val.jsonl + val_incidents.jsonl + val_sentiment_edges.jsonl"
CHOSEN_ON = _POOL + " + the even-id half of authored/*.jsonl + demo/corpus.jsonl (never the dev set)"
CHOSEN_ON_NO_AUTHORED = (_POOL + " + demo/corpus.jsonl (not the authored files, whose odd halves trained"
                         " the encoder; never the dev set)")


def _serious_source(analyzer) -> str:
    return ("binary serious head" if "serious_head" in analyzer.classifier.manifest
            else "P(I)+P(II)+P(III) of the severity head")


def _store(result: dict, write: bool) -> int:
    """Merge the chosen values into the artifact manifest (what is not chosen again is kept)."""
    if write:
        path = update_manifest(artifact_dir(), calibration=result)
        log(f"written to {path}")
    else:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
