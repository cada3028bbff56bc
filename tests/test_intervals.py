"""Fingertips-style confidence intervals and comparisons, checked against numbers worked by hand.

Every expected number below is written out, with its arithmetic, from the published formulas
(Fingertips / APHO technical guidance): no expected value is computed by the code under test.
z = Φ⁻¹(0.975) = 1.959963984540054, z² = 3.841458820694125.
"""
from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

from thmaps.indicators.compare import COMPARISON_NOTE, RULE_OF_THUMB, Comparison, compare, rule_of_thumb
from thmaps.indicators.intervals import (Z95, byar_interval, compare_interval, exact_poisson_interval, rate_interval,
                                         share_interval, wilson_interval, z_value)

# The module itself (the package ``thmaps.indicators`` exports the function under the same name).
compare_mod = importlib.import_module("thmaps.indicators.compare")

Z = 1.959963984540054
Z2 = 3.841458820694125


def test_z_for_95_percent():
    assert Z95 == Z and z_value(0.95) == Z
    assert Z * Z == pytest.approx(Z2, rel=1e-15)
    assert z_value(0.998) == pytest.approx(3.090232306, abs=1e-9)   # Φ⁻¹(0.999), the 99.8% level
    with pytest.raises(ValueError):
        z_value(1.0)


# --------------------------------------------------------------------------- Wilson

def test_wilson_45_of_300():
    # p = 0.15, q = 0.85, n = 300
    # 2np + z² = 90 + 3.841459 = 93.841459
    # z² + 4npq = 3.841459 + 4·300·0.15·0.85 = 3.841459 + 153 = 156.841459; sqrt = 12.523636; × z = 24.545876
    # 2(n + z²) = 2 · 303.841459 = 607.682918
    # lower = (93.841459 - 24.545876) / 607.682918 = 69.295583 / 607.682918 = 0.114032
    # upper = (93.841459 + 24.545876) / 607.682918 = 118.387335 / 607.682918 = 0.194818
    lower, upper = wilson_interval(45, 300)
    assert lower == pytest.approx(0.114032, abs=1e-6)
    assert upper == pytest.approx(0.194818, abs=1e-6)
    assert share_interval(45, 300) == pytest.approx((11.4032, 19.4818), abs=1e-4)   # the same, in percent


def test_wilson_at_0_and_n():
    # O = 0: p = 0, so sqrt(z² + 0) = z and lower = (z² - z·z) / ... = 0;
    #        upper = 2z² / (2(n + z²)) = z² / (n + z²) = 3.841459 / 23.841459 = 0.161125
    assert wilson_interval(0, 20) == pytest.approx((0.0, 0.161125), abs=1e-6)
    # O = n: p = 1, q = 0: lower = (2n + z² - z²) / (2(n + z²)) = n / (n + z²) = 20 / 23.841459 = 0.838875;
    #        upper = (2n + z² + z²) / (2(n + z²)) = 1
    assert wilson_interval(20, 20) == pytest.approx((0.838875, 1.0), abs=1e-6)


def test_wilson_vectorised_and_missing():
    lower, upper = wilson_interval(np.array([45, 0, 20, 1, np.nan, 5]), np.array([300, 20, 20, 0, 10, 4]))
    assert lower[:3] == pytest.approx([0.114032, 0.0, 0.838875], abs=1e-6)
    assert upper[:3] == pytest.approx([0.194818, 0.161125, 1.0], abs=1e-6)
    # denominator 0, missing numerator, numerator above the denominator: no interval
    assert np.isnan(lower[3:]).all() and np.isnan(upper[3:]).all()
    assert all(math.isnan(x) for x in wilson_interval(3, None))
    # Apportioned (non-whole) counts are accepted: 45.5 of 300.25 lies between 45/300 and 46/300's intervals.
    lo, hi = wilson_interval(45.5, 300.25)
    assert 0.114 < lo < 0.119 and 0.1948 < hi < 0.2


# --------------------------------------------------------------------------- Byar and exact Poisson

def test_byar_25():
    # lower = O(1 - 1/(9O) - z/(3√O))³ = 25(1 - 0.004444 - 1.959964/15)³ = 25(1 - 0.004444 - 0.130664)³
    #       = 25 · 0.864891³ = 25 · 0.646971 = 16.1743
    # upper = (O+1)(1 - 1/(9(O+1)) + z/(3√(O+1)))³ = 26(1 - 0.004274 + 1.959964/15.297059)³
    #       = 26(1 - 0.004274 + 0.128127)³ = 26 · 1.123853³ = 26 · 1.419479 = 36.9065
    assert byar_interval(25) == pytest.approx((16.1743, 36.9065), abs=1e-4)


