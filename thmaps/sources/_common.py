"""Shared reading helpers for the source readers: paths, CSVs, numbers, coordinates and names.

Every reader raises :class:`thmaps.errors.SourceError` with a message that names the file and says
what is wrong, so that validation and the build can report it in plain words.
"""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .._util import first_line
from ..errors import SourceError
from .registry import Source

#: Generous bounds around London (South East England), used to catch a missing, wrong or swapped CRS.
LONDON_BOUNDS_27700 = (450_000, 120_000, 620_000, 240_000)
LONDON_BOUNDS_4326 = (-1.5, 50.9, 1.0, 52.0)

def source_path(source: Source, source_dir: Path | None) -> Path:
    path = source.location(source_dir)
    if not path.exists():
        raise SourceError(f"{source.path}: file not found in the source directory ({path.parent})")
    if path.is_file() and path.stat().st_size > settings.MAX_SOURCE_BYTES:
        raise SourceError(f"{source.path}: file is larger than {settings.MAX_SOURCE_BYTES // 2**20} MiB")
    return path


def require_columns(frame: pd.DataFrame, columns, source_path: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{source_path}: missing column(s) {', '.join(repr(c) for c in missing)}")


def read_csv(source: Source, source_dir: Path | None, **kwargs) -> pd.DataFrame:
    path = source_path(source, source_dir)
    errors = (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError, ValueError)
    try:
        try:
            return pd.read_csv(path, encoding="utf-8-sig", **kwargs)
        except UnicodeDecodeError:
            return pd.read_csv(path, encoding="cp1252", **kwargs)
    except errors as exc:
        raise SourceError(f"{source.path}: cannot be read as CSV ({first_line(exc)})") from None


def numbers(series: pd.Series, column: str, source_path: str, integer: bool = False) -> pd.Series:
    """Numbers from a column, or a :class:`SourceError` naming the file, column and first bad value."""
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any() or values.isna().any():
        first = series[bad | values.isna()].iloc[0]
        raise SourceError(f"{source_path}: column {column!r} has a missing or non-numeric value ({first!r})")
    return values.astype(int) if integer else values




def check_bounds(gdf: gpd.GeoDataFrame, source_path: str) -> None:
    """Raise if the coordinates do not lie where the declared CRS says London is."""
    bounds = LONDON_BOUNDS_27700 if gdf.crs.to_epsg(min_confidence=20) == 27700 else LONDON_BOUNDS_4326
    minx, miny, maxx, maxy = gdf.total_bounds
    if not (bounds[0] <= minx and maxx <= bounds[2] and bounds[1] <= miny and maxy <= bounds[3]):
        raise SourceError(
            f"{source_path}: coordinates ({minx:.4g}, {miny:.4g}) - ({maxx:.4g}, {maxy:.4g}) do not lie in "
            f"London in {gdf.crs.to_string()}: the CRS is missing or wrong"
        )


def points_from_xy(frame: pd.DataFrame, x: str, y: str, crs: str, source_path: str) -> gpd.GeoDataFrame:
    """Points from two coordinate columns, checked to lie in London, returned in EPSG:27700."""
    require_columns(frame, [x, y], source_path)
    xs = pd.to_numeric(frame[x], errors="coerce")
    ys = pd.to_numeric(frame[y], errors="coerce")
    bad = xs.isna() | ys.isna()
    if bad.any():
        # A dropped row would silently shrink totals (a practice's patients, say): refuse instead.
        raise SourceError(f"{source_path}: {int(bad.sum())} row(s) have no numeric coordinates in {x!r}/{y!r} "
                          f"(first at data row {int(np.flatnonzero(bad.to_numpy())[0]) + 1})")
    gdf = gpd.GeoDataFrame(frame.loc[~bad].copy(), geometry=gpd.points_from_xy(xs[~bad], ys[~bad]), crs=crs)
    check_bounds(gdf, source_path)
    return gdf.to_crs(settings.CRS_STORE)


def normalise_ward_name(name: str) -> str:
    """Canonical 2022 ward name: ``"St. Peter's"`` -> ``"Bethnal Green West"``, ``"St. Dunstan's"`` -> ``"St Dunstan's"``."""
    clean = re.sub(r"\s+", " ", str(name)).strip().replace("St. ", "St ").replace("’", "'").replace(" and ", " & ")
    return settings.OLD_WARD_NAMES.get(clean, clean)


def normalise_postcode(text: str) -> str | None:
    """``"e11bb"``, ``" E1 1BB "`` -> ``"E1 1BB"``; ``None`` if it is not shaped like a UK postcode."""
    compact = re.sub(r"[^A-Za-z0-9]", "", str(text or "")).upper()
    if not re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"
