"""Air quality: LAEI modelled concentrations, the council's NO2 diffusion tubes and LAQN monitoring sites."""
from __future__ import annotations

import codecs
import csv
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
    columns = [f"{p}-{y}-mean" for p in LAEI_POLLUTANTS for y in LAEI_YEARS]
    # Only the columns used (of 76), and the long table built by repeating, not by melting and splitting text:
    # a file at the size limit took 2.5 GiB read whole and melted (bench/bench_build_memory.py).
    require_columns(read_csv(source, source_dir, nrows=0), [code_column] + columns, source.path)
    df = read_csv(source, source_dir, usecols=[code_column] + columns)
    codes = df[code_column].astype(str).str.strip()
    require_unique(pd.DataFrame({"_code": codes}), "_code", source.path, "zone")
    out = pd.DataFrame({
        "code": np.tile(codes.to_numpy(), len(columns)),
        "pollutant": np.repeat([c.split("-")[0] for c in columns], len(df)),
        "year": np.repeat([int(c.split("-")[1]) for c in columns], len(df)),
        "mean": numbers(pd.concat([df[c] for c in columns], ignore_index=True), "*-mean", source.path),
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


#: Data rows of a diffusion tube table parsed at a time: a table at the size limit (200 MiB, about 1.4 million
#: rows) is read in bounded memory (it took 4.8 GiB read whole; bench/bench_build_memory.py).
TUBE_CHUNK_ROWS = 20_000


def _encoding(path: Path) -> str:
    """UTF-8 (with or without a byte-order mark) if the whole file decodes as such, else Windows-1252; checked
    a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with open(path, "rb") as handle:
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _tube_table(path: Path, year: int) -> pd.DataFrame:
    """One year's table: the header row found under the explanatory text, then the data rows a chunk at a time."""
    with open(path, encoding=_encoding(path), newline="") as handle:
        marked = _Marked(handle, "NOT bias adjusted")
        rows = csv.reader(marked)
        header = next((r for r in rows if r and any(c.strip().lower().startswith("site no") for c in r[:3])), None)
        if header is None:
            raise SourceError(f"{path.name}: no header row starting 'Site no'")
        header = [re.sub(r"\s+", " ", c).strip() for c in header]
        ix, month_cols = _tube_columns(path, header)
        frames, body = [], []
        for r in rows:
            if r and r[0].strip():
                body.append((r + [""] * (len(header) - len(r)))[: len(header)])
                if len(body) == TUBE_CHUNK_ROWS:
                    frames.append(_tube_rows(body, header, ix, month_cols, year))
                    body = []
        if body or not frames:
            frames.append(_tube_rows(body, header, ix, month_cols, year))
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out["adjustment_note"] = ("estimated: the council's table says these results are not bias adjusted and applies "
                              "a flat 25% reduction" if marked.seen else "annualised and bias adjusted by the council")
    return out


class _Marked:
    """Lines of a text file, noting whether any contains ``words``."""

    def __init__(self, lines, words: str):
        self.lines, self.words, self.seen = lines, words, False

    def __iter__(self):
        for line in self.lines:
            self.seen = self.seen or self.words in line
            yield line


def _tube_columns(path: Path, header: list[str]) -> tuple[dict, list[int]]:
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
    return ix, [i for i, h in enumerate(header) if re.fullmatch(r"[A-Z][a-z]{2}-\d{2}", h)]


def _tube_rows(body: list[list[str]], header: list[str], ix: dict, month_cols: list[int], year: int) -> pd.DataFrame:
    """Data rows of a tube table (cells as text) as the table's sites (rows without a numbered site dropped)."""
    df = pd.DataFrame(body, columns=range(len(header)))
    months = df[month_cols].apply(lambda s: pd.to_numeric(s.str.strip(), errors="coerce"))
    highest = months.max(axis=1)
    suspect = highest > settings.NO2_IMPLAUSIBLE_MONTHLY
    quality = np.where(suspect, "a monthly value of " + highest.round(1).astype(str) + " µg/m³ is implausible "
                       "(probable data-entry error in the source); the published annual mean includes it, so "
                       "whether the site met the objective is not judged", "")
    # thmaps recalculation for flagged sites only: the raw mean of the plausible months.
    plausible_mean = months.where(months <= settings.NO2_IMPLAUSIBLE_MONTHLY).mean(axis=1).round(2)
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
        "adjustment_note": "",
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