def test_byar_150():
    # lower = 150(1 - 1/1350 - z/(3√150))³ = 150(1 - 0.000741 - 1.959964/36.742346)³
    #       = 150(1 - 0.000741 - 0.053343)³ = 150 · 0.945916³ = 150 · 0.846364 = 126.9547
    # upper = 151(1 - 1/1359 + z/(3√151))³ = 151(1 - 0.000736 + 1.959964/36.864617)³
    #       = 151(1 - 0.000736 + 0.053167)³ = 151 · 1.052431³ = 151 · 1.165683 = 176.0182
    assert byar_interval(150) == pytest.approx((126.9547, 176.0182), abs=1e-3)


def test_exact_poisson_below_10():
    # O = 0: lower 0; upper U solves P(X <= 0 | U) = e^-U = 0.025, so U = ln 40 = 3.688879
    assert byar_interval(0) == pytest.approx((0.0, 3.688879), abs=1e-6)
    # O = 3: lower L solves P(X >= 3 | L) = 1 - e^-L(1 + L + L²/2) = 0.025;
    #        at L = 0.6187: e^-0.6187 = 0.538634, (1 + 0.6187 + 0.191395) = 1.810095, product 0.974997 -> 0.025003
    #        upper U solves P(X <= 3 | U) = e^-U(1 + U + U²/2 + U³/6) = 0.025;
    #        at U = 8.7673: e^-8.7673 = 0.000155, (1 + 8.7673 + 38.433 + 112.318) = 160.52 -> 0.025000
    # Published exact 95% limits: O=0: 0, 3.6889; O=3: 0.6187, 8.7673; O=9: 4.1153 (4.11537), 17.0848.
    assert byar_interval(3) == pytest.approx((0.6187, 8.7673), abs=1e-4)
    assert byar_interval(9) == pytest.approx((4.1153, 17.0848), abs=1.5e-4)
    assert exact_poisson_interval(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    # Vectorised: the exact branch below 10, Byar's from 10; NaN for missing or negative counts.
    lower, upper = byar_interval(np.array([0, 3, 9, 25, 150, -1, np.nan]))
    assert lower[:5] == pytest.approx([0.0, 0.6187, 4.1154, 16.1743, 126.9547], abs=1e-3)
    assert upper[:5] == pytest.approx([3.6889, 8.7673, 17.0848, 36.9065, 176.0182], abs=1e-3)
    assert np.isnan(lower[5:]).all() and np.isnan(upper[5:]).all()


def test_exact_poisson_equals_chi_square_form():
    """Cross-check the bisection against chi2.ppf(α/2, 2O)/2 and chi2.ppf(1-α/2, 2O+2)/2 (SciPy only here)."""
    chi2 = pytest.importorskip("scipy.stats").chi2
    for count in (1, 2, 4.5, 7, 9.99):
        lower, upper = exact_poisson_interval(count)
        assert lower == pytest.approx(chi2.ppf(0.025, 2 * count) / 2, rel=1e-10)
        assert upper == pytest.approx(chi2.ppf(0.975, 2 * count + 2) / 2, rel=1e-10)


def test_rate_interval_scales_byar():
    # 25 events in 50,000 people: rate 50 per 100,000; limits 16.1743 and 36.9065 × 100,000/50,000 = × 2
    assert rate_interval(25, 50_000) == pytest.approx((32.3485, 73.8129), abs=1e-3)
    # 3 events in 1,000 person-years, per 1,000: the exact limits unchanged
    assert rate_interval(3, 1_000, per=1_000) == pytest.approx((0.6187, 8.7673), abs=1e-4)
    assert all(math.isnan(x) for x in rate_interval(3, 0))


# --------------------------------------------------------------------------- comparisons

@pytest.mark.parametrize("comparator, higher_is_worse, expected", [
    # area interval 11.40-19.48 (45 of 300, in %)
    (20.0, True, "better"),      # comparator above the interval: the area is lower, and lower is better
    (20.0, False, "worse"),
    (20.0, None, "lower"),       # no direction: Fingertips says higher / lower
    (10.0, True, "worse"),       # comparator below the interval: the area is higher
    (10.0, False, "better"),
    (10.0, None, "higher"),
    (15.0, True, "similar"),
    (11.4032, True, "similar"),  # on a limit counts as inside
    (np.nan, True, "no data"),
    (None, False, "no data"),
])
def test_compare_interval_polarity(comparator, higher_is_worse, expected):
    assert compare_interval(comparator, 11.4032, 19.4818, higher_is_worse) == expected


def test_compare_interval_without_limits():
    assert compare_interval(20.0, np.nan, np.nan, True) == "no data"


def test_compare_chooses_wilson_for_shares_with_counts():
    row = {"value": 15.0, "numerator": 45.0, "denominator": 300.0}
    result = compare(row, 20.0, "imd_share_q1")           # higher is worse
    assert isinstance(result, Comparison)
    assert result.verdict == "better"
    assert (result.lower, result.upper) == pytest.approx((11.4032, 19.4818), abs=1e-4)
    assert "Wilson" in result.method and "rule of thumb" not in result.method
    assert compare(row, 15.5, "imd_share_q1").verdict == "similar"   # the rule would also say similar; inside
    assert compare(row, 19.6, "imd_share_q1").verdict == "better"    # the rule (band 2 points) would say similar
    assert compare(row, 20.0, "pct_65_plus").verdict == "lower"      # share without a direction
    assert compare(row, np.nan, "imd_share_q1").verdict == "no data"


def test_compare_falls_back_to_the_rule_of_thumb():
    # LAEI concentrations: modelled, no interval. Band 2.5% of 10 µg/m³ = 0.25.
    row = {"value": 10.26, "numerator": np.nan, "denominator": 1000.0}
    result = compare(row, 10.0, "laei_no2")
    assert result.verdict == "worse" and math.isnan(result.lower) and math.isnan(result.upper)
    assert result.method.startswith("no interval: rule of thumb")
    assert compare(10.25, 10.0, "laei_no2", against="London").verdict == "similar"
    assert "of the London" in compare(10.25, 10.0, "laei_no2", against="London").method
    # A share without counts (a bare value): band max(2, 10% of 30) = 3 points.
    assert compare(33.0, 30.0, "imd_share_q1").verdict == "similar"
    assert compare(33.1, 30.0, "imd_share_q1").verdict == "worse"
    assert compare(26.9, 30.0, "imd_share_q1").verdict == "better"
    assert compare(2.9, 1.0, "imd_share_d1").verdict == "similar"     # the 2-point floor
    assert compare(np.nan, 2.0, "laei_no2").verdict == "no data"
    # Deciles have no rule.
    assert compare(3.0, 5.0, "imd_decile").verdict == "not compared"
    # The rule itself, with its method text.
    assert rule_of_thumb(33.1, 30.0, "imd_share_q1") == (
        "worse", "similar if within ±3.0 points of the borough (wider of 2 points and 10%)")


def test_counts_are_not_compared():
    row = {"value": 25.0, "numerator": 25.0, "denominator": np.nan}
    for indicator_id in ("population", "gp_practices", "gp_registered_patients"):
        result = compare(row, 150.0, indicator_id)
        assert result.verdict == "not compared" and math.isnan(result.lower)


def test_notes_name_both_methods():
    assert "Wilson" in COMPARISON_NOTE and RULE_OF_THUMB in COMPARISON_NOTE
    assert "rule of thumb, not a significance test" in RULE_OF_THUMB
    # the rule's constants live in compare.py only
    assert (compare_mod.SHARE_BAND_POINTS, compare_mod.SHARE_BAND_RELATIVE,
            compare_mod.CONCENTRATION_BAND_RELATIVE) == (2.0, 0.10, 0.025)


# --------------------------------------------------------------------------- profile tables on the real store

@pytest.fixture(scope="module")
def real_store():
    """The built store (``THMAPS_STORE``), or skip: build one with ``thmaps build``."""
    from thmaps import settings
    path = settings.store_path()
    if not path.is_file():
        pytest.skip(f"no store at {path}: build one with `THMAPS_STORE={path} python -m thmaps build`")
    return path



def test_key_indicators_intervals_south_east(real_store):
    from thmaps import profile, store
    from thmaps.indicators import get

    table = profile.key_indicators("South East").set_index("indicator_id")
    for column in ("lower 95%", "upper 95%", "vs borough", "vs London", "vs England", "comparison method"):
        assert column in table.columns
    imd = table.loc["imd_share_q1"]
    assert imd["lower 95%"] < imd["locality value"] < imd["upper 95%"]
    # The limits are the Wilson limits of the stored numerator and denominator (residents, IoD mid-2015).
    rows = store.load_layer("indicators")
    row = rows[(rows["indicator_id"] == "imd_share_q1") & (rows["level"] == "locality")
               & (rows["area_code"] == table.attrs["locality_code"])].iloc[0]
    assert row["value"] == pytest.approx(100 * row["numerator"] / row["denominator"])
    assert (imd["lower 95%"], imd["upper 95%"]) == pytest.approx(share_interval(row["numerator"], row["denominator"]))
    assert "Wilson" in imd["comparison method"]
    # Every share with counts: the verdict is where the comparator lies against the interval.
    for indicator_id, r in table.iterrows():
        ind = get(indicator_id)
        for level, label in (("borough", "borough"), ("London", "London"), ("England", "England")):
            comparator = r[f"{level} value"]
            if ind.kind == "share":
                assert r[f"vs {label}"] == compare_interval(comparator, r["lower 95%"], r["upper 95%"],
                                                             ind.higher_is_worse), (indicator_id, label)
            elif ind.kind == "count":
                assert r[f"vs {label}"] == "not compared" and np.isnan(r["lower 95%"])
    # Modelled concentrations: no interval, the labelled rule.
    no2 = table.loc["laei_no2"]
    assert np.isnan(no2["lower 95%"]) and no2["comparison method"].startswith("no interval: rule of thumb")
    assert no2["vs England"] == "no data"          # no England LAEI value in the store
    assert profile.format_key_indicators(table.reset_index())["lower 95%"].iloc[0] == "–"


def test_ward_ranking_intervals_and_comparator(real_store):
    from thmaps import profile
    from thmaps.errors import MapRequestError

    ranking = profile.ward_ranking("South East", "imd_share_q1", comparator="england")
    assert {"lower 95%", "upper 95%", "vs borough", "England value", "vs England"} <= set(ranking.columns)
    assert ranking.attrs["comparator"] == "England" and "Wilson" in ranking.attrs["comparison_method"]
    assert ((ranking["lower 95%"] <= ranking["value"]) & (ranking["value"] <= ranking["upper 95%"])).all()
    for _, r in ranking.iterrows():
        assert r["vs borough"] == compare_interval(r["borough value"], r["lower 95%"], r["upper 95%"], True)
        assert r["vs England"] == compare_interval(r["England value"], r["lower 95%"], r["upper 95%"], True)
    default = profile.ward_ranking("South East", "laei_no2")
    assert "vs London" not in default.columns and default["lower 95%"].isna().all()
    assert default.attrs["comparison_method"].startswith("no interval: rule of thumb")
    with pytest.raises(MapRequestError):
        profile.ward_ranking("South East", "imd_share_q1", comparator="Wales")


def test_csv_export_states_the_method(real_store):
    from thmaps import profile

    text = profile.locality_table_csv("South East").decode("utf-8")
    header = next(line for line in text.splitlines() if not line.startswith("#"))
    assert COMPARISON_NOTE in text and "lower 95%" in header and "vs England" in header


def test_an_uploaded_rate_with_its_events_is_compared_by_byars_interval():
    """A rate per 100,000 with 25 events in 50,000 people: 50.0, interval 32.3-73.8 (Byar, as rate_interval's
    worked example), so a comparator of 80 lies above it and one of 60 inside it."""
    from thmaps.indicators.catalogue import Indicator
    from thmaps.indicators.compare import compare

    rate = Indicator("user_rate", "Admissions", "per 100,000", "rate", "share", True, (), "ward", ("2022",),
                     ("ward",), "uploaded", per=100_000.0)
    area = {"value": 50.0, "numerator": 25, "denominator": 50_000}
    above = compare(area, 80.0, rate)
    assert above.verdict == "better" and (round(above.lower, 1), round(above.upper, 1)) == (32.3, 73.8)
    assert above.method.startswith("95% Byar interval of the events (exact Poisson below 10)")
    assert compare(area, 60.0, rate).verdict == "similar"
    few = compare({"value": 6.0, "numerator": 3, "denominator": 50_000}, 20.0, rate)  # exact Poisson: 0.6187-8.7673
    assert (round(few.lower / 2, 4), round(few.upper / 2, 4)) == (0.6187, 8.7673) and few.verdict == "better"
    assert compare(50.0, 80.0, rate).verdict == "not compared"  # no counts: no interval and no rule for rates
