"""The site map: the borough map's layers with the sites and their straight-line rings, on screen and on paper.

Both maps draw a :class:`~thmaps.maps.PreparedMap` of the borough (any LSOA indicator, with the health,
air and Liveable Streets overlays) through the ordinary renderers, then add the sites and rings and
zoom to the largest ring. Nothing here changes the prepared map (it may be shared between sessions).
"""
from __future__ import annotations

import json
from dataclasses import replace

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import mapping
from shapely.ops import transform

from .. import settings
from ..maps import MapDescription, PreparedMap
from ..maps import printing, web
from ..maps.printing.text import MUTED_TEXT, put_text
from ..safetext import escape_html, script_json
from .analysis import ImpactResult
from .catchment import distance_text
from .site import to_wgs84

#: The borough map's layers shown around a site.
OVERLAYS = ("gp_practices", "hospitals", "pharmacies", "clinics", "s106", "no2_tubes", "liveable_streets",
            "traffic_filters")
#: On paper, fewer (the legend must leave room for the map): the tubes and filters are in the report's tables.
PRINT_OVERLAYS = ("gp_practices", "hospitals", "pharmacies", "clinics", "s106", "liveable_streets")
SITE_COLOUR = "#d7301f"
RING_COLOUR = "#111111"
SITE_SVG = ('<svg width="20" height="20" viewBox="0 0 20 20"><circle cx="10" cy="10" r="7.5" fill="#d7301f" '
            'stroke="#ffffff" stroke-width="2.5"/></svg>')
#: Message type the map posts to the page when clicked (the page listens for it).
CLICK_MESSAGE = "thmaps-site-click"
RING_NOTE = "Dashed circles: straight-line distance from the site, not walking distance."
#: On a phone the legend and the attribution would cover the rings: smaller, and scrolled within a box.
NARROW_CSS = ("<style>@media (max-width: 640px) {.thmaps-legend {max-height: 30vh; overflow-y: auto; "
              "font-size: 10px} .leaflet-control-attribution {max-height: 2.6em; overflow-y: auto; "
              "font-size: 9px}}</style>")


def description(indicator: str = "imd_decile", tube_year: int | None = None, paper: bool = False) -> MapDescription:
    """The borough map behind a site map: an LSOA 2011 indicator with the overlays of :data:`OVERLAYS`
    (:data:`PRINT_OVERLAYS` on ``paper``)."""
    return MapDescription(indicator, level="lsoa11", overlays=PRINT_OVERLAYS if paper else OVERLAYS,
                          tube_year=tube_year or settings.TUBE_YEARS[-1])


def _bounds(result: ImpactResult | None, prepared: PreparedMap):
    if result is None:
        return prepared.extent_geometry.total_bounds
    boxes = np.array([r.rings[-1].geometry.bounds for r in result.results])
    return boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()


