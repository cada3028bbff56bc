"""Air quality: LAEI modelled concentrations, the council's NO2 diffusion tubes and LAQN monitoring sites."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..errors import SourceError
from .registry import get as get_source
from ._common import (check_size, numbers, points_from_xy, read_csv, require_at_least, require_columns,
                      require_unique, source_path)

LAEI_POLLUTANTS = ("NO2", "PM25", "PM10")
LAEI_YEARS = (2013, 2016, 2019)


#: The LAEI zone summaries in the bundle: level -> (source id, code column).
LAEI_ZONES = {"lsoa11": ("laei_lsoa11", "LSOA11CD"), "lsoa21": ("laei_lsoa21", "LSOA21CD"),
              "msoa21": ("laei_msoa21", "MSOA21CD")}


def read_laei_zones(level: str, source_dir: Path | None = None) -> pd.DataFrame:
    """LAEI area-weighted mean concentrations per zone, long: ``code``, ``pollutant``, ``year``, ``mean``.

    Parameters
    ----------
    level : {"lsoa11", "lsoa21", "msoa21"}
        The zones of the summary file (LSOA 2011, LSOA 2021 or MSOA 2021).
    """
    source_id, code_column = LAEI_ZONES[level]
    source = get_source(source_id)
    df = read_csv(source, source_dir)
    columns = [f"{p}-{y}-mean" for p in LAEI_POLLUTANTS for y in LAEI_YEARS]
    require_columns(df, [code_column] + columns, source.path)
    long = df.melt(id_vars=code_column, value_vars=columns, var_name="key", value_name="mean")
    parts = long["key"].str.split("-", expand=True)
    require_unique(df.assign(_code=df[code_column].astype(str).str.strip()), "_code", source.path, "zone")
    out = pd.DataFrame({
        "code": long[code_column].astype(str).str.strip(),
        "pollutant": parts[0],
        "year": parts[1].astype(int),
        "mean": numbers(long["mean"], "*-mean", source.path),
    })
    require_at_least(out["mean"], 0, "*-mean", source.path, out["code"])
    return out


def read_laei_lsoa11(source_dir: Path | None = None) -> pd.DataFrame:
    """LAEI area-weighted mean concentrations per LSOA 2011, long: lsoa11cd, pollutant, year, mean."""
    return read_laei_zones("lsoa11", source_dir).rename(columns={"code": "lsoa11cd"})


def read_laei_boroughs(source_dir: Path | None = None) -> pd.DataFrame:
    """LAEI concentration summaries for the 33 London boroughs (area-weighted means)."""
    source = get_source("laei_boroughs")
    df = read_csv(source, source_dir)
    require_columns(df, ["LAD22CD", "pollutant", "year", "mean"], source.path)
    return df[["LAD22CD", "pollutant", "year", "mean"]].rename(columns={"LAD22CD": "lad22cd"})


def _tube_table(path: Path, year: int) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next((i for i, r in enumerate(rows) if r and any(c.strip().lower().startswith("site no") for c in r[:3])), None)
    if header_at is None:
        raise SourceError(f"{path.name}: no header row starting 'Site no'")
    header = [re.sub(r"\s+", " ", c).strip() for c in rows[header_at]]
    body = [r + [""] * (len(header) - len(r)) for r in rows[header_at + 1:] if r and r[0].strip()]
    df = pd.DataFrame([r[: len(header)] for r in body], columns=range(len(header)))
    def find(pred):
        return next((i for i, h in enumerate(header) if pred(h.lower())), None)
    ix = {
        "site_no": find(lambda h: h.startswith("site no")),
        "location": find(lambda h: h == "location"),
        "x": find(lambda h: h.startswith("grid square") and h.rstrip(" (m)").endswith("x")),
        "y": find(lambda h: h.startswith("grid square") and h.rstrip(" (m)").endswith("y")),
        "site_type": find(lambda h: h == "site type"),
        "mean_raw": find(lambda h: h in ("average", "annual mean")),
        "mean_adjusted": find(lambda h: "bias adjusted" in h),
    }
    labels = {"site_no": "Site no", "location": "Location", "x": "Grid squaresX", "y": "Grid squaresY",
              "site_type": "Site Type", "mean_raw": "Average / Annual mean", "mean_adjusted": "Annualised & Bias Adjusted Average"}
    missing = [labels[k] for k, v in ix.items() if v is None]
    if missing:
        raise SourceError(f"{path.name}: missing column(s) {', '.join(repr(m) for m in missing)}")
    month_cols = [i for i, h in enumerate(header) if re.fullmatch(r"[A-Z][a-z]{2}-\d{2}", h)]
    months = df[month_cols].apply(lambda s: pd.to_numeric(s.str.strip(), errors="coerce"))
    highest = months.max(axis=1)
    suspect = highest > settings.NO2_IMPLAUSIBLE_MONTHLY
    quality = np.where(suspect, "a monthly value of " + highest.round(1).astype(str) + " µg/m³ is implausible "
                       "(probable data-entry error in the source); the published annual mean includes it, so "
                       "whether the site met the objective is not judged", "")
    # thmaps recalculation for flagged sites only: the raw mean of the plausible months.
    plausible_mean = months.where(months <= settings.NO2_IMPLAUSIBLE_MONTHLY).mean(axis=1).round(2)
    not_adjusted = "NOT bias adjusted" in text
    out = pd.DataFrame({
        "year": year,
        "site_no": df[ix["site_no"]].str.strip(),
        "location": df[ix["location"]].str.strip(),
        "easting": pd.to_numeric(df[ix["x"]], errors="coerce"),
        "northing": pd.to_numeric(df[ix["y"]], errors="coerce"),
        "site_type": df[ix["site_type"]].str.strip(),
        "months_measured": months.notna().sum(axis=1).astype(int),
        "months_in_year": len(month_cols),
        "annual_mean_raw": pd.to_numeric(df[ix["mean_raw"]], errors="coerce"),
        "annual_mean_bias_adjusted": pd.to_numeric(df[ix["mean_adjusted"]], errors="coerce"),
        "quality_note": quality,
        "raw_mean_without_suspect_month": np.where(suspect, plausible_mean, np.nan),
        "adjustment_note": ("estimated: the council's table says these results are not bias adjusted and applies "
                            "a flat 25% reduction" if not_adjusted else "annualised and bias adjusted by the council"),
    })
    return out[out["site_no"].str.fullmatch(r"\d+") & out["easting"].notna()]


def read_no2_tubes(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """All years of diffusion tube results: one row per site and year, points in EPSG:27700.

    ``annual_mean_bias_adjusted`` is the council's annualised, bias-adjusted mean, the figure
    compared against the 40 µg/m³ objective; ``annual_mean_raw`` is the unadjusted mean.
    """
    source = get_source("no2_tubes")
    folder = source_path(source, source_dir)
    files = sorted(folder.glob("lbth_no2_tubes_[0-9][0-9][0-9][0-9].csv"))
    if not files:
        raise SourceError(f"{source.path}: no yearly files lbth_no2_tubes_YYYY.csv")
    frames = [_tube_table(check_size(f, f"{source.path}/{f.name}"), int(f.stem[-4:])) for f in files]
    df = pd.concat(frames, ignore_index=True)
    # Two sites each share the names "Millwall Park" and "Victoria Park": the site number keeps them apart.
    df["site_id"] = df["year"].astype(str) + "-" + df["site_no"]
    require_unique(df, "site_id", source.path, "diffusion tube (year and site number)")
    for column in ("annual_mean_raw", "annual_mean_bias_adjusted"):
        require_at_least(df[column].dropna(), 0, column, source.path, df.loc[df[column].notna(), "site_id"])
    return points_from_xy(df, "easting", "northing", "EPSG:27700", source.path, code="site_id")


def read_laqn_sites(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """LAQN automatic monitoring sites (all London), 2018 annual NO2 and PM10, EPSG:27700."""
    source = get_source("laqn_sites")
    df = read_csv(source, source_dir)
    df = df.rename(columns={df.columns[0]: "site_name"})
    require_columns(df, ["Monitor", "Longitude", "Latitude", "NO2", "PM10"], source.path)
    out = pd.DataFrame({
        "site_code": df["Monitor"].astype(str).str.strip(),
        # The file's first column is a ward label, not the site's name.
        "site_name": "LAQN site " + df["Monitor"].astype(str).str.strip(),
        "source_ward_label": df["site_name"].astype(str).str.strip(),
        "no2_2018": pd.to_numeric(df["NO2"], errors="coerce"),
        "pm10_2018": pd.to_numeric(df["PM10"], errors="coerce"),
        "lon": df["Longitude"], "lat": df["Latitude"],
    })
    require_unique(out, "site_code", source.path, "monitoring site")
    # The network reaches beyond Greater London (Thurrock, Slough...): only the borough's own sites are kept.
    return points_from_xy(out, "lon", "lat", "EPSG:4326", source.path, extent=None, code="site_code")


def objective_status(tubes: pd.DataFrame) -> pd.Series:
    """``"above"``, ``"at or below"`` the 40 µg/m³ objective, or ``"not judged"``.

    Judged on the council's annualised, bias-adjusted mean. A site with no mean, or whose published mean
    includes an implausible month (``quality_note``), is not judged.
    """
    mean = pd.to_numeric(tubes["annual_mean_bias_adjusted"], errors="coerce")
    status = np.where(mean > settings.NO2_OBJECTIVE, "above", "at or below")
    status = np.where(mean.isna() | (tubes["quality_note"] != ""), "not judged", status)
    return pd.Series(status, index=tubes.index)
