"""Readers for the source datasets.

Each ``read_*`` function reads one dataset of the registry from the source
directory, checks the columns it needs and returns a clean frame: normalised
codes and names, numbers as numbers, geometries in EPSG:27700.  A problem is
raised as :class:`thmaps.sources.SourceError` with a message that names the
file and says what is wrong, so that ``validate`` and ``build`` can report it.
"""
from __future__ import annotations

import csv
import io as _io
import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import yaml
from shapely import is_valid_reason as explain_validity, make_valid

from . import settings
from .sources import Source, SourceError, get as get_source

#: Generous bounds around London (South East England), used to catch a missing, wrong or swapped CRS.
LONDON_BOUNDS_27700 = (450_000, 120_000, 620_000, 240_000)
LONDON_BOUNDS_4326 = (-1.5, 50.9, 1.0, 52.0)


# --------------------------------------------------------------------------- helpers

def _path(source: Source, source_dir: Path | None) -> Path:
    path = source.location(source_dir)
    if not path.exists():
        raise SourceError(f"{source.path}: file not found in the source directory ({path.parent})")
    if path.is_file() and path.stat().st_size > settings.MAX_SOURCE_BYTES:
        raise SourceError(f"{source.path}: file is larger than {settings.MAX_SOURCE_BYTES // 2**20} MiB")
    return path


