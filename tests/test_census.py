"""Census 2021 at Output Area level (issue 9, data side): real bundle, real figures, no mocks.

The store is built once for this module from ``THMAPS_SOURCE_DIR`` with the package API
(:func:`thmaps.builder.build`); the fixture overrides the session-wide one of conftest.py.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from thmaps import settings, store
from thmaps.geo.apportion import straddle_note
from thmaps.indicators import CATALOGUE
from thmaps.sources import LAEI_POLLUTANTS, LAEI_YEARS, census, read_boundary, read_oa_ward_lookup, read_population

BOROUGH = settings.BOROUGH_CODE


@pytest.fixture(scope="module")
def indicators() -> pd.DataFrame:
    return store.load_layer("indicators")


def values(table, indicator_id, level):
    return table[(table["indicator_id"] == indicator_id) & (table["level"] == level)]


def borough_value(table, indicator_id):
    return float(values(table, indicator_id, "borough")["value"].iloc[0])


# --------------------------------------------------------------------------- counts and conservation

def test_913_output_areas_and_borough_totals(indicators):
    assert len(store.load_layer("oa21")) == 913
    assert len(values(indicators, "census_usual_residents", "oa21")) == 913
    assert borough_value(indicators, "census_usual_residents") == 310_303
    assert borough_value(indicators, "census_households") == 120_522
    assert borough_value(indicators, "census_communal_residents") == 6_624


@pytest.mark.parametrize("indicator_id,total", [("census_usual_residents", 310_303), ("census_households", 120_522)])
def test_counts_conserved_exactly_at_every_level(indicators, indicator_id, total):
    expected_rows = {"oa21": 913, "lsoa21": 169, "msoa21": 34, "ward": 20, "locality": 4, "borough": 1}
    for level, rows in expected_rows.items():
        part = values(indicators, indicator_id, level)
        assert len(part) == rows, level
        assert part["area_code"].is_unique, level
        assert part["value"].sum() == total, level  # whole counts: exact, not within a tolerance


def test_every_area_of_the_2021_layers_has_a_value(indicators):
    for level in ("oa21", "lsoa21", "msoa21"):
        codes = set(store.load_layer(level)["code"])
        assert set(values(indicators, "census_bad_health", level)["area_code"]) == codes, level


# --------------------------------------------------------------------------- shares

def test_borough_shares_weighted_by_the_right_base(indicators, source_dir):
    assert borough_value(indicators, "census_bad_health") == pytest.approx(4.87, abs=0.05)
    assert borough_value(indicators, "census_social_rented") == pytest.approx(35.9, abs=0.05)
    # The same figures straight from the source files: usual-resident and household weighted means of OA shares.
    counts, percent = census.read_counts(source_dir), census.read_percent(source_dir)
    merged = counts.merge(percent, on="oa21cd")
    bad = (merged["health_in_general_4a-003"] * merged["usual_residents"]).sum() / merged["usual_residents"].sum()
    social = (merged["hh_tenure_5a-002"] * merged["households"]).sum() / merged["households"].sum()
    assert borough_value(indicators, "census_bad_health") == pytest.approx(bad, rel=1e-9)
    assert borough_value(indicators, "census_social_rented") == pytest.approx(social, rel=1e-9)


def test_oa_values_are_the_published_shares(indicators, source_dir):
    percent = census.read_percent(source_dir).set_index("oa21cd")
    oa = values(indicators, "census_fair_bad_health", "oa21").set_index("area_code")["value"]
    published = percent["health_in_general_4a-002"] + percent["health_in_general_4a-003"]
    assert np.allclose(oa.sort_index(), published.sort_index(), atol=1e-9)


def test_exact_shares_from_counts(indicators):
    disabled = values(indicators, "census_disabled", "borough").iloc[0]
    assert (disabled["numerator"], disabled["denominator"]) == (40_127, 310_309)  # TS038 as published
    heating = values(indicators, "census_no_central_heating", "borough").iloc[0]
    assert (heating["numerator"], heating["denominator"]) == (3_703, 120_522)
    assert heating["value"] == pytest.approx(3.07, abs=0.005)


def test_estimated_counts_are_labelled(indicators):
    bad = CATALOGUE["census_bad_health"]
    assert bad.counts_estimated and "ESTIMATES" in bad.method and bad.base == "usual residents"
    assert bad.period_kind == "census" and bad.periods == ("2021",) and bad.higher_is_worse is True
    assert not CATALOGUE["census_disabled"].counts_estimated  # exact counts (TS038)
    assert CATALOGUE["census_social_rented"].base == "households"
    assert CATALOGUE["census_ethnic_asian"].higher_is_worse is None
    # Bases without an OA count (aged 16+, 5+, 3+): weighted means of shares, no count at all.
    for indicator_id in ("census_unemployed", "census_no_qualifications", "census_unpaid_care", "census_poor_english"):
        indicator = CATALOGUE[indicator_id]
        assert not indicator.counts_estimated and "no count is given" in indicator.method
        assert values(indicators, indicator_id, "ward")["numerator"].isna().all()
    catalogue = store.load_layer("indicator_catalogue").set_index("id")
    assert str(catalogue.loc["census_bad_health", "counts_estimated"]).lower() in ("true", "1")


def test_every_issue_indicator_is_in_the_catalogue():
    wanted = ["census_bad_health", "census_fair_bad_health", "census_disabled", "census_unpaid_care",
              "census_unpaid_care_20h", "census_unpaid_care_50h", "census_overcrowded", "census_hh_deprived_2plus",
              "census_hh_deprived_3plus", "census_poor_english", "census_no_adult_english", "census_no_car",
              "census_social_rented", "census_no_central_heating", "census_no_qualifications", "census_unemployed",
              "census_inactive", "census_ethnic_asian", "census_ethnic_black", "census_ethnic_mixed",
              "census_ethnic_white", "census_ethnic_other", "census_usual_residents", "census_households",
              "census_communal_residents"]
    for indicator_id in wanted:
        indicator = CATALOGUE[indicator_id]
        assert indicator.levels == ("oa21", "lsoa21", "msoa21", "ward", "locality", "borough")
        assert ":" not in indicator.title  # the legend cuts titles at a colon


def test_comparators(indicators, source_dir):
    london = values(indicators, "census_usual_residents", "london").iloc[0]
    assert london["value"] == census.read_counts(source_dir, london=True)["usual_residents"].sum() == 8_799_770
    ew = values(indicators, "census_bad_health", "england").iloc[0]
    assert (ew["area_code"], ew["area_name"], ew["value"]) == ("K04000001", "England and Wales", 5.2)
    assert np.isnan(ew["numerator"]) and np.isnan(ew["denominator"])
    assert ew["source_id"] == "census_ew"
    assert values(indicators, "census_bad_health", "london")["value"].iloc[0] == pytest.approx(4.27, abs=0.01)
    assert values(indicators, "census_usual_residents", "england").empty  # no E&W count in the bundle


# --------------------------------------------------------------------------- OAs and wards

def test_every_straddling_oa_is_accounted_for(source_dir):
    lookup = store.load_layer("oa_ward_lookup")
    assert len(lookup) == 913 and lookup["oa21cd"].is_unique and lookup["ward_code"].notna().all()
    threshold = settings.OA_STRADDLE_SHARE
    assert (lookup["straddle_threshold"] == threshold).all()
    flagged = int(lookup["straddles"].sum())
    assert flagged == 66  # at 5% of the OA's area
    assert flagged == int((lookup["share_outside"] > threshold).sum())
    assert f"{flagged} of 913 OAs" in straddle_note(lookup)
    # Measured again here, independently, from the source boundaries and the best-fit lookup.
    oa = read_boundary("oa21", source_dir)
    wards = read_boundary("wards", source_dir)
    best = read_oa_ward_lookup(source_dir).merge(wards[["code", "name"]], left_on="ward_name", right_on="name")
    best = best.set_index("oa21cd")["code"]
    parts = gpd.overlay(oa[["code", "geometry"]], wards[["code", "geometry"]].rename(columns={"code": "ward"}),
                        how="intersection", keep_geom_type=True)
    parts["share"] = parts.area / parts["code"].map(oa.set_index("code").area)
    outside = parts[parts["ward"] != parts["code"].map(best)].groupby("code")["share"].sum()
    straddling = set(outside[outside > threshold].index)
    assert straddling == set(lookup.loc[lookup["straddles"], "oa21cd"])
    # Whole OAs: the ward sums of OA residents are the ward census values.
    by_ward = lookup.groupby("ward_code")["usual_residents"].sum()
    ward_values = values(store.load_layer("indicators"), "census_usual_residents", "ward")
    ward_values = ward_values.set_index("area_code")["value"]
    assert (by_ward.sort_index() == ward_values.sort_index()).all()


def test_2021_layers_carry_main_ward_and_locality():
    wards = store.load_layer("wards").set_index("code")
    for level, rows in (("oa21", 913), ("lsoa21", 169), ("msoa21", 34)):
        layer = store.load_layer(level)
        assert len(layer) == rows
        assert layer["main_ward_code"].isin(wards.index).all() and layer["locality"].notna().all()
        assert (layer["locality"] == layer["main_ward_code"].map(wards["locality"])).all()
    assert store.load_layer("oa21")["locality"].value_counts()["North West"] == 195


# --------------------------------------------------------------------------- LAEI by LSOA and MSOA 2021

def test_laei_at_lsoa21_and_msoa21(indicators, source_dir):
    source = pd.read_csv(Path(source_dir) / "air" / "laei_lbth_msoa21.csv").set_index("MSOA21CD")
    for pollutant in LAEI_POLLUTANTS:
        for year in LAEI_YEARS:
            for level, rows in (("lsoa21", 169), ("msoa21", 34)):
                part = indicators[(indicators["indicator_id"] == f"laei_{pollutant.lower()}")
                                  & (indicators["period"] == str(year)) & (indicators["level"] == level)]
                assert len(part) == rows and part["value"].notna().all(), (pollutant, year, level)
                assert set(part["area_code"]) == set(store.load_layer(level)["code"])
                assert part["source_id"].eq(f"laei_{level}").all()
            msoa = part.set_index("area_code")["value"]
            assert np.allclose(msoa, source.loc[msoa.index, f"{pollutant}-{year}-mean"])  # zone values as published


# --------------------------------------------------------------------------- weights

def test_resident_weights_sum_to_one_and_ward_populations_before_after(indicators, source_dir):
    weights = store.load_layer("lsoa_ward_weights")
    assert weights.groupby("lsoa11cd")["weight"].sum().sub(1).abs().max() < 1e-12
    assert weights.groupby("lsoa11cd")["weight_oa_count"].sum().sub(1).abs().max() < 1e-12
    assert weights["residents"].sum() == 310_303  # every OA's residents used once
    assert weights["method"].str.contains("usual residents").all()
    change = store.load_layer("ward_weight_change")
    borough = read_population(2020, source_dir)["all_ages"].sum()
    assert borough == 331_969
    assert change["population_2020_oa_count_weights"].sum() == pytest.approx(borough, abs=1e-6)
    assert change["population_2020_resident_weights"].sum() == pytest.approx(borough, abs=1e-6)
    assert change["difference"].sum() == pytest.approx(0, abs=1e-6)
    by_name = change.set_index("ward_name")
    assert by_name.loc["Island Gardens", "population_2020_oa_count_weights"] == pytest.approx(16_292.6, abs=0.1)
    assert by_name.loc["Island Gardens", "population_2020_resident_weights"] == pytest.approx(17_054.6, abs=0.1)
    assert by_name.loc["Bow East", "difference"] == 0  # its LSOAs lie wholly inside it
    # The ward populations the app shows are the resident-weighted ones.
    ward = indicators[(indicators["indicator_id"] == "population") & (indicators["period"] == "2020")
                      & (indicators["level"] == "ward")].set_index("area_code")["value"]
    assert np.allclose(ward.loc[change["ward_code"]], change["population_2020_resident_weights"])
    assert "OA-count" not in CATALOGUE["population"].method and "usual residents" in CATALOGUE["population"].method


# --------------------------------------------------------------------------- Liveable Streets

def test_bethnal_green_outline_and_traffic_filters():
    areas = store.load_layer("liveable_streets").set_index("area")
    bethnal_green = areas.loc["Bethnal Green"]
    assert bethnal_green["footprint"] == "outline"
    assert bethnal_green.geometry.area / 1e6 == pytest.approx(0.86, abs=0.05)
    assert "hand-digitised by a third party, not an official boundary" in bethnal_green["approximation"]
    others = areas.drop(index="Bethnal Green")
    assert (others["footprint"] == "wards").all() and others["approximation"].str.contains("whole ward").all()
    filters = store.load_layer("traffic_filters")
    assert len(filters) == 11
    assert filters["ward_name"].value_counts().to_dict() == {"Bethnal Green West": 6, "Weavers": 5}
    assert filters.within(bethnal_green.geometry).all()
    assert filters["location_precision"].str.contains("third party").all()


def test_store_format_and_sources():
    assert int(store.load_layer("build_info")["store_format"].iloc[0]) == settings.STORE_FORMAT == 3
    sources = store.load_layer("sources").set_index("id")
    for sid in ("census_oa_counts", "census_oa_percent", "census_categories", "census_ew", "census_oa_counts_london",
                "census_oa_percent_london"):
        assert sources.loc[sid, "licence"] == "Open Government Licence v3.0"
        assert sources.loc[sid, "vintage"] == "Census 2021 (21 March 2021)"
        assert sources.loc[sid, "attribution"] == ("Source: Office for National Statistics licensed under the Open "
                                                   "Government Licence v.3.0.")
    for sid in ("laei_lsoa21", "laei_msoa21", "liveable_streets_outline", "liveable_streets_filters"):
        assert sid in sources.index
