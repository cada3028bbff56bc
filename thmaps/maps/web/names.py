"""Names, the focus marker and the map's own note on the web map.

The names come from :func:`thmaps.maps.labels.map_labels`, as on paper; the browser places them
at every zoom (the scale changes, so only the page can measure): for each name in turn, the first
candidate point and one- or two-line form whose box lies inside the name's area (checked against
the area's outline, sent as encoded polylines), inside the map and clear of the map's controls and
of every name placed before it. A name that fits nowhere in this view is left out until it does.

Every piece of data text reaches the page through :mod:`thmaps.safetext`.
"""
from __future__ import annotations

import geopandas as gpd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from ... import settings
from ...safetext import escape_html, script_json
from ...search import zoom_bounds
from ..labels import map_labels, text_variants
from ..prepare import PreparedMap
from .geometry import encode_polygons

#: Simplification of the outlines names are fitted into (metres): a name needs no finer outline.
NAME_OUTLINE_METRES = 15.0


class Labels(MacroElement):
    """Every name of the map, placed by the browser at each zoom (see the module docstring).

    Parameters
    ----------
    names : list of dict
        ``text`` (the name), ``kind`` (ward, locality, borough), ``selected``, ``candidates``
        (``[(lat, lon), ...]``, best first) and ``outline`` (encoded polygons, or None: no fit test).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        thmapsPlaceNames({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
    """)

    def __init__(self, names):
        super().__init__()
        self._name = "Labels"
        self.names = list(names)
        self.texts = [str(n["text"]) for n in self.names]
        self.data = script_json([{"t": ["<br>".join(escape_html(line) for line in variant.split("\n"))
                                        for variant in text_variants(n["text"])],
                                  "k": n["kind"], "s": bool(n["selected"]), "c": n["candidates"], "g": n["outline"]}
                                 for n in self.names])


def names_for_web(prepared: PreparedMap) -> Labels:
    """The map's names with their candidate points and outlines in EPSG:4326."""
    labels = map_labels(prepared)
    names = []
    for row in labels.itertuples():
        points = gpd.GeoSeries([shapely.MultiPoint(row.candidates)], crs=settings.CRS_STORE).to_crs(settings.CRS_WEB)
        candidates = [[round(p.y, 6), round(p.x, 6)] for p in points.iloc[0].geoms]
        outline = None
        if row.geometry is not None:
            shape = gpd.GeoSeries([row.geometry.simplify(NAME_OUTLINE_METRES)], crs=settings.CRS_STORE)
            outline = encode_polygons(shape.to_crs(settings.CRS_WEB).iloc[0])
        names.append({"text": row.name, "kind": row.kind, "selected": row.selected, "candidates": candidates,
                      "outline": outline})
    return Labels(names)


class FocusMarker(MacroElement):
    """The place found by search: a ring with its name, which the map was fitted to."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var f = {{ this.data }};
            var marker = L.marker(f.at, {keyboard: true, title: f.title, alt: f.title, zIndexOffset: 2000,
                icon: L.divIcon({className: "thmaps-focus", iconSize: [30, 30], iconAnchor: [15, 15],
                                 html: '<svg width="30" height="30" aria-hidden="true"><circle cx="15" cy="15" r="11" ' +
                                       'fill="none" stroke="#d7301f" stroke-width="3.5"/></svg>'})});
            marker.bindTooltip(f.name, {permanent: true, direction: "top", offset: [0, -14],
                                        className: "thmaps-focus-label"}).addTo(map);
            map.thmapsFocus = marker;
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, prepared: PreparedMap):
        super().__init__()
        self._name = "FocusMarker"
        found = prepared.focus
        point = gpd.GeoSeries([shapely.Point(found.x, found.y)], crs=settings.CRS_STORE).to_crs(settings.CRS_WEB)
        self.name = found.name
        self.data = script_json({"at": [round(point.iloc[0].y, 6), round(point.iloc[0].x, 6)],
                                 "name": escape_html(found.name), "title": f"Found: {found.label}"})


def focus_bounds(prepared: PreparedMap) -> tuple[float, float, float, float] | None:
    """``(south, west, north, east)`` to fit the map to the focus, or None without one."""
    if prepared.focus is None:
        return None
    minx, miny, maxx, maxy = zoom_bounds(prepared.focus)
    box = gpd.GeoSeries([shapely.box(minx, miny, maxx, maxy)], crs=settings.CRS_STORE).to_crs(settings.CRS_WEB)
    west, south, east, north = box.total_bounds
    return float(south), float(west), float(north), float(east)


class MapNote(MacroElement):
    """A short note in a box at the top left of the map (a single-area map says so here, as on paper)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var note = L.control({position: "topleft"});
            note.onAdd = function () {
                var div = L.DomUtil.create("div", "thmaps-note");
                div.setAttribute("role", "note");
                div.innerHTML = {{ this.content }};
                return div;
            };
            note.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "MapNote"
        self.text = text
        self.content = script_json(escape_html(text))


