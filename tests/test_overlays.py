"""The overlay registry: web and print draw every overlay with the same colours, shapes and legend rows."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from thmaps import maps, settings
from thmaps.maps import printing, web
from thmaps.maps.printing import style
from thmaps.overlays import MARKERS, OVERLAYS, USER_OVERLAYS, legend_entries, offered, symbol_sizes
from thmaps.uploads.geometry import save_geometry

ALL = tuple(OVERLAYS)
OUTLINE = "reference/lbth_liveable_streets_bethnal_green_outline_approx_wgs84.geojson"
FILTERS = "reference/lbth_liveable_streets_traffic_filters.csv"


def filters_geojson(source_dir) -> bytes:
    """The bundle's Bethnal Green traffic filters as a GeoJSON of points (what a user would upload)."""
    table = pd.read_csv(source_dir / FILTERS)
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"location": row.location},
         "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]}} for row in table.itertuples()]}).encode()


@pytest.fixture(scope="module")
def uploads(tmp_path_factory, source_dir):
    """User data of this module's own holding two real files uploaded as overlays: the third-party Bethnal
    Green outline (an area) and the traffic filters (11 points)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.USER_DATA_ENV, str(tmp_path_factory.mktemp("user") / "user.sqlite"))
        save_geometry((source_dir / OUTLINE).read_bytes(), "bethnal green <outline>.geojson", "Bethnal Green outline")
        save_geometry(filters_geojson(source_dir), "filters.geojson", "Traffic filters $x$")
        yield


@pytest.fixture(scope="module")
def everything(uploads) -> maps.PreparedMap:
    return maps.prepare(maps.MapDescription("imd_decile", overlays=ALL, tube_year=2024))


def _web_fills(m, key) -> list[str]:
    layer = next(c for c in m._children.values() if isinstance(c, web.PointLayer) and c.key == key)
    return [re.search(r'fill="(#[0-9a-f]{6})"', p[2]).group(1) for p in layer.point_list]


def _web_shapes(m, key) -> set[str]:
    layer = next(c for c in m._children.values() if isinstance(c, web.PointLayer) and c.key == key)
    return {re.search(r' d="(M[^"]*)"', p[2]).group(1)[:1] for p in layer.point_list}


def test_every_overlay_is_drawn_in_the_same_colours_on_screen_and_on_paper(everything):
    m = web.render(everything)
    layout = printing.draw(everything)
    drawn = {c.get_gid(): c for c in layout.map_ax.collections if c.get_gid()}
    for key in ALL:
        overlay = OVERLAYS[key]
        frame = everything.overlays[key]
        assert len(frame), key
        if overlay.is_area:
            page = m.get_root().render()
            categories = overlay.categories(frame)
            for category in set(categories):
                symbol = overlay.symbols[category]
                edges = {to_hex(c) for c in drawn[f"thmaps-{key}-{category}"].get_edgecolor()}
                assert edges == {symbol.edge}, (key, category)
                assert len(drawn[f"thmaps-{key}-{category}"].get_paths()) == int((categories == category).sum())
                assert f'"color": "{symbol.edge}"' in page and '"dashArray": "6 4"' in page
            continue
        # Web: each point filled with its category's symbol fill.
        categories = overlay.categories(frame)
        expected = [overlay.symbols[c].fill for c in categories]
        assert sorted(_web_fills(m, key)) == sorted(expected), key
        # Print: one scatter per category present, face and edge colours from the same symbol.
        for category in set(categories):
            symbol = overlay.symbols[category]
            sc = drawn[f"thmaps-{key}-{category.replace(' ', '-')}"]
            assert {to_hex(c) for c in sc.get_facecolor()} == {symbol.fill}, (key, category)
            assert {to_hex(c) for c in sc.get_edgecolor()} == {symbol.edge}, (key, category)
            assert len(sc.get_offsets()) == int((categories == category).sum())


def test_shapes_agree_and_sizes_follow_the_registry(everything):
    assert set(style.MARKERS) | {"area"} == set(MARKERS)
    frame = everything.overlays["gp_practices"]
    sizes = symbol_sizes(OVERLAYS["gp_practices"], frame)
    # Area proportional to list size: a practice with 4x the patients is drawn 2x as wide.
    lists = frame["list_size"].astype(float).to_numpy()
    ratio = (sizes / np.sqrt(lists))
    assert np.allclose(ratio, ratio[0])
    m = web.render(everything)
    layer = next(c for c in m._children.values() if isinstance(c, web.PointLayer) and c.key == "gp_practices")
    assert sorted(round(p[5], 1) for p in layer.point_list) == sorted(round(s, 1) for s in sizes)
    layout = printing.draw(everything)
    gp = next(c for c in layout.map_ax.collections if c.get_gid() == "thmaps-gp_practices-open")
    assert np.allclose(sorted(np.sqrt(gp.get_sizes())), sorted(sizes))  # points on A4 = pixels on screen


def test_closed_and_not_judged_have_legend_rows_on_both(everything):
    hospitals = legend_entries(OVERLAYS["hospitals"], everything.overlays["hospitals"])[1]
    assert [label for label, _, _ in hospitals] == ["Hospital", "Hospital, closed (was in the 2014 list)"]
    tubes = legend_entries(OVERLAYS["no2_tubes"], everything.overlays["no2_tubes"], 2024)[1]
    assert "Not judged (no mean, or a suspect month)" in [label for label, _, _ in tubes]
    legend = next(c for c in web.render(everything)._children.values() if isinstance(c, web.Legend))
    from thmaps.maps.printing.legend import legend_blocks
    blocks = legend_blocks(everything, 1.0)
    printed = [block.title for block in blocks] + [row.label for block in blocks for row in block.rows]
    for key in ALL:
        title, entries = legend_entries(OVERLAYS[key], everything.overlays[key], 2024)
        assert title in printed
        for label, _, _ in entries:
            assert label in printed and label.replace("&", "&amp;") in legend.html.replace("&#x27;", "'")


def test_user_overlays_are_offered_only_once_something_is_uploaded(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.USER_DATA_ENV, str(tmp_path / "empty.sqlite"))
    assert offered() == [key for key in OVERLAYS if key not in USER_OVERLAYS]


def test_uploaded_overlays_are_drawn_with_their_file_as_source(everything, uploads):
    assert offered() == list(OVERLAYS)
    assert len(everything.overlays["user_areas"]) == 1 and len(everything.overlays["user_points"]) == 11
    assert any(line.startswith("Provided by the user: bethnal green <outline>.geojson, uploaded ")
               for line in everything.attributions)
    html = web.to_html(everything)
    assert "Bethnal Green outline" in html and "Traffic filters $x$" in html
    assert "<outline>" not in html and "bethnal green &lt;outline&gt;.geojson" in html
    assert any(n.startswith("Your uploaded areas and points are shown as provided") for n in everything.notes)


def test_an_uploaded_scheme_boundary_is_drawn_as_the_users_and_the_note_says_so(tmp_path, monkeypatch, source_dir):
    monkeypatch.setenv(settings.USER_DATA_ENV, str(tmp_path / "user.sqlite"))
    save_geometry((source_dir / OUTLINE).read_bytes(), "bg.geojson", "Bethnal Green boundary", "liveable_streets",
                  "Bethnal Green")
    prepared = maps.prepare(maps.MapDescription("imd_decile", overlays=("liveable_streets",)))
    frame = prepared.overlays["liveable_streets"]
    kinds = OVERLAYS["liveable_streets"].categories(frame)
    assert list(frame.loc[kinds == "uploaded", "area"]) == ["Bethnal Green"] and (kinds == "wards").sum() == 10
    note = next(n for n in prepared.notes if "Liveable Streets" in n or "provided by the user" in n)
    assert note.startswith("Boundaries provided by the user (not checked by thmaps): Bethnal Green.")
    assert "hand-digitised" not in note and "The other areas are approximated by the whole wards" in note
    labels = [label for label, _, _ in legend_entries(OVERLAYS["liveable_streets"], frame)[1]]
    assert "Scheme boundary provided by the user" in labels
