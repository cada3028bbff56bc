"""Maps at the 2021 levels (Output Area, LSOA 2021, MSOA 2021) and the Liveable Streets overlays (real data)."""
from __future__ import annotations


import pytest

import thmaps
from thmaps import store
from thmaps.errors import MapRequestError
from thmaps.indicators import LEVEL_LABELS
from thmaps.maps import MAP_LEVELS, web
from thmaps.overlays import OVERLAYS

AREAS = {"oa21": 913, "lsoa21": 169, "msoa21": 34}


def test_levels_are_mappable_and_labelled():
    for level, label in (("oa21", "Output Area 2021"), ("lsoa21", "LSOA 2021"), ("msoa21", "MSOA 2021")):
        assert level in MAP_LEVELS and LEVEL_LABELS[level] == label


@pytest.mark.parametrize("level", list(AREAS))
def test_census_map_at_each_2021_level(level):
    prepared = thmaps.prepare(thmaps.MapDescription("census_bad_health", level=level))
    assert len(prepared.areas) == AREAS[level] and prepared.areas["in_extent"].all()
    assert prepared.areas["value"].notna().all()
    assert prepared.subtitle == f"Tower Hamlets · by {LEVEL_LABELS[level]} · Census 2021"
    assert any("estimates" in note for note in prepared.notes)


@pytest.mark.parametrize("level", list(AREAS))
def test_locality_and_ward_extents_at_2021_levels(level):
    layer = store.load_layer(level)
    prepared = thmaps.prepare(thmaps.MapDescription("census_social_rented", level=level, extent="locality:NW"))
    assert len(prepared.areas) == AREAS[level]
    inside = prepared.areas.loc[prepared.areas["in_extent"], "code"]
    assert set(inside) == set(layer.loc[layer["locality"] == "North West", "code"]) and len(inside) > 0
    ward = thmaps.prepare(thmaps.MapDescription("census_social_rented", level=level, extent="ward:Weavers"))
    assert 0 < ward.areas["in_extent"].sum() < inside.size


@pytest.mark.parametrize("level", ["lsoa21", "msoa21"])
def test_laei_maps_at_2021_levels(level):
    prepared = thmaps.prepare(thmaps.MapDescription("laei_no2", level=level, period="2019"))
    assert len(prepared.areas) == AREAS[level] and prepared.areas["value"].notna().all()
    assert "laei_lsoa11" in thmaps.CATALOGUE["laei_no2"].source_ids


def test_lsoa2011_indicators_are_not_offered_at_2021_levels():
    with pytest.raises(MapRequestError, match="cannot be mapped by output area 2021"):
        thmaps.prepare(thmaps.MapDescription("population", level="oa21"))


def test_ward_map_says_how_many_oas_straddle():
    prepared = thmaps.prepare(thmaps.MapDescription("census_bad_health", level="ward"))
    assert any("66 of 913 OAs" in note for note in prepared.notes)
    assert len(prepared.areas) == 20


def test_oa_web_map_size_and_overlays():
    prepared = thmaps.prepare(thmaps.MapDescription("census_bad_health", level="oa21"))
    assert len(web.to_html(prepared).encode()) <= 250 * 1024
    with_overlays = thmaps.prepare(thmaps.MapDescription(
        "census_bad_health", level="oa21", extent="locality:NW", overlays=("liveable_streets", "traffic_filters")))
    m = web.render(with_overlays)
    assert web.overlay_count(m, "traffic_filters") == 11
    assert any("hand-digitised by a third party" in note for note in with_overlays.notes)
    title, rows = OVERLAYS["traffic_filters"].describe(with_overlays.overlays["traffic_filters"].iloc[0])
    assert title.startswith("Traffic filter: ") and "third party" in dict(rows)["Location precision"]
    areas = with_overlays.overlays["liveable_streets"].set_index("area")
    _, rows = OVERLAYS["liveable_streets"].describe(areas.loc["Bethnal Green"].to_dict() | {"area": "Bethnal Green"})
    assert "not an official boundary" in dict(rows)["Footprint"]
