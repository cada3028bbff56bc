"""Where a name goes inside an area: its pole of inaccessibility, the centre of the largest circle it holds.

A centroid can fall outside a crescent-shaped ward or on the river; the pole of inaccessibility is
always inside, as far from the edges as the shape allows, so a name written there stays within its
area. Wards reach the middle of the Thames, so the water is taken out of each shape first.

Examples
--------
>>> import shapely
>>> ell = shapely.Polygon([(0, 0), (100, 0), (100, 20), (20, 20), (20, 100), (0, 100)])
>>> point, radius = pole(ell)
>>> ell.contains(point), ell.contains(ell.centroid)
(True, False)
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def pole(geometry, avoid=None) -> tuple[shapely.Point, float]:
    """The pole of inaccessibility of one (multi)polygon and the radius of its largest inscribed circle (m).

    Parameters
    ----------
    geometry : Polygon or MultiPolygon
        EPSG:27700 (metres).
    avoid : geometry, optional
        Taken out of the shape first (water), unless that would leave almost nothing.
    """
    if geometry is None or geometry.is_empty:
        return shapely.Point(), 0.0
    shape = geometry
    if avoid is not None and not avoid.is_empty:
        land = shapely.difference(geometry, avoid)
        if not land.is_empty and land.area > 0.2 * geometry.area:
            shape = land
    tolerance = max(0.5, float(np.sqrt(shape.area)) / 200.0)
    line = shapely.maximum_inscribed_circle(shape, tolerance)
    coords = shapely.get_coordinates(line)
    centre = shapely.Point(coords[0])
    return centre, float(shapely.length(line))


def poles(geometries, avoid=None) -> tuple[gpd.GeoSeries, np.ndarray]:
    """:func:`pole` of every geometry: the points (same index and CRS) and the inscribed radii (m)."""
    series = gpd.GeoSeries(geometries)
    found = [pole(g, avoid) for g in series]
    points = gpd.GeoSeries([p for p, _ in found], index=series.index, crs=series.crs)
    return points, np.array([r for _, r in found], dtype=float)


def label_points(geometries, avoid=None) -> gpd.GeoSeries:
    """The label point (pole of inaccessibility) of every geometry; points stay as they are."""
    series = gpd.GeoSeries(geometries)
    if len(series) and series.geom_type.isin(["Point"]).all():
        return series
    return poles(series, avoid)[0]