class _Script(MacroElement):
    """A few lines of script run after the map is built (fit to the rings; report clicks to the page)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) { {{ this.code }} })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, code: str):
        super().__init__()
        self._name = "ThmapsImpactScript"
        self.code = code


def web_html(prepared: PreparedMap, result: ImpactResult | None = None, clickable: bool = False) -> str:
    """The interactive site map as an HTML page (Leaflet from the app's static folder).

    Parameters
    ----------
    prepared : PreparedMap
        The borough map (:func:`description`), drawn as the borough map page draws it.
    result : ImpactResult, optional
        Sites and rings to draw; without it, the borough alone (for picking a site).
    clickable : bool
        Post ``{"type": "thmaps-site-click", "lat": ..., "lon": ...}`` to the parent page on each click.
    """
    m = web.render(prepared)
    m.get_root().header.add_child(Element(NARROW_CSS), name="thmaps_impact_narrow")
    if result is not None:
        group = folium.FeatureGroup(name="Sites and catchment rings (straight line)", show=True)
        labels = []
        for r in result.results:
            for ring in r.rings:
                shape = folium.GeoJson(_web_geojson(ring.geometry.boundary), name=escape_html(ring.label),
                                       style_function=lambda f: {"color": RING_COLOUR, "weight": 1.6,
                                                                 "dashArray": "6 5", "className": "thmaps-ring"})
                shape.add_to(group)
                top = to_wgs84_point(ring.geometry.centroid.x, ring.geometry.bounds[3])
                labels.append({"text": f"{distance_text(ring.radius_m)} (straight line)", "kind": "ring",
                               "selected": False, "candidates": [[round(top[1], 6), round(top[0], 6)]],
                               "outline": None})
            tip = escape_html(f"{r.scheme.name}: {r.scheme.homes:,} homes at {r.site.label}")
            lat, lon = r.site.lat_lon
            # A marker (not a vector circle), so the site stays above the practices and other symbols.
            folium.Marker([lat, lon], tooltip=tip, z_index_offset=10_000, icon=folium.DivIcon(
                html=SITE_SVG, class_name="thmaps-site", icon_size=(20, 20), icon_anchor=(10, 10))).add_to(group)
            if r.site.kind == "polygon":
                folium.GeoJson(_web_geojson(r.site.geometry), tooltip=tip,
                               style_function=lambda f: {"color": SITE_COLOUR, "weight": 3, "fillOpacity": 0.25,
                                                         "fillColor": SITE_COLOUR, "className": "thmaps-site"}
                               ).add_to(group)
        group.add_to(m)
        web.Labels(labels).add_to(m)
        minx, miny, maxx, maxy = _bounds(result, prepared)
        (w, s), (e, n) = to_wgs84_point(minx, miny), to_wgs84_point(maxx, maxy)
        _Script(f"var wide = map.getSize().x > 640; map.fitBounds({json.dumps([[s, w], [n, e]])}, "
                "{animate: false, paddingTopLeft: [10, 10], paddingBottomRight: [wide ? 280 : 10, wide ? 10 : 60]});"
                ).add_to(m)
    # The layer control names every layer it lists: it must come after the layers added here.
    for name, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[name]
            child.options["collapsed"] = True  # many layers: a closed control leaves the map and legend clear
            m.add_child(child, name=name)
    if clickable:
        # Listen on the container (capture phase): layers with popups stop their clicks reaching the map.
        # Clicks on the controls (zoom, legend, layers) and the end of a drag are not sites.
        _Script("var box = map.getContainer(), down = null; box.style.cursor = 'crosshair';"
                "box.addEventListener('mousedown', function (e) { down = [e.clientX, e.clientY]; }, true);"
                "box.addEventListener('click', function (e) {"
                " if (e.target.closest && e.target.closest('.leaflet-control')) { return; }"
                " if (down && Math.abs(e.clientX - down[0]) + Math.abs(e.clientY - down[1]) > 6) { return; }"
                " var p = map.mouseEventToLatLng(e);"
                " window.parent.postMessage({type: " + script_json(CLICK_MESSAGE) + ", lat: p.lat, lon: p.lng}, '*');"
                "}, true);").add_to(m)
    title = ("Development site and catchment rings" if result is not None else "Tower Hamlets: place a site")
    return web.page_head(m.get_root().render(), title)


def _web_geojson(geometry) -> dict:
    g = transform(lambda x, y, z=None: to_wgs84().transform(x, y), geometry)
    return {"type": "Feature", "properties": {}, "geometry": mapping(shapely.set_precision(g, 1e-6))}


def to_wgs84_point(x: float, y: float) -> tuple[float, float]:
    """Longitude and latitude (6 decimals) of a British National Grid point."""
    lon, lat = to_wgs84().transform(x, y)
    return round(lon, 6), round(lat, 6)


# --------------------------------------------------------------------------- paper

def print_page(prepared: PreparedMap, result: ImpactResult, paper: str = "A4", orientation: str = "portrait"):
    """The site map as a printed page (a matplotlib Figure, not saved): the borough map's page zoomed to the rings.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = "; ".join(f"{r.scheme.name} ({r.site.label})" for r in result.results)
    # The page is laid out for the rings' box (not the borough's), so the map is as large as the page allows;
    # what lies well outside it is left out of the file (the legend then counts what the map shows).
    rings_box = shapely.box(*_bounds(result, prepared))
    box = gpd.GeoDataFrame({"code": ["rings"], "name": ["Catchment rings"]}, geometry=[rings_box],
                           crs=prepared.borough.crs)
    view = rings_box.buffer(0.6 * max(rings_box.bounds[2] - rings_box.bounds[0], 1000.0), join_style="mitre")
    page = replace(prepared, title=f"Development impact: {names}"[:160], extent_geometry=box,
                   areas=prepared.areas[prepared.areas.intersects(view)],
                   water=prepared.water.clip(view),
                   overlays={k: f[f.intersects(view)] for k, f in prepared.overlays.items()},
                   subtitle=f"{prepared.title} · LSOA 2011 · sites and catchment rings "
                            f"({', '.join(distance_text(r) for r in result.radii)}, straight line)",
                   notes=list(prepared.notes) + [RING_NOTE, "Features well outside the rings are left off this "
                                                             "page; the legend counts those drawn."],
                   made_on=result.made_on)
    layout = printing.draw(page, paper, orientation)
    ax = layout.map_ax
    ax.set_autoscale_on(False)  # keep the page's view of the rings while the sites and rings are added
    for r in result.results:
        for ring in r.rings:
            for poly in getattr(ring.geometry, "geoms", [ring.geometry]):
                ax.plot(*poly.exterior.xy, color=RING_COLOUR, linewidth=1.1, linestyle=(0, (5, 3)), zorder=13)
            put_text(ax, ring.geometry.centroid.x, ring.geometry.bounds[3], distance_text(ring.radius_m), 7.5,
                     ha="center", va="bottom", zorder=14, clip_on=True,
                     bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.8))
        if r.site.kind == "point":
            ax.scatter([r.site.point.x], [r.site.point.y], s=90, marker="o", color=SITE_COLOUR, edgecolors="white",
                       linewidths=1.5, zorder=15)
        else:
            for poly in getattr(r.site.geometry, "geoms", [r.site.geometry]):
                xs, ys = poly.exterior.xy
                ax.fill(xs, ys, facecolor=SITE_COLOUR, alpha=0.35, edgecolor=SITE_COLOUR, linewidth=1.5, zorder=15)
    put_text(ax, 0.01, 0.99, "● site   - - - catchment rings (straight line)", 7.0, color=MUTED_TEXT,
             transform=ax.transAxes, ha="left", va="top", zorder=20,
             bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#bdbdbd", alpha=0.9))
    return layout.figure
