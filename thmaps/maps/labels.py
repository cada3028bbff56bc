"""Named places on a map: which names are written, where they may go, and the ward lines under them.

Both renderers write the same names from :func:`map_labels`: every locality (London-wide, the
borough once) and, on maps by ward or by a finer level (LSOA, MSOA, Output Area), every ward of
the extent. Each name may go at one of a few *candidate* points inside its area, best first: the
pole of inaccessibility of the area's land (:mod:`thmaps.geo.poles`), then other points far from
its edges. A renderer measures the text at its own scale and keeps the first candidate where the
name fits inside the area and collides with no name placed before it (names are placed in
``priority`` order: the focus and the extent's own ward first, then wards, then localities); a
name that fits nowhere is left out rather than written across a boundary. Long names may break
onto two lines (:func:`text_variants`).

Maps finer than wards also draw the ward boundaries (:func:`ward_lines`), so the names have lines
to belong to.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from .. import settings, store
from ..geo.poles import pole

if TYPE_CHECKING:  # pragma: no cover
    from .prepare import PreparedMap

#: Levels whose maps name the wards.
WARD_NAME_LEVELS = ("ward", "lsoa11", "lsoa21", "msoa21", "oa21")
#: Levels finer than wards: their maps draw the ward boundaries too.
WARD_LINE_LEVELS = ("lsoa11", "lsoa21", "msoa21", "oa21")
#: Candidate points tried per name (the pole first).
CANDIDATES = 16


def text_variants(name: str) -> list[str]:
    """The name on one line, then broken onto two lines at the space nearest its middle.

    Examples
    --------
    >>> text_variants("Bethnal Green East")
    ['Bethnal Green East', 'Bethnal\\nGreen East']
    >>> text_variants("Lansbury")
    ['Lansbury']
    """
    name = " ".join(str(name).split())
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    if not spaces:
        return [name]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return [name, name[:cut] + "\n" + name[cut + 1:]]


def candidates(shape, n: int = CANDIDATES) -> list[tuple[float, float]]:
    """Points inside ``shape`` to try for its name, best first: its pole, then points far from its edges.

    The others come from a grid over the shape, most room first, each at least a fifth of the
    shape's size from those already chosen (so they spread out).
    """
    centre, radius = pole(shape)
    if centre.is_empty:
        return []
    out = [(centre.x, centre.y)]
    minx, miny, maxx, maxy = shape.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 20), np.linspace(miny, maxy, 20))
    points = shapely.points(xs.ravel(), ys.ravel())
    inside = shapely.contains_xy(shape, xs.ravel(), ys.ravel())
    points = points[inside]
    if not len(points):
        return out
    room = shapely.distance(points, shape.boundary)
    spacing = max(maxx - minx, maxy - miny) / 7.0
    for i in np.argsort(-room):
        if room[i] < 0.25 * radius or len(out) >= n:
            break
        x, y = shapely.get_x(points[i]), shapely.get_y(points[i])
        if all((x - a) ** 2 + (y - b) ** 2 >= spacing ** 2 for a, b in out):
            out.append((float(x), float(y)))
    return out


@lru_cache(maxsize=4)
def _land_shapes(layer: str, store_version: float) -> gpd.GeoDataFrame:
    """A boundary layer's areas without the water, each with its candidate label points (cached per store)."""
    areas = store.load_layer(layer)
    water = store.load_layer("water").geometry.union_all()
    shapes = []
    for geom in areas.geometry:
        land = shapely.difference(geom, water)
        shapes.append(land if not land.is_empty and land.area > 0.2 * geom.area else geom)
    out = gpd.GeoDataFrame({"code": areas["code"].to_numpy(), "name": areas["name"].to_numpy()},
                           geometry=shapes, crs=areas.crs)
    out["locality"] = areas["locality"].to_numpy() if "locality" in areas else out["name"]
    out["candidates"] = [candidates(g) for g in out.geometry]
    return out


def _wards_shown(prepared: PreparedMap) -> gpd.GeoDataFrame:
    wards = _land_shapes("wards", store.version())
    kind = prepared.extent.kind
    if kind == "ward":
        return wards[wards["code"] == prepared.extent.code]
    if kind == "locality":
        return wards[wards["locality"] == prepared.extent.locality.name]
    return wards


def map_labels(prepared: PreparedMap) -> gpd.GeoDataFrame:
    """The names a map writes, in the order they are placed (EPSG:27700).

    Returns
    -------
    GeoDataFrame
        ``code``, ``name``, ``kind`` (``"ward"``, ``"locality"`` or ``"borough"``), ``selected``
        (the extent's own area: written darker), ``candidates`` (list of ``(x, y)``, best first) and
        the area's land as geometry (the name must fit inside it; the borough label has none to fit).
    """
    d = prepared.description
    columns = ["code", "name", "kind", "selected", "candidates", "geometry"]
    if prepared.extent.kind == "london":
        borough = prepared.borough.geometry.union_all()
        return gpd.GeoDataFrame([[settings.BOROUGH_CODE, settings.BOROUGH_NAME, "borough", True,
                                  candidates(borough)[:1], None]], columns=columns, geometry="geometry",
                                crs=settings.CRS_STORE)
    rows = []
    if d.level in WARD_NAME_LEVELS:
        wards = _wards_shown(prepared)
        own = prepared.extent.kind == "ward"
        rows += [[w.code, w.name, "ward", own, w.candidates, w.geometry] for w in wards.itertuples()]
        # The extent's own ward first: it must be named whatever else is crowded out.
        rows.sort(key=lambda r: not r[3])
    localities = _land_shapes("localities", store.version())
    chosen = prepared.extent.code if prepared.extent.kind == "locality" else None
    rows += [[loc.code, loc.name, "locality", loc.code == chosen, loc.candidates, loc.geometry]
             for loc in localities.itertuples()]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=settings.CRS_STORE)


def ward_lines(prepared: PreparedMap) -> gpd.GeoDataFrame | None:
    """The ward boundaries to draw over a map finer than wards (None for other maps)."""
    if prepared.description.level not in WARD_LINE_LEVELS or prepared.extent.kind == "london":
        return None
    return store.load_layer("wards")[["code", "name", "geometry"]]


def fits(box, shape, share: float = 0.97) -> bool:
    """Whether a label's box lies inside ``shape`` (all but a sliver: text has empty corners)."""
    if shape is None:
        return True
    inside = shapely.intersection(box, shape).area
    return inside >= share * box.area
