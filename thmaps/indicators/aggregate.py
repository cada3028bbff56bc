"""Indicator values: numerators and denominators at each source's own level, aggregation and comparators.

LSOA 2011 values reach wards through population-weighted apportionment
(:func:`thmaps.geo.lsoa_ward_weights`), then localities and the borough by summing wards. Census 2021
values start at Output Areas and are summed up the 2021 geography and, whole OAs, to wards
(:func:`aggregate_oa`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import settings
from ..sources import AGE_BANDS, IMD_DOMAINS, LAEI_POLLUTANTS
from . import census
from .catalogue import CATALOGUE


def _base(indicator_id: str, period: str, codes, numerator, denominator=None) -> pd.DataFrame:
    frame = pd.DataFrame({"indicator_id": indicator_id, "period": str(period), "area_code": list(codes),
                          "numerator": np.asarray(numerator, dtype=float)})
    frame["denominator"] = np.nan if denominator is None else np.asarray(denominator, dtype=float)
    return frame


def lsoa_base_values(population: dict[int, pd.DataFrame], imd: pd.DataFrame, imd_denominators: pd.DataFrame,
                     laei: pd.DataFrame) -> pd.DataFrame:
    """Numerators and denominators of every LSOA-based indicator for the borough's LSOAs."""
    frames = []
    for year, pop in population.items():
        frames.append(_base("population", year, pop["lsoa11cd"], pop["all_ages"]))
        for band in AGE_BANDS:
            key = band.replace("-", "_").replace("+", "_plus")
            frames.append(_base(f"population_{key}", year, pop["lsoa11cd"], pop[band]))
        for band in ("0-15", "65+"):
            key = band.replace("-", "_").replace("+", "_plus")
            frames.append(_base(f"pct_{key}", year, pop["lsoa11cd"], pop[band], pop["all_ages"]))
    frames.append(imd_share_values(imd, imd_denominators, "lsoa11cd"))
    pop2019 = population[2019].set_index("lsoa11cd")["all_ages"]
    for (pollutant, year), part in laei.groupby(["pollutant", "year"]):
        weight = part["lsoa11cd"].map(pop2019)
        if weight.isna().any():
            raise ValueError(f"LAEI {pollutant} {year}: LSOA(s) without population {part.loc[weight.isna(), 'lsoa11cd'].tolist()[:3]}")
        frames.append(_base(f"laei_{pollutant.lower()}", year, part["lsoa11cd"], weight * part["mean"], weight))
    return pd.concat(frames, ignore_index=True)


def imd_share_values(imd: pd.DataFrame, denominators: pd.DataFrame, code_column: str) -> pd.DataFrame:
    """Residents in the most deprived national quintile (and IMD decile 1) per LSOA, as numerator/denominator."""
    merged = imd.merge(denominators, on="lsoa11cd", how="inner")
    frames = []
    for key in IMD_DOMAINS:
        in_q1 = merged[f"{key}_decile"] <= 2
        frames.append(_base(f"{key}_share_q1", 2019, merged[code_column], merged["pop_mid2015"] * in_q1, merged["pop_mid2015"]))
    frames.append(_base("imd_share_d1", 2019, merged[code_column], merged["pop_mid2015"] * (merged["imd_decile"] == 1),
                        merged["pop_mid2015"]))
    return pd.concat(frames, ignore_index=True)


def decile_values(imd: pd.DataFrame) -> pd.DataFrame:
    """IMD and domain deciles of the given LSOAs (shown, never aggregated)."""
    frames = []
    for key in IMD_DOMAINS:
        frame = pd.DataFrame({"indicator_id": f"{key}_decile", "period": "2019", "area_code": imd["lsoa11cd"],
                              "value": imd[f"{key}_decile"].astype(float), "numerator": np.nan, "denominator": np.nan})
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- aggregation

