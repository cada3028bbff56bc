"""Population (ONS mid-year estimates) and deprivation (English Indices of Deprivation 2019) by LSOA 2011."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import SourceError
from .registry import get as get_source
from ._common import numbers, read_csv, require_at_least, require_columns, require_unique

AGE_BANDS = ("0-15", "16-29", "30-44", "45-64", "65+")


def read_population(year: int, source_dir: Path | None = None) -> pd.DataFrame:
    """ONS mid-year persons by LSOA 2011: ``lsoa11cd``, ``all_ages`` and one column per age band."""
    source = get_source(f"pop_mid{year}")
    df = read_csv(source, source_dir)
    columns = ["Persons_All-Ages"] + [f"Persons_{b}" for b in AGE_BANDS]
    require_columns(df, ["LSOA11CD"] + columns, source.path)
    out = pd.DataFrame({"lsoa11cd": df["LSOA11CD"].astype(str).str.strip()})
    out["all_ages"] = numbers(df["Persons_All-Ages"], "Persons_All-Ages", source.path)
    for band in AGE_BANDS:
        out[band] = numbers(df[f"Persons_{band}"], f"Persons_{band}", source.path)
    if (out[list(AGE_BANDS)].sum(axis=1) != out["all_ages"]).any():
        raise SourceError(f"{source.path}: age bands do not add up to all ages")
    require_unique(out, "lsoa11cd", source.path, "LSOA")
    for column in ["all_ages", *AGE_BANDS]:
        require_at_least(out[column], 0, column, source.path, out["lsoa11cd"])
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
    df = read_csv(source, source_dir, compression="infer")
    require_columns(df, ["LSOA code (2011)", "Local Authority District code (2019)"], source.path)
    out = pd.DataFrame({
        "lsoa11cd": df["LSOA code (2011)"].astype(str).str.strip(),
        "lad19cd": df["Local Authority District code (2019)"].astype(str).str.strip(),
    })
    for key, label in IMD_DOMAINS.items():
        rank = [c for c in df.columns if c.startswith(label) and " Rank" in c]
        decile = [c for c in df.columns if c.startswith(label) and " Decile" in c]
        if not rank or not decile:
            raise SourceError(f"{source.path}: missing column(s) for the {label} domain rank/decile")
        out[f"{key}_rank"] = numbers(df[rank[0]], rank[0], source.path, integer=True)
        out[f"{key}_decile"] = numbers(df[decile[0]], decile[0], source.path, integer=True)
        bad = ~out[f"{key}_decile"].between(1, 10)
        if bad.any():
            raise SourceError(f"{source.path}: {label} decile {out.loc[bad, f'{key}_decile'].iloc[0]} for "
                              f"{out.loc[bad, 'lsoa11cd'].iloc[0]} is not between 1 and 10")
    require_unique(out, "lsoa11cd", source.path, "LSOA")
    return out


def read_imd_denominators(source_dir: Path | None = None) -> pd.DataFrame:
    """IoD 2019 mid-2015 population denominators for every English LSOA."""
    source = get_source("imd2019_denominators")
    df = read_csv(source, source_dir, compression="infer", thousands=",")
    col = "Total population: mid 2015 (excluding prisoners)"
    require_columns(df, ["LSOA code (2011)", col], source.path)
    out = pd.DataFrame({
        "lsoa11cd": df["LSOA code (2011)"].astype(str).str.strip(),
        "pop_mid2015": numbers(df[col], col, source.path),
    })
    require_unique(out, "lsoa11cd", source.path, "LSOA")
    require_at_least(out["pop_mid2015"], 0, col, source.path, out["lsoa11cd"])
    return out
