"""Census 2021 at Output Area level: counts, topic shares (rounded %), category codes and comparators.

The ONS topic summaries in the bundle come in two forms: a few **counts** per OA (TS001 usual
residents, TS008 sex, TS038 disability, TS046 households and central heating), and the **share** of
each category of 15 topics, in % rounded to 0.1. A count recovered from a share (share × base) is an
estimate; :mod:`thmaps.indicators.census` says which indicators rest on which.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import settings
from ..errors import SourceError
from ._common import numbers, read_csv, require_columns
from .registry import get as get_source

#: Count columns every counts file must have (the others are read too when present).
COUNT_COLUMNS = ("usual_residents", "residents_in_households", "residents_in_communal_establishments",
                 "disabled", "disability_table_total", "households", "households_no_central_heating")
#: Number of Output Areas in Tower Hamlets and in London (lad22cd starting E09).
BOROUGH_OAS = 913
LONDON_OAS = 26_369


def read_counts(source_dir: Path | None = None, london: bool = False) -> pd.DataFrame:
    """Census 2021 counts per Output Area: ``oa21cd``, ``lsoa21cd``, ``lad22cd`` and whole-number counts.

    Parameters
    ----------
    london : bool
        All London OAs (the comparator file) instead of Tower Hamlets'.

    Raises
    ------
    SourceError
        If a column is missing, a count is not a number, a code repeats, or the OAs are not the
        borough's 913 (or London's 26,369).
    """
    source = get_source("census_oa_counts_london" if london else "census_oa_counts")
    df = read_csv(source, source_dir, dtype={"oa21cd": str, "lsoa21cd": str, "lad22cd": str}, compression="infer")
    require_columns(df, ["oa21cd", "lsoa21cd", "lad22cd", *COUNT_COLUMNS], source.path)
    out = pd.DataFrame({c: df[c].astype(str).str.strip() for c in ("oa21cd", "lsoa21cd", "lad22cd")})
    for column in [c for c in df.columns if c not in out.columns]:
        out[column] = numbers(df[column], column, source.path, integer=True)
    _check_codes(out, source.path, london)
    return out


def read_percent(source_dir: Path | None = None, london: bool = False) -> pd.DataFrame:
    """Census 2021 category shares per Output Area: ``oa21cd`` and one column per category code, in %.

    The source rounds every share to 0.1; the shares of one topic add up to 100 ± 0.2.
    """
    source = get_source("census_oa_percent_london" if london else "census_oa_percent")
    df = read_csv(source, source_dir, dtype={"oa21cd": str}, compression="infer")
    require_columns(df, ["oa21cd"], source.path)
    codes = [c for c in df.columns if "-" in c]
    if not codes:
        raise SourceError(f"{source.path}: no category columns (named like 'health_in_general_4a-003')")
    out = pd.DataFrame({"oa21cd": df["oa21cd"].astype(str).str.strip()})
    values = {c: numbers(df[c], c, source.path) for c in codes}
    out = pd.concat([out, pd.DataFrame(values)], axis=1)
    bad = [c for c in codes if not out[c].between(0, 100).all()]
    if bad:
        raise SourceError(f"{source.path}: shares outside 0-100% in column(s) {', '.join(bad[:3])}")
    _check_codes(out, source.path, london)
    return out


def read_categories(source_dir: Path | None = None) -> pd.DataFrame:
    """Every category code: ``class_code``, ``variable``, ``unit`` (population base), ``category``, ``source_table``."""
    source = get_source("census_categories")
    df = read_csv(source, source_dir, dtype=str)
    require_columns(df, ["class_code", "variable", "unit", "category_code", "category", "source_table"], source.path)
    return df.fillna("").set_index("category_code")


def read_ew_percent(source_dir: Path | None = None) -> pd.Series:
    """England and Wales share of each category, in % rounded to 0.1 (no counts are in the bundle)."""
    source = get_source("census_ew")
    df = read_csv(source, source_dir, dtype={"category_code": str})
    require_columns(df, ["category_code", "england_and_wales_percent"], source.path)
    return pd.Series(numbers(df["england_and_wales_percent"], "england_and_wales_percent", source.path).to_numpy(),
                     index=df["category_code"].str.strip(), name="england_and_wales_percent")


def require_categories(frame_columns, codes, source_id: str) -> None:
    """Raise a :class:`SourceError` naming the file if any category code an indicator needs is absent."""
    missing = [c for c in codes if c not in set(frame_columns)]
    if missing:
        raise SourceError(f"{get_source(source_id).path}: missing category column(s) {', '.join(missing[:5])}")


def _check_codes(frame: pd.DataFrame, path: str, london: bool) -> None:
    if frame["oa21cd"].duplicated().any():
        repeated = sorted(frame.loc[frame["oa21cd"].duplicated(), "oa21cd"])
        raise SourceError(f"{path}: repeated OA code(s) {repeated[:3]}")
    expected = LONDON_OAS if london else BOROUGH_OAS
    if len(frame) != expected:
        raise SourceError(f"{path}: {len(frame)} Output Areas, expected {expected:,}")
    if "lad22cd" in frame.columns:
        wrong = ~frame["lad22cd"].str.startswith("E09") if london else frame["lad22cd"] != settings.BOROUGH_CODE
        if wrong.any():
            where = "London" if london else "Tower Hamlets"
            raise SourceError(f"{path}: {int(wrong.sum())} OA(s) outside {where} "
                              f"(lad22cd {frame.loc[wrong, 'lad22cd'].iloc[0]})")
