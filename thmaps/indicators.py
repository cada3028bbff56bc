"""Indicators: the catalogue, values at each source's own level, and aggregation.

Values reach wards from LSOAs through population-weighted apportionment
(:func:`thmaps.geography.lsoa_ward_weights`), then localities and the borough by
summing wards.  Every value is carried as a numerator and a denominator so that
aggregation is one rule for all:

* ``sum`` (counts): numerator = count, no denominator; value = numerator.
* ``weighted_mean`` (concentrations): numerator = population × value, denominator =
  population; value = numerator / denominator.
* ``share`` (percentages, including the share of residents in the most deprived
  national decile or quintile): numerator and denominator are people; value =
  100 × numerator / denominator.

Ranks and deciles are shown at LSOA level only; above it they are summarised by
the share of residents living in the most deprived national quintile.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict

import numpy as np
import pandas as pd

from . import settings
from .io import AGE_BANDS, IMD_DOMAINS, LAEI_POLLUTANTS, LAEI_YEARS

LEVELS = ("lsoa11", "ward", "locality", "borough")
COMPARATOR_LEVELS = ("london", "england")
LEVEL_LABELS = {"lsoa11": "LSOA 2011", "ward": "Ward", "locality": "Locality", "borough": "Borough",
                "london": "London", "england": "England", "practice": "GP practice",
                "london_lsoa11": "London LSOA 2011"}

POP_WEIGHT_NOTE = "ONS mid-2019 LSOA population (assumption: the same weights for every LAEI year)"


@dataclass(frozen=True)
class Indicator:
    """One row of the indicator catalogue."""

    id: str
    title: str
    unit: str
    kind: str            # count | share | concentration | decile
    aggregation: str     # sum | weighted_mean | share | none
    higher_is_worse: bool | None
    source_ids: tuple[str, ...]
    base_level: str
    periods: tuple[str, ...]
    levels: tuple[str, ...]
    method: str
    summary_of: str = ""       # for a share summarising a decile indicator
    national_deciles: bool = False
    comparators: tuple[str, ...] = field(default_factory=tuple)

    def as_row(self) -> dict:
        row = asdict(self)
        for key in ("source_ids", "periods", "levels", "comparators"):
            row[key] = ";".join(row[key])
        row["higher_is_worse"] = "" if self.higher_is_worse is None else str(self.higher_is_worse)
        return row


def _catalogue() -> list[Indicator]:
    items: list[Indicator] = []
    apportion = ("LSOA 2011 values apportioned to wards by OA-count population shares; "
                 "wards summed to localities and borough")
    pop_periods = ("2019", "2020")
    items.append(Indicator(
        "population", "Resident population, all ages", "persons", "count", "sum", None, ("pop_mid2019", "pop_mid2020"),
        "lsoa11", pop_periods, LEVELS, f"Count, summed. {apportion}."))
    for band in AGE_BANDS:
        key = band.replace("-", "_").replace("+", "_plus")
        items.append(Indicator(
            f"population_{key}", f"Residents aged {band}", "persons", "count", "sum", None,
            ("pop_mid2019", "pop_mid2020"), "lsoa11", pop_periods, LEVELS, f"Count, summed. {apportion}."))
    for band, worse in (("0-15", None), ("65+", None)):
        key = band.replace("-", "_").replace("+", "_plus")
        items.append(Indicator(
            f"pct_{key}", f"Share of residents aged {band}", "%", "share", "share", worse,
            ("pop_mid2019", "pop_mid2020"), "lsoa11", pop_periods, LEVELS,
            f"Residents aged {band} / all residents, both summed before dividing. {apportion}."))
    for key, label in IMD_DOMAINS.items():
        name = "Index of Multiple Deprivation" if key == "imd" else f"{label} domain"
        items.append(Indicator(
            f"{key}_decile", f"{name}: national decile (1 = most deprived 10%)", "decile", "decile", "none", False,
            ("imd2019",), "lsoa11", ("2019",), ("lsoa11", "london_lsoa11"),
            "National decile of the LSOA (rank among 32,844 English LSOAs). Not averaged: see the share "
            "of residents in the most deprived quintile for wards and localities.", national_deciles=True))
        items.append(Indicator(
            f"{key}_share_q1", f"{name}: residents in the most deprived 20% nationally", "%", "share", "share", True,
            ("imd2019", "imd2019_denominators"), "lsoa11", ("2019",), LEVELS,
            "Share of residents (IoD mid-2015 denominators) living in LSOAs in national deciles 1-2. "
            f"{apportion}. England and London use every English LSOA and London LSOA the same way.",
            summary_of=f"{key}_decile", comparators=COMPARATOR_LEVELS))
    items.append(Indicator(
        "imd_share_d1", "Index of Multiple Deprivation: residents in the most deprived 10% nationally", "%", "share",
        "share", True, ("imd2019", "imd2019_denominators"), "lsoa11", ("2019",), LEVELS,
        f"Share of residents (IoD mid-2015 denominators) in LSOAs in national decile 1. {apportion}.",
        summary_of="imd_decile", comparators=COMPARATOR_LEVELS))
    names = {"NO2": "Nitrogen dioxide (NO2)", "PM25": "Fine particulate matter (PM2.5)", "PM10": "Particulate matter (PM10)"}
    for pollutant in LAEI_POLLUTANTS:
        items.append(Indicator(
            f"laei_{pollutant.lower()}", f"{names[pollutant]}, modelled annual mean (LAEI)", "µg/m³", "concentration",
            "weighted_mean", True, ("laei_lsoa11", "laei_boroughs"), "lsoa11", tuple(str(y) for y in LAEI_YEARS), LEVELS,
            "LSOA value: area-weighted mean of the LAEI 20 m grid. Wards, localities and borough: population-weighted "
            f"mean with {POP_WEIGHT_NOTE}. London: the 33 LAEI borough means weighted by Census 2011 usual "
            "residents (London LSOA boundary file); each borough mean is itself area-weighted.", comparators=("london",)))
    items.append(Indicator(
        "gp_registered_patients", "Patients registered at GP practices located in the area", "patients", "count",
        "sum", None, ("gp_practices",), "practice", ("2026-04",), ("practice", "ward", "locality", "borough"),
        "List size of each practice (April 2026), counted in the ward and locality where the practice stands "
        "(spatial join). Patients may live elsewhere."))
    items.append(Indicator(
        "gp_practices", "GP practices located in the area", "practices", "count", "sum", None, ("gp_practices",),
        "practice", ("2026-04",), ("ward", "locality", "borough"), "Number of practices standing in the area (spatial join)."))
    items.append(Indicator(
        "fingertips_pm25", "Fine particulate matter (PM2.5), annual mean (OHID Fingertips 93867)", "µg/m³",
        "concentration", "none", True, ("fingertips_pm25",), "borough", ("2018", "2019", "2020"), ("borough",),
        "Published at local authority level only (population-weighted by OHID); no ward or locality figure exists.",
        comparators=COMPARATOR_LEVELS))
    items.append(Indicator(
        "fingertips_fuel_poverty", "Households in fuel poverty (LILEE, OHID Fingertips 93759)", "%", "share", "none",
        True, ("fingertips_fuel_poverty",), "borough", ("2019", "2020"), ("borough",),
        "Published at local authority level only; no ward or locality figure exists.", comparators=COMPARATOR_LEVELS))
    return items


CATALOGUE: dict[str, Indicator] = {i.id: i for i in _catalogue()}


def catalogue_frame() -> pd.DataFrame:
    """The catalogue as a table (stored as layer ``indicator_catalogue``)."""
    return pd.DataFrame([i.as_row() for i in CATALOGUE.values()])


# --------------------------------------------------------------------------- base values

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

def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Compute ``value`` from numerator/denominator by each indicator's aggregation rule."""
    rule = frame["indicator_id"].map(lambda i: CATALOGUE[i].aggregation)
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


