"""The interactive web map: a :class:`~thmaps.maps.prepare.PreparedMap` drawn with folium/Leaflet.

The renderer adds nothing but drawing: every area is filled with the colour :func:`prepare` gave
it, and every overlay feature with its symbol from :mod:`thmaps.overlays`, so the web map and the
printed map agree class for class and symbol for symbol. Nothing is loaded from the internet: there
are no tiles, and Leaflet comes from the ``xstatic-leaflet`` package (:mod:`.assets`).

This module never imports Streamlit.
"""
from __future__ import annotations

import re

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement

from ... import settings
from ..._util import format_value, is_missing
from ...indicators.catalogue import get as get_indicator
from ...overlays import OVERLAYS, Overlay, legend_entries, symbol_sizes
from ...safetext import escape_html
from ...sources.registry import get as get_source
from ..classify import NO_DATA_COLOUR
from ..description import SCHEMES
from ..prepare import PreparedMap
from .assets import STATIC_URL, set_assets
from ..labels import ward_lines
from ..nesting import single_area_note
from .elements import (CSS, FOCUS_KEY, LOCALITY_STYLE, WARD_STYLE, AreaLayer, LayerControl, Legend, PointLayer, _Attribution,
                       _FitBounds, swatch)
from .geometry import decode_js, feature_collection, geometry_key, web_boundaries, web_geometry
from .names import PLACE_NAMES_JS, FocusMarker, MapNote, focus_bounds, names_for_web
from .screen import SCREEN_CSS, screen_js
from .symbols import symbol_svg


def rank_text(rank, n_ranked) -> str:
    """``"rank 3 of 144"`` (what rank 1 means is said once per map: :func:`rank_meaning`)."""
    if rank is None or pd.isna(rank):
        return "not ranked (no data)"
    return f"rank {int(rank)} of {int(n_ranked)}"


def rank_meaning(higher_is_worse: bool | None, level: str) -> str:
    """``"Ranked in the borough, 1 = highest need"`` (or ``highest value`` for neutral indicators)."""
    where = "in London" if level == "london_lsoa11" else "in the borough"
    return f"Ranked {where}, 1 = {'highest value' if higher_is_worse is None else 'highest need'}"


def _area_layer(prepared: PreparedMap) -> AreaLayer:
    d = prepared.description
    indicator = get_indicator(d.indicator)
    areas = prepared.areas[prepared.areas["in_extent"]]
    shapes = web_boundaries(d.level, *geometry_key())["g"]
    areas = areas[areas["code"].isin(shapes.index)]
    columns = (areas[c].tolist() for c in ("name", "code", "value", "rank", "n_ranked"))
    # Written for each of up to 4,835 areas, so kept short: the code only where it differs from the name,
    # and what the rank means once per map, in the line added under every tooltip.
    tips = [f"<b>{escape_html(name)}</b>{'' if code == name else ' ' + escape_html(code)}<br>"
            f"{escape_html(format_value(value, indicator.unit))}<br>{escape_html(rank_text(rank, n_ranked))}"
            for name, code, value, rank, n_ranked in zip(*columns)]
    web = pd.DataFrame({"code": areas["code"].to_numpy(), "fill": areas["colour"].to_numpy(), "tip": tips,
                        "g": shapes.loc[areas["code"]].to_numpy()})
    source = (f"<br><small>{escape_html(rank_meaning(indicator.higher_is_worse, d.level))}.<br>"
              f"{escape_html(prepared.legend_title)}<br>{escape_html(prepared.source_line.split('. Method:')[0])}"
              "</small>")
    return AreaLayer(web, name=escape_html(prepared.title), source=source)


def _boundary_layers(prepared: PreparedMap) -> list[MacroElement]:
    """Locality outlines, ward outlines on maps finer than wards, and every name (placed by the browser)."""
    loc = prepared.localities
    outline = web_geometry(loc, ["code"], coverage=True)
    data = feature_collection(outline, ("code",))
    layers = [folium.GeoJson(data, name="Localities", control=False, interactive=False,
                             style_function=lambda f: dict(LOCALITY_STYLE))]
    wards = ward_lines(prepared)
    if wards is not None:
        lines = feature_collection(web_geometry(wards, ["code"], coverage=True), ("code",))
        layers.insert(0, folium.GeoJson(lines, name="Wards", control=False, interactive=False,
                                        style_function=lambda f: dict(WARD_STYLE)))
    return layers + [names_for_web(prepared)]


