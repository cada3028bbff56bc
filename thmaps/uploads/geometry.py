"""Geometry uploads: a GeoJSON, GeoPackage or zipped shapefile for an overlay, or to replace an
approximation (the real boundary of a Liveable Streets scheme, drawn by default from whole wards).

Files are read by the one reader of users' vector files (:func:`thmaps.impact.upload.read_vector`: content
checks, zip safety, declared or RFC 7946 CRS, reprojection to EPSG:27700, a CRS that puts the data far from
London refused). Here: a limit on features and vertices, the place (Greater London), and repair: an invalid
polygon is made valid where that keeps an area, and the message says so; otherwise it is refused with the
reason. Saved as a user-data record of kind :data:`KIND`; :func:`with_replacements` applies replacement
boundaries to the ``liveable_streets`` layer (the one place: :func:`thmaps.store.load_layer`).
"""
from __future__ import annotations

import datetime as _dt
import re

import geopandas as gpd
import shapely

from .. import store
from ..errors import UploadError, UserDataError
from ..impact.upload import read_vector
from ..impact.site import validity_reason
from ..sources._common import EXTENTS_27700
from ..sources.registry import Source
from .tables import shown
from .userdata import file_source

KIND = "geometry"
PURPOSES = ("overlay", "liveable_streets")
MAX_FEATURES = 500
MAX_VERTICES = 200_000


