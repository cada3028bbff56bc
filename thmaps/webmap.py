"""The interactive web map: a :class:`~thmaps.mapspec.PreparedMap` drawn with folium/Leaflet.

The renderer adds nothing but drawing: every area is filled with the colour
:func:`thmaps.mapspec.prepare` gave it, so the web map and the printed map agree
class for class.  Nothing is loaded from the internet: there are no tiles, and
Leaflet itself comes from the ``xstatic-leaflet`` package, either served by
Streamlit from ``static/vendor/leaflet`` (:func:`ensure_static_assets`) or
inlined into a standalone HTML file (:func:`to_standalone_html`).

Every piece of text that comes from data is escaped (:func:`escape`) before it
reaches HTML, and text placed inside JavaScript is JSON-encoded on top of that.

This module never imports Streamlit.
"""
from __future__ import annotations

import base64
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import polyline
import shapely
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from . import mapspec, settings
from .indicators import CATALOGUE
from .sources import get as get_source

#: URL at which Streamlit serves ``static/vendor/leaflet`` (``server.enableStaticServing``).
STATIC_URL = "/app/static/vendor/leaflet"
#: Where :func:`ensure_static_assets` copies Leaflet (gitignored).
STATIC_DIR = settings.PROJECT_ROOT / "static" / "vendor" / "leaflet"
#: Plain light background instead of tiles.
BACKGROUND = "#f3f2ee"
#: Area outlines: thin white lines keep the classes readable at borough scale.
#: ``className`` marks the drawn paths so browser tests (and users' style sheets) can find them.
AREA_STYLE = {"color": "#ffffff", "weight": 0.6, "opacity": 1.0, "fillOpacity": 0.85, "className": "thmaps-area"}
LOCALITY_STYLE = {"color": "#252525", "weight": 2.2, "opacity": 0.9, "fill": False}
#: Overlay colours, chosen to stand apart from the YlOrRd / YlGnBu fills.
OVERLAY_COLOURS = {"gp_practices": "#08306b", "hospitals": "#6a51a3", "pharmacies": "#1b7837",
                   "clinics": "#c51b7d", "s106": "#3f007d", "monitoring_sites": "#000000",
                   "liveable_streets": "#4d4d4d", "closed": "#737373",
                   "no2_above": "#b2182b", "no2_below": "#2166ac", "no2_missing": "#969696"}
#: Fills of the ringed point symbols (the ring takes the overlay colour); other points are filled with it.
OVERLAY_FILLS = {"gp_practices": "#ffffff", "s106": "#fdae6b", "monitoring_sites": "#ffff33"}

#: The legend box's widest (CSS pixels); the map is fitted to leave it this much room on the right.
LEGEND_MAX_WIDTH_PX = 240

_LEAFLET_FILES = ("leaflet.js", "leaflet.css")


# --------------------------------------------------------------------------- escaping and formatting