def _source_note(overlay, frame) -> str:
    return "; ".join(f"{get_source(s).publisher}, {get_source(s).vintage}" for s in overlay.source_ids(frame))


def _popup(title: str, rows, source: str) -> str:
    body = "".join(f"<tr><th>{escape_html(k)}</th><td>{escape_html(v)}</td></tr>"
                   for k, v in rows if not is_missing(v) and v != "")
    return (f"<b>{escape_html(title)}</b><table style='font-size:11px;text-align:left'>{body}</table>"
            f"<small>Source: {escape_html(source)}</small>")


def _tooltip(title: str, rows) -> str:
    shown = [(k, v) for k, v in rows if not is_missing(v) and v != ""][:2]
    return f"<b>{escape_html(title)}</b>" + "".join(f"<br>{escape_html(k)}: {escape_html(v)}" for k, v in shown)


def _point_overlay(overlay: Overlay, frame: gpd.GeoDataFrame, d) -> PointLayer:
    """An overlay's points, each drawn with its registry symbol (sized where the overlay says so)."""
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    web = frame.to_crs(settings.CRS_WEB)
    categories = overlay.categories(frame)
    sizes = symbol_sizes(overlay, frame)
    source = _source_note(overlay, frame)
    points = []
    for (_, row), point, category, size in zip(frame.iterrows(), web.geometry, categories, sizes):
        title, rows = overlay.describe(row, d.tube_year)
        svg = symbol_svg(overlay.symbols[category], float(size), css_class=f"thmaps-{overlay.key}")
        points.append((point.y, point.x, svg, _tooltip(title, rows), _popup(title, rows, source), float(size),
                       f"{overlay.label}: {title}"))
    label = overlay.label + (f", {d.tube_year}" if overlay.key == "no2_tubes" else "")
    return PointLayer(overlay.key, label, points)


def _area_overlay(overlay: Overlay, frame: gpd.GeoDataFrame, tube_year: int) -> folium.FeatureGroup:
    """An overlay of areas (Liveable Streets): each area outlined and lightly filled as its symbol says."""
    source = _source_note(overlay, frame)
    web = web_geometry(frame, [c for c in frame.columns if c != frame.geometry.name])
    described = [overlay.describe(row, tube_year) for _, row in web.iterrows()]
    web["tip"] = [_tooltip(title, rows[:1]) for title, rows in described]
    web["popup"] = [_popup(title, rows, source) for title, rows in described]
    web["cat"] = overlay.categories(web).to_numpy()
    # Only escaped HTML travels: branca compiles this script again as a Jinja template.
    data = feature_collection(web, ("tip", "popup", "cat"))
    styles = {key: {"color": symbol.edge, "weight": symbol.edge_width, "dashArray": "6 4" if symbol.dashed else None,
                    "fillColor": symbol.fill, "fillOpacity": symbol.fill_opacity,
                    "className": f"thmaps-{overlay.key}"}
              for key, symbol in overlay.symbols.items()}
    group = folium.FeatureGroup(name=escape_html(overlay.label), show=True)
    folium.GeoJson(
        data, name=escape_html(overlay.label), control=False,
        style_function=lambda f: dict(styles[f["properties"]["cat"]]),
        on_each_feature=folium.JsCode(
            "function (f, l) { l.bindTooltip(f.properties.tip, {sticky: true}).bindPopup(f.properties.popup, "
            "thmapsPopupOptions()); }"),
    ).add_to(group)
    group.thmaps_features = len(data["features"])
    return group


def overlay_count(m: folium.Map, key: str) -> int:
    """Number of features drawn for one overlay (points, or polygons for an area overlay).

    Parameters
    ----------
    m : folium.Map
        A map from :func:`render`.
    key : str
        A key of :data:`thmaps.overlays.OVERLAYS`.
    """
    for child in m._children.values():
        if isinstance(child, PointLayer) and child.key == key:
            return len(child.point_list)
        if isinstance(child, folium.FeatureGroup) and child.layer_name == escape_html(OVERLAYS[key].label):
            return getattr(child, "thmaps_features", 0)
    return 0


