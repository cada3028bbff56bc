"""Leaflet elements of the web map: areas, points, legend, labels, attribution, fitting.

Every piece of text from data reaches the page through :mod:`thmaps.safetext`.
"""
from __future__ import annotations

import json

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.map import Layer
from folium.template import Template as FoliumTemplate
from jinja2 import Template

from ...safetext import escape_html, script_json
from .geometry import decode_polygons

#: Plain light background instead of tiles.
BACKGROUND = "#f3f2ee"
#: Area outlines: thin white lines keep the classes readable at borough scale.
#: ``className`` marks the drawn paths so browser tests (and users' style sheets) can find them.
AREA_STYLE = {"color": "#ffffff", "weight": 0.6, "opacity": 1.0, "fillOpacity": 0.85, "className": "thmaps-area"}
LOCALITY_STYLE = {"color": "#252525", "weight": 2.2, "opacity": 0.9, "fill": False}
#: Ward outlines over maps finer than wards (as on paper: thin and dark grey).
WARD_STYLE = {"color": "#595959", "weight": 1.0, "opacity": 0.9, "fill": False}
#: The focus ring's legend key.
FOCUS_KEY = ('<svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" '
             'stroke="#d7301f" stroke-width="2.5"/></svg>')

#: The legend box's widest (CSS pixels); the map is fitted to leave it this much room on the right.
LEGEND_MAX_WIDTH_PX = 240


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
        self.data = script_json(self.features)
        self.style = json.dumps(AREA_STYLE)
        self.highlight = json.dumps({"weight": 2.5, "color": "#000000"})
        self.source = script_json(source)

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
    rows : list of (str, str)
        ``(label, key_html)``: the label (escaped here) and its key, already safe HTML (a colour
        swatch or an overlay's SVG symbol from :func:`thmaps.maps.web.symbols.symbol_svg`).
    note : str
        A line under the rows (classification scheme).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            var map = {{ this._parent.get_name() }};
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "thmaps-legend");
                // A disclosure: open beside a wide map, a "Legend" button on a narrow one (phones).
                div.innerHTML = '<details' + (thmapsNarrow(map) ? '' : ' open') + '><summary>Legend</summary>' +
                                {{ this.content }} + '</details>';
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
            map.thmapsLegend = legend;
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, rows, note: str = ""):
        super().__init__()
        self._name = "Legend"
        self.rows = list(rows)
        items = "".join(f'<div class="r"><span class="k">{key}</span>{escape_html(label)}</div>'
                        if key else f'<div class="h">{escape_html(label)}</div>' for label, key in self.rows)
        body = f'<div class="t">{escape_html(title)}</div>{items}'
        if note:
            body += f'<div class="n">{escape_html(note)}</div>'
        self.html = body
        self.content = script_json(body)


def swatch(colour: str) -> str:
    """A class colour's legend key (safe HTML)."""
    return f'<i style="background:{escape_html(colour)}"></i>'


class PointLayer(Layer):
    """One overlay's points as SVG markers drawn from the overlay registry's symbols.

    Parameters
    ----------
    key : str
        Overlay key; each marker's path has the CSS class ``thmaps-<key>``.
    name : str
        Layer name in the layer control (escaped here).
    points : list of (float, float, str, str, str, float, str)
        Latitude, longitude, marker SVG (safe HTML), tooltip and popup (escaped HTML), width in pixels,
        and the marker's accessible name (plain text: the browser sets it as an attribute, never as HTML).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {{ this.points }}.forEach(function (d) {
            L.marker([d[0], d[1]], {
                icon: L.divIcon({className: "thmaps-point", html: d[2], iconSize: [d[5], d[5]],
                                 iconAnchor: [d[5] / 2, d[5] / 2]}),
                zIndexOffset: Math.round(1000 - d[5] * 10), riseOnHover: true, keyboard: true, title: d[6]
            }).bindTooltip(d[3], {sticky: true}).bindPopup(d[4], thmapsPopupOptions())
              .addTo({{ this.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, key: str, name: str, points):
        super().__init__(name=escape_html(name), overlay=True, control=True, show=True)
        self._name = "PointLayer"
        self.key = key
        self.point_list = list(points)
        self.points = script_json([[round(lat, 6), round(lon, 6), svg, tip, popup, round(size + 2, 1), title]
                                   for lat, lon, svg, tip, popup, size, title in self.point_list])


class _FitBounds(MacroElement):
    """Fit the map to its extent at once: folium's fit_bounds animates from ``zoom_start``,
    which for the London-wide map leaves a half-drawn, still-zooming map for a moment."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            // Keep the areas clear of the open legend (bottom right) where the map is wide enough to
            // have one beside them; a narrow map keeps its legend closed and uses its whole width.
            var right = thmapsNarrow(map) ? 10 : {{ this.right }};
            map.fitBounds({{ this.bounds }}, {paddingTopLeft: [10, 10], paddingBottomRight: [right, 10],
                                              animate: false});
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, south: float, west: float, north: float, east: float, legend_room: bool = True):
        super().__init__()
        self._name = "FitBounds"
        self.bounds = json.dumps([[south, west], [north, east]])
        # Keep the areas clear of the legend (bottom right): its widest box, padding and margin.
        self.right = LEGEND_MAX_WIDTH_PX + 40 if legend_room else 10


class LayerControl(folium.LayerControl):
    """folium's layer control, collapsed into its button on a narrow map (and whenever a popup needs the room)."""

    _template = FoliumTemplate("""
        {% macro script(this,kwargs) %}
            var {{ this.get_name() }} = L.control.layers({},
                {
                {%- for key, val in this.overlays.items() %}
                {{ key|tojson }} : {{val}},
                {%- endfor %}
                },
                Object.assign({{ this.options|tojavascript }},
                              {collapsed: thmapsNarrow({{ this._parent.get_name() }})})
            ).addTo({{ this._parent.get_name() }});
            thmapsPopupRoom({{ this._parent.get_name() }}, {{ this.get_name() }});
            thmapsFitControls({{ this._parent.get_name() }}, {{ this.get_name() }});
        {% endmacro %}
    """)


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
        self.text = script_json(" ".join(escape_html(line) for line in lines))


CSS = f"""<style>
.leaflet-container {{ background: {BACKGROUND} !important; }}
.thmaps-legend {{ background: rgba(255,255,255,.93); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 0 4px rgba(0,0,0,.3); max-width: {LEGEND_MAX_WIDTH_PX}px; }}
.thmaps-legend .t {{ font-weight: bold; margin-bottom: 4px; }}
.thmaps-legend .r {{ line-height: 17px; }}
.thmaps-legend .k {{ display: inline-block; min-width: 22px; text-align: center; vertical-align: middle;
  margin-right: 4px; }}
.thmaps-legend .h {{ font-weight: bold; margin-top: 6px; }}
.thmaps-point svg {{ display: block; overflow: visible; }}
.thmaps-legend i {{ display: inline-block; width: 16px; height: 12px; margin: 0 6px -1px 0;
  border: 1px solid #bbb; }}
.thmaps-legend .n {{ color: #555; margin-top: 4px; font-size: 11px; white-space: normal; }}
.thmaps-label {{ font-weight: bold; font-size: 13px; color: #111; white-space: nowrap; text-align: center;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff; }}
.leaflet-control-attribution {{ font-size: 10px; max-width: 70%; }}
</style>"""
