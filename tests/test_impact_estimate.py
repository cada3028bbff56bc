"""Development impact figures on the real bundle: rings and apportionment, practices found, the estimate against a
hand calculation, pressure on practices (one scheme and cumulative), the parameter file and its occupancy values."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from thmaps import store
from thmaps.errors import ImpactInputError
from thmaps.impact import assess, assess_site, load_parameters, make_scheme, parse_radii, site_from_postcode
from thmaps.impact.catchment import catchment, make_rings, oa_shares
from thmaps.impact.estimate import practices_within, pressure
from thmaps.impact.parameters import BASES, PARAMETERS_FILE


@pytest.fixture(scope="module")
def aberfeldy():
    return assess_site("E14 0XA", homes=250)


def test_practices_within_2km_match_a_brute_force_distance_check(aberfeldy):
    site = aberfeldy.main.site
    layer = store.load_layer("facilities")
    rows = layer[(layer["kind"] == "gp_practice") & (layer["duplicate_of"].fillna("") == "")]
    brute = sorted(code for code, x, y in zip(rows["facility_id"], rows.geometry.x, rows.geometry.y)
                   if math.hypot(x - site.point.x, y - site.point.y) <= 2000)
    found = aberfeldy.main.sections["practices"].table
    assert sorted(found["code"]) == brute
    assert sorted(practices_within(site, 2000)["code"]) == brute
    assert len(brute) == 7 and found["distance_m"].is_monotonic_increasing
    # Each practice sits in the smallest ring that holds it.
    for distance, ring in zip(found["distance_m"], found["ring"]):
        radius = {"within 400 m": 400, "within 800 m": 800, "within 2 km": 2000}[ring]
        assert distance <= radius and not any(distance <= r for r in (400, 800, 2000) if r < radius)


def test_rings_covering_the_borough_hold_all_its_usual_residents():
    site = site_from_postcode("E1 1BB")
    whole = catchment(make_rings(site, [10_000])[0])
    assert whole.residents == pytest.approx(310_303, abs=0.5)
    assert whole.households == pytest.approx(120_522, abs=0.5)
    assert (whole.shares["share"] > 0.999).all() and len(whole.shares) == 913


def test_catchment_population_is_apportioned_by_area_not_by_centroid(aberfeldy):
    ring = aberfeldy.main.rings[0]
    shares = oa_shares(ring.geometry)
    oa = store.load_layer("oa21").set_index("code")
    # By hand, for every OA the 400 m ring touches: the share of its area inside the ring.
    for code, share in zip(shares["oa21cd"], shares["share"]):
        geom = oa.loc[code, "geometry"]
        assert share == pytest.approx(geom.intersection(ring.geometry).area / geom.area, abs=1e-4)
    partial = shares[(shares["share"] < 0.999)]
    assert len(partial) > 5
    by_hand = float((shares["usual_residents"] * shares["share"]).sum())
    assert aberfeldy.main.catchments[0].residents == pytest.approx(by_hand)
    centroid_count = oa.loc[oa.geometry.centroid.within(ring.geometry), "usual_residents"].sum()
    assert aberfeldy.main.catchments[0].residents != pytest.approx(centroid_count, abs=1)
    residents = [c.residents for c in aberfeldy.main.catchments]
    assert residents == sorted(residents)


def test_estimate_matches_a_hand_calculation():
    result = assess_site("E14 0XA", homes=250, bedrooms={"1": 100, "2": 100, "3": 40, "4+": 10}, affordable=88,
                         existing_residents=20)
    e = result.main.estimate
    gross = 100 * 1.16 + 100 * 2.51 + 40 * 3.47 + 10 * 5.30      # residents per home: parameter file
    net = gross - 20                                              # existing residents
    gp = net / 1800                                               # 1 FTE GP per 1,800 patients
    floorspace = gp * 170                                         # m² per GP (local assumption)
    cost = floorspace * 5000                                      # £ per m² (local assumption)
    assert gross == pytest.approx(558.8)
    assert (e.gross_residents, e.net_residents) == (pytest.approx(gross), pytest.approx(net))
    assert (e.gp_fte, e.floorspace_m2, e.cost_gbp) == (pytest.approx(gp), pytest.approx(floorspace),
                                                       pytest.approx(cost))
    assert cost == pytest.approx(254_433.33, abs=0.01)
    assert e.cost_gbp / 250 == pytest.approx(1017.73, abs=0.01)
    assert e.benchmark_gbp == pytest.approx(net * 19_300_000 / 35_000)
    table = result.main.sections["estimate"].display().set_index("item")
    assert table.loc["Capital cost", "total"] == "£254,433" and table.loc["Capital cost", "basis"] == "local assumption"
    assert table.loc["GP need", "basis"] == "cited standard"


def test_default_occupancy_is_the_catchments_residents_per_household(aberfeldy):
    occ = aberfeldy.main.occupancy_catchment
    assert occ.ring.radius_m == 800
    shares = oa_shares(occ.ring.geometry)
    by_hand = (shares["residents_in_households"] * shares["share"]).sum() / (shares["households"] * shares["share"]).sum()
    e = aberfeldy.main.estimate
    assert e.occupancy == pytest.approx(by_hand)
    assert e.gross_residents == pytest.approx(250 * by_hand)
    assert "Census 2021 residents in households / households within 800 m" in e.occupancy_basis
    assert 2.0 < e.occupancy < 3.5


def test_changed_parameters_change_the_figures_and_are_marked(aberfeldy):
    changed = assess_site("E14 0XA", homes=250, parameters={"patients_per_gp": 2000, "default_occupancy": 3})
    e = changed.main.estimate
    assert e.gross_residents == pytest.approx(750) and e.gp_fte == pytest.approx(0.375)
    assert changed.parameters.overrides() == {"patients_per_gp": 2000, "default_occupancy": 3}
    assert "changed for this assessment (default 1,800" in changed.parameters.item("patients_per_gp").basis_shown
    with pytest.raises(ImpactInputError, match="must be between 500 and 5,000"):
        assess_site("E14 0XA", homes=250, parameters={"patients_per_gp": 10})
    with pytest.raises(ImpactInputError, match="cannot be changed"):
        assess_site("E14 0XA", homes=250, parameters={"pm25_limit": 1})
    with pytest.raises(ImpactInputError, match="unknown parameter"):
        assess_site("E14 0XA", homes=250, parameters={"gp_magic": 1})


def test_pressure_shares_new_residents_in_proportion_to_list_sizes(aberfeldy):
    r = aberfeldy.main
    table = r.sections["pressure"].table
    total = table["list before"].sum()
    assert r.pressure_totals["list_before"] == pytest.approx(128_457)
    assert table["added"].sum() == pytest.approx(r.estimate.net_residents)
    assert (table["added"] / table["list before"]).round(9).nunique() == 1   # the same share everywhere
    assert r.pressure_totals["list_after"] == pytest.approx(total + r.estimate.net_residents)


def test_cumulative_pressure_of_several_schemes():
    a = (site_from_postcode("E14 0XA"), make_scheme(250, name="Aberfeldy"))
    b = (site_from_postcode("E14 6PG"), make_scheme(400, name="Chrisp Street"))
    result = assess([a, b])
    c = result.cumulative.table
    codes_a = set(result.results[0].practices["code"])
    codes_b = set(result.results[1].practices["code"])
    assert set(c["code"]) == codes_a | codes_b
    assert result.cumulative_totals["added"] == pytest.approx(sum(r.estimate.net_residents for r in result.results))
    assert {"added: Aberfeldy", "added: Chrisp Street"} <= set(c.columns)
    shared = c[c["code"].isin(codes_a & codes_b)]
    assert (shared["added: Aberfeldy"] > 0).all() and (shared["added: Chrisp Street"] > 0).all()
    one = pressure([("x", result.results[0].practices, 100.0)], 2000)[1]
    assert one["added"] == pytest.approx(100.0)


def test_rings_are_parsed_and_checked():
    assert parse_radii("400, 800, 2 km") == (400, 800, 2000)
    assert parse_radii([2000, 400, 400]) == (400, 2000)
    for bad, message in (("ten", "is not a distance"), ("10", "between 50 m and 10,000 m"),
                         ("1,2,3,4,5,6,7", "at most 6 rings"), (",", "at least one ring")):
        with pytest.raises(ImpactInputError, match=message):
            parse_radii(bad)


def test_every_parameter_has_a_basis_and_a_source():
    raw = yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8"))
    assert raw["version"]
    for key, entry in raw["parameters"].items():
        assert entry["basis"] in BASES, key
        assert entry["source"] and entry["unit"], key
        if entry["basis"] == "local assumption":
            assert "local assumption" in entry["source"], key
    params = load_parameters()
    assert params["patients_per_gp"] == 1800 and params.item("patients_per_gp").basis == "cited standard"
    assert "New homes and healthcare facilities" in params.item("patients_per_gp").source
    for key in ("floorspace_per_gp_m2", "build_cost_per_m2_gbp"):
        assert params.item(key).basis == "local assumption"


def test_occupancy_by_bedrooms_is_reproduced_from_the_bundle(source_dir):
    """The per-bedroom values in the parameter file come from this fit (see its note): check them."""
    counts = pd.read_csv(source_dir / "census2021" / "census2021_oa_counts_lbth.csv")
    shares = pd.read_csv(source_dir / "census2021" / "census2021_oa_percent_lbth.csv")
    d = counts.merge(shares[["oa21cd"] + [f"number_bedrooms_5a-00{i}" for i in range(1, 5)]], on="oa21cd")
    x = d[[f"number_bedrooms_5a-00{i}" for i in range(1, 5)]].to_numpy() / 100
    y = (d["residents_in_households"] / d["households"]).to_numpy()
    w = np.sqrt(d["households"].to_numpy())
    fit = np.linalg.lstsq(x * w[:, None], y * w, rcond=None)[0]
    params = load_parameters()
    stated = [params[k] for k in ("occupancy_1_bed", "occupancy_2_bed", "occupancy_3_bed", "occupancy_4plus_bed")]
    assert stated == pytest.approx(list(fit), abs=0.005)
    assert len(d) == 913
