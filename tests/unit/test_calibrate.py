"""How the calibration picks the model's major thresholds (fake model outputs, real rules)."""

from analysis.hybrid import HybridAnalyzer
from analysis.model.calibrate import choose_hint, choose_major
from tests.unit.test_hybrid import (
    FIGURELESS_DISASTER,
    FakeClassifier,
    item,
    load_reference_cached,
    out,
)


def _pool(an, rows):
    """rows: (P(I or II) of the binary head, gold grade) for the same figure-less post."""
    outs = []
    for p, _ in rows:
        o = out(sev="IV", p=0.9)
        o.major = p
        outs.append(o)
    rules = an.rules.analyze([item(FIGURELESS_DISASTER) for _ in rows])
    gold = [g for _, g in rows]
    return [(rules, outs, gold, ["negative"] * len(rows))]


def test_the_grade_threshold_stops_where_three_in_four_lifted_posts_are_no_longer_real():
    an = HybridAnalyzer(load_reference_cached(), FakeClassifier(out()))
    an.lift_to_iii = 1.01
    sets = _pool(an, [(0.97, "II")] * 4 + [(0.96, "IV")] + [(0.91, "IV")] * 2 + [(0.5, "II")])
    th, report = choose_major(an, sets)
    # at 0.93 the model adds 4 majors and 1 false (80 %); at 0.9 4 and 3 (57 %): the scan stops
    assert th == 0.93 and an.major_from_model == 0.93
    assert "+4 / +1" in report["0.93"] and "+4 / +3" in report["0.9"]
    assert "0.85" not in report


def test_the_hint_threshold_is_the_lowest_still_right_two_times_in_five():
    an = HybridAnalyzer(load_reference_cached(), FakeClassifier(out()))
    an.lift_to_iii, an.major_from_model = 1.01, 0.93
    sets = _pool(an, [(0.97, "II")] + [(0.91, "IV")] * 2 + [(0.88, "II")] * 2 + [(0.82, "IV")]
                 + [(0.55, "IV")] * 3)
    th, report = choose_hint(an, sets)
    # flagged below the grade threshold only: at 0.6 two of five are majors, at 0.5 two of eight
    assert report["0.6"] == "flagged 5, of them I/II 2" and report["0.5"] == "flagged 8, of them I/II 2"
    assert th == 0.6


def test_a_model_that_adds_only_false_majors_is_never_trusted():
    an = HybridAnalyzer(load_reference_cached(), FakeClassifier(out()))
    an.lift_to_iii = 1.01
    th, _ = choose_major(an, _pool(an, [(0.999, "IV"), (0.98, "III"), (0.3, "II")]))
    assert th == 1.01
