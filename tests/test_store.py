"""The built store: every layer's count, CRS, validity and normalised codes (real data)."""
import geopandas as gpd
import pytest
from pathlib import Path

from thmaps import geo
from thmaps import settings, store, builder, errors

EXPECTED_COUNTS = {
    "wards": 20, "lsoa11": 144, "lsoa21": 169, "msoa21": 34, "oa21": 913, "localities": 4, "borough": 1,
    "london_lsoa11": 4835, "monitoring_sites": 2, "s106_projects": 5, "liveable_streets": 11,
    "locality_definition": 20, "sources": 36, "indicator_catalogue": 57,
}


@pytest.mark.parametrize("layer,count", EXPECTED_COUNTS.items())
def test_layer_counts(layer, count):
    assert len(store.load_layer(layer)) == count


def test_facility_counts():
    kinds = store.load_layer("facilities")["kind"].value_counts().to_dict()
    assert kinds == {"pharmacy": 48, "gp_practice": 30, "hospital": 7, "clinic": 6}


@pytest.mark.parametrize("layer", [l for l in store.SPATIAL_LAYERS])
def test_spatial_layers_in_bng_and_valid(layer):
    frame = store.load_layer(layer)
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs.to_epsg() == 27700
    present = frame.geometry.notna() & ~frame.geometry.is_empty
    assert frame.geometry[present].is_valid.all()


def test_ward_names_are_2022_names():
    names = set(store.load_layer("wards")["name"])
    assert {"Bethnal Green East", "Bethnal Green West", "St Dunstan's", "St Katharine's & Wapping"} <= names
    assert not names & {"Bethnal Green", "St Peter's", "St. Dunstan's"}
    codes = sorted(store.load_layer("wards")["code"])
    assert codes == [f"E0500{n}" for n in range(9317, 9337)]


def test_localities_dissolved_from_wards_cover_borough():
    loc = store.load_layer("localities")
    assert list(loc["name"]) == list(tuple(geo.LOCALITIES))
    borough = store.load_layer("borough").geometry.iloc[0]
    assert loc.geometry.union_all().symmetric_difference(borough).area < 1.0
    assert abs(loc.area.sum() - borough.area) / borough.area < 1e-6


def test_every_facility_assigned_to_ward_lsoa_and_locality():
    fac = store.load_layer("facilities")
    assert fac[["ward_code", "lsoa11cd", "lsoa21cd", "locality"]].notna().all().all()


def test_london_chest_hospital_marked_closed():
    fac = store.load_layer("facilities")
    chest = fac[fac["name"].str.contains("London Chest", case=False)]
    assert len(chest) >= 1 and (chest["status"] == "closed").all()


def test_repeated_hospital_record_points_to_the_one_kept():
    fac = store.load_layer("facilities").set_index("facility_id")
    assert fac.loc["RNJ83", "duplicate_of"] == "R1H83"
    assert fac.loc["R1H83", "duplicate_of"] == ""
    assert fac.loc["RNJ83", "geometry"].equals(fac.loc["R1H83", "geometry"])
    assert "Same site as R1H83" in fac.loc["RNJ83", "note"]


def test_no2_tubes_every_year_with_annual_means():
    tubes = store.load_layer("no2_tubes")
    per_year = tubes.groupby("year").size().to_dict()
    assert sorted(per_year) == list(range(2015, 2025))
    assert 75 <= min(per_year.values()) and max(per_year.values()) <= 94
    assert tubes["annual_mean_bias_adjusted"].notna().mean() > 0.95
    # Site 1 (Colombia Rd/Gossett Street) in 2015: 35.67 raw, 38.46 bias adjusted (council table).
    site1 = tubes[(tubes["year"] == 2015) & (tubes["site_no"] == "1")].iloc[0]
    assert site1["annual_mean_raw"] == pytest.approx(35.67)
    assert site1["annual_mean_bias_adjusted"] == pytest.approx(38.46)


def test_s106_precision_recorded():
    s106 = store.load_layer("s106_projects")
    located = s106[s106.geometry.notna() & ~s106.geometry.is_empty]
    assert len(located) == 3
    assert set(located["ward_name"]) == {"Whitechapel", "Lansbury", "Blackwall & Cubitt Town"}
    assert s106["location_precision"].str.len().gt(10).all()
    assert (s106.loc[s106.geometry.isna() | s106.geometry.is_empty, "location_precision"].str.startswith("not located")).all()


def test_liveable_streets_labelled_approximate():
    ls = store.load_layer("liveable_streets")
    # Bethnal Green has an approximate outline (third party); every other scheme is a whole-ward approximation.
    outline = ls["area"] == "Bethnal Green"
    assert ls.loc[outline, "approximation"].str.startswith("Approximate outline").all()
    assert ls.loc[~outline, "approximation"].str.contains("Ward-level approximation").all()
    assert abs(ls.loc[outline].geometry.iloc[0].area / 1e6 - 0.86) < 0.05
    bow = ls[ls["area"] == "Bow"].geometry.iloc[0]
    wards = store.load_layer("wards").set_index("name")
    assert bow.symmetric_difference(wards.loc[["Bow East", "Bow West"]].geometry.union_all()).area < 1.0


