"""The folium web map: features, colours, overlays, escaping, offline assets, size (real store)."""
from __future__ import annotations

import re
from dataclasses import replace

import folium
import geopandas as gpd
import pytest
import shapely
import shapely.geometry

from thmaps import geo
from thmaps.overlays import OVERLAYS, legend_entries
from thmaps.safetext import escape_html
from thmaps import maps, settings, store, builder, errors
from thmaps.maps import printing, web
import thmaps.maps.labels  # noqa: F401  (maps.labels below)

LEVEL_COUNTS = {"lsoa11": 144, "ward": 20, "locality": 4}
ALL_OVERLAYS = tuple(OVERLAYS)


@pytest.fixture(scope="module")
def prepared_levels() -> dict[str, maps.PreparedMap]:
    return {lvl: maps.prepare(maps.MapDescription("laei_no2", level=lvl)) for lvl in LEVEL_COUNTS}


@pytest.fixture(scope="module")
def full() -> maps.PreparedMap:
    """IMD deciles on national deciles, borough-wide, with every overlay."""
    return maps.prepare(maps.MapDescription("imd_decile", scheme="national_deciles", overlays=ALL_OVERLAYS,
                                                  tube_year=2024))


def area_layer(m: folium.Map) -> web.AreaLayer:
    """The choropleth layer the renderer adds."""
    return next(c for c in m._children.values() if isinstance(c, web.AreaLayer))


def page_colours(page: str) -> dict[str, str]:
    """Area code -> fill colour, as the browser gets them in the rendered page."""
    return {f["properties"]["code"]: f["properties"]["fill"] for f in web.area_features(page)}


@pytest.mark.parametrize("level, expected", sorted(LEVEL_COUNTS.items()))
def test_one_feature_per_area(prepared_levels, level, expected):
    prepared = prepared_levels[level]
    assert len(prepared.areas) == expected
    m = web.render(prepared)
    layer = area_layer(m)
    assert len(layer.features) == expected
    page = m.get_root().render()
    areas = web.area_features(page)
    assert len(areas) == expected
    assert sorted(f["properties"]["code"] for f in areas) == sorted(prepared.areas["code"])
    # Only what the tooltip needs travels to the browser.
    assert set(areas[0]["properties"]) == {"code", "fill", "tip"}


@pytest.mark.parametrize("level", sorted(LEVEL_COUNTS))
def test_fill_colour_is_the_prepared_colour(prepared_levels, level):
    prepared = prepared_levels[level]
    expected = dict(zip(prepared.areas["code"], prepared.areas["colour"]))
    m = web.render(prepared)
    assert {f["p"]["code"]: f["p"]["fill"] for f in area_layer(m).features} == expected
    # And in the page the browser gets.
    assert page_colours(m.get_root().render()) == expected
    assert len(set(expected.values())) == len(prepared.colours) == min(5, len(expected))


def test_national_deciles_keep_their_ten_colours(full):
    m = web.render(full)
    colours = page_colours(m.get_root().render())
    assert colours == dict(zip(full.areas["code"], full.areas["colour"]))
    assert set(colours.values()) <= set(full.colours) and len(full.colours) == 10


def test_tooltips_give_value_unit_and_rank(prepared_levels):
    prepared = prepared_levels["ward"]
    row = prepared.areas.sort_values("rank").iloc[0]
    feature = next(f for f in area_layer(web.render(prepared)).features if f["p"]["code"] == row["code"])
    tip = feature["p"]["tip"]
    assert escape_html(row["name"]) in tip
    assert f"{row['value']:,.1f} µg/m³" in tip
    assert tip.endswith("rank 1 of 20") and escape_html(row["code"]) in tip
    # What rank 1 means is written once, under every tooltip.
    layer = area_layer(web.render(prepared))
    assert "Ranked in the borough, 1 = highest need" in layer.source


