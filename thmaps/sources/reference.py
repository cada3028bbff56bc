"""Postcodes (Code-Point Open 2014), the S106/CIL and Liveable Streets lists, and Fingertips exports."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .registry import get as get_source
from ._common import normalise_postcode, points_from_xy, read_csv, require_columns

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
    return points_from_xy(out.dropna(subset=["postcode"]), "easting", "northing", "EPSG:27700", source.path)



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