def _require_columns(frame: pd.DataFrame, columns, source_path: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{source_path}: missing column(s) {', '.join(repr(c) for c in missing)}")


def _read_csv(source: Source, source_dir: Path | None, **kwargs) -> pd.DataFrame:
    path = _path(source, source_dir)
    errors = (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError, ValueError)
    try:
        try:
            return pd.read_csv(path, encoding="utf-8-sig", **kwargs)
        except UnicodeDecodeError:
            return pd.read_csv(path, encoding="cp1252", **kwargs)
    except errors as exc:
        raise SourceError(f"{source.path}: cannot be read as CSV ({_first_line(exc)})") from None


def _numbers(series: pd.Series, column: str, source_path: str, integer: bool = False) -> pd.Series:
    """Numbers from a column, or a :class:`SourceError` naming the file, column and first bad value."""
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any() or values.isna().any():
        first = series[bad | values.isna()].iloc[0]
        raise SourceError(f"{source_path}: column {column!r} has a missing or non-numeric value ({first!r})")
    return values.astype(int) if integer else values


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _check_bounds(gdf: gpd.GeoDataFrame, source_path: str) -> None:
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
    _require_columns(frame, [x, y], source_path)
    xs = pd.to_numeric(frame[x], errors="coerce")
    ys = pd.to_numeric(frame[y], errors="coerce")
    bad = xs.isna() | ys.isna()
    if bad.any():
        # A dropped row would silently shrink totals (a practice's patients, say): refuse instead.
        raise SourceError(f"{source_path}: {int(bad.sum())} row(s) have no numeric coordinates in {x!r}/{y!r} "
                          f"(first at data row {int(np.flatnonzero(bad.to_numpy())[0]) + 1})")
    gdf = gpd.GeoDataFrame(frame.loc[~bad].copy(), geometry=gpd.points_from_xy(xs[~bad], ys[~bad]), crs=crs)
    _check_bounds(gdf, source_path)
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


# --------------------------------------------------------------------------- boundaries

def boundary_registry() -> dict:
    """The boundary layers declared in ``boundaries/registry.yaml``."""
    return yaml.safe_load(settings.BOUNDARY_REGISTRY.read_text(encoding="utf-8"))["layers"]


def read_boundary(layer: str, source_dir: Path | None = None, repair: bool = True) -> gpd.GeoDataFrame:
    """Read one boundary layer as ``code``, ``name``, ``geometry`` in EPSG:27700.

    TopoJSON files carry no CRS tag: the registry's declared CRS is set, then the
    coordinates are checked to lie in London.  Invalid geometries are repaired
    (``repair=True``) or reported as a :class:`SourceError` (``repair=False``, for validation).
    """
    spec = boundary_registry()[layer]
    source = get_source(spec["source"])
    path = _path(source, source_dir)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for corrupt files
        raise SourceError(f"{source.path}: cannot be read as a vector file ({_first_line(exc)})") from None
    if gdf.empty:
        raise SourceError(f"{source.path}: contains no features")
    _require_columns(gdf, [spec["code"], spec["name"]], source.path)
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
    _check_bounds(gdf, source.path)
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


# --------------------------------------------------------------------------- lookups

def read_oa_ward_lookup(source_dir: Path | None = None) -> pd.DataFrame:
    """OA 2021 -> ward name (2022) and MSOA 2021, best fit."""
    source = get_source("oa21_ward_lookup")
    df = _read_csv(source, source_dir, dtype=str)
    _require_columns(df, ["ward_name", "oa21cd", "MSOA21CD"], source.path)
    return pd.DataFrame({
        "oa21cd": df["oa21cd"].str.strip(),
        "ward_name": df["ward_name"].map(normalise_ward_name),
        "msoa21cd": df["MSOA21CD"].str.strip(),
    })


def read_lsoa11_ward_lookup(source_dir: Path | None = None) -> pd.DataFrame:
    """LSOA 2011 -> ward (best fit), with old ward names mapped to 2022 names."""
    source = get_source("lsoa11_ward_lookup")
    path = _path(source, source_dir)
    try:
        df = pd.read_excel(path, dtype=str)
    except Exception as exc:
        raise SourceError(f"{source.path}: cannot be read as a spreadsheet ({_first_line(exc)})") from None
    _require_columns(df, ["LSOA11CD", "WD20CD", "WD20NM"], source.path)
    return pd.DataFrame({
        "lsoa11cd": df["LSOA11CD"].str.strip(),
        "ward_code": df["WD20CD"].str.strip(),
        "ward_name": df["WD20NM"].map(normalise_ward_name),
    })


def read_lsoa11_lsoa21_lookup(source_dir: Path | None = None) -> pd.DataFrame:
    """ONS LSOA 2011 -> 2021 lookup, Tower Hamlets rows only."""
    source = get_source("lsoa11_lsoa21_lookup")
    df = _read_csv(source, source_dir, dtype=str)
    df.columns = [c.lstrip("\ufeff").upper() for c in df.columns]
    first = df.columns[0]
    df = df.rename(columns={first: "LSOA11CD"})
    _require_columns(df, ["LSOA11CD", "LSOA21CD", "CHGIND", "LAD22CD"], source.path)
    df = df[df["LAD22CD"] == settings.BOROUGH_CODE]
    return df.rename(columns=str.lower)[["lsoa11cd", "lsoa21cd", "chgind"]].reset_index(drop=True)


# --------------------------------------------------------------------------- population and deprivation

AGE_BANDS = ("0-15", "16-29", "30-44", "45-64", "65+")


def read_population(year: int, source_dir: Path | None = None) -> pd.DataFrame:
    """ONS mid-year persons by LSOA 2011: ``lsoa11cd``, ``all_ages`` and one column per age band."""
    source = get_source(f"pop_mid{year}")
    df = _read_csv(source, source_dir)
    columns = ["Persons_All-Ages"] + [f"Persons_{b}" for b in AGE_BANDS]
    _require_columns(df, ["LSOA11CD"] + columns, source.path)
    out = pd.DataFrame({"lsoa11cd": df["LSOA11CD"].astype(str).str.strip()})
    out["all_ages"] = _numbers(df["Persons_All-Ages"], "Persons_All-Ages", source.path)
    for band in AGE_BANDS:
        out[band] = _numbers(df[f"Persons_{band}"], f"Persons_{band}", source.path)
    if (out[list(AGE_BANDS)].sum(axis=1) != out["all_ages"]).any():
        raise SourceError(f"{source.path}: age bands do not add up to all ages")
    return out


IMD_DOMAINS = {
    "imd": "Index of Multiple Deprivation (IMD)",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "housing": "Barriers to Housing and Services",
    "living": "Living Environment",
}


def read_imd(source_dir: Path | None = None) -> pd.DataFrame:
    """IoD 2019 ranks and deciles for all 32,844 English LSOAs (rank 1 = most deprived)."""
    source = get_source("imd2019")
    df = _read_csv(source, source_dir, compression="infer")
    _require_columns(df, ["LSOA code (2011)", "Local Authority District code (2019)"], source.path)
    out = pd.DataFrame({
        "lsoa11cd": df["LSOA code (2011)"].astype(str).str.strip(),
        "lad19cd": df["Local Authority District code (2019)"].astype(str).str.strip(),
    })
    for key, label in IMD_DOMAINS.items():
        rank = [c for c in df.columns if c.startswith(label) and " Rank" in c]
        decile = [c for c in df.columns if c.startswith(label) and " Decile" in c]
        if not rank or not decile:
            raise SourceError(f"{source.path}: missing column(s) for the {label} domain rank/decile")
        out[f"{key}_rank"] = _numbers(df[rank[0]], rank[0], source.path, integer=True)
        out[f"{key}_decile"] = _numbers(df[decile[0]], decile[0], source.path, integer=True)
    return out


def read_imd_denominators(source_dir: Path | None = None) -> pd.DataFrame:
    """IoD 2019 mid-2015 population denominators for every English LSOA."""
    source = get_source("imd2019_denominators")
    df = _read_csv(source, source_dir, compression="infer", thousands=",")
    col = "Total population: mid 2015 (excluding prisoners)"
    _require_columns(df, ["LSOA code (2011)", col], source.path)
    return pd.DataFrame({
        "lsoa11cd": df["LSOA code (2011)"].astype(str).str.strip(),
        "pop_mid2015": _numbers(df[col], col, source.path),
    })


# --------------------------------------------------------------------------- air quality

LAEI_POLLUTANTS = ("NO2", "PM25", "PM10")
LAEI_YEARS = (2013, 2016, 2019)


def read_laei_lsoa11(source_dir: Path | None = None) -> pd.DataFrame:
    """LAEI area-weighted mean concentrations per LSOA 2011, long: lsoa11cd, pollutant, year, mean."""
    source = get_source("laei_lsoa11")
    df = _read_csv(source, source_dir)
    columns = [f"{p}-{y}-mean" for p in LAEI_POLLUTANTS for y in LAEI_YEARS]
    _require_columns(df, ["LSOA11CD"] + columns, source.path)
    long = df.melt(id_vars="LSOA11CD", value_vars=columns, var_name="key", value_name="mean")
    parts = long["key"].str.split("-", expand=True)
    return pd.DataFrame({
        "lsoa11cd": long["LSOA11CD"].str.strip(),
        "pollutant": parts[0],
        "year": parts[1].astype(int),
        "mean": _numbers(long["mean"], "*-mean", source.path),
    })


def read_laei_boroughs(source_dir: Path | None = None) -> pd.DataFrame:
    """LAEI concentration summaries for the 33 London boroughs (area-weighted means)."""
    source = get_source("laei_boroughs")
    df = _read_csv(source, source_dir)
    _require_columns(df, ["LAD22CD", "pollutant", "year", "mean"], source.path)
    return df[["LAD22CD", "pollutant", "year", "mean"]].rename(columns={"LAD22CD": "lad22cd"})


def _tube_table(path: Path, year: int) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows = list(csv.reader(_io.StringIO(text)))
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
    folder = _path(source, source_dir)
    files = sorted(folder.glob("lbth_no2_tubes_[0-9][0-9][0-9][0-9].csv"))
    if not files:
        raise SourceError(f"{source.path}: no yearly files lbth_no2_tubes_YYYY.csv")
    frames = [_tube_table(f, int(f.stem[-4:])) for f in files]
    df = pd.concat(frames, ignore_index=True)
    # Two sites each share the names "Millwall Park" and "Victoria Park": the site number keeps them apart.
    df["site_id"] = df["year"].astype(str) + "-" + df["site_no"]
    return points_from_xy(df, "easting", "northing", "EPSG:27700", source.path)


def read_laqn_sites(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """LAQN automatic monitoring sites (all London), 2018 annual NO2 and PM10, EPSG:27700."""
    source = get_source("laqn_sites")
    df = _read_csv(source, source_dir)
    df = df.rename(columns={df.columns[0]: "site_name"})
    _require_columns(df, ["Monitor", "Longitude", "Latitude", "NO2", "PM10"], source.path)
    out = pd.DataFrame({
        "site_code": df["Monitor"].astype(str).str.strip(),
        # The file's first column is a ward label, not the site's name.
        "site_name": "LAQN site " + df["Monitor"].astype(str).str.strip(),
        "source_ward_label": df["site_name"].astype(str).str.strip(),
        "no2_2018": pd.to_numeric(df["NO2"], errors="coerce"),
        "pm10_2018": pd.to_numeric(df["PM10"], errors="coerce"),
        "lon": df["Longitude"], "lat": df["Latitude"],
    })
    return points_from_xy(out, "lon", "lat", "EPSG:4326", source.path)


# --------------------------------------------------------------------------- health facilities

def practice_name(text: str) -> str:
    """Readable case for an upper-case ODS name: ``"ST.STEPHENS HEALTH CENTRE"`` -> ``"St.Stephens Health Centre"``.

    Two-letter initials such as ``XX`` or ``AK`` keep their capitals; ``ST``, ``DR`` and short words do not.
    """
    lower_words = {"ST", "DR", "OF", "ON", "AT", "IN", "TO", "AND"}

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if len(word) <= 2 and word.isupper() and word not in lower_words:
            return word
        return word[:1].upper() + word[1:].lower()

    return re.sub(r"[A-Za-z]+", fix, str(text).strip()).replace("'S ", "'s ")


def read_gp_practices(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The 30 GP practices with April 2026 list sizes and 2024-25 PCN, EPSG:27700."""
    source = get_source("gp_practices")
    df = _read_csv(source, source_dir, dtype={"ods_code": str})
    needed = ["ods_code", "practice_name_epraccur2019", "address_2019", "postcode_2026", "postcode_2019",
              "registered_patients_2026_04", "pcn_2024_25", "easting", "northing", "coord_source",
              "ward_code", "locality"]
    _require_columns(df, needed, source.path)
    out = pd.DataFrame({
        "facility_id": df["ods_code"].str.strip(),
        "name": df["practice_name_epraccur2019"].map(practice_name),
        "address": df["address_2019"].str.strip(),
        "postcode": df["postcode_2026"].map(normalise_postcode),
        "list_size": _numbers(df["registered_patients_2026_04"], "registered_patients_2026_04", source.path, integer=True),
        "pcn": df["pcn_2024_25"].str.strip(),
        "source_ward_code": df["ward_code"].str.strip(),
        "source_locality": df["locality"].str.strip(),
        "coord_source": df["coord_source"].str.strip(),
        "easting": df["easting"], "northing": df["northing"],
    })
    out["kind"] = "gp_practice"
    out["status"] = "open"
    out["note"] = ""
    out["duplicate_of"] = ""
    # The source notes that some 2019 names are out of date.
    moved = df["postcode_2019"].map(normalise_postcode) != out["postcode"]
    out.loc[moved, "note"] = "Address is the 2019 one; located at the 2026 postcode"
    out.loc[out["facility_id"] == "F84039", "note"] = "Now at Goodman's Fields (E1 8ZF); address shown is the 2019 one"
    out.loc[out["facility_id"] == "F84114", "note"] = "Probably today's City Square Medical Group"
    out["source_id"] = source.id
    return points_from_xy(out, "easting", "northing", "EPSG:27700", source.path)


_NHS_KINDS = {"hospital": "nhs_hospitals", "pharmacy": "nhs_pharmacies", "clinic": "nhs_clinics"}
#: London Chest Hospital closed in 2015 (source bundle README).
CLOSED_FACILITIES = {"London Chest Hospital": "Closed in 2015"}
#: Records the 2014 list repeats under a predecessor organisation code: {code: code of the record kept}.
#: RNJ (Barts and The London NHS Trust) merged into Barts Health (R1H) in 2012; both list the same site.
DUPLICATE_FACILITIES = {"RNJ83": "R1H83"}


def read_nhs_facilities(kind: str, source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """NHS Choices February 2014 hospitals, pharmacies or clinics, EPSG:27700."""
    source = get_source(_NHS_KINDS[kind])
    df = _read_csv(source, source_dir, dtype=str)
    _require_columns(df, ["OrganisationCode", "OrganisationName", "Postcode", "Latitude", "Longitude"], source.path)
    address = df[[c for c in ("Address1", "Address2", "Address3", "City") if c in df.columns]].fillna("")
    out = pd.DataFrame({
        "facility_id": df["OrganisationCode"].str.strip(),
        "name": df["OrganisationName"].str.strip(),
        "address": address.apply(lambda r: ", ".join(v.strip() for v in r if v and v.strip()), axis=1),
        "postcode": df["Postcode"].map(normalise_postcode),
        "list_size": pd.NA,
        "pcn": "",
        "sector": df["Sector"].fillna("") if "Sector" in df.columns else "",
        "lat": df["Latitude"], "lon": df["Longitude"],
    })
    out["kind"] = kind
    out["status"] = "open (2014 list)"
    out["note"] = ""
    for name, note in CLOSED_FACILITIES.items():
        closed = out["name"].str.contains(name, case=False, regex=False)
        out.loc[closed, "status"] = "closed"
        out.loc[closed, "note"] = note
    out["duplicate_of"] = out["facility_id"].map(DUPLICATE_FACILITIES).fillna("")
    for code, kept in DUPLICATE_FACILITIES.items():
        repeated = out["facility_id"] == code
        notes = out.loc[repeated, "note"]
        out.loc[repeated, "note"] = notes.where(notes == "", notes + "; ") + \
            f"Same site as {kept}, listed again under a predecessor trust code; drawn once on maps"
    out["source_id"] = source.id
    return points_from_xy(out, "lon", "lat", "EPSG:4326", source.path)


# --------------------------------------------------------------------------- postcodes

def read_codepoint(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Code-Point Open 2014 postcodes for Tower Hamlets, EPSG:27700."""
    source = get_source("codepoint")
    df = _read_csv(source, source_dir, dtype={"postcode": str, "admin_ward_code_2014": str})
    _require_columns(df, ["postcode", "easting", "northing", "positional_quality", "admin_ward_code_2014"], source.path)
    out = pd.DataFrame({
        "postcode": df["postcode"].map(normalise_postcode),
        "positional_quality": pd.to_numeric(df["positional_quality"], errors="coerce"),
        "ward_code_2014": df["admin_ward_code_2014"].str.strip(),
        "easting": df["easting"], "northing": df["northing"],
    })
    out["coord_source"] = "Code-Point Open 2014"
    return points_from_xy(out.dropna(subset=["postcode"]), "easting", "northing", "EPSG:27700", source.path)


# --------------------------------------------------------------------------- reference lists

def read_s106_projects(source_dir: Path | None = None) -> pd.DataFrame:
    """S106/CIL health projects as published (no geometry): amounts in GBP, dates, links."""
    source = get_source("s106_health")
    df = _read_csv(source, source_dir, dtype=str)
    _require_columns(df, ["project", "location", "locality", "total_gbp", "decision_date", "source_urls"], source.path)
    out = df.fillna("").copy()
    for col in ("total_gbp", "cil_gbp", "s106_gbp"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col].replace("", np.nan), errors="coerce")
    out["year"] = out["decision_date"].str[:4].replace("", np.nan)
    return out


def read_liveable_streets(source_dir: Path | None = None) -> pd.DataFrame:
    """Liveable Streets programme areas (no geometry is published)."""
    source = get_source("liveable_streets")
    df = _read_csv(source, source_dir, dtype=str)
    _require_columns(df, ["area", "phase", "planned_start", "status_notes"], source.path)
    return df.fillna("")


# --------------------------------------------------------------------------- fingertips

def read_fingertips(source_id: str, source_dir: Path | None = None) -> pd.DataFrame:
    """A Fingertips export reduced to all-persons rows for Tower Hamlets, London and England."""
    source = get_source(source_id)
    df = _read_csv(source, source_dir, dtype={"Area Code": str, "Time period": str})
    _require_columns(df, ["Indicator ID", "Indicator Name", "Area Code", "Time period", "Value", "Category Type"], source.path)
    keep = df["Category Type"].isna() & df["Area Code"].isin([settings.BOROUGH_CODE, settings.LONDON_CODE, settings.ENGLAND_CODE])
    out = df.loc[keep, ["Indicator ID", "Indicator Name", "Area Code", "Time period", "Value"]].copy()
    out.columns = ["indicator_id", "indicator_name", "area_code", "period", "value"]
    for col in ("Count", "Denominator"):
        out[col.lower()] = pd.to_numeric(df.loc[keep, col], errors="coerce") if col in df.columns else np.nan
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    return out.reset_index(drop=True)