def _finish(frame: pd.DataFrame, rules: dict | None = None) -> pd.DataFrame:
    """Compute ``value`` from numerator/denominator by each indicator's aggregation rule (``rules``: indicator
    id -> rule, for indicators outside the built catalogue)."""
    rules = rules or {}
    rules = {i: rules[i] if i in rules else CATALOGUE[i].aggregation for i in frame["indicator_id"].unique()}
    rule = frame["indicator_id"].map(rules)
    value = frame["numerator"].copy()
    weighted = rule == "weighted_mean"
    value[weighted] = frame.loc[weighted, "numerator"] / frame.loc[weighted, "denominator"]
    share = rule == "share"
    value[share] = 100.0 * frame.loc[share, "numerator"] / frame.loc[share, "denominator"]
    out = frame.copy()
    out["value"] = value
    # A weighted mean's numerator (population × concentration) means nothing to a reader.
    out.loc[weighted, "numerator"] = np.nan
    return out


def aggregate(base: pd.DataFrame, weights: pd.DataFrame, localities: pd.DataFrame,
              rules: dict | None = None) -> pd.DataFrame:
    """Aggregate LSOA numerators/denominators to wards, localities and the borough.

    Parameters
    ----------
    base : DataFrame
        ``indicator_id``, ``period``, ``area_code`` (LSOA 2011), ``numerator``, ``denominator``.
    weights : DataFrame
        ``lsoa11cd``, ``ward_code``, ``weight`` from :func:`thmaps.geo.lsoa_ward_weights`.
    localities : DataFrame
        ``ward_code``, ``locality_code``.

    Returns
    -------
    DataFrame
        One row per indicator, period, level and area: ``level``, ``area_code``, ``value``,
        ``numerator``, ``denominator``.
    """
    keys = ["indicator_id", "period"]
    lsoa = base.assign(level="lsoa11")
    split = base.merge(weights[["lsoa11cd", "ward_code", "weight"]], left_on="area_code", right_on="lsoa11cd")
    split["numerator"] *= split["weight"]
    split["denominator"] *= split["weight"]
    ward = split.groupby(keys + ["ward_code"], as_index=False)[["numerator", "denominator"]].sum(min_count=1)
    ward = ward.rename(columns={"ward_code": "area_code"}).assign(level="ward")
    loc = ward.merge(localities[["ward_code", "locality_code"]], left_on="area_code", right_on="ward_code")
    loc = loc.groupby(keys + ["locality_code"], as_index=False)[["numerator", "denominator"]].sum(min_count=1)
    loc = loc.rename(columns={"locality_code": "area_code"}).assign(level="locality")
    borough = base.groupby(keys, as_index=False)[["numerator", "denominator"]].sum(min_count=1)
    borough = borough.assign(area_code=settings.BOROUGH_CODE, level="borough")
    return _finish(pd.concat([lsoa, ward, loc, borough], ignore_index=True), rules)


#: The levels Output Areas are summed to, and the column of ``members`` naming each OA's area there.
OA_LEVELS = (("lsoa21", "lsoa21cd"), ("msoa21", "msoa21cd"), ("ward", "ward_code"), ("locality", "locality_code"))