def test_overlays_add_the_right_markers(full):
    m = web.render(full)
    counts = {key: web.overlay_count(m, key) for key in ALL_OVERLAYS}
    assert counts == {key: len(full.overlays[key]) for key in ALL_OVERLAYS}
    assert counts["gp_practices"] == 30
    # 7 hospital records, one of them the London Chest Hospital again under its old trust code: drawn once.
    assert counts["hospitals"] == 6 and counts["pharmacies"] == 48 and counts["clinics"] == 6
    assert counts["s106"] == 3 and counts["monitoring_sites"] == 2 and counts["liveable_streets"] == 11
    tubes = store.load_layer("no2_tubes")
    assert 0 < counts["no2_tubes"] <= int((tubes["year"] == 2024).sum())
    page = m.get_root().render()
    # The TH2 monitor stands on the ward boundary road: its popup names both wards.
    assert "Bethnal Green East, on the boundary with St Dunstan&#x27;s (within 25 m)" in page
    for key, n in counts.items():
        if not OVERLAYS[key].is_area:  # points: one SVG symbol each, its path classed by overlay
            assert page.count(f'class=\\"thmaps-{key}\\"') == n, key
    layers = [c for c in m._children.values() if isinstance(c, web.PointLayer)]
    assert [layer.key for layer in layers] == [k for k in ALL_OVERLAYS if not OVERLAYS[k].is_area]
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())


def test_overlay_popups_state_what_they_must(full):
    page = web.render(full).get_root().render()
    assert "approximate: whole ward(s), no scheme boundary is published" in page
    assert "£4,824,474" in page and "Location precision" in page and "postcode of practice F84039" in page
    assert "Hospital (CLOSED)" in page and "Closed in 2015" in page
    assert "bias-adjusted" in page and "Raw annual mean" in page


def test_tubes_coloured_against_the_objective(full):
    m = web.render(full)
    layer = next(c for c in m._children.values() if isinstance(c, web.PointLayer) and c.key == "no2_tubes")
    svgs = [point[2] for point in layer.point_list]
    tubes = full.overlays["no2_tubes"]
    status = tubes["objective_status"].value_counts().to_dict()
    symbols = OVERLAYS["no2_tubes"].symbols
    for category in ("above", "at or below", "not judged"):
        assert sum(f'fill="{symbols[category].fill}"' in svg for svg in svgs) == status.get(category, 0), category
    assert symbols["above"].fill == "#b2182b"


def test_nothing_loads_from_the_internet(full):
    m = web.render(full)
    page = m.get_root().render()
    tags = re.findall(r"<(?:script|link)\b[^>]*>", page)
    for tag in tags:
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag), tag
    assert re.findall(r'<script src="([^"]+)"', page) == [f"{web.STATIC_URL}/leaflet.js"]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page) == [f"{web.STATIC_URL}/leaflet.css"]
    assert "$(" not in page and "AwesomeMarkers" not in page  # no jQuery, no icon fonts

    # What folium puts in the page head: the default_js/default_css of every element (and d3 for a ColorMap).
    def walk(element):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    links = [url for e in walk(m) for _, url in getattr(e, "default_js", []) + getattr(e, "default_css", [])]
    assert sorted(set(links)) == [f"{web.STATIC_URL}/leaflet.css", f"{web.STATIC_URL}/leaflet.js"]
    assert not any(type(e).__name__.endswith("ColorMap") for e in walk(m))


def test_legend_inside_the_map(full):
    m = web.render(full)
    legend = next(c for c in m._children.values() if isinstance(c, web.Legend))
    assert escape_html(full.legend_title) in legend.html
    for label, colour in zip(full.labels, full.colours):
        assert f"background:{colour}" in legend.html and escape_html(label) in legend.html
    assert "1 (most deprived 10%)" in legend.html
    page = m.get_root().render()
    assert "L.control(" in page
    # A wide map is fitted to leave the widest legend box clear on the right; a narrow one (a phone) keeps
    # its legend closed and uses its whole width.
    assert "max-width: 240px" in page and "thmapsNarrow(map) ? 10 : 280" in page
    assert "<details' + (thmapsNarrow(map) ? '' : ' open') + '><summary>Legend</summary>" in page
    # Every overlay that is on has its symbols in the legend, drawn as on the map: closed and not judged too.
    for key, overlay in OVERLAYS.items():
        title, entries = legend_entries(overlay, full.overlays[key], 2024)
        assert escape_html(title) in legend.html, key
        for label, symbol, size in entries:
            assert escape_html(label) + "</div>" in legend.html and web.symbol_svg(symbol, size) in legend.html, label
    assert "Hospital, closed (was in the 2014 list)" in legend.html
    assert "Not judged (no mean, or a suspect month)" in legend.html


