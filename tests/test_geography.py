"""Geography: locality definition checks, apportionment weights, point-in-area joins (real data)."""
import pandas as pd
import pytest

from thmaps import geo, sources, settings, store, builder, errors
from thmaps.postcodes import lookup_postcode as lookup


@pytest.fixture(scope="module")
def wards(source_dir):
    return sources.read_boundary("wards", source_dir)


def test_default_locality_definition(wards):
    loc = geo.read_localities(wards)
    assert loc.groupby("locality").size().to_dict() == {"North East": 5, "North West": 4, "South East": 6, "South West": 5}
    assert loc["provenance"].str.len().gt(10).all()
    assert loc.set_index("ward_name").loc["St Katharine's & Wapping", "locality"] == "South West"


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.iloc[1:], "ward(s) with no locality: E05009317 Bethnal Green East"),
    (lambda t: pd.concat([t, t.iloc[[0]]]), "repeated ward"),
    (lambda t: t.assign(ward_code=t["ward_code"].replace("E05009317", "E05099999")), "unknown ward code(s): E05099999"),
    (lambda t: t.assign(locality=t["locality"].replace("North West", "Central")), "unknown locality name"),
])
def test_locality_definition_errors(wards, tmp_path, edit, message):
    table = pd.read_csv(settings.LOCALITIES_CSV, dtype=str)
    bad = tmp_path / "localities.csv"
    edit(table).to_csv(bad, index=False)
    with pytest.raises(errors.LocalityDefinitionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        geo.read_localities(wards, bad)


def test_apportionment_weights_sum_to_one_and_match_best_fit(source_dir):
    weights = store.load_layer("lsoa_ward_weights")
    assert weights.groupby("lsoa11cd")["weight"].sum().sub(1).abs().max() < 1e-12
    assert weights["lsoa11cd"].nunique() == 144
    # The LSOA's largest share lies in the ward the ONS best-fit lookup gives, for nearly all LSOAs.
    best = sources.read_lsoa11_ward_lookup(source_dir).set_index("lsoa11cd")["ward_code"]
    major = weights.sort_values("weight").drop_duplicates("lsoa11cd", keep="last").set_index("lsoa11cd")["ward_code"]
    agreement = (major == best.reindex(major.index)).mean()
    assert agreement > 0.9
    # LSOAs really do straddle wards: some have more than one ward.
    assert (weights.groupby("lsoa11cd").size() > 1).sum() >= 20


def test_every_practice_inside_the_ward_its_postcode_says(source_dir):
    practices = store.load_layer("facilities").query("kind == 'gp_practice'")
    assert len(practices) == 30
    for row in practices.itertuples():
        located = lookup(row.postcode)
        assert located.ward_code == row.ward_code, (row.facility_id, row.postcode)
        # and the source file's own ward column agrees with the spatial join
        assert row.source_ward_code == row.ward_code, row.facility_id


def test_postcode_wards_2014_agree_with_spatial_join():
    pcs = store.load_layer("postcodes")
    known = pcs[pcs["coord_source"] == "Code-Point Open 2014"]
    assert len(known) == 5375
    assert (known["ward_code_2014"] == known["ward_code"]).mean() > 0.99


def test_assign_areas_requires_bng():
    pts = store.load_layer("facilities").to_crs(settings.CRS_WEB)
    with pytest.raises(ValueError, match="EPSG:27700"):
        geo.assign_areas(pts, {}, pd.DataFrame())


def test_assign_areas_keeps_any_index():
    """Rows are matched by position, whatever the caller's index (here repeated labels)."""
    sites = store.load_layer("monitoring_sites")[["site_code", "geometry"]]
    areas = {"wards": store.load_layer("wards"), "lsoa11": store.load_layer("lsoa11")}
    localities = store.load_layer("locality_definition")
    twice = pd.concat([sites, sites]).set_index(pd.Index([7, 7, 3, 3]))
    out = geo.assign_areas(twice, areas, localities)
    assert list(out.index) == [7, 7, 3, 3]
    assert out["ward_name"].tolist() == ["Bethnal Green East", "Lansbury"] * 2
    assert out["boundary_ward"].tolist() == ["St Dunstan's", ""] * 2