def aggregate_oa(base: pd.DataFrame, members: pd.DataFrame, rules: dict | None = None) -> pd.DataFrame:
    """Sum Output Area numerators/denominators to LSOAs and MSOAs 2021, wards, localities and the borough.

    Parameters
    ----------
    base : DataFrame
        ``indicator_id``, ``period``, ``area_code`` (OA 2021), ``numerator``, ``denominator``.
    members : DataFrame
        One row per OA: ``oa21cd``, ``lsoa21cd``, ``msoa21cd``, ``ward_code`` (best fit, whole OA),
        ``locality_code``.

    Returns
    -------
    DataFrame
        Rows at levels ``oa21``, ``lsoa21``, ``msoa21``, ``ward``, ``locality`` and ``borough`` with
        ``value`` computed by each indicator's rule. Every OA is in exactly one area of each level, so
        totals are conserved exactly.
    """
    keys = ["indicator_id", "period"]
    merged = base.merge(members, left_on="area_code", right_on="oa21cd", how="left")
    columns = [column for _, column in OA_LEVELS]
    if merged[columns].isna().any().any():
        lost = merged.loc[merged[columns].isna().any(axis=1), "area_code"].unique().tolist()
        raise ValueError(f"Census 2021: {len(lost)} OA(s) without an LSOA, MSOA, ward or locality, e.g. {lost[:3]}")
    frames = [base.assign(level="oa21")]
    for level, column in OA_LEVELS:
        summed = merged.groupby(keys + [column], as_index=False)[["numerator", "denominator"]].sum(min_count=1)
        frames.append(summed.rename(columns={column: "area_code"}).assign(level=level))
    borough = base.groupby(keys, as_index=False)[["numerator", "denominator"]].sum(min_count=1)
    frames.append(borough.assign(area_code=settings.BOROUGH_CODE, level="borough"))
    return _finish(pd.concat(frames, ignore_index=True), rules)


def census_values(counts: pd.DataFrame, percent: pd.DataFrame, members: pd.DataFrame, london_counts: pd.DataFrame,
                  london_percent: pd.DataFrame, ew_percent: pd.Series) -> pd.DataFrame:
    """Every Census 2021 indicator at every level, with the London and England-and-Wales comparators."""
    return pd.concat([aggregate_oa(census.oa_values(counts, percent), members),
                      _finish(census.london_values(london_counts, london_percent)),
                      census.ew_values(ew_percent)], ignore_index=True)


