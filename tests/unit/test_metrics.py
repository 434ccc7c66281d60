"""B-cubed scores for event grouping (bench/eval_events.py and the model calibration)."""

from analysis.metrics import bcubed, f1


def test_a_perfect_grouping_scores_one_and_merging_everything_costs_precision() -> None:
    truth = {"a": "x", "b": "x", "c": "y"}
    assert bcubed(truth, {"a": 1, "b": 1, "c": 2}) == (1.0, 1.0)
    p, r = bcubed(truth, {"a": 1, "b": 1, "c": 1})
    assert r == 1.0 and abs(p - (2 / 3 + 2 / 3 + 1 / 3) / 3) < 1e-9
    p, r = bcubed(truth, {"a": 1, "b": 2, "c": 3})
    assert p == 1.0 and abs(r - (1 / 2 + 1 / 2 + 1) / 3) < 1e-9
    assert f1(0.0, 0.0) == 0.0 and abs(f1(1.0, 0.5) - 2 / 3) < 1e-9