def test_monitoring_sites_are_tower_hamlets_laqn():
    assert set(store.load_layer("monitoring_sites")["site_code"]) == {"TH2", "TH4"}


def test_points_on_a_ward_boundary_name_the_ward_across_it():
    sites = store.load_layer("monitoring_sites").set_index("site_code")
    # TH2 (the bundle calls it St Dunstan's) stands 10 m north of the Bethnal Green East / St Dunstan's boundary.
    assert sites.loc["TH2", "ward_name"] == "Bethnal Green East"
    assert sites.loc["TH2", "boundary_ward"] == "St Dunstan's"
    assert sites.loc["TH4", "ward_name"] == "Lansbury" and sites.loc["TH4", "boundary_ward"] == ""
    tubes = store.load_layer("no2_tubes")
    on_boundary = tubes[(tubes["year"] == 2024) & (tubes["boundary_ward"] != "")]
    assert len(on_boundary) == 26
    assert (on_boundary["boundary_ward"] != on_boundary["ward_name"]).all()


def test_water_background_covers_the_thames():
    water = store.load_layer("water")
    # The Thames between Tower Bridge and the Isle of Dogs is several km² within the frame.
    assert water.area.sum() > 3_000_000
    # A point mid-river off Wapping (BNG 534600, 180000) is water, not land.
    from shapely.geometry import Point
    assert water.contains(Point(534600, 180000)).any()
    assert not water.contains(Point(534500, 180200)).any()  # Wapping itself is land


def test_missing_store_message(tmp_path):
    with pytest.raises(errors.StoreMissingError, match="`thmaps build`"):
        store.load_layer("wards", tmp_path / "none.gpkg")


def test_implausible_tube_month_flagged():
    tubes = store.load_layer("no2_tubes")
    flagged = tubes[tubes["quality_note"] != ""]
    # 2024: site 35 (Narrow St/Limehouse Link) has a month of 1230.1 µg/m³, site 50 (Rich Street) 461.7.
    assert sorted((r.year, r.site_no) for r in flagged.itertuples()) == [(2024, "35"), (2024, "50")]
    assert "1230.1" in flagged.set_index("site_no").loc["35", "quality_note"]
    assert (flagged["objective_status"] == "not judged").all()
    # Rich Street without its 461.7 month: a raw mean of about 29 µg/m³ (thmaps recalculation, labelled as such).
    assert flagged.set_index("site_no").loc["50", "raw_mean_without_suspect_month"] == pytest.approx(28.9, abs=0.2)
    y2024 = tubes[tubes["year"] == 2024]
    assert y2024["objective_status"].value_counts().to_dict() == {"at or below": 91, "not judged": 2, "above": 1}
    assert y2024["adjustment_note"].str.startswith("estimated").all()
    assert tubes.loc[tubes["year"] == 2019, "adjustment_note"].str.startswith("annualised").all()


def test_nhs_facilities_placed_at_their_postcode():
    fac = store.load_layer("facilities")
    nhs = fac[fac["kind"] != "gp_practice"]
    assert nhs["coord_source"].str.startswith("Code-Point").all()
    assert 50 < nhs["source_offset_m"].median() < 120  # the source's consistent offset
    # Lansbury Pharmacy's postcode lies in Lansbury ward (its source coordinates fell in Poplar).
    lansbury = nhs[nhs["name"].str.contains("Lansbury Pharmacy", case=False)]
    assert list(lansbury["ward_name"]) == ["Lansbury"]


def test_list_sizes_are_integers():
    fac = store.load_layer("facilities")
    gp = fac[fac["kind"] == "gp_practice"]
    assert fac["list_size"].dtype.kind in "if" and int(gp["list_size"].sum()) == 390_719
    assert fac.loc[fac["kind"] != "gp_practice", "list_size"].isna().all()


def test_store_from_an_older_thmaps_asks_for_a_rebuild(tmp_path, monkeypatch):
    import shutil

    import pyogrio
    from streamlit.testing.v1 import AppTest

    store.check_format()  # the store the tests built is current
    old = tmp_path / "old.gpkg"
    shutil.copy(settings.store_path(), old)
    info = store.load_layer("build_info").drop(columns="store_format")
    pyogrio.write_dataframe(info, old, layer="build_info", driver="GPKG")
    assert "store_format" not in store.load_layer("build_info", old).columns
    assert len(store.load_layer("wards", old)) == 20  # the rest of the store is intact
    with pytest.raises(errors.StoreOutdatedError, match="has format 1.*Rebuild it with `thmaps build`"):
        store.check_format(old)
    # The app says so instead of failing on a missing column.
    monkeypatch.setenv(settings.STORE_ENV, str(old))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app_pages" / "1_Borough_map.py"), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [str(errors.StoreOutdatedError(
        f"The store at {old} has format 1; this version of thmaps reads format {settings.STORE_FORMAT}. "
        "Rebuild it with `thmaps build` (the README's app command does this)."))]