def laei_zone_values(zones: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """LAEI zone means as they are (LSOA 2021, MSOA 2021): no numerator or denominator, not re-aggregated.

    Parameters
    ----------
    zones : dict
        Level -> frame from :func:`thmaps.sources.read_laei_zones` (``code``, ``pollutant``, ``year``, ``mean``).
    """
    frames = []
    for level, frame in zones.items():
        part = frame[frame["pollutant"].isin(LAEI_POLLUTANTS)]
        frames.append(pd.DataFrame({"indicator_id": "laei_" + part["pollutant"].str.lower(), "period": part["year"].astype(str),
                                    "level": level, "area_code": part["code"], "value": part["mean"].astype(float),
                                    "numerator": np.nan, "denominator": np.nan}))
    return pd.concat(frames, ignore_index=True)


def point_counts(points: pd.DataFrame, indicator_id: str, period: str, value_column: str | None,
                 localities: pd.DataFrame) -> pd.DataFrame:
    """Counts from points already assigned to wards: per point (if valued), ward, locality, borough."""
    inside = points.loc[points["ward_code"].notna()].copy()
    inside["numerator"] = 1.0 if value_column is None else inside[value_column].astype(float)
    frames = []
    if value_column is not None:
        frames.append(pd.DataFrame({"level": "practice", "area_code": inside["facility_id"], "numerator": inside["numerator"]}))
    ward = inside.groupby("ward_code")["numerator"].sum()
    ward = ward.reindex(localities["ward_code"], fill_value=0.0)
    frames.append(pd.DataFrame({"level": "ward", "area_code": ward.index, "numerator": ward.values}))
    loc = ward.groupby(localities.set_index("ward_code")["locality_code"]).sum()
    frames.append(pd.DataFrame({"level": "locality", "area_code": loc.index, "numerator": loc.values}))
    frames.append(pd.DataFrame({"level": "borough", "area_code": [settings.BOROUGH_CODE], "numerator": [ward.sum()]}))
    out = pd.concat(frames, ignore_index=True)
    out["indicator_id"], out["period"], out["denominator"] = indicator_id, period, np.nan
    return _finish(out)


def comparator_imd(imd: pd.DataFrame, denominators: pd.DataFrame, london_lsoa_codes) -> pd.DataFrame:
    """England and London shares of residents in the most deprived national quintile / decile."""
    base = imd_share_values(imd, denominators, "lsoa11cd")
    london = base[base["area_code"].isin(set(london_lsoa_codes))]
    out = []
    for level, code, part in (("england", settings.ENGLAND_CODE, base), ("london", settings.LONDON_CODE, london)):
        summed = part.groupby(["indicator_id", "period"], as_index=False)[["numerator", "denominator"]].sum()
        out.append(summed.assign(level=level, area_code=code))
    return _finish(pd.concat(out, ignore_index=True))


def comparator_laei(boroughs: pd.DataFrame, borough_residents: pd.Series) -> pd.DataFrame:
    """London LAEI concentration: the 33 borough means weighted by their residents (Census 2011).

    The LAEI borough summaries are area-weighted within each borough; weighting boroughs by residents
    brings the London figure close to the population-weighted borough and locality figures.
    """
    rows = []
    for (pollutant, year), part in boroughs[boroughs["pollutant"].isin(LAEI_POLLUTANTS)].groupby(["pollutant", "year"]):
        residents = part["lad22cd"].map(borough_residents)
        if residents.isna().any():
            raise ValueError(f"LAEI boroughs: no residents for {part.loc[residents.isna(), 'lad22cd'].tolist()}")
        rows.append({"indicator_id": f"laei_{pollutant.lower()}", "period": str(year), "level": "london",
                     "area_code": settings.LONDON_CODE, "value": float((part["mean"] * residents).sum() / residents.sum()),
                     "numerator": np.nan, "denominator": float(residents.sum())})
    return pd.DataFrame(rows)


def fingertips_values(table: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Fingertips rows as long-table rows at borough, London and England level."""
    level = {settings.BOROUGH_CODE: "borough", settings.LONDON_CODE: "london", settings.ENGLAND_CODE: "england"}
    return pd.DataFrame({
        "indicator_id": indicator_id, "period": table["period"].astype(str), "level": table["area_code"].map(level),
        "area_code": table["area_code"], "value": table["value"], "numerator": table["count"],
        "denominator": table["denominator"],
    })


#: LAEI zone summaries stored as they are, by level.
LAEI_ZONE_SOURCES = {"lsoa21": "laei_lsoa21", "msoa21": "laei_msoa21"}


def _row_source(indicator_id: str, period: str, level: str) -> str:
    """The sources behind one row: the dated source of its period, plus the weights used at its level."""
    indicator = CATALOGUE[indicator_id]
    if indicator.base_level == "oa21":
        return ";".join(census.row_sources(indicator_id, level))
    ids = [s for s in indicator.source_ids if s.endswith(str(period))] or list(indicator.source_ids)
    if indicator_id.startswith("laei_"):
        ids = [LAEI_ZONE_SOURCES[level]] if level in LAEI_ZONE_SOURCES else ["laei_lsoa11"]
        ids += ["pop_mid2019"] if level in ("ward", "locality", "borough") else []
        if level == "london":
            ids = ["laei_boroughs", "london_lsoa11"]
    if level in ("ward", "locality") and indicator.base_level == "lsoa11":
        ids += ["oa21", "oa21_ward_lookup", "census_oa_counts"]
    if level in ("london", "london_lsoa11") and "london_lsoa11" not in ids and indicator.base_level == "lsoa11":
        ids.append("london_lsoa11")
    return ";".join(dict.fromkeys(ids))


def finalise(long: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Add unit, source and area name; order the columns of the stored long table."""
    out = long.copy()
    out["unit"] = out["indicator_id"].map(lambda i: CATALOGUE[i].unit)
    out["source_id"] = [_row_source(i, p, l) for i, p, l in zip(out["indicator_id"], out["period"], out["level"])]
    out["area_name"] = out["area_code"].map(names).fillna(out["area_code"])
    cols = ["indicator_id", "level", "area_code", "area_name", "period", "value", "unit", "numerator", "denominator", "source_id"]
    return out[cols].sort_values(["indicator_id", "period", "level", "area_code"]).reset_index(drop=True)
