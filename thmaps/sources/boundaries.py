"""Boundary layers and the lookups between them (OA, LSOA, MSOA, ward), in EPSG:27700."""
from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import yaml
from shapely import is_valid_reason as explain_validity, make_valid

from .. import settings
from ..errors import SourceError
from .registry import get as get_source
from ._common import check_bounds, first_line, normalise_ward_name, read_csv, require_columns, source_path

# --- boundaries

def boundary_registry() -> dict:
    """The boundary layers declared in ``thmaps/data/boundaries.yaml``."""
    return yaml.safe_load(settings.BOUNDARY_REGISTRY.read_text(encoding="utf-8"))["layers"]


def read_boundary(layer: str, source_dir: Path | None = None, repair: bool = True) -> gpd.GeoDataFrame:
    """Read one boundary layer as ``code``, ``name``, ``geometry`` in EPSG:27700.

    TopoJSON files carry no CRS tag: the registry's declared CRS is set, then the
    coordinates are checked to lie in London.  Invalid geometries are repaired
    (``repair=True``) or reported as a :class:`SourceError` (``repair=False``, for validation).
    """
    spec = boundary_registry()[layer]
    source = get_source(spec["source"])
    path = source_path(source, source_dir)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for corrupt files
        raise SourceError(f"{source.path}: cannot be read as a vector file ({first_line(exc)})") from None
    if gdf.empty:
        raise SourceError(f"{source.path}: contains no features")
    require_columns(gdf, [spec["code"], spec["name"]], source.path)
    declared = source.crs
    if gdf.crs is None:
        if path.suffix == ".shp" or not declared:
            raise SourceError(f"{source.path}: has no CRS (no .prj or CRS tag)")
        gdf = gdf.set_crs(declared)
    elif declared and gdf.crs.to_epsg(min_confidence=20) != int(declared.split(":")[1]):
        raise SourceError(f"{source.path}: CRS is {gdf.crs.name}, expected {declared}")
    elif declared:
        # A .prj without authority codes (the London shapefile) matches at low confidence: use the EPSG definition.
        gdf = gdf.set_crs(declared, allow_override=True)
    check_bounds(gdf, source.path, "london" if layer.startswith("london") else "borough", gdf[spec["code"]])
    out = gpd.GeoDataFrame(
        {"code": gdf[spec["code"]].astype(str).str.strip(), "name": gdf[spec["name"]].astype(str).str.strip()},
        geometry=gdf.geometry.values,
        crs=gdf.crs,
    ).to_crs(settings.CRS_STORE)
    if out.geometry.isna().any() or out.geometry.is_empty.any():
        raise SourceError(f"{source.path}: {int((out.geometry.isna() | out.geometry.is_empty).sum())} feature(s) have no geometry")
    invalid = ~out.geometry.is_valid
    if invalid.any() and not repair:
        first = out.loc[invalid].iloc[0]
        raise SourceError(f"{source.path}: {int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'} "
                          f"(first: {first['code']}, {explain_validity(first.geometry)})")
    if invalid.any():
        out.loc[invalid, "geometry"] = make_valid(out.loc[invalid, "geometry"].values)
    if out["code"].duplicated().any():
        raise SourceError(f"{source.path}: repeated codes {sorted(out.loc[out['code'].duplicated(), 'code'])[:5]}")
    if layer == "wards":
        out["name"] = out["name"].map(normalise_ward_name)
    extra = [c for c in ("LAD11CD", "USUALRES") if c in gdf.columns]
    for col in extra:
        out[col.lower()] = gdf[col].values
    expected = spec.get("expected")
    if expected and len(out) != expected:
        raise SourceError(f"{source.path}: {len(out)} features, expected {expected}")
    return out.sort_values("code").reset_index(drop=True)



# --- lookups between geographies

def read_oa_ward_lookup(source_dir: Path | None = None) -> pd.DataFrame:
    """OA 2021 -> ward name (2022) and MSOA 2021, best fit."""
    source = get_source("oa21_ward_lookup")
    df = read_csv(source, source_dir, dtype=str)
    require_columns(df, ["ward_name", "oa21cd", "MSOA21CD"], source.path)
    return pd.DataFrame({
        "oa21cd": df["oa21cd"].str.strip(),
        "ward_name": df["ward_name"].map(normalise_ward_name),
        "msoa21cd": df["MSOA21CD"].str.strip(),
    })


def read_lsoa11_ward_lookup(source_dir: Path | None = None) -> pd.DataFrame:
    """LSOA 2011 -> ward (best fit), with old ward names mapped to 2022 names."""
    source = get_source("lsoa11_ward_lookup")
    path = source_path(source, source_dir)
    try:
        df = pd.read_excel(path, dtype=str)
    except Exception as exc:
        raise SourceError(f"{source.path}: cannot be read as a spreadsheet ({first_line(exc)})") from None
    require_columns(df, ["LSOA11CD", "WD20CD", "WD20NM"], source.path)
    return pd.DataFrame({
        "lsoa11cd": df["LSOA11CD"].str.strip(),
        "ward_code": df["WD20CD"].str.strip(),
        "ward_name": df["WD20NM"].map(normalise_ward_name),
    })


def read_lsoa11_lsoa21_lookup(source_dir: Path | None = None) -> pd.DataFrame:
    """ONS LSOA 2011 -> 2021 lookup, Tower Hamlets rows only."""
    source = get_source("lsoa11_lsoa21_lookup")
    df = read_csv(source, source_dir, dtype=str)
    df.columns = [c.lstrip("\ufeff").upper() for c in df.columns]
    first = df.columns[0]
    df = df.rename(columns={first: "LSOA11CD"})
    require_columns(df, ["LSOA11CD", "LSOA21CD", "CHGIND", "LAD22CD"], source.path)
    df = df[df["LAD22CD"] == settings.BOROUGH_CODE]
    return df.rename(columns=str.lower)[["lsoa11cd", "lsoa21cd", "chgind"]].reset_index(drop=True)
