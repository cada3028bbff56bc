"""Named places (issue 11, item 2): ward names inside their wards on screen and paper, ward lines under
finer levels, a note where small areas straddle the outline, and a single-area map that says so."""
from __future__ import annotations

from dataclasses import replace

import pytest
import shapely

from thmaps import maps, store
from thmaps.maps import labels, nesting, printing, web

WARDS = 20


@pytest.fixture(scope="module")
def borough_lsoa() -> maps.PreparedMap:
    return maps.prepare(maps.MapDescription("imd_decile", scheme="national_deciles"))


def test_every_name_has_its_pole_inside_its_land(borough_lsoa):
    names = labels.map_labels(borough_lsoa)
    assert list(names["kind"]).count("ward") == WARDS and list(names["kind"]).count("locality") == 4
    water = store.load_layer("water").geometry.union_all()
    for row in names.itertuples():
        pole = shapely.Point(row.candidates[0])
        assert row.geometry.contains(pole), row.name
        assert not water.contains(pole), row.name  # not in the Thames, where wards reach


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_print_names_every_ward_inside_it_without_collisions(borough_lsoa, orientation):
    layout = printing.draw(borough_lsoa, "A4", orientation)
    written = layout.labels
    wards = [w for w in written if w.kind == "ward"]
    assert len(wards) == WARDS, sorted(set(store.load_layer("wards")["name"]) - {w.name for w in wards})
    shapes = labels.map_labels(borough_lsoa).set_index("name")["geometry"]
    for label in written:
        assert labels.fits(shapely.box(*label.box), shapes[label.name]), label.name
    for i, a in enumerate(written):
        for b in written[i + 1:]:
            assert not shapely.box(*a.box).intersects(shapely.box(*b.box)), (a.name, b.name)
    texts = {t.get_text().replace("\n", " ") for t in layout.map_ax.texts}
    assert {w.name for w in wards} <= texts  # written as text (searchable in PDF and SVG)
    assert any(c.get_gid() == "thmaps-wards" for c in layout.map_ax.collections)  # ward lines under LSOAs


def test_ward_map_names_wards_without_ward_lines():
    prepared = maps.prepare(maps.MapDescription("pct_65_plus", level="ward"))
    layout = printing.draw(prepared)
    assert len([w for w in layout.labels if w.kind == "ward"]) == WARDS
    assert not any(c.get_gid() == "thmaps-wards" for c in layout.map_ax.collections)
    assert labels.ward_lines(prepared) is None


def test_web_map_sends_every_name_with_its_outline_and_ward_lines(borough_lsoa):
    m = web.render(borough_lsoa)
    names = next(c for c in m._children.values() if isinstance(c, web.Labels))
    assert len(names.names) == WARDS + 4
    assert all(n["outline"] and n["candidates"] for n in names.names)
    page = m.get_root().render()
    assert "thmapsPlaceNames(" in page and '"Wards"' not in page  # the ward lines layer is not in the control
    assert sum(1 for c in m._children.values() if getattr(c, "layer_name", "") == "Wards") == 1


def test_hostile_names_are_escaped_in_the_names_layer(borough_lsoa):
    evil = '<img src=x onerror=alert(1)>{{ 7*7 }}'
    hacked = labels.map_labels(borough_lsoa)
    first = hacked.index[0]
    hacked.loc[first, "name"] = evil
    element = web.names.Labels([{"text": r.name, "kind": r.kind, "selected": r.selected, "candidates": [[51.5, 0.0]],
                                 "outline": None} for r in hacked.itertuples()])
    assert "<img" not in element.data and "{{" not in element.data
    assert "&lt;img src=x onerror=alert(1)&gt;" in element.data


def test_straddling_small_areas_are_noted_the_same_on_screen_and_paper():
    prepared = maps.prepare(maps.MapDescription("pct_65_plus", extent="locality:SE"))
    out, into = nesting.straddling(prepared)
    # LSOAs 2011 do not nest in wards: with Census 2021 resident weights none of the South East's own LSOAs
    # reaches out of it, but 4 of its neighbours' reach into it.
    assert len(into) == 4 and not out
    note = next(n for n in prepared.notes if n.startswith("LSOAs 2011 do not nest in wards"))
    assert f"{len(into)} counted in a neighbouring locality" in note
    assert "drawn whole" in note
    standalone = web.to_standalone_html(prepared)
    assert "LSOAs 2011 do not nest in wards" in standalone
    layout = printing.draw(prepared)
    footer = " ".join(t.get_text() for t in layout.figure.axes[0].texts).replace("\n", " ")
    assert "do not nest in wards" in footer


def test_a_single_area_map_says_so_and_offers_the_finer_level():
    prepared = maps.prepare(maps.MapDescription("pct_65_plus", level="ward", extent="ward:Lansbury"))
    note = nesting.single_area_note(prepared)
    assert note.startswith("Lansbury ward (") and "one area at ward level" in note and "LSOA 2011" in note
    assert note in prepared.notes
    assert nesting.finer_level("pct_65_plus", "ward", "ward") == "lsoa11"
    m = web.render(prepared)
    assert any(isinstance(c, web.MapNote) and c.text == note for c in m._children.values())
    layout = printing.draw(prepared, "A4", "portrait")
    on_map = [t for t in layout.map_ax.texts if t.get_gid() == "thmaps-map-note"]
    assert on_map and "one area at ward level" in on_map[0].get_text().replace("\n", " ")
    assert nesting.single_area_note(replace(prepared, description=replace(prepared.description, level="lsoa11"))) \
        is None