def escape(value) -> str:
    """Escape text from data for HTML, including inside a JS template literal.

    Besides ``& < > " '`` (:func:`html.escape`), the backtick, ``$`` and the
    backslash become entities: folium places some text inside JavaScript template
    literals, where those characters would otherwise be live.  Braces become entities
    too: branca compiles each element's rendered script as a Jinja template again, so
    ``{{ ... }}`` in data would otherwise be evaluated.

    Parameters
    ----------
    value : object
        Anything; ``None`` and NaN become an empty string.

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).translate(_ENTITIES)


#: What :func:`escape` replaces: :func:`html.escape`'s five characters and the five above, in one pass.
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                           "\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"})


def _js(value) -> str:
    """``value`` as JSON (a string literal, a list...) safe inside a ``<script>`` element.

    branca compiles each element's script again as a Jinja template: ``</`` would end the script;
    ``{{``, ``{%`` and ``{#`` would open Jinja markup.  Outside strings JSON puts a quote or a closing
    brace after ``{``, so these pairs only occur inside strings, where the second character can be
    written as a ``\\u`` escape.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for pair, escaped in (("</", "<\\/"), ("{{", "{\\u007b"), ("{%", "{\\u0025"), ("{#", "{\\u0023")):
        text = text.replace(pair, escaped)
    return text


def _number(value, digits: int = 1) -> str | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(x) else f"{x:,.{digits}f}"


def format_value(value, unit: str) -> str:
    """A value with its unit, as shown in tooltips (``"35.2 µg/m³"``, ``"12.0%"``, ``"decile 3"``).

    Parameters
    ----------
    value : float or None
    unit : str
        The catalogue unit.

    Returns
    -------
    str
        ``"no data"`` for a missing value.
    """
    if value is None or pd.isna(value):
        return "no data"
    if unit == "decile":
        return f"decile {float(value):.0f}"
    if unit == "%":
        return f"{float(value):,.1f}%"
    if unit in ("persons", "patients", "practices"):
        return f"{float(value):,.0f} {unit}"
    return f"{float(value):,.1f} {unit}"


def rank_text(rank, n_ranked, higher_is_worse: bool | None, level: str) -> str:
    """``"rank 3 of 144, 1 = highest need"`` (or ``1 = highest value`` for neutral indicators)."""
    if rank is None or pd.isna(rank):
        return "not ranked (no data)"
    meaning = "1 = highest value" if higher_is_worse is None else "1 = highest need"
    where = "in London" if level == "london_lsoa11" else "in the borough"
    return f"rank {int(rank)} of {int(n_ranked)} {where}, {meaning}"


# --------------------------------------------------------------------------- geometry for the web

def web_geometry(frame: gpd.GeoDataFrame, columns=(), coverage: bool | None = None) -> gpd.GeoDataFrame:
    """Simplify in EPSG:27700, reproject to EPSG:4326 and round the coordinates.

    Polygons that tile the map (LSOAs, wards, localities) are simplified as a coverage, so
    neighbouring areas keep one shared edge and no slivers open between them; anything else is
    simplified feature by feature with ``preserve_topology``.  The tolerance is
    :data:`thmaps.settings.WEB_SIMPLIFY_METRES`; coordinates keep
    :data:`thmaps.settings.WEB_COORD_PRECISION` decimals.

    Parameters
    ----------
    frame : GeoDataFrame
        In EPSG:27700 (reprojected first if not).
    columns : sequence of str
        Attribute columns to keep; everything else is dropped to keep the HTML small.
    coverage : bool, optional
        Whether the polygons tile the map.  ``None`` (default) checks that they form a valid
        coverage.  Pass ``True`` for a boundary layer that tiles the map without being a valid
        coverage: the generalised London LSOAs' shared edges differ slightly (they overlap by
        0.0007% of their area); simplified as a coverage they leave 0.03 km² of slivers between
        neighbours, one by one 1.27 km².

    Returns
    -------
    GeoDataFrame
        EPSG:4326, rows with empty or missing geometry removed.
    """
    out = frame.loc[frame.geometry.notna() & ~frame.geometry.is_empty, list(columns) + [frame.geometry.name]].copy()
    if out.crs is None:
        out = out.set_crs(settings.CRS_STORE)
    elif out.crs != settings.CRS_STORE:
        out = out.to_crs(settings.CRS_STORE)
    geoms = out.geometry.values
    tolerance = settings.WEB_SIMPLIFY_METRES
    polygonal = len(out) > 0 and bool(np.all(np.isin(shapely.get_type_id(geoms), (3, 6))))
    if polygonal and len(out) > 1 and (coverage or (coverage is None and shapely.coverage_is_valid(geoms))):
        out = out.set_geometry(shapely.coverage_simplify(geoms, tolerance), crs=settings.CRS_STORE)
    elif polygonal or np.any(shapely.get_type_id(geoms) != 0):
        out = out.set_geometry(out.geometry.simplify(tolerance, preserve_topology=True))
    out = out.to_crs(settings.CRS_WEB)
    digits = settings.WEB_COORD_PRECISION
    out = out.set_geometry(shapely.transform(out.geometry.values, lambda xy: np.round(xy, digits)), crs=settings.CRS_WEB)
    return out


def _feature_collection(frame: gpd.GeoDataFrame, properties) -> dict:
    """A compact GeoJSON dict: only ``properties`` are kept (``frame.to_json`` would keep every column)."""
    features = []
    geoms = shapely.to_geojson(frame.geometry.values)
    for geom, (_, row) in zip(geoms, frame[list(properties)].iterrows()):
        features.append({"type": "Feature", "properties": {k: row[k] for k in properties},
                         "geometry": json.loads(geom)})
    return {"type": "FeatureCollection", "features": features}


def encode_polygons(geometry) -> list[list[str]]:
    """A (Multi)Polygon in EPSG:4326 as polygons of rings in Google's Encoded Polyline Algorithm Format.

    :data:`thmaps.settings.WEB_COORD_PRECISION` decimals (five: about a metre), each vertex stored
    as the change from the one before: three to four characters a vertex instead of about twenty in
    GeoJSON, which is what keeps the London-wide map (4,835 LSOAs) small.  :data:`DECODE_JS` turns it
    back into GeoJSON in the browser.
    """
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    digits = settings.WEB_COORD_PRECISION
    return [[polyline.encode(list(ring.coords), precision=digits, geojson=True) for ring in (p.exterior, *p.interiors)]
            for p in polygons]


def decode_polygons(polygons: list[list[str]]) -> dict:
    """The inverse of :func:`encode_polygons`: a GeoJSON MultiPolygon geometry (for tests and readers)."""
    return {"type": "MultiPolygon",
            "coordinates": [[[list(xy) for xy in polyline.decode(ring, precision=settings.WEB_COORD_PRECISION,
                                                                  geojson=True)] for ring in polygon]
                            for polygon in polygons]}


#: Browser side of :func:`encode_polygons` (the algorithm as Google documents it), defined once per page.
DECODE_JS = """<script>
function thmapsDecodeRing(s) {
    var out = [], lat = 0, lng = 0, i = 0;
    while (i < s.length) {
        for (var k = 0; k < 2; k++) {
            var shift = 0, result = 0, b;
            do { b = s.charCodeAt(i++) - 63; result |= (b & 31) << shift; shift += 5; } while (b >= 32);
            var delta = (result & 1) ? ~(result >> 1) : (result >> 1);
            if (k === 0) { lat += delta; } else { lng += delta; }
        }
        out.push([lng / __FACTOR__, lat / __FACTOR__]);
    }
    return out;
}
function thmapsDecodeAreas(data) {
    return {type: "FeatureCollection", features: data.map(function (f) {
        return {type: "Feature", properties: f.p,
                geometry: {type: "MultiPolygon",
                           coordinates: f.g.map(function (p) { return p.map(thmapsDecodeRing); })}};
    })};
}
</script>""".replace("__FACTOR__", f"1e{settings.WEB_COORD_PRECISION}")


# --------------------------------------------------------------------------- small Leaflet elements

class _Bind(MacroElement):
    """Bind a tooltip and/or a popup to the parent layer.

    folium's own Popup builds its content with jQuery, which is not loaded
    (nothing comes from a CDN); this binds plain, already escaped, HTML strings.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}
            {%- if this.tooltip %}.bindTooltip({{ this.tooltip }}, {sticky: true}){% endif %}
            {%- if this.popup %}.bindPopup({{ this.popup }}, {maxWidth: 340}){% endif %};
        {% endmacro %}
    """)

    def __init__(self, tooltip: str | None = None, popup: str | None = None):
        super().__init__()
        self._name = "Bind"
        self.tooltip = _js(tooltip) if tooltip else ""
        self.popup = _js(popup) if popup else ""


class AreaLayer(Layer):
    """The choropleth: one Leaflet GeoJSON layer built in the browser from encoded polygons.

    folium's own GeoJson writes every coordinate in full and a style ``switch`` with a case per
    feature; this writes each area once, as ``{"p": properties, "g": encoded polygons}``.

    Parameters
    ----------
    frame : DataFrame
        ``code``, ``fill``, ``tip`` (escaped HTML) and ``g`` (encoded polygons, from
        :func:`web_boundaries`) columns.
    name : str
        Layer name in the layer control (escaped).
    source : str
        Escaped HTML added under every tooltip (written once, not per feature).
    """

    # ``layer_script``, not ``script``: :meth:`render` adds it to the page itself.
    _template = Template("""
        {% macro layer_script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON(thmapsDecodeAreas(/*thmaps-areas*/{{ this.data }}), {
            style: function (f) { return Object.assign({}, {{ this.style }}, {fillColor: f.properties.fill}); },
            onEachFeature: function (f, l) {
                l.bindTooltip(f.properties.tip + {{ this.source }}, {sticky: true});
                l.on({
                    mouseover: function (e) { e.target.setStyle({{ this.highlight }}); },
                    mouseout: function (e) { {{ this.get_name() }}.resetStyle(e.target); }
                });
            }
        });
        {% endmacro %}
    """)

    def __init__(self, frame: pd.DataFrame, name: str, source: str):
        super().__init__(name=name, overlay=True, control=True)
        self._name = "AreaLayer"
        self.features = [{"p": {"code": row.code, "fill": row.fill, "tip": row.tip}, "g": row.g}
                         for row in frame.itertuples()]
        self.data = _js(self.features)
        self.style = json.dumps(AREA_STYLE)
        self.highlight = json.dumps({"weight": 2.5, "color": "#000000"})
        self.source = _js(source)

    def render(self, **kwargs):
        # London-wide the script holds 1.4 MB of data; branca would compile it again as a Jinja
        # template (0.15 s), so it goes into the page verbatim, before the layer's addTo call.
        script = self._template.module.layer_script(self, kwargs)
        self.get_root().script.add_child(_Verbatim(script), name=self.get_name())
        super().render(**kwargs)


class _Verbatim(Element):
    """Text placed in the page as it is (no Jinja template)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def area_features(page: str) -> list[dict]:
    """The choropleth's features (GeoJSON dicts) read back from a map page written by :func:`to_html`."""
    start = page.index("/*thmaps-areas*/") + len("/*thmaps-areas*/")
    data, _ = json.JSONDecoder().raw_decode(page[start:])
    return [{"type": "Feature", "properties": f["p"], "geometry": decode_polygons(f["g"])} for f in data]


class Legend(MacroElement):
    """The map legend: a Leaflet control holding escaped HTML (no branca ColorMap, so no d3 from a CDN).

    Parameters
    ----------
    title : str
        Legend title (indicator, unit, period).
    labels, colours : list of str
        One per class, in class order.
    extra : list of tuple
        Further ``(label, colour)`` rows, for example "no data", ``(label, colour, "c")``
        for a round (point) symbol, ``(label, fill, "c", outline)`` for a ringed one, or
        ``(label, fill, "d", outline)`` for a dashed outline (approximate areas).
    note : str
        A line under the classes (classification scheme).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "thmaps-legend");
                div.innerHTML = {{ this.content }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, labels, colours, extra=(), note: str = ""):
        super().__init__()
        self._name = "Legend"
        rows = [(label, colour) for label, colour in zip(labels, colours)] + list(extra)
        self.rows = rows
        items = "".join(
            f'<div class="r"><i class="{escape(shape)}" style="background:{escape(colour)}'
            f'{";border:2px " + ("dashed " if shape == "d" else "solid ") + escape(outline) if outline else ""}">'
            f'</i>{escape(label)}</div>'
            for label, colour, shape, outline in ((*row, "", "")[:4] for row in rows))
        body = f'<div class="t">{escape(title)}</div>{items}'
        if note:
            body += f'<div class="n">{escape(note)}</div>'
        self.html = body
        self.content = _js(body)


class Labels(MacroElement):
    """Text labels (Leaflet DivIcon markers, not interactive) for the parent map.

    One element writes every label, and rendering it twice writes the same script:
    folium's Marker+DivIcon adds another ``setIcon`` call on each render, and the
    app renders the same cached map on every rerun.

    Parameters
    ----------
    labels : list of (float, float, str)
        Latitude, longitude and text (escaped here).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.labels }}.forEach(function (d) {
            L.marker([d[0], d[1]], {interactive: false, keyboard: false, icon: L.divIcon({
                className: "thmaps-divicon", iconSize: [140, 18], iconAnchor: [70, 9],
                html: '<div class="thmaps-label">' + d[2] + '</div>'})}).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, labels):
        super().__init__()
        self._name = "Labels"
        self.texts = [str(text) for _, _, text in labels]
        self.labels = _js([[lat, lon, escape(text)] for lat, lon, text in labels])


class _FitBounds(MacroElement):
    """Fit the map to its extent at once: folium's fit_bounds animates from ``zoom_start``,
    which for the London-wide map leaves a half-drawn, still-zooming map for a moment."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds }},
            {paddingTopLeft: [10, 10], paddingBottomRight: [{{ this.right }}, 10], animate: false});
        {% endmacro %}
    """)

    def __init__(self, south: float, west: float, north: float, east: float):
        super().__init__()
        self._name = "FitBounds"
        self.bounds = json.dumps([[south, west], [north, east]])
        # Keep the areas clear of the legend (bottom right): its widest box, padding and margin.
        self.right = LEGEND_MAX_WIDTH_PX + 40


class _Attribution(MacroElement):
    """Add the data attribution lines to Leaflet's attribution control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});
        {% endmacro %}
    """)

    def __init__(self, lines):
        super().__init__()
        self._name = "Attribution"
        self.text = _js(" ".join(escape(line) for line in lines))


_CSS = f"""<style>
.leaflet-container {{ background: {BACKGROUND} !important; }}
.thmaps-legend {{ background: rgba(255,255,255,.93); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 0 4px rgba(0,0,0,.3); max-width: {LEGEND_MAX_WIDTH_PX}px; }}
.thmaps-legend .t {{ font-weight: bold; margin-bottom: 4px; }}
.thmaps-legend .r {{ line-height: 17px; }}
.thmaps-legend .c {{ border-radius: 50%; width: 12px; margin-left: 2px; margin-right: 8px; }}
.thmaps-legend i {{ display: inline-block; width: 16px; height: 12px; margin: 0 6px -1px 0;
  border: 1px solid #bbb; }}
.thmaps-legend .n {{ color: #555; margin-top: 4px; font-size: 11px; white-space: normal; }}
.thmaps-label {{ font-weight: bold; font-size: 13px; color: #111; white-space: nowrap; text-align: center;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff; }}
.leaflet-control-attribution {{ font-size: 10px; max-width: 70%; }}
</style>"""


# --------------------------------------------------------------------------- the map

def _set_assets(m: folium.Map, static_url: str) -> None:
    """Load Leaflet from ``static_url`` only (no jQuery, Bootstrap or Font Awesome from a CDN).

    folium writes the ``default_js``/``default_css`` of every element into the page's head,
    so these instance attributes are all the map will fetch.
    """
    m.default_js = [("leaflet", f"{static_url}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{static_url}/leaflet.css")]


def _geometry_key() -> tuple[str, float, float, int]:
    """What the web geometry depends on besides the level: the store (file, modification time) and settings."""
    path = settings.store_path()
    return str(path), path.stat().st_mtime, settings.WEB_SIMPLIFY_METRES, settings.WEB_COORD_PRECISION


@lru_cache(maxsize=8)
def web_boundaries(level: str, store_file: str, store_mtime: float, simplify_metres: float,
                   digits: int) -> gpd.GeoDataFrame:
    """A level's areas simplified for the web, with their encoded polygons (``g``), indexed by code.

    Cached per level, store version (file and modification time) and web geometry settings
    (the last four arguments, from :func:`_geometry_key`): changing the indicator,
    the classes or an overlay redraws the map without simplifying or encoding the geometry again
    (most of the 1.0 s it takes to draw the London-wide map from scratch).
    """
    web = web_geometry(mapspec.boundary_layer(level), ["code"], coverage=True)  # every level tiles the map
    web["g"] = [encode_polygons(geom) for geom in web.geometry]
    return web.set_index("code")


def _area_layer(prepared: mapspec.PreparedMap) -> AreaLayer:
    d = prepared.description
    indicator = CATALOGUE[d.indicator]
    areas = prepared.areas[prepared.areas["in_extent"]]
    shapes = web_boundaries(d.level, *_geometry_key())["g"]
    areas = areas[areas["code"].isin(shapes.index)]
    columns = (areas[c].tolist() for c in ("name", "code", "value", "rank", "n_ranked"))
    tips = [f"<b>{escape(name)}</b> <small>{escape(code)}</small><br>{escape(format_value(value, indicator.unit))}<br>"
            f"{escape(rank_text(rank, n_ranked, indicator.higher_is_worse, d.level))}"
            for name, code, value, rank, n_ranked in zip(*columns)]
    web = pd.DataFrame({"code": areas["code"].to_numpy(), "fill": areas["colour"].to_numpy(), "tip": tips,
                        "g": shapes.loc[areas["code"]].to_numpy()})
    source = f"<br><small>{escape(prepared.legend_title)}<br>{escape(prepared.source_line.split('. Method:')[0])}</small>"
    return AreaLayer(web, name=escape(prepared.title), source=source)


def _locality_layers(prepared: mapspec.PreparedMap) -> list[MacroElement]:
    loc = prepared.localities
    outline = web_geometry(loc, ["code"], coverage=True)
    data = _feature_collection(outline, ("code",))
    lines = folium.GeoJson(data, name="Localities", control=False, interactive=False,
                           style_function=lambda f: dict(LOCALITY_STYLE))
    places = mapspec.place_labels(prepared).to_crs(settings.CRS_WEB)
    labels = Labels([(round(p.y, 5), round(p.x, 5), name) for name, p in zip(places["name"], places.geometry)])
    return [lines, labels]


def _source_note(key: str) -> str:
    parts = [get_source(s) for s in mapspec.OVERLAY_SOURCES[key]]
    return "; ".join(f"{s.publisher}, {s.vintage}" for s in parts)


def _points(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return frame.to_crs(settings.CRS_WEB) if frame.crs is not None else frame.set_crs(settings.CRS_STORE).to_crs(settings.CRS_WEB)


def _circle(group, point, tooltip: str, popup: str, radius: float, colour: str, fill: str | None = None,
            fill_opacity: float = 0.8, dash: str | None = None, weight: float = 1.2) -> None:
    marker = folium.CircleMarker([round(point.y, 6), round(point.x, 6)], radius=round(radius, 1), color=colour,
                                 weight=weight, fill=True, fill_color=fill or colour, fill_opacity=fill_opacity,
                                 dash_array=dash, class_name=f"thmaps-{getattr(group, 'thmaps_overlay', 'overlay')}")
    marker.add_child(_Bind(tooltip, popup))
    marker.add_to(group)


def _ward_text(row) -> str:
    """The ward a point lies in, and the ward across the road where it stands on a boundary."""
    ward = row.get("ward_name")
    ward = "" if ward is None or pd.isna(ward) else str(ward)
    near = row.get("boundary_ward")
    near = "" if near is None or pd.isna(near) else str(near)
    if not near:
        return ward or "outside the borough"
    within = f"within {settings.WARD_BOUNDARY_METRES:g} m"
    return f"{ward}, on the boundary with {near} ({within})" if ward else f"outside the borough, {within} of {near}"


def _popup(title: str, rows, source: str) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows if v not in (None, ""))
    return (f"<b>{escape(title)}</b><table style='font-size:11px;text-align:left'>{body}</table>"
            f"<small>Source: {escape(source)}</small>")


def _gp_layer(frame, group) -> None:
    sizes = pd.to_numeric(frame["list_size"], errors="coerce")
    biggest = float(sizes.max()) if sizes.notna().any() else 1.0
    src = _source_note("gp_practices")
    for (_, row), point, size in zip(frame.iterrows(), _points(frame).geometry, sizes):
        # Area of the circle proportional to the list size.
        radius = 3 + 11 * np.sqrt(size / biggest) if pd.notna(size) else 4
        tip = f"<b>{escape(row['name'])}</b><br>{escape(_number(size, 0) or 'no')} registered patients"
        popup = _popup(row["name"], [("ODS code", row.get("facility_id")), ("Address", row.get("address")),
                                     ("Postcode", row.get("postcode")), ("Ward", _ward_text(row)),
                                     ("Registered patients", _number(size, 0)), ("PCN", row.get("pcn")),
                                     ("Location from", row.get("coord_source")), ("Note", row.get("note"))], src)
        # A ring (white fill) so practices stand apart from the filled NO2 tube dots.
        _circle(group, point, tip, popup, radius, OVERLAY_COLOURS["gp_practices"], fill=OVERLAY_FILLS["gp_practices"],
                fill_opacity=0.45, weight=2.2)


def _facility_layer(key, frame, group) -> None:
    src = _source_note(key)
    kind = {"hospitals": "Hospital", "pharmacies": "Pharmacy", "clinics": "Clinic"}[key]
    for (_, row), point in zip(frame.iterrows(), _points(frame).geometry):
        status = str(row.get("status") or "")
        closed = status.lower().startswith("closed")
        label = f"{kind} (CLOSED)" if closed else kind
        tip = f"<b>{escape(row['name'])}</b><br>{escape(label)}" + (f": {escape(row.get('note'))}" if closed else "")
        popup = _popup(row["name"], [("Type", label), ("Status", status), ("Address", row.get("address")),
                                     ("Postcode", row.get("postcode")), ("Ward", _ward_text(row)),
                                     ("Note", row.get("note"))], src)
        if closed:
            # A closed site stays on the map (it was in the 2014 list) but hollow, grey and dashed.
            _circle(group, point, tip, popup, 6, OVERLAY_COLOURS["closed"], fill="#ffffff", fill_opacity=0.6, dash="3 3")
        else:
            _circle(group, point, tip, popup, 5 if key == "pharmacies" else 7, OVERLAY_COLOURS[key])


def _s106_layer(frame, group) -> None:
    src = _source_note("s106")
    for (_, row), point in zip(frame.iterrows(), _points(frame).geometry):
        amount = _number(row.get("total_gbp"), 0)
        year = _number(row.get("year"), 0)
        money = f"£{amount}" if amount else "amount not stated"
        tip = f"<b>{escape(row['project'])}</b><br>{escape(money)}" + (f", {escape(year)}" if year else "")
        popup = _popup(row["project"], [("Amount", money), ("of which S106", _number(row.get("s106_gbp"), 0)),
                                        ("of which CIL", _number(row.get("cil_gbp"), 0)),
                                        ("Year", year or "not stated"), ("Decision", row.get("decision_type")),
                                        ("Location precision", row.get("location_precision"))], src)
        _circle(group, point, tip, popup, 9, OVERLAY_COLOURS["s106"], fill=OVERLAY_FILLS["s106"], fill_opacity=0.9,
                weight=2.5)


def _tube_layer(frame, group, year: int) -> None:
    src = _source_note("no2_tubes")
    objective = settings.NO2_OBJECTIVE
    for (_, row), point in zip(frame.iterrows(), _points(frame).geometry):
        adjusted = pd.to_numeric(row.get("annual_mean_bias_adjusted"), errors="coerce")
        raw = _number(row.get("annual_mean_raw"))
        status = row.get("objective_status")
        if status == "not judged":
            colour = OVERLAY_COLOURS["no2_missing"]
            verdict = "not judged: " + (row.get("quality_note") or "no annual mean")
        elif status == "above":
            colour, verdict = OVERLAY_COLOURS["no2_above"], f"above the {objective:g} µg/m³ objective"
        else:
            colour, verdict = OVERLAY_COLOURS["no2_below"], f"within the {objective:g} µg/m³ objective"
        adj = _number(adjusted)
        tip = (f"<b>{escape(row['location'])}</b><br>NO2 {year}: {escape(adj or 'n/a')} µg/m³ bias-adjusted "
               f"({escape(raw or 'n/a')} raw)<br>{escape(verdict)}")
        popup = _popup(f"NO2 diffusion tube {row.get('site_no')}: {row['location']}",
                       [("Year", str(year)), ("Ward", _ward_text(row)),
                        ("Bias-adjusted annual mean", f"{adj} µg/m³" if adj else "n/a"),
                        ("Raw annual mean", f"{raw} µg/m³" if raw else "n/a"), ("Against objective", verdict),
                        ("Adjustment", row.get("adjustment_note")),
                        ("Site type", row.get("site_type")),
                        ("Months measured", _number(row.get("months_measured"), 0))], src)
        _circle(group, point, tip, popup, 5, "#ffffff", fill=colour, fill_opacity=0.95, weight=0.8)


def _sites_layer(frame, group) -> None:
    src = _source_note("monitoring_sites")
    for (_, row), point in zip(frame.iterrows(), _points(frame).geometry):
        no2, pm10 = _number(row.get("no2_2018")), _number(row.get("pm10_2018"))
        tip = (f"<b>{escape(row['site_name'])} ({escape(row['site_code'])})</b><br>2018 annual mean: "
               f"NO2 {escape(no2 or 'not measured')}, PM10 {escape(pm10 or 'not measured')} µg/m³")
        popup = _popup(f"Automatic monitoring site {row['site_code']}: {row['site_name']}",
                       [("Ward", _ward_text(row)),
                        ("NO2 2018 annual mean", f"{no2} µg/m³" if no2 else "not measured"),
                        ("PM10 2018 annual mean", f"{pm10} µg/m³" if pm10 else "not measured"),
                        ("UK objective (NO2, PM10)", f"{settings.NO2_OBJECTIVE:g} µg/m³")], src)
        _circle(group, point, tip, popup, 8, OVERLAY_COLOURS["monitoring_sites"],
                fill=OVERLAY_FILLS["monitoring_sites"], fill_opacity=1, weight=2.5)


def _liveable_layer(frame, group) -> None:
    src = _source_note("liveable_streets")
    web = web_geometry(frame, ["area", "phase", "status_notes", "ward_names", "note"])
    web["popup"] = [
        _popup(f"Liveable Streets: {row.area}",
               [("Footprint", "approximate: ward-level footprint (no scheme boundary is published)"),
                ("Wards used", row.ward_names), ("Phase", row.phase), ("Status", row.status_notes),
                ("Assumption", row.note)], src)
        for row in web.itertuples()]
    web["tip"] = [f"<b>Liveable Streets: {escape(a)}</b><br>approximate: ward-level footprint" for a in web["area"]]
    # Only escaped HTML travels: branca compiles this script again as a Jinja template.
    data = _feature_collection(web, ("tip", "popup"))
    colour = OVERLAY_COLOURS["liveable_streets"]
    folium.GeoJson(
        data, name="Liveable Streets (approximate)", control=False,
        style_function=lambda f: {"color": colour, "weight": 2, "dashArray": "6 4", "fillOpacity": 0.04,
                                  "fillColor": colour},
        on_each_feature=folium.JsCode(
            "function (f, l) { l.bindTooltip(f.properties.tip, {sticky: true}).bindPopup(f.properties.popup, "
            "{maxWidth: 340}); }"),
    ).add_to(group)


def overlay_count(m: folium.Map, key: str) -> int:
    """Number of features drawn for one overlay (markers, or polygons for Liveable Streets).

    Parameters
    ----------
    m : folium.Map
        A map from :func:`render`.
    key : str
        A key of :data:`thmaps.mapspec.OVERLAYS`.
    """
    group = next((c for c in m._children.values() if getattr(c, "thmaps_overlay", None) == key), None)
    if group is None:
        return 0
    n = 0
    for child in group._children.values():
        if isinstance(child, folium.CircleMarker):
            n += 1
        elif isinstance(child, folium.GeoJson):
            n += len(child.data["features"])
    return n


def render(prepared: mapspec.PreparedMap, static_url: str = STATIC_URL, height: int | str = "100%") -> folium.Map:
    """Draw a prepared map with folium.

    Parameters
    ----------
    prepared : PreparedMap
        From :func:`thmaps.mapspec.prepare`; areas are filled with their precomputed ``colour``.
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
    _set_assets(m, static_url)
    m.get_root().header.add_child(Element(_CSS), name="thmaps_css")
    m.get_root().header.add_child(Element(DECODE_JS), name="thmaps_decode")
    _area_layer(prepared).add_to(m)
    for layer in _locality_layers(prepared):
        layer.add_to(m)

    frames = prepared.overlays
    builders = {"gp_practices": _gp_layer, "s106": _s106_layer, "monitoring_sites": _sites_layer,
                "liveable_streets": _liveable_layer}
    for key in d.overlays:
        frame = frames.get(key)
        if frame is None:
            continue
        label = mapspec.OVERLAYS[key] + (f", {d.tube_year}" if key == "no2_tubes" else "")
        group = folium.FeatureGroup(name=escape(label), show=True)
        group.thmaps_overlay = key
        if key in builders:
            builders[key](frame, group)
        elif key == "no2_tubes":
            _tube_layer(frame, group, d.tube_year)
        else:
            _facility_layer(key, frame, group)
        group.add_to(m)

    extra = []
    if (prepared.areas.loc[prepared.areas["in_extent"], "class_index"] < 0).any():
        extra.append(("no data", mapspec.NO_DATA_COLOUR))
    # The point overlays' symbols, as the layer builders draw them.
    for key in d.overlays:
        if key in ("gp_practices", "s106", "monitoring_sites", "hospitals", "pharmacies", "clinics"):
            fill = OVERLAY_FILLS.get(key, OVERLAY_COLOURS[key])
            extra.append((mapspec.OVERLAYS[key], fill, "c", OVERLAY_COLOURS[key]))
    if "liveable_streets" in d.overlays:
        extra.append((mapspec.OVERLAYS["liveable_streets"], "#ffffff", "d", OVERLAY_COLOURS["liveable_streets"]))
    if "no2_tubes" in d.overlays:
        extra += [(f"NO2 tube > {settings.NO2_OBJECTIVE:g} µg/m³ ({d.tube_year}, bias-adj.)", OVERLAY_COLOURS["no2_above"], "c"),
                  (f"NO2 tube ≤ {settings.NO2_OBJECTIVE:g} µg/m³", OVERLAY_COLOURS["no2_below"], "c")]
    Legend(prepared.legend_title, prepared.labels, prepared.colours, extra,
           note=f"{mapspec.SCHEMES[d.scheme]}. Thick lines: localities.").add_to(m)
    _Attribution(prepared.attributions).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    _FitBounds(miny, minx, maxy, maxx).add_to(m)
    return m


def to_html(prepared: mapspec.PreparedMap, static_url: str = STATIC_URL) -> str:
    """The map as an HTML page that loads Leaflet from ``static_url`` (what the app embeds)."""
    return render(prepared, static_url).get_root().render()


# --------------------------------------------------------------------------- offline assets

def leaflet_source_dir() -> Path:
    """Directory of the Leaflet files shipped by the ``xstatic-leaflet`` package."""
    import xstatic.pkg.leaflet as xleaflet  # imported here: only the asset helpers need it

    return Path(xleaflet.BASE_DIR)


def ensure_static_assets(target: Path | None = None) -> Path:
    """Copy Leaflet's JS, CSS and images into ``static/vendor/leaflet`` for Streamlit to serve.

    Files already present with the same size are left alone, so calling this on
    every page run is cheap.

    Parameters
    ----------
    target : Path, optional
        Destination folder (default :data:`STATIC_DIR`).

    Returns
    -------
    Path
        The destination folder.
    """
    source = leaflet_source_dir()
    target = Path(target or STATIC_DIR)
    names = list(_LEAFLET_FILES) + [f"images/{p.name}" for p in (source / "images").glob("*.png")]
    for name in names:
        src, dst = source / name, target / name
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_suffix(dst.suffix + ".tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)  # atomic: a browser never gets a half-written file
    return target


def _inline_css(source: Path) -> str:
    """leaflet.css with its images as data URIs, so the layer control icon works offline."""
    css = (source / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        path = source / match.group(1)
        if not path.exists():
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode('ascii')})"

    return re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css)


def to_standalone_html(prepared: mapspec.PreparedMap) -> str:
    """A complete HTML file of the map that opens offline: Leaflet JS and CSS inlined.

    The page carries the title, subtitle, legend, source line, notes and attribution lines.

    Parameters
    ----------
    prepared : PreparedMap

    Returns
    -------
    str
        The HTML document.
    """
    source = leaflet_source_dir()
    placeholder = "thmaps-inline://leaflet"
    m = render(prepared, static_url=placeholder)
    header = (f'<div class="thmaps-head"><h1>{escape(prepared.title)}</h1>'
              f'<div class="s">{escape(prepared.subtitle)}</div></div>')
    footer_lines = [prepared.source_line] + list(prepared.notes) + list(prepared.attributions) + [
        f"Made with thmaps on {prepared.made_on}."]
    footer = '<div class="thmaps-foot">' + "".join(f"<div>{escape(line)}</div>" for line in footer_lines) + "</div>"
    root = m.get_root()
    root.header.add_child(Element(
        f"<title>{escape(prepared.title)}</title>"
        "<style>html,body{height:auto!important}"
        ".folium-map{height:calc(100vh - 200px)!important;min-height:420px}"
        ".thmaps-head{font-family:Arial,sans-serif;padding:6px 10px}"
        ".thmaps-head h1{font-size:20px;margin:0}.thmaps-head .s{color:#444;font-size:13px}"
        ".thmaps-foot{font-family:Arial,sans-serif;font-size:11px;color:#333;padding:6px 10px}</style>"),
        name="thmaps_page_css")
    page = root.render()
    # Title above and sources below the map div (branca renders the map's div last, so insert in the text).
    page = page.replace("<body>", "<body>\n" + header, 1)
    page = _insert_before_last(page, "</body>", footer)
    js = (source / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    page = re.sub(rf'<script src="{re.escape(placeholder)}/leaflet\.js"></script>',
                  lambda _: f"<script>/* Leaflet {_leaflet_version()} (BSD-2-Clause) */\n{js}</script>", page)
    page = re.sub(rf'<link rel="stylesheet" href="{re.escape(placeholder)}/leaflet\.css"/>',
                  lambda _: f"<style>{_inline_css(source)}</style>", page)
    if placeholder in page:
        raise RuntimeError("Leaflet could not be inlined: the folium page template has changed")
    return page


def _insert_before_last(text: str, marker: str, insert: str) -> str:
    i = text.rfind(marker)
    return text + insert if i < 0 else text[:i] + insert + "\n" + text[i:]


def _leaflet_version() -> str:
    import xstatic.pkg.leaflet as xleaflet

    return str(xleaflet.VERSION)
