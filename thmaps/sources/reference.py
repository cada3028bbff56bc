"""Postcodes (Code-Point Open 2014), the S106/CIL and Liveable Streets lists (with the Bethnal Green outline and
traffic filters), and Fingertips exports."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..errors import SourceError
from .registry import get as get_source
from ._common import (check_bounds, first_line, normalise_postcode, points_from_xy, read_csv, require_columns, require_unique, source_path)

# --- postcodes

def read_codepoint(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Code-Point Open 2014 postcodes for Tower Hamlets, EPSG:27700."""
    source = get_source("codepoint")
    df = read_csv(source, source_dir, dtype={"postcode": str, "admin_ward_code_2014": str})
    require_columns(df, ["postcode", "easting", "northing", "positional_quality", "admin_ward_code_2014"], source.path)
    out = pd.DataFrame({
        "postcode": df["postcode"].map(normalise_postcode),
        "positional_quality": pd.to_numeric(df["positional_quality"], errors="coerce"),
        "ward_code_2014": df["admin_ward_code_2014"].str.strip(),
        "easting": df["easting"], "northing": df["northing"],
    })
    out["coord_source"] = "Code-Point Open 2014"
    out = out.dropna(subset=["postcode"])
    # A postcode listed twice would be looked up wherever the first row puts it.
    require_unique(out, "postcode", source.path, "postcode")
    return points_from_xy(out, "easting", "northing", "EPSG:27700", source.path, code="postcode")



# --- reference lists

def read_s106_projects(source_dir: Path | None = None) -> pd.DataFrame:
    """S106/CIL health projects as published (no geometry): amounts in GBP, dates, links."""
    source = get_source("s106_health")
    df = read_csv(source, source_dir, dtype=str)
    require_columns(df, ["project", "location", "locality", "total_gbp", "decision_date", "source_urls"], source.path)
    out = df.fillna("").copy()
    for col in ("total_gbp", "cil_gbp", "s106_gbp"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col].replace("", np.nan), errors="coerce")
    out["year"] = out["decision_date"].str[:4].replace("", np.nan)
    return out


def read_liveable_streets(source_dir: Path | None = None) -> pd.DataFrame:
    """Liveable Streets programme areas (no geometry is published)."""
    source = get_source("liveable_streets")
    df = read_csv(source, source_dir, dtype=str)
    require_columns(df, ["area", "phase", "planned_start", "status_notes"], source.path)
    return df.fillna("")


def read_liveable_streets_outline(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The Bethnal Green low-traffic area as hand-digitised by a third party: one polygon, EPSG:27700.

    Approximate, not an official boundary (the file says so in its ``precision`` property).
    """
    source = get_source("liveable_streets_outline")
    path = source_path(source, source_dir)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for corrupt files
        raise SourceError(f"{source.path}: cannot be read as a vector file ({first_line(exc)})") from None
    if len(gdf) != 1 or not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise SourceError(f"{source.path}: expected one polygon, found {len(gdf)} feature(s) "
                          f"({', '.join(sorted(set(gdf.geom_type.astype(str))))})")
    gdf = gdf.set_crs(source.crs, allow_override=True) if gdf.crs is None else gdf
    check_bounds(gdf, source.path)
    require_columns(gdf, ["scheme_area", "precision"], source.path)
    return gdf.to_crs(settings.CRS_STORE)


def read_traffic_filters(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Traffic filters of the Bethnal Green scheme, located by a third party: points in EPSG:27700."""
    source = get_source("liveable_streets_filters")
    df = read_csv(source, source_dir, dtype=str)
    require_columns(df, ["location", "lat", "lon", "scheme_area", "source", "located_by"], source.path)
    df = df.fillna("")
    df["location"] = df["location"].str.strip()
    return points_from_xy(df, "lon", "lat", source.crs, source.path, code="location")


# --- Fingertips exports

def read_fingertips(source_id: str, source_dir: Path | None = None) -> pd.DataFrame:
    """A Fingertips export reduced to all-persons rows for Tower Hamlets, London and England."""
    source = get_source(source_id)
    df = read_csv(source, source_dir, dtype={"Area Code": str, "Time period": str})
    require_columns(df, ["Indicator ID", "Indicator Name", "Area Code", "Time period", "Value", "Category Type"], source.path)
    keep = df["Category Type"].isna() & df["Area Code"].isin([settings.BOROUGH_CODE, settings.LONDON_CODE, settings.ENGLAND_CODE])
    out = df.loc[keep, ["Indicator ID", "Indicator Name", "Area Code", "Time period", "Value"]].copy()
    out.columns = ["indicator_id", "indicator_name", "area_code", "period", "value"]
    for col in ("Count", "Denominator"):
        out[col.lower()] = pd.to_numeric(df.loc[keep, col], errors="coerce") if col in df.columns else np.nan
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    return out.reset_index(drop=True)
