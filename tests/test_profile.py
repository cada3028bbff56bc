"""Locality profiles (thmaps.profile) on the real data bundle."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from thmaps import indicators
from thmaps.indicators.compare import rule_of_thumb
from thmaps import profile, settings
from thmaps.errors import ThmapsError, UnknownPlaceError
from thmaps.geo import Extent, Locality
from thmaps.sources import attribution_lines

CODES = ("NW", "NE", "SW", "SE")


def test_locality_accepts_codes_and_names():
    assert Locality.parse("NW").code == "NW"
    assert Locality.parse("nw").code == "NW"
    assert Locality.parse("North West").code == "NW"
    assert Locality.parse(" south east ").code == "SE"
    assert Locality.parse("south-east") == Locality("SE")
    assert Locality.parse("SW").name == "South West"
    assert [loc.name for loc in Locality.all()] == ["North West", "North East", "South West", "South East"]


@pytest.mark.parametrize("call", [
    lambda: profile.key_indicators("Central"),
    lambda: profile.practices("XX"),
    lambda: profile.s106_projects(""),
    lambda: profile.air_quality("Northwest"),
    lambda: profile.ward_ranking("N", "imd_share_q1"),
    lambda: profile.locality_table_csv(None),
])
def test_invalid_locality_raises_clear_error(call):
    with pytest.raises(ValueError, match="unknown locality.*North West"):
        call()


def test_invalid_indicator_period_and_year_raise():
    with pytest.raises(ValueError, match="unknown indicator"):
        profile.ward_ranking("NW", "no_such_indicator")
    with pytest.raises(ValueError, match="has no ward values"):
        profile.ward_ranking("NW", "fingertips_pm25")
    with pytest.raises(ValueError, match="periods"):
        profile.ward_ranking("NW", "laei_no2", "2018")
    with pytest.raises(ValueError, match="2015-2024"):
        profile.tubes("NW", 2014)


def test_gp_patients_and_practices_add_up_across_localities():
    tables = {c: profile.key_indicators(c).set_index("indicator_id") for c in CODES}
    patients = sum(t.loc["gp_registered_patients", "locality value"] for t in tables.values())
    assert patients == 390_719
    assert tables["NW"].loc["gp_registered_patients", "borough value"] == 390_719
    assert sum(t.loc["gp_practices", "locality value"] for t in tables.values()) == 30
    lists = {c: profile.practices(c) for c in CODES}
    assert sum(len(p) for p in lists.values()) == 30
    assert {c: len(p) for c, p in lists.items()} == {"NW": 9, "NE": 7, "SW": 6, "SE": 8}
    assert sum(int(p["list_size"].sum()) for p in lists.values()) == 390_719
    for c in CODES:  # the table's figure is the sum of the practices listed
        assert tables[c].loc["gp_registered_patients", "locality value"] == lists[c]["list_size"].sum()
        assert tables[c].loc["gp_practices", "locality value"] == len(lists[c])


def test_locality_populations_sum_to_borough():
    mid2019 = sum(profile.ward_ranking(c, "population", "2019")["value"].sum() for c in CODES)
    assert mid2019 == pytest.approx(324_745, rel=settings.CONSERVATION_TOLERANCE)
    mid2020 = sum(profile.key_indicators(c).set_index("indicator_id").loc["population", "locality value"] for c in CODES)
    assert mid2020 == pytest.approx(331_969, rel=settings.CONSERVATION_TOLERANCE)


def test_south_west_practices_are_tower_network_pcn():
    sw = profile.practices("South West").set_index("ods_code")
    expected = {"F84031", "F84079", "F84087", "F84731", "F84039", "F84114"}
    assert set(sw.index) == expected
    assert (sw["pcn"] == "Tower Network PCN").all()
    assert sw.loc["F84039", "list_size"] == 37_542
    assert "Goodman's Fields" in sw.loc["F84039", "note"]
    assert "City Square" in sw.loc["F84114", "note"]
    assert sw["list_size"].is_monotonic_decreasing


def test_practice_placed_by_location_notes_the_source_locality():
    nw = profile.practices("NW").set_index("ods_code")
    # Xx Place stands in Bethnal Green East (North West) though the source file infers North East.
    assert "North East" in nw.loc["F84122", "note"]
    assert nw.loc["F84122", "ward"] == "Bethnal Green East"


def test_key_indicator_columns_and_comparators():
    table = profile.key_indicators("NW").set_index("indicator_id")
    for col in ("indicator", "period", "unit", "locality value", "borough value", "London value", "England value",
                "vs borough", "comparison method", "source"):
        assert col in table.columns
    for needed in ("population", "pct_0_15", "pct_65_plus", "imd_share_q1", "imd_share_d1", "income_share_q1",
                   "health_share_q1", "living_share_q1", "laei_no2", "laei_pm25", "laei_pm10",
                   "gp_registered_patients", "gp_practices"):
        assert needed in table.index
    assert table.loc["population", "period"] == "mid-2020"
    assert table.loc["laei_no2", "period"] == "2019"
    assert table.loc["imd_share_q1", "London value"] == pytest.approx(16.36, abs=0.01)
    assert table.loc["imd_share_q1", "England value"] == pytest.approx(19.93, abs=0.01)
    assert table.loc["laei_no2", "London value"] == pytest.approx(27.81, abs=0.01)  # resident-weighted borough means
    assert np.isnan(table.loc["laei_no2", "England value"])  # no England LAEI comparator in the store
    assert np.isnan(table.loc["population", "London value"])
    assert "mid-2020" in table.loc["population", "source"]
    assert "Open Government Licence v2.0" in table.loc["laei_no2", "source"]


def test_locality_comparisons_use_wilson_intervals_where_they_exist():
    imd = {c: profile.key_indicators(c).set_index("indicator_id").loc["imd_share_q1"] for c in CODES}
    # Borough 30.7%. Each locality's 95% Wilson interval (residents, IoD mid-2015 denominators) is narrow.
    assert imd["NW"]["vs borough"] == "worse"      # 39.7%
    assert imd["NE"]["vs borough"] == "better"     # 26.3%
    assert imd["SE"]["vs borough"] == "better"     # 28.0% (27.7-28.3): the borough lies outside
    for row in imd.values():
        assert row["lower 95%"] < row["locality value"] < row["upper 95%"]
        inside = row["lower 95%"] <= row["borough value"] <= row["upper 95%"]
        assert (row["vs borough"] == "similar") == inside
        assert "Wilson" in row["comparison method"]
    no2 = profile.key_indicators("SW").set_index("indicator_id").loc["laei_no2"]
    assert no2["locality value"] == pytest.approx(35.50, abs=0.01) and no2["vs borough"] == "worse"
    assert "rule of thumb" in no2["comparison method"]   # modelled concentrations: no interval
    counts = profile.key_indicators("SW").set_index("indicator_id")
    assert (counts.loc[["population", "gp_registered_patients", "gp_practices"], "vs borough"] == "not compared").all()
    assert set(counts.loc[["pct_0_15", "pct_65_plus"], "vs borough"]) <= {"higher", "lower", "similar"}


def test_rule_of_thumb_bands():
    # Shares without counts: the wider of 2 points and 10% of the borough value.
    assert rule_of_thumb(32.0, 30.0, "imd_share_q1")[0] == "similar"
    assert rule_of_thumb(33.0, 30.0, "imd_share_q1")[0] == "similar"
    assert rule_of_thumb(33.1, 30.0, "imd_share_q1")[0] == "worse"
    assert rule_of_thumb(26.9, 30.0, "imd_share_q1")[0] == "better"
    assert rule_of_thumb(2.9, 1.0, "imd_share_d1")[0] == "similar"   # 2-point floor for small shares
    assert rule_of_thumb(3.1, 1.0, "imd_share_d1")[0] == "worse"
    # Concentrations: 2.5% of the borough value.
    assert rule_of_thumb(10.25, 10.0, "laei_no2")[0] == "similar"
    assert rule_of_thumb(10.26, 10.0, "laei_no2")[0] == "worse"
    assert rule_of_thumb(9.7, 10.0, "laei_pm25")[0] == "better"
    assert rule_of_thumb(1.0, 2.0, "population")[0] == "not compared"
    assert rule_of_thumb(np.nan, 2.0, "laei_no2")[0] == "no data"


def test_ward_ranking():
    sw = profile.ward_ranking("SW", "imd_decile")   # decile -> its ward summary
    assert sw["indicator_id"].unique().tolist() == ["imd_share_q1"]
    assert len(sw) == 5
    assert sw.iloc[0]["ward"] == "St Dunstan's" and sw.iloc[0]["locality rank"] == 1   # 50.6% (Shadwell 47.2%)
    assert sw["value"].is_monotonic_decreasing
    assert sw.attrs["rank_note"].startswith("Rank 1 = worst")
    all_wards = pd.concat([profile.ward_ranking(c, "laei_no2") for c in CODES])
    assert len(all_wards) == 20 and all_wards["ward_code"].is_unique
    assert sorted(all_wards["borough rank"]) == list(range(1, 21))
    worst = all_wards.loc[all_wards["borough rank"] == 1, "value"].iloc[0]
    assert worst == all_wards["value"].max()
    assert (all_wards["wards in borough"] == 20).all()


def test_s106_projects_by_location_or_stated_locality():
    sw = profile.s106_projects("SW")
    assert sw["project"].str.contains("Goodman's Fields").tolist() == [True]
    assert sw["total_gbp"].iloc[0] == 4_824_474
    assert sw["basis"].iloc[0].startswith("located")
    se = profile.s106_projects("SE").set_index("project")
    assert len(se) == 3
    cotton = se.loc[se.index.str.startswith("William Cotton Place")].iloc[0]
    assert cotton["basis"].startswith("not located") and cotton["total_gbp"] == 3_100_000 and cotton["year"] == 2017
    assert se["location_precision"].notna().all()
    assert profile.s106_projects("NW").empty and profile.s106_projects("NE").empty
    assert profile.s106_unassigned()["project"].tolist() == ["Suttons Wharf Health Centre"]


def test_air_quality():
    air = profile.air_quality("SW", 2019)
    trend = air.laei_trend
    assert len(trend) == 27  # 3 pollutants x 3 years x 3 areas
    assert set(trend["year"]) == {2013, 2016, 2019}
    sw_no2 = trend[(trend["pollutant"] == "NO2") & (trend["level"] == "locality") & (trend["year"] == 2019)]["value"].iloc[0]
    assert sw_no2 == pytest.approx(profile.key_indicators("SW").set_index("indicator_id").loc["laei_no2", "locality value"])
    tubes = air.tubes
    assert len(tubes) > 0 and air.tube_year == 2019
    flag = tubes["exceeds 40 µg/m³"]
    assert ((tubes["annual_mean_bias_adjusted"] > 40) == (flag == "yes")).all()
    # 2024: Narrow St/Limehouse Link's published mean includes a 1230.1 µg/m³ month: not judged, and said why.
    se_2024 = profile.air_quality("SW", 2024).tubes.set_index("site_no")
    assert se_2024.loc["35", "exceeds 40 µg/m³"] == "not judged"
    assert "implausible" in se_2024.loc["35", "note"] and "flat 25%" in se_2024.loc["35", "note"]
    assert any("site" in n and "changes between years" in n for n in air.notes)
    trends = {c: profile.tube_trend(c).set_index("year") for c in CODES}
    summed = sum(t["tubes"] for t in trends.values())
    assert (summed == trends["NW"]["borough tubes"]).all()  # every in-borough tube is in one locality
    assert list(trends["SE"].index) == list(range(2015, 2025))
    assert trends["SW"].loc[2019, "tubes"] == len(tubes.dropna(subset=["annual_mean_bias_adjusted"]))
    assert trends["SW"].loc[2019, "median"] == pytest.approx(tubes["annual_mean_bias_adjusted"].median())


def test_locality_table_csv_has_attribution_and_the_table():
    raw = profile.locality_table_csv("North East")
    text = raw.decode("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    for line in attribution_lines(["imd2019", "laei_lsoa11", "gp_practices", "pop_mid2020"]):
        assert any(line in h for h in header)
    assert any("Open Government Licence v2.0" in h for h in header)
    assert any("rule of thumb" in h for h in header)
    assert any("not an official boundary" in h for h in header)
    table = pd.read_csv(io.BytesIO(raw), comment="#", encoding="utf-8")
    expected = profile.key_indicators("NE")
    assert len(table) == len(expected) == len(profile.KEY_INDICATORS)
    assert table["locality value"].tolist() == pytest.approx(expected["locality value"].tolist())
    assert "µg/m³" in set(table["unit"])
    assert table["source"].notna().all()