def test_text_from_data_is_escaped(full):
    evil = '<script>alert("x")</script>'
    areas = full.areas.copy()
    areas.loc[areas.index[0], "name"] = evil
    localities = full.localities.copy()
    localities.loc[localities.index[0], "name"] = evil + "`${1}`\\"
    overlays = dict(full.overlays)
    gp = overlays["gp_practices"].copy()
    gp.loc[gp.index[0], "name"] = evil
    overlays["gp_practices"] = gp
    hacked = replace(full, areas=areas, localities=localities, overlays=overlays, title=evil, legend_title=evil,
                     attributions=[evil])
    page = web.render(hacked).get_root().render()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "`${1}`" not in page
    assert escape_html("a`b${c}\\") == "a&#96;b&#36;&#123;c&#125;&#92;"
    standalone = web.to_standalone_html(hacked)
    assert "<script>alert" not in standalone and "&lt;script&gt;alert" in standalone


def test_jinja_markup_in_data_is_not_evaluated(full):
    """branca compiles each rendered script again as a Jinja template: data must not reach it as markup."""
    areas = full.areas.copy()
    markup = "{{ 7 * 191 }} {% if 1 %}x{% endif %} {# c #}"
    areas.loc[areas.index[0], "name"] = markup
    overlays = dict(full.overlays)
    for key, column in (("liveable_streets", "area"), ("gp_practices", "name"), ("no2_tubes", "location")):
        frame = overlays[key].copy()
        frame.loc[frame.index[0], column] = markup
        overlays[key] = frame
    page = web.to_html(replace(full, areas=areas, overlays=overlays))
    assert "1337" not in page
    assert "&#123;&#123; 7 * 191 &#125;&#125;" in page


def test_encoded_polygons_decode_to_the_web_geometry():
    lsoa = web.web_geometry(store.load_layer("lsoa11"), ["code"])
    for geom in lsoa.geometry:
        decoded = shapely.geometry.shape(web.decode_polygons(web.encode_polygons(geom)))
        assert decoded.equals_exact(shapely.geometry.MultiPolygon(getattr(geom, "geoms", [geom])), tolerance=1e-9)
    # Rings that encode to "{{" still reach the browser intact (escaped as {\u007b).
    page = web.to_html(maps.prepare(maps.MapDescription("imd_decile", scheme="national_deciles")))
    assert "{\\u007b" in page
    assert len(web.area_features(page)) == 144


