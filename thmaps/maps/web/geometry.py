"""Geometry for the web: simplified as a coverage, reprojected to EPSG:4326 and sent as encoded polylines."""
from __future__ import annotations

import json
from functools import lru_cache

import geopandas as gpd
import numpy as np
import polyline
import shapely

from ... import settings, store
from ..prepare import boundary_layer


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


def feature_collection(frame: gpd.GeoDataFrame, properties) -> dict:
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


def decode_js() -> str:
    """Browser side of :func:`encode_polygons` (the algorithm as Google documents it), defined once per page.

    Written when the page is: the precision is read from :data:`thmaps.settings.WEB_COORD_PRECISION`
    at that moment, as the encoder reads it, so the two always agree.
    """
    return _DECODE_JS.replace("__FACTOR__", f"1e{int(settings.WEB_COORD_PRECISION)}")


_DECODE_JS = """<script>
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
</script>"""


def geometry_key() -> tuple[str, float, float, int]:
    """What the web geometry depends on besides the level: the store (file, version) and settings."""
    return str(store.path()), store.version(), settings.WEB_SIMPLIFY_METRES, settings.WEB_COORD_PRECISION


@lru_cache(maxsize=8)
def web_boundaries(level: str, store_file: str, store_mtime: float, simplify_metres: float,
                   digits: int) -> gpd.GeoDataFrame:
    """A level's areas simplified for the web, with their encoded polygons (``g``), indexed by code.

    Cached per level, store version (file and modification time) and web geometry settings
    (the last four arguments, from :func:`geometry_key`): changing the indicator,
    the classes or an overlay redraws the map without simplifying or encoding the geometry again
    (most of the 1.0 s it takes to draw the London-wide map from scratch).
    """
    web = web_geometry(boundary_layer(level), ["code"], coverage=True)  # every level tiles the map
    web["g"] = [encode_polygons(geom) for geom in web.geometry]
    return web.set_index("code")
