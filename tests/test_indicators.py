"""Indicators: known facts and conservation of totals across geography levels (real data)."""
import pytest

from thmaps import settings, store, builder, errors
from thmaps.indicators import CATALOGUE


@pytest.fixture(scope="module")
def table():
    return store.load_layer("indicators")


def value(table, indicator, level, code, period):
    sel = table[(table.indicator_id == indicator) & (table.level == level) & (table.area_code == code) & (table.period == period)]
    assert len(sel) == 1, (indicator, level, code, period)
    return float(sel["value"].iloc[0])


def test_borough_population_known_totals(table):
    assert value(table, "population", "borough", settings.BOROUGH_CODE, "2019") == 324_745
    assert value(table, "population", "borough", settings.BOROUGH_CODE, "2020") == 331_969


def test_registered_patients_and_practices(table):
    assert value(table, "gp_registered_patients", "borough", settings.BOROUGH_CODE, "2026-04") == 390_719
    assert value(table, "gp_practices", "borough", settings.BOROUGH_CODE, "2026-04") == 30
    practices = table[(table.indicator_id == "gp_registered_patients") & (table.level == "practice")]
    assert len(practices) == 30 and practices["value"].sum() == 390_719


@pytest.mark.parametrize("indicator", [i.id for i in CATALOGUE.values() if i.aggregation == "sum"])
def test_counts_conserved_across_levels(table, indicator):
    for period in CATALOGUE[indicator].periods:
        sel = table[(table.indicator_id == indicator) & (table.period == period)]
        borough = sel.loc[sel.level == "borough", "value"].sum()
        assert borough > 0
        for level in ("ward", "locality") + (("lsoa11",) if "lsoa11" in CATALOGUE[indicator].levels else ()):
            total = sel.loc[sel.level == level, "value"].sum()
            assert abs(total - borough) / borough <= settings.CONSERVATION_TOLERANCE, (indicator, period, level)
        assert (sel.level == "ward").sum() == 20 and (sel.level == "locality").sum() == 4


@pytest.mark.parametrize("indicator", [i.id for i in CATALOGUE.values() if i.aggregation in ("share", "weighted_mean")])
def test_denominators_conserved_and_borough_is_weighted_mean_of_wards(table, indicator):
    for period in CATALOGUE[indicator].periods:
        sel = table[(table.indicator_id == indicator) & (table.period == period)]
        borough = sel[sel.level == "borough"].iloc[0]
        wards = sel[sel.level == "ward"]
        assert wards["denominator"].sum() == pytest.approx(borough["denominator"], rel=settings.CONSERVATION_TOLERANCE)
        recomputed = (wards["value"] * wards["denominator"]).sum() / wards["denominator"].sum()
        assert recomputed == pytest.approx(borough["value"], rel=1e-9)
        base = sel[sel.level == CATALOGUE[indicator].base_level]["value"]
        assert base.min() - 1e-9 <= borough["value"] <= base.max() + 1e-9


def test_age_bands_sum_to_population_at_every_level(table):
    bands = ["population_0_15", "population_16_29", "population_30_44", "population_45_64", "population_65_plus"]
    sel = table[table.indicator_id.isin(bands + ["population"]) & (table.period == "2019")]
    pivot = sel.pivot_table(index=["level", "area_code"], columns="indicator_id", values="value")
    assert (pivot[bands].sum(axis=1) - pivot["population"]).abs().max() < 1e-6


def test_imd_deciles_only_at_lsoa_with_known_values(table):
    deciles = table[table.indicator_id == "imd_decile"]
    assert deciles.level.value_counts().to_dict() == {"london_lsoa11": 4835, "lsoa11": 144}
    # The borough's LSOAs carry the same national decile in the London-wide layer.
    both = deciles.pivot_table(index="area_code", columns="level", values="value").dropna()
    assert len(both) == 144 and (both["lsoa11"] == both["london_lsoa11"]).all()
    # E01004199 (Tower Hamlets 002C) is in the most deprived national decile (IoD 2019 file 2).
    assert value(table, "imd_decile", "lsoa11", "E01004199", "2019") == 1


def test_imd_share_england_is_about_a_fifth(table):
    england = value(table, "imd_share_q1", "england", settings.ENGLAND_CODE, "2019")
    assert 18 < england < 23  # 20% of LSOAs by construction; population-weighted it differs slightly
    borough = value(table, "imd_share_q1", "borough", settings.BOROUGH_CODE, "2019")
    london = value(table, "imd_share_q1", "london", settings.LONDON_CODE, "2019")
    assert borough > london  # Tower Hamlets is more deprived than London as a whole


def test_laei_london_comparator_is_resident_weighted(table):
    # 33 LAEI borough means weighted by Census 2011 usual residents: NO2 2013 = 35.33 µg/m³.
    assert value(table, "laei_no2", "london", settings.LONDON_CODE, "2013") == pytest.approx(35.33, abs=0.01)


def test_laei_values_and_london_comparator(table):
    for year in ("2013", "2016", "2019"):
        borough = value(table, "laei_no2", "borough", settings.BOROUGH_CODE, year)
        london = value(table, "laei_no2", "london", settings.LONDON_CODE, year)
        assert 25 < borough < 60 and 15 < london < 50 and borough > london
    # NO2 fell between 2013 and 2019 in the borough.
    assert value(table, "laei_no2", "borough", settings.BOROUGH_CODE, "2019") < value(table, "laei_no2", "borough", settings.BOROUGH_CODE, "2013")


def test_fingertips_comparators(table):
    fp = table[table.indicator_id == "fingertips_fuel_poverty"]
    assert set(fp.level) == {"borough", "london", "england"}
    assert value(table, "fingertips_fuel_poverty", "england", settings.ENGLAND_CODE, "2019") == pytest.approx(13.4224, abs=1e-3)


def test_every_row_has_source_and_unit(table):
    assert table["source_id"].str.len().gt(0).all() and table["unit"].str.len().gt(0).all()
    sources = table[(table.indicator_id == "population") & (table.period == "2019")].groupby("level")["source_id"].first()
    assert sources["lsoa11"] == sources["borough"] == "pop_mid2019"
    # Apportionment inputs are cited too: the OAs, their best-fit wards and their Census 2021 residents.
    assert sources["ward"] == "pop_mid2019;oa21;oa21_ward_lookup;census_oa_counts"
    laei = table[(table.indicator_id == "laei_no2") & (table.period == "2019")].groupby("level")["source_id"].first()
    assert laei["ward"] == "laei_lsoa11;pop_mid2019;oa21;oa21_ward_lookup;census_oa_counts" and laei["london"] == "laei_boroughs;london_lsoa11"


def test_catalogue_stored_with_method_for_every_indicator():
    cat = store.load_layer("indicator_catalogue")
    assert set(cat["id"]) == set(CATALOGUE)
    assert cat["method"].str.len().gt(20).all()
    assert set(cat["aggregation"]) == {"sum", "weighted_mean", "share", "none"}