def test_standalone_html_opens_offline(full):
    page = web.to_standalone_html(full)
    leaflet = (web.leaflet_source_dir() / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet[:200] in page and leaflet[-200:] in page
    assert ".leaflet-control-layers-toggle" in page and "data:image/png;base64," in page
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page
    assert not re.search(r"""<(?:script|link|img)\b[^>]*(?:src|href)=["']?(?:https?:)?//""", page)
    assert f"<h1>{escape_html(full.title)}</h1>" in page
    assert escape_html(full.subtitle) in page
    for line in full.attributions:
        assert f"<div>{escape_html(line)}</div>" in page
    assert escape_html(full.source_line) in page
    assert len(web.area_features(page)) == 144


def test_ensure_static_assets(tmp_path):
    target = web.ensure_static_assets(tmp_path / "leaflet")
    source = web.leaflet_source_dir()
    for name in ("leaflet.js", "leaflet.css", "images/layers.png", "images/marker-icon.png"):
        assert (target / name).read_bytes() == (source / name).read_bytes()
    before = (target / "leaflet.js").stat().st_mtime_ns
    web.ensure_static_assets(tmp_path / "leaflet")
    assert (target / "leaflet.js").stat().st_mtime_ns == before  # already there: not copied again


def test_web_geometry_is_simplified_rounded_and_lean():
    lsoa = store.load_layer("lsoa11")
    simplified = web.web_geometry(lsoa, ["code"])
    assert simplified.crs == settings.CRS_WEB and list(simplified.columns) == ["code", "geometry"] and len(simplified) == 144
    assert simplified.geometry.count_coordinates().sum() < 0.35 * lsoa.geometry.count_coordinates().sum()
    coords = simplified.geometry.get_coordinates()
    assert (coords.round(settings.WEB_COORD_PRECISION) == coords).all().all()
    # Simplified as a coverage: the borough outline survives and no gaps open between LSOAs.
    original = lsoa.to_crs(settings.CRS_WEB).union_all()
    assert abs(simplified.union_all().area - original.area) / original.area < 0.002


def test_lsoa_map_is_small_next_to_explore(prepared_levels):
    ours = len(web.to_html(prepared_levels["lsoa11"]).encode("utf-8"))
    explore = len(gpd.GeoDataFrame(store.load_layer("lsoa11")).explore().get_root().render().encode("utf-8"))
    assert ours <= explore / 5, (ours, explore)


def test_unknown_description_is_a_map_request_error():
    with pytest.raises(errors.MapRequestError):
        maps.prepare(maps.MapDescription("fingertips_pm25", level="ward"))


def test_london_wide_map_names_the_borough_once():
    london = maps.prepare(maps.MapDescription("imd_decile", level="london_lsoa11", extent="london",
                                                    scheme="national_deciles"))
    m = web.render(london)
    labels = next(c for c in m._children.values() if isinstance(c, web.Labels))
    assert labels.texts == ["Tower Hamlets"]
    assert len(area_layer(m).features) == 4835
    borough = web.render(maps.prepare(maps.MapDescription("imd_decile", scheme="national_deciles")))
    # Borough-wide by LSOA: the 20 wards named first, then the four localities.
    texts = next(c for c in borough._children.values() if isinstance(c, web.Labels)).texts
    assert texts[-4:] == list(geo.LOCALITIES) and len(texts) == 24


def test_geometry_is_simplified_and_encoded_once_per_level_and_store():
    """An overlay or indicator change redraws the map from the cached web geometry."""
    web.web_boundaries.cache_clear()
    for indicator, overlays in (("imd_decile", ()), ("imd_decile", ("gp_practices",)), ("laei_no2", ("s106",))):
        web.render(maps.prepare(maps.MapDescription(indicator, overlays=overlays)))
    info = web.web_boundaries.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    cached = web.web_boundaries("lsoa11", *web.geometry.geometry_key())
    assert len(cached) == 144 and cached.crs == settings.CRS_WEB
    # Keyed by the store's file and modification time: a rebuilt store is simplified afresh.
    path, mtime, metres, digits = web.geometry.geometry_key()
    assert web.web_boundaries("lsoa11", path, mtime + 1, metres, digits) is not cached


@pytest.mark.parametrize("text", ['<b>"Quotes" & \'apostrophes\'</b>', "a`b${c}\\d", "St Dunstan's & Stepney", "µg/m³ ≤ 40"])
def test_escape_is_html_escape_plus_script_characters(text):
    import html

    expected = html.escape(text, quote=True)
    for char, entity in (("\\", "&#92;"), ("`", "&#96;"), ("$", "&#36;"), ("{", "&#123;"), ("}", "&#125;")):
        expected = expected.replace(char, entity)
    assert escape_html(text) == expected
    assert escape_html(None) == "" and escape_html(float("nan")) == ""


def test_london_lsoas_keep_shared_edges_when_simplified():
    """The generalised London LSOAs are not a valid coverage; simplified as one, they leave no visible slivers."""
    areas = web.web_boundaries("london_lsoa11", *web.geometry.geometry_key()).to_crs(settings.CRS_STORE)
    union = shapely.union_all(areas.geometry.values, grid_size=1)
    slivers = sum(shapely.Polygon(r).area for p in getattr(union, "geoms", [union]) for r in p.interiors)
    assert slivers < 50_000  # m²; simplified one by one they left 1.27 km²
    assert len(areas) == 4835 and areas.geometry.is_valid.all()


def test_web_and_print_maps_write_the_same_place_names():
    for extent in ("borough", "locality:SE"):  # every locality is named, in context too
        prepared = maps.prepare(maps.MapDescription("pct_65_plus", extent=extent))
        places = maps.place_labels(prepared)
        assert sorted(places["name"]) == sorted(tuple(geo.LOCALITIES))
        # Every label point lies inside its own locality.
        localities = prepared.localities.set_index("code")
        assert all(localities.loc[row.code, "geometry"].contains(row.geometry) for row in places.itertuples())
        names = maps.labels.map_labels(prepared)
        labels = next(c for c in web.render(prepared)._children.values() if isinstance(c, web.Labels))
        assert labels.texts == list(names["name"])
        written = printing.draw(prepared, "A4", "portrait").labels
        assert {label.name for label in written} <= set(names["name"])
