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
#: Where a feature of each kind of source may lie, EPSG:27700 (minx, miny, maxx, maxy): the borough's wards
#: (533,336-539,581 E, 178,043-184,699 N) or Greater London's LSOAs (503,574-561,957 E, 155,851-200,934 N),
#: each with about a kilometre to spare. A feature outside moved, or has a wrong coordinate.
EXTENTS_27700 = {"borough": (532_000, 177_000, 541_000, 186_000), "london": (502_000, 154_000, 563_000, 202_000)}
EXTENT_NAMES = {"borough": "Tower Hamlets", "london": "Greater London"}
#: A table wider than this is not one of ours (the widest source, the IoD file, has 26 columns).
MAX_COLUMNS = 500


def check_size(path: Path, shown: str) -> Path:
    """Refuse a file larger than :data:`thmaps.settings.MAX_SOURCE_BYTES` (read at call time)."""
    if path.is_file() and path.stat().st_size > settings.MAX_SOURCE_BYTES:
        raise SourceError(f"{shown}: file is larger than {settings.MAX_SOURCE_BYTES // 2**20} MiB")
    return path


def source_path(source: Source, source_dir: Path | None) -> Path:
    path = source.location(source_dir)
    if not path.exists():
        raise SourceError(f"{source.path}: file not found in the source directory ({path.parent})")
    return check_size(path, source.path)


def shown_value(value, limit: int = 40) -> str:
    """A value from a file as quoted in a message: printable characters only, shortened."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def require_unique(frame: pd.DataFrame, column: str, source_path: str, what: str) -> None:
    """Refuse a file that lists the same code twice (a repeated row would count twice)."""
    repeated = frame.loc[frame[column].duplicated(), column]
    if len(repeated):
        raise SourceError(f"{source_path}: {what} {shown_value(repeated.iloc[0])} appears more than once "
                          f"({len(repeated)} repeated row(s)); each must appear once")


def require_at_least(values: pd.Series, minimum: float, column: str, source_path: str,
                     codes: pd.Series | None = None) -> None:
    """Refuse impossible values below ``minimum`` (a negative count or population, say)."""
    low = values < minimum
    if low.any():
        where = f" for {shown_value(codes[low].iloc[0])}" if codes is not None else ""
        raise SourceError(f"{source_path}: column {column!r} has an impossible value {values[low].iloc[0]:g}{where} "
                          f"(below {minimum:g})")


def require_columns(frame: pd.DataFrame, columns, source_path: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{source_path}: missing column(s) {', '.join(repr(c) for c in missing)}")


def read_csv(source: Source, source_dir: Path | None, **kwargs) -> pd.DataFrame:
    path = source_path(source, source_dir)
    _check_width(path, source.path)
    errors = (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError, ValueError)
    try:
        try:
            return pd.read_csv(path, encoding="utf-8-sig", **kwargs)
        except UnicodeDecodeError:
            return pd.read_csv(path, encoding="cp1252", **kwargs)
    except errors as exc:
        raise SourceError(f"{source.path}: cannot be read as CSV ({first_line(exc)})") from None


def _check_width(path: Path, shown: str) -> None:
    """Refuse a table with absurdly many columns before pandas reads it whole."""
    if path.suffix in (".gz", ".zip") or not path.is_file():
        return
    with open(path, "rb") as handle:
        first = handle.readline(1_000_000)
    if first.count(b",") + 1 > MAX_COLUMNS:
        raise SourceError(f"{shown}: has {first.count(b',') + 1:,} columns or more; thmaps reads tables of at most "
                          f"{MAX_COLUMNS}")


def numbers(series: pd.Series, column: str, source_path: str, integer: bool = False) -> pd.Series:
    """Numbers from a column, or a :class:`SourceError` naming the file, column and first bad value."""
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any() or values.isna().any():
        first = series[bad | values.isna()].iloc[0]
        raise SourceError(f"{source_path}: column {column!r} has a missing or non-numeric value ({shown_value(first)})")
    return values.astype(int) if integer else values


def check_bounds(gdf: gpd.GeoDataFrame, source_path: str, extent: str | None = "borough",
                 codes: pd.Series | None = None) -> None:
    """Raise if the coordinates do not lie where the declared CRS says London is, or a feature lies
    outside the extent its source covers (``"borough"``, ``"london"``; ``None`` for no such check)."""
    bounds = LONDON_BOUNDS_27700 if gdf.crs.to_epsg(min_confidence=20) == 27700 else LONDON_BOUNDS_4326
    minx, miny, maxx, maxy = gdf.total_bounds
    if not (bounds[0] <= minx and maxx <= bounds[2] and bounds[1] <= miny and maxy <= bounds[3]):
        raise SourceError(
            f"{source_path}: coordinates ({minx:.4g}, {miny:.4g}) - ({maxx:.4g}, {maxy:.4g}) do not lie in "
            f"London in {gdf.crs.to_string()}: the CRS is missing or wrong"
        )
    if extent is None:
        return
    box = EXTENTS_27700[extent]
    bounds = gdf.geometry.to_crs(settings.CRS_STORE).bounds
    outside = ((bounds["minx"] < box[0]) | (bounds["miny"] < box[1]) | (bounds["maxx"] > box[2])
               | (bounds["maxy"] > box[3])).to_numpy()
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        name = f" {shown_value(codes.iloc[i])}" if codes is not None else f" at data row {i + 1}"
        centre = gdf.geometry.iloc[[i]].to_crs(settings.CRS_STORE).representative_point().iloc[0]
        raise SourceError(f"{source_path}: feature{name} lies outside {EXTENT_NAMES[extent]} (near easting "
                          f"{centre.x:,.0f}, northing {centre.y:,.0f}); {int(outside.sum())} feature(s) do")


def points_from_xy(frame: pd.DataFrame, x: str, y: str, crs: str, source_path: str, extent: str | None = "borough",
                   code: str | None = None) -> gpd.GeoDataFrame:
    """Points from two coordinate columns, checked to lie in ``extent`` (named by ``code``), in EPSG:27700."""
    require_columns(frame, [x, y], source_path)
    xs = pd.to_numeric(frame[x], errors="coerce")
    ys = pd.to_numeric(frame[y], errors="coerce")
    bad = xs.isna() | ys.isna()
    if bad.any():
        # A dropped row would silently shrink totals (a practice's patients, say): refuse instead.
        raise SourceError(f"{source_path}: {int(bad.sum())} row(s) have no numeric coordinates in {x!r}/{y!r} "
                          f"(first at data row {int(np.flatnonzero(bad.to_numpy())[0]) + 1})")
    gdf = gpd.GeoDataFrame(frame.loc[~bad].copy(), geometry=gpd.points_from_xy(xs[~bad], ys[~bad]), crs=crs)
    check_bounds(gdf, source_path, extent, gdf[code] if code else None)
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
