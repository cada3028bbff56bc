"""Residents' health by ward (Census 2021) and the comparator choice on My locality."""
from __future__ import annotations

import pytest
from pathlib import Path
from streamlit.testing.v1 import AppTest

from thmaps import profile
from thmaps.indicators.intervals import wilson_interval

ROOT_PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "2_My_locality.py")


def test_ward_health_rows_intervals_and_verdicts():
    table = profile.ward_health("South East")
    bad = table[table["indicator_id"] == "census_bad_health"].set_index("area")
    # The locality first, then its six wards by name.
    assert list(bad.index) == ["South East locality", "Blackwall & Cubitt Town", "Canary Wharf", "Island Gardens",
                               "Lansbury", "Limehouse", "Poplar"]
    assert bad["borough value"].iloc[0] == pytest.approx(4.87, abs=0.05)
    assert bad["England value"].iloc[0] == pytest.approx(5.2)          # England and Wales, as published
    lansbury = bad.loc["Lansbury"]
    assert lansbury["value"] == pytest.approx(5.35, abs=0.01)
    # Fingertips: worse than the borough because 4.87 lies below Lansbury's whole 95% interval.
    assert lansbury["lower 95%"] > lansbury["borough value"] and lansbury["vs borough"] == "worse"
    for _, row in table.dropna(subset=["lower 95%"]).iterrows():
        inside = row["lower 95%"] <= row["borough value"] <= row["upper 95%"]
        assert (row["vs borough"] == "similar") == inside
    # Unpaid care has no count in the bundle: rule of thumb, said so.
    care = table[table["indicator_id"] == "census_unpaid_care"]
    assert care["lower 95%"].isna().all() and care["method"].str.contains("rule of thumb").all()


def test_wilson_limits_match_the_stored_counts():
    from thmaps import store
    t = store.load_layer("indicators")
    row = t[(t.indicator_id == "census_disabled") & (t.level == "locality") & (t.area_code == "SE")].iloc[0]
    lower, upper = wilson_interval(row["numerator"], row["denominator"])
    shown = profile.ward_health("SE").query("indicator_id == 'census_disabled' and level == 'locality'").iloc[0]
    assert shown["lower 95%"] == pytest.approx(100 * lower) and shown["upper 95%"] == pytest.approx(100 * upper)


def test_page_health_section_and_comparator_choice():
    at = AppTest.from_file(ROOT_PAGE, default_timeout=120).run()
    assert not at.exception and not at.error
    assert "Residents' health (Census 2021)" in [h.value for h in at.header]
    at.radio(key="comparator").set_value("london").run()
    assert not at.exception and not at.error
    frames = [f.value for f in at.dataframe]
    ranking = next(f for f in frames if "locality rank" in f.columns)
    assert "vs London" in ranking.columns and {"lower 95%", "upper 95%"} <= set(ranking.columns)
    matrix = next(f for f in frames if "Residents in bad or very bad health" in f.columns)
    assert matrix.index[-1] == "London" and matrix.index[0] == "North West locality"


def test_health_matrix_cells_carry_the_verdict_symbol_and_the_comparator_row():
    table = profile.ward_health("South East")
    matrix = profile.health_matrix(table, "borough")
    bad = table[table["indicator_id"] == "census_bad_health"].set_index("area")
    column = bad["indicator"].iloc[0]
    assert matrix.loc["Lansbury", column] == f"{bad.loc['Lansbury', 'value']:.1f}% ▲"  # worse than the borough
    assert matrix.index[-1] == "Tower Hamlets" and matrix.loc["Tower Hamlets", column] == "4.9%"
    assert profile.health_matrix(table, "england").index[-1] == "England and Wales"
    lines = profile.health_sources(table)
    assert lines[0] == "Vintage: Census 2021 (21 March 2021)."
    assert any(line.startswith("Office for National Statistics") or "Office for National Statistics" in line
               for line in lines[1:])