def aggregate(base: pd.DataFrame, weights: pd.DataFrame, localities: pd.DataFrame) -> pd.DataFrame:
    """Aggregate LSOA numerators/denominators to wards, localities and the borough.

    Parameters
    ----------
    base : DataFrame
        ``indicator_id``, ``period``, ``area_code`` (LSOA 2011), ``numerator``, ``denominator``.
    weights : DataFrame
        ``lsoa11cd``, ``ward_code``, ``weight`` from :func:`thmaps.geography.lsoa_ward_weights`.
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
    return _finish(pd.concat([lsoa, ward, loc, borough], ignore_index=True))


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


def _row_source(indicator_id: str, period: str, level: str) -> str:
    """The sources behind one row: the dated source of its period, plus the weights used at its level."""
    indicator = CATALOGUE[indicator_id]
    ids = [s for s in indicator.source_ids if s.endswith(str(period))] or list(indicator.source_ids)
    if indicator.aggregation == "weighted_mean":
        ids = [s for s in ids if s != "laei_boroughs"] + (["pop_mid2019"] if level in ("ward", "locality", "borough") else [])
        if level == "london":
            ids = ["laei_boroughs", "london_lsoa11"]
    if level in ("ward", "locality") and indicator.base_level == "lsoa11":
        ids += ["oa21", "oa21_ward_lookup"]
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