def check_geometry(data: bytes, filename: str, what: str = "geometry file") -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read and check a user's vector file; the features (EPSG:27700, valid) and what was done to them.

    ``what`` is what the file is uploaded as ("overlay", "scheme boundary"), named in the messages.

    Raises
    ------
    UploadError
        If the file cannot be read, is unsafe, has a wrong CRS, too many features or vertices, lies outside
        Greater London, or holds a polygon that cannot be repaired.
    """
    frame, name, assumed = read_vector(data, filename, what=what)
    notes = [assumed] if assumed else []
    if len(frame) > MAX_FEATURES:
        raise UploadError(f"{name}: the file holds {len(frame):,} features; at most {MAX_FEATURES:,}")
    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    if vertices > MAX_VERTICES:
        raise UploadError(f"{name}: the file has {vertices:,} vertices; at most {MAX_VERTICES:,} (simplify it in "
                          "your GIS)")
    x0, y0, x1, y1 = EXTENTS_27700["london"]
    minx, miny, maxx, maxy = frame.total_bounds
    if minx < x0 or miny < y0 or maxx > x1 or maxy > y1:
        raise UploadError(f"{name}: the features reach outside Greater London (easting {minx:,.0f}-{maxx:,.0f}, "
                          f"northing {miny:,.0f}-{maxy:,.0f})")
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        reason = validity_reason(frame.geometry[invalid].iloc[0])
        repaired = frame.geometry[invalid].make_valid()
        kept = []
        for before, after in zip(frame.geometry[invalid], repaired):
            if before.geom_type in ("Polygon", "MultiPolygon"):
                after = shapely.union_all([g for g in getattr(after, "geoms", [after])
                                           if g.geom_type in ("Polygon", "MultiPolygon")])
                if after.is_empty or after.area < 0.5 * abs(shapely.Polygon(before.exterior).area
                                                            if before.geom_type == "Polygon" else before.area):
                    raise UploadError(f"{name}: a polygon is invalid ({reason}) and cannot be repaired without "
                                      "losing much of its area; fix it in your GIS and upload it again")
            kept.append(after)
        frame = frame.copy()
        frame.loc[invalid, frame.geometry.name] = kept
        notes.append(f"{name}: {int(invalid.sum())} invalid geometr{'y was' if invalid.sum() == 1 else 'ies were'} "
                     f"repaired ({reason}).")
    return frame, notes


def save_geometry(data: bytes, filename: str, title: str, purpose: str = "overlay", area: str | None = None,
                  author: str = "", replace: bool = False, store_=None) -> tuple[int, list[str]]:
    """Check a vector file and keep it as user data; its version and the notes on what was done.

    ``purpose`` is ``"overlay"`` or ``"liveable_streets"`` (then ``area`` names the scheme whose
    approximate boundary it replaces, and the file must hold polygons).
    """
    title = " ".join(str(title or "").split())
    if not title or len(title) > 120 or not title.isprintable():
        raise UserDataError(f"the title must be 1 to 120 printable characters, not {shown(title, 60)}")
    if purpose not in PURPOSES:
        raise UserDataError(f"unknown purpose {shown(purpose)}; purposes: {', '.join(PURPOSES)}")
    if purpose == "liveable_streets":
        areas = set(store.load_layer("liveable_streets", store_)["area"])
        if area not in areas:
            raise UserDataError(f"unknown Liveable Streets area {shown(area)}; areas: {', '.join(sorted(areas))}")
    frame, notes = check_geometry(data, filename, "scheme boundary" if purpose == "liveable_streets" else "overlay")
    if purpose == "liveable_streets" and not frame.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise UploadError(f"{shown(filename, 60)[1:-1]}: a scheme boundary must be polygons, "
                          f"not {', '.join(sorted(set(frame.geom_type.str.lower())))}")
    key = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:60] or "geometry"
    current = store.record(KIND, key, store_)
    if current is not None and not replace:
        raise UserDataError(f"an uploaded geometry titled {shown(title, 60)} exists; replace it or choose another title")
    record = {"title": title, "purpose": purpose, "area": area, "file_name": shown(filename, 80)[1:-1],
              "uploaded": _dt.date.today().isoformat(), "notes": notes,
              "wkt": [g.wkt for g in frame.geometry]}
    version = store.put_record(KIND, key, record, current.version if current else None, author, store_)
    return version, notes


COLUMNS = ["key", "title", "purpose", "area", "file_name", "uploaded", "notes", "geometry"]


def user_geometries(purpose: str | None = None, store_=None) -> gpd.GeoDataFrame:
    """Every uploaded geometry (one row per feature): ``key``, ``title``, ``purpose``, ``area``, ``file_name``,
    ``uploaded``, ``notes`` (what was repaired), ``geometry`` (EPSG:27700)."""
    rows = []
    for rec in store.records(KIND, store_):
        if purpose is None or rec.data.get("purpose") == purpose:
            for wkt in rec.data.get("wkt", []):
                rows.append({"key": rec.key, "title": rec.data.get("title"), "purpose": rec.data.get("purpose"),
                             "area": rec.data.get("area"), "file_name": rec.data.get("file_name"),
                             "uploaded": rec.data.get("uploaded"), "notes": list(rec.data.get("notes") or []),
                             "geometry": shapely.from_wkt(wkt)})
    return gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs="EPSG:27700")


def geometry_source(sid: str, store_=None) -> Source:
    """The registry entry of ``user-geometry:<key>``: provided by the user, with the file name and upload date."""
    return file_source(sid, KIND, "features as uploaded", store_)


def with_replacements(built: gpd.GeoDataFrame, store_=None) -> gpd.GeoDataFrame:
    """The Liveable Streets layer with each area's approximation replaced by an uploaded boundary, if any."""
    uploads = user_geometries("liveable_streets", store_)
    if uploads.empty:
        return built
    out = built.copy()
    for area, part in uploads.groupby("area"):
        match = out["area"] == area
        if match.any():
            first = part.iloc[0]
            out.loc[match, "geometry"] = gpd.GeoSeries([shapely.union_all(part.geometry.values)] * int(match.sum()),
                                                       index=out.index[match], crs=out.crs)
            out.loc[match, "footprint"] = "uploaded"
            out.loc[match, "approximation"] = (f"Boundary provided by the user: {first['file_name']}, uploaded "
                                               f"{first['uploaded']}")
    return out
