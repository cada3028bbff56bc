"""Census 2021 indicators: which categories make each one, its population base, and its OA numerators.

Four rules, one per kind of figure the bundle holds (:attr:`CensusSpec.rule`):

* ``count``: a TS001/TS046 count per Output Area, summed at every level.
* ``exact``: a share of two counts (disabled / all residents in TS038; households without central
  heating / households in TS046), both summed before dividing.
* ``estimated``: ONS publishes each OA's *share* rounded to 0.1%; the count is **estimated** as
  share × base, where the base (usual residents or households) is a count of the bundle. Numerators
  and bases are summed before dividing, so above OA level the value is the base-weighted mean of
  the OA shares, and the stored numerator is an estimate (``counts_estimated`` in the catalogue).
* ``proxy``: the topic's base (residents aged 16+, 5+ or 3+) has no OA count in the bundle; above OA
  level the value is the mean of OA shares weighted by all usual residents (a proxy for the base),
  and no count is given.

OAs nest in LSOAs and MSOAs 2021, and reach wards whole through the best-fit lookup
(:func:`thmaps.geo.apportion.oa_ward_lookup`). London sums all 26,369 London OAs the same way;
England and Wales has only the published share (rounded to 0.1%), so its numerator and
denominator are empty.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import settings
from ..sources.census import require_categories

PERIOD = "2021"
LEVELS = ("oa21", "lsoa21", "msoa21", "ward", "locality", "borough")
BASE_NAMES = {"usual_residents": "usual residents", "households": "households"}


@dataclass(frozen=True)
class CensusSpec:
    """One Census 2021 indicator: how its OA numerator and denominator are made."""

    id: str
    title: str
    table: str
    base: str                                 # the topic's population base, in words
    higher_is_worse: bool | None
    categories: tuple[str, ...] = ()          # category shares added together
    weight: str = "usual_residents"           # count column: the base (estimated) or its proxy (proxy)
    proxy: bool = False                       # the base has no OA count: weighted mean of shares, no count
    counts: tuple[str, str] | None = None     # exact: (numerator, denominator) count columns
    count: str | None = None                  # count: the count column
    unit: str = "%"

    @property
    def rule(self) -> str:
        """``count``, ``exact``, ``estimated`` or ``proxy`` (see the module docstring)."""
        if self.count:
            return "count"
        if self.counts:
            return "exact"
        return "proxy" if self.proxy else "estimated"


def _people(id, title, table, categories, worse, base="usual residents", proxy=False):
    return CensusSpec(id, title, table, base, worse, tuple(categories), proxy=proxy)


def _households(id, title, table, categories, worse):
    return CensusSpec(id, title, table, "households", worse, tuple(categories), weight="households")


SPECS: tuple[CensusSpec, ...] = (
    CensusSpec("census_usual_residents", "Usual residents", "TS001", "usual residents", None,
               count="usual_residents", unit="persons"),
    CensusSpec("census_households", "Households", "TS046", "households", None, count="households",
               unit="households"),
    CensusSpec("census_communal_residents", "Residents in communal establishments (care homes, halls, hostels...)",
               "TS001", "usual residents", None, count="residents_in_communal_establishments", unit="persons"),
    _people("census_bad_health", "Residents in bad or very bad health", "TS037",
            ["health_in_general_4a-003"], True),
    _people("census_fair_bad_health", "Residents in fair, bad or very bad health", "TS037",
            ["health_in_general_4a-002", "health_in_general_4a-003"], True),
    CensusSpec("census_disabled", "Residents disabled under the Equality Act", "TS038", "usual residents", True,
               ("disability_3a-001",), counts=("disabled", "disability_table_total")),
    _people("census_unpaid_care", "Residents aged 5+ providing unpaid care", "TS039",
            ["is_carer_5a-002", "is_carer_5a-003", "is_carer_5a-004"], True, "usual residents aged 5 and over", True),
    _people("census_unpaid_care_20h", "Residents aged 5+ providing 20 or more hours of unpaid care a week", "TS039",
            ["is_carer_5a-003", "is_carer_5a-004"], True, "usual residents aged 5 and over", True),
    _people("census_unpaid_care_50h", "Residents aged 5+ providing 50 or more hours of unpaid care a week", "TS039",
            ["is_carer_5a-004"], True, "usual residents aged 5 and over", True),
    _households("census_overcrowded", "Overcrowded households (at least one bedroom fewer than needed)", "TS052",
                ["occupancy_rating_bedrooms_6a-004", "occupancy_rating_bedrooms_6a-005"], True),
    _households("census_hh_deprived_2plus", "Households deprived in 2 or more of the 4 census dimensions", "TS011",
                ["hh_deprivation-003", "hh_deprivation-004", "hh_deprivation-005"], True),
    _households("census_hh_deprived_3plus", "Households deprived in 3 or more of the 4 census dimensions", "TS011",
                ["hh_deprivation-004", "hh_deprivation-005"], True),
    _people("census_poor_english", "Residents aged 3+ who cannot speak English well or at all", "TS029",
            ["english_proficiency_4a-003"], True, "usual residents aged 3 and over", True),
    _households("census_no_adult_english", "Households where no adult has English as a main language", "TS025",
                ["hh_language-003", "hh_language-004"], None),
    _households("census_no_car", "Households with no car or van", "TS045", ["number_of_cars_5a-000"], None),
    _households("census_social_rented", "Households renting from a council or housing association (social rented)",
                "TS054", ["hh_tenure_5a-002"], None),
    CensusSpec("census_no_central_heating", "Households with no central heating", "TS046", "households", True,
               counts=("households_no_central_heating", "households")),
    _people("census_no_qualifications", "Residents aged 16+ with no qualifications", "TS067",
            ["highest_qualification_6a-000"], True, "usual residents aged 16 and over", True),
    _people("census_unemployed", "Residents aged 16+ who are unemployed (share of all aged 16+, not the "
            "unemployment rate)", "TS066", ["economic_activity_status_4a-002"], True,
            "usual residents aged 16 and over", True),
    _people("census_inactive", "Residents aged 16+ who are economically inactive (retired, students, carers, "
            "long-term sick...)", "TS066", ["economic_activity_status_4a-003"], None,
            "usual residents aged 16 and over", True),
    _people("census_ethnic_asian", "Residents of Asian, Asian British or Asian Welsh ethnic group", "TS021",
            ["ethnic_group_tb_6a-001"], None),
    _people("census_ethnic_black", "Residents of Black, Black British, Black Welsh, Caribbean or African ethnic group",
            "TS021", ["ethnic_group_tb_6a-002"], None),
    _people("census_ethnic_mixed", "Residents of Mixed or Multiple ethnic groups", "TS021",
            ["ethnic_group_tb_6a-003"], None),
    _people("census_ethnic_white", "Residents of White ethnic group", "TS021", ["ethnic_group_tb_6a-004"], None),
    _people("census_ethnic_other", "Residents of Other ethnic group", "TS021", ["ethnic_group_tb_6a-005"], None),
)
BY_ID = {s.id: s for s in SPECS}

_WARDS = ("OAs nest in LSOAs and MSOAs 2021 and reach wards whole through the ONS best-fit lookup (some straddle "
          "a ward boundary: see the oa_ward_lookup table); wards are summed to localities and the borough.")


def method(spec: CensusSpec) -> str:
    """The method statement of one indicator, in words (stored in the catalogue)."""
    if spec.rule == "count":
        text = (f"Census 2021 count (ONS {spec.table}) per Output Area, summed at every level. ONS perturbs small "
                "counts, so totals of different tables can differ by a few people.")
    elif spec.rule == "exact":
        text = (f"Share from Census 2021 counts (ONS {spec.table}, {spec.counts[0]} / {spec.counts[1]}): "
                "numerator and base are summed before dividing at every level.")
    elif spec.rule == "estimated":
        text = (f"ONS publishes each OA's share of {spec.base} rounded to 0.1%. Counts are ESTIMATES: share × "
                f"{spec.base} (Census 2021 count, {'TS001' if spec.weight == 'usual_residents' else 'TS046'}), "
                f"summed with the base before dividing, so above OA level the value is the mean of the OA shares "
                f"weighted by {spec.base} (ONS {spec.table}).")
    else:
        text = (f"ONS publishes each OA's share of {spec.base} rounded to 0.1% (ONS {spec.table}); the bundle has no "
                f"OA count of {spec.base}, so above OA level the value is the mean of OA shares weighted by all "
                f"usual residents (a proxy for {spec.base}) and no count is given.")
    text += " " + _WARDS
    comparators = " London: the same over all 26,369 London OAs."
    if spec.categories:
        comparators += " England and Wales: the ONS published share (rounded to 0.1%; no count)."
    return text + comparators


def source_ids(spec: CensusSpec) -> tuple[str, ...]:
    """The registry sources an indicator rests on (all levels and comparators)."""
    if spec.rule in ("count", "exact"):
        ids = ["census_oa_counts", "census_oa_counts_london"]
    else:
        ids = ["census_oa_percent", "census_oa_counts", "census_oa_percent_london", "census_oa_counts_london"]
    return tuple(ids + (["census_ew"] if spec.categories else []))


def row_sources(indicator_id: str, level: str) -> list[str]:
    """The sources behind one stored row of a census indicator at one level."""
    ids = [s for s in source_ids(BY_ID[indicator_id]) if s != "census_ew" and not s.endswith("_london")]
    if level == "london":
        return [s + "_london" for s in ids]
    if level == "england":
        return ["census_ew"]
    return ids + (["oa21_ward_lookup"] if level in ("ward", "locality") else [])


def oa_values(counts: pd.DataFrame, percent: pd.DataFrame, source_id: str = "census_oa_percent") -> pd.DataFrame:
    """Numerators and denominators of every census indicator per Output Area (long).

    Parameters
    ----------
    counts, percent : DataFrame
        From :func:`thmaps.sources.census.read_counts` and :func:`~thmaps.sources.census.read_percent`
        (the borough's or London's).

    Returns
    -------
    DataFrame
        ``indicator_id``, ``period``, ``area_code`` (OA code), ``numerator``, ``denominator``.
    """
    require_categories(percent.columns, {c for s in SPECS if s.rule in ("estimated", "proxy") for c in s.categories},
                       source_id)
    merged = counts.merge(percent, on="oa21cd", how="left", validate="one_to_one")
    if merged[list(percent.columns.drop("oa21cd"))].isna().any().any():
        raise ValueError(f"Census 2021: OA(s) with counts but no shares, e.g. "
                         f"{merged.loc[merged.isna().any(axis=1), 'oa21cd'].tolist()[:3]}")
    frames = []
    for spec in SPECS:
        if spec.rule == "count":
            numerator, denominator = merged[spec.count], np.nan
        elif spec.rule == "exact":
            numerator, denominator = merged[spec.counts[0]], merged[spec.counts[1]]
        else:
            share = merged[list(spec.categories)].sum(axis=1)
            weight = merged[spec.weight].astype(float)
            # estimated: a count (share/100 × base), value = 100 × numerator / denominator;
            # proxy: a weighted mean, value = numerator / denominator (in %).
            numerator = share * weight / (100.0 if spec.rule == "estimated" else 1.0)
            denominator = weight
        frames.append(pd.DataFrame({"indicator_id": spec.id, "period": PERIOD, "area_code": merged["oa21cd"].to_numpy(),
                                    "numerator": np.asarray(numerator, dtype=float),
                                    "denominator": np.asarray(denominator, dtype=float)}))
    return pd.concat(frames, ignore_index=True)


def london_values(counts: pd.DataFrame, percent: pd.DataFrame) -> pd.DataFrame:
    """London's numerators and denominators: every London OA's, summed (level ``london``)."""
    base = oa_values(counts, percent, "census_oa_percent_london")
    out = base.groupby(["indicator_id", "period"], as_index=False)[["numerator", "denominator"]].sum(min_count=1)
    return out.assign(level="london", area_code=settings.LONDON_CODE)


def ew_values(ew_percent: pd.Series) -> pd.DataFrame:
    """England and Wales: the published share of every census share indicator (no count; level ``england``)."""
    rows = []
    for spec in SPECS:
        if not spec.categories:
            continue
        missing = [c for c in spec.categories if c not in ew_percent.index]
        if missing:
            raise ValueError(f"Census 2021 England and Wales shares: no category {', '.join(missing)}")
        rows.append({"indicator_id": spec.id, "period": PERIOD, "level": "england",
                     "area_code": settings.ENGLAND_WALES_CODE, "value": float(ew_percent[list(spec.categories)].sum()),
                     "numerator": np.nan, "denominator": np.nan})
    return pd.DataFrame(rows)