#: The browser side of :class:`Labels` (defined once per page).
PLACE_NAMES_JS = """<script>
function thmapsPlaceNames(map, names) {
    var layer = L.layerGroup().addTo(map);
    var outlines = names.map(function (n) {
        return n.g ? n.g.map(function (p) { return p.map(thmapsDecodeRing); }) : null;
    });
    var sizes = null;
    function measure() {
        var box = L.DomUtil.create("div", "thmaps-measure", map.getContainer());
        sizes = names.map(function (n) {
            return n.t.map(function (html) {
                var el = L.DomUtil.create("div", "thmaps-label " + n.k + (n.s ? " s" : ""), box);
                el.innerHTML = html;
                return [el.offsetWidth, el.offsetHeight];
            });
        });
        L.DomUtil.remove(box);
    }
    function inRings(rings, x, y) {
        var inside = false;
        rings.forEach(function (ring) {
            for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
                var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
                if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
            }
        });
        return inside;
    }
    function fits(outline, b) {
        if (!outline) { return true; }
        // The box's edges, a little inside it: text leaves its corners and padding empty (as on paper,
        // where all but a sliver of the box must lie inside the area).
        var dx = (b[2] - b[0]) * 0.06, dy = (b[3] - b[1]) * 0.15;
        var x0 = b[0] + dx, x1 = b[2] - dx, y0 = b[1] + dy, y1 = b[3] - dy, xm = (x0 + x1) / 2, ym = (y0 + y1) / 2;
        var probes = [[x0, y0], [x1, y0], [x0, y1], [x1, y1], [xm, y0], [xm, y1], [x0, ym], [x1, ym],
                      [(x0 + xm) / 2, y0], [(xm + x1) / 2, y0], [(x0 + xm) / 2, y1], [(xm + x1) / 2, y1]];
        return probes.every(function (p) {
            var ll = map.containerPointToLatLng(p);
            return outline.some(function (rings) { return inRings(rings, ll.lng, ll.lat); });
        });
    }
    function clear(b, taken) {
        return taken.every(function (t) { return b[2] <= t[0] || t[2] <= b[0] || b[3] <= t[1] || t[3] <= b[1]; });
    }
    function place() {
        var size = map.getSize();
        if (!size.x || !size.y) { return; }
        if (!sizes || !sizes[0] || !sizes[0][0][0]) { measure(); }
        layer.clearLayers();
        var taken = [], origin = map.getContainer().getBoundingClientRect();
        // No name under the map's controls (zoom, layers, legend, scale, attribution, note).
        map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
            var r = c.getBoundingClientRect();
            if (r.width && r.height) {
                taken.push([r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]);
            }
        });
        if (map.thmapsFocus && map.thmapsFocus.getTooltip() && map.thmapsFocus.getTooltip().getElement()) {
            var r = map.thmapsFocus.getTooltip().getElement().getBoundingClientRect();
            taken.push([r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]);
            var p = map.latLngToContainerPoint(map.thmapsFocus.getLatLng());
            taken.push([p.x - 16, p.y - 16, p.x + 16, p.y + 16]);
        }
        names.forEach(function (n, i) {
            for (var c = 0; c < n.c.length; c++) {
                var p = map.latLngToContainerPoint(n.c[c]);
                for (var v = 0; v < n.t.length; v++) {
                    var w = sizes[i][v][0] + 4, h = sizes[i][v][1] + 2;
                    var b = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
                    if (b[0] < 0 || b[1] < 0 || b[2] > size.x || b[3] > size.y) { continue; }
                    if (!clear(b, taken) || !fits(outlines[i], b)) { continue; }
                    taken.push(b);
                    L.marker(n.c[c], {interactive: false, keyboard: false, icon: L.divIcon({
                        className: "thmaps-divicon", iconSize: [w, h], iconAnchor: [w / 2, h / 2],
                        html: '<div class="thmaps-label ' + n.k + (n.s ? ' s' : '') + '">' + n.t[v] + '</div>'})
                    }).addTo(layer);
                    return;
                }
            }
        });
    }
    map.on("zoomend moveend resize", place);
    map.getContainer().addEventListener("toggle", function () { setTimeout(place, 0); }, true);  // the legend
    map.whenReady(function () { setTimeout(place, 0); });
}
</script>"""