def render(prepared: PreparedMap, static_url: str = STATIC_URL, height: int | str = "100%") -> folium.Map:
    """Draw a prepared map with folium.

    Parameters
    ----------
    prepared : PreparedMap
        From :func:`thmaps.maps.prepare`; areas are filled with their precomputed ``colour``.
    static_url : str
        Base URL of Leaflet's ``leaflet.js``/``leaflet.css`` (default: Streamlit's static folder).
        The map loads nothing else.
    height : int or str
        Height of the map element.

    Returns
    -------
    folium.Map
        No tiles; choropleth, locality outlines and labels, one FeatureGroup per overlay,
        a LayerControl, the legend and the attribution lines.
    """
    d = prepared.description
    extent = prepared.extent_geometry.to_crs(settings.CRS_WEB).total_bounds
    minx, miny, maxx, maxy = (float(v) for v in extent)
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=13, tiles=None, height=height,
                   control_scale=True, zoom_snap=0.25, zoom_delta=0.5, font_size="12px")
    set_assets(m, static_url)
    m.get_root().header.add_child(Element(CSS), name="thmaps_css")
    m.get_root().header.add_child(Element(decode_js()), name="thmaps_decode")
    m.get_root().header.add_child(Element(SCREEN_CSS + screen_js() + PLACE_NAMES_JS), name="thmaps_screen")
    _area_layer(prepared).add_to(m)
    for layer in _boundary_layers(prepared):
        layer.add_to(m)

    rows = [(label, swatch(colour)) for label, colour in zip(prepared.labels, prepared.colours)]
    if (prepared.areas.loc[prepared.areas["in_extent"], "class_index"] < 0).any():
        rows.append(("no data", swatch(NO_DATA_COLOUR)))
    for key in d.overlays:
        frame = prepared.overlays.get(key)
        if frame is None:
            continue
        overlay = OVERLAYS[key]
        layer = _area_overlay(overlay, frame, d.tube_year) if overlay.is_area else _point_overlay(overlay, frame, d)
        layer.add_to(m)
        title, entries = legend_entries(overlay, frame, d.tube_year)
        rows.append((title, ""))
        rows += [(label, symbol_svg(symbol, size)) for label, symbol, size in entries]
    lines = "Thick lines: localities" + ("; thin grey lines: wards (names in italics)"
                                         if ward_lines(prepared) is not None else "")
    if prepared.focus is not None:
        rows.insert(0, (f"Found: {prepared.focus.label}", FOCUS_KEY))
    Legend(prepared.legend_title, rows, note=f"{SCHEMES[d.scheme]}. {lines}.").add_to(m)
    _Attribution(prepared.attributions).add_to(m)
    note = single_area_note(prepared)
    if note:
        MapNote(note).add_to(m)
    if prepared.focus is not None:
        FocusMarker(prepared).add_to(m)
    LayerControl(collapsed=False, position="topright").add_to(m)
    focus = focus_bounds(prepared)
    if focus:
        _FitBounds(*focus, legend_room=False).add_to(m)
    else:
        _FitBounds(miny, minx, maxy, maxx).add_to(m)
    return m


def to_html(prepared: PreparedMap, static_url: str = STATIC_URL) -> str:
    """The map as an HTML page that loads Leaflet from ``static_url`` (what the app embeds).

    The page says its language and has the map's title (screen readers announce both).
    """
    return page_head(render(prepared, static_url).get_root().render(), prepared.title)


def page_head(page: str, title: str, heading: bool = True) -> str:
    """A folium page made accessible: its language, a ``<title>``, a level-one heading (off screen, for
    screen readers, unless ``heading`` is False because the page shows its own), the map as the page's
    main landmark, and zooming allowed (folium's viewport forbids it)."""
    page = page.replace("<html>", '<html lang="en">', 1)
    if "<title>" not in page:
        page = page.replace("<head>", f"<head>\n<title>{escape_html(title)}</title>", 1)
    page = re.sub(r'<meta name="viewport"[^>]*>',
                  '<meta name="viewport" content="width=device-width, initial-scale=1.0">', page, count=1)
    page = re.sub(r'<div class="folium-map" ', f'<div class="folium-map" role="main" aria-label="Map: '
                                               f'{escape_html(title)}" ', page, count=1)
    if heading:
        page = page.replace("<body>", f'<body>\n<header><h1 class="thmaps-sr">{escape_html(title)}</h1></header>', 1)
    return page
