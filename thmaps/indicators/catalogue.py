"""The indicator catalogue: what each indicator is, its unit, direction, sources, periods and levels.

LSOA 2011 values reach wards through population-weighted apportionment
(:func:`thmaps.geo.lsoa_ward_weights`: Census 2021 usual residents of the Output Areas
each LSOA holds), then localities and the borough by summing wards. Census 2021 values
start at Output Areas, which nest in LSOAs and MSOAs 2021 and reach wards whole through
the best-fit lookup (:mod:`thmaps.indicators.census`). Every value is carried as a
numerator and a denominator so that aggregation is one rule for all:

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

import pandas as pd

from .._util import period_label as _period_label
from ..errors import MapRequestError
from ..sources import AGE_BANDS, IMD_DOMAINS, LAEI_POLLUTANTS, LAEI_YEARS
from . import census as _census

#: Levels of indicators built from LSOA 2011 values.
LEVELS = ("lsoa11", "ward", "locality", "borough")
#: Levels of Census 2021 indicators (built from Output Areas 2021).
CENSUS_LEVELS = _census.LEVELS
#: Small-area levels of the 2021 census geography.
LEVELS_2021 = ("oa21", "lsoa21", "msoa21")
#: Comparators. "england" holds England for most indicators and England and Wales (K04000001, named so in
#: the indicators table) for Census 2021 indicators, the only national census figure in the bundle.
COMPARATOR_LEVELS = ("london", "england")
LEVEL_LABELS = {"lsoa11": "LSOA 2011", "ward": "Ward", "locality": "Locality", "borough": "Borough",
                "london": "London", "england": "England", "practice": "GP practice",
                "london_lsoa11": "London LSOA 2011", "oa21": "Output Area 2021", "lsoa21": "LSOA 2021",
                "msoa21": "MSOA 2021"}

POP_WEIGHT_NOTE = "ONS mid-2019 LSOA population (assumption: the same weights for every LAEI year)"


@dataclass(frozen=True)
class Indicator:
    """One row of the indicator catalogue."""

    id: str
    title: str
    unit: str
    kind: str            # count | share | rate | concentration | decile
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
    period_kind: str = "year"  # year | mid-year | month | census: how periods are said (see period_label)
    base: str = ""             # the population the share or count is of (usual residents, households...)
    counts_estimated: bool = False  # numerators are estimates (a rounded published share × base)
    per: float = 100.0         # a rate's base: value = per × numerator / denominator (1,000, 100,000...)

    @property
    def uploaded(self) -> bool:
        """Provided by the user (its source is their file), not built from the bundle."""
        return any(str(s).startswith("user:") for s in self.source_ids)

    @property
    def legend_name(self) -> str:
        """The title as a legend heads it: a built-in title up to its colon ("Index of Multiple Deprivation");
        a summary's or an uploaded indicator's whole (a user's colon may be part of the name)."""
        return self.title if self.summary_of or self.uploaded else self.title.split(":")[0]

    def period_label(self, period) -> str:
        """A period of this indicator as a reader says it (``"mid-2020"``, ``"April 2026"``)."""
        return _period_label(period, self.period_kind)

    @property
    def latest_period(self) -> str:
        return self.periods[-1]

    def as_row(self) -> dict:
        row = asdict(self)
        for key in ("source_ids", "periods", "levels", "comparators"):
            row[key] = ";".join(row[key])
        row["higher_is_worse"] = "" if self.higher_is_worse is None else str(self.higher_is_worse)
        return row


def _catalogue() -> list[Indicator]:
    items: list[Indicator] = []
    apportion = ("LSOA 2011 values apportioned to wards by the Census 2021 usual residents of the Output Areas "
                 "each LSOA holds (each OA placed by its representative point, in its best-fit ward); "
                 "wards summed to localities and borough")
    pop_periods = ("2019", "2020")
    items.append(Indicator(
        "population", "Resident population, all ages", "persons", "count", "sum", None, ("pop_mid2019", "pop_mid2020"),
        "lsoa11", pop_periods, LEVELS, f"Count, summed. {apportion}.", period_kind="mid-year"))
    for band in AGE_BANDS:
        key = band.replace("-", "_").replace("+", "_plus")
        items.append(Indicator(
            f"population_{key}", f"Residents aged {band}", "persons", "count", "sum", None,
            ("pop_mid2019", "pop_mid2020"), "lsoa11", pop_periods, LEVELS, f"Count, summed. {apportion}.",
            period_kind="mid-year"))
    for band, worse in (("0-15", None), ("65+", None)):
        key = band.replace("-", "_").replace("+", "_plus")
        items.append(Indicator(
            f"pct_{key}", f"Share of residents aged {band}", "%", "share", "share", worse,
            ("pop_mid2019", "pop_mid2020"), "lsoa11", pop_periods, LEVELS,
            f"Residents aged {band} / all residents, both summed before dividing. {apportion}.", period_kind="mid-year"))
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
            "weighted_mean", True, ("laei_lsoa11", "laei_lsoa21", "laei_msoa21", "laei_boroughs"), "lsoa11",
            tuple(str(y) for y in LAEI_YEARS), ("lsoa11", *LEVELS_2021[1:], *LEVELS[1:]),
            "LSOA 2011, LSOA 2021 and MSOA 2021 values: area-weighted mean of the LAEI 20 m grid over each zone "
            "(each from its own LAEI summary, not re-aggregated). Wards, localities and borough: population-weighted "
            f"mean of the LSOA 2011 values with {POP_WEIGHT_NOTE}. London: the 33 LAEI borough means weighted by "
            "Census 2011 usual residents (London LSOA boundary file); each borough mean is itself area-weighted.",
            comparators=("london",)))
    items.append(Indicator(
        "gp_registered_patients", "Patients registered at GP practices located in the area", "patients", "count",
        "sum", None, ("gp_practices",), "practice", ("2026-04",), ("practice", "ward", "locality", "borough"),
        "List size of each practice (April 2026), counted in the ward and locality where the practice stands "
        "(spatial join). Patients may live elsewhere.", period_kind="month"))
    items.append(Indicator(
        "gp_practices", "GP practices located in the area", "practices", "count", "sum", None, ("gp_practices",),
        "practice", ("2026-04",), ("ward", "locality", "borough"), "Number of practices standing in the area (spatial join).",
        period_kind="month"))
    items.append(Indicator(
        "fingertips_pm25", "Fine particulate matter (PM2.5), annual mean (OHID Fingertips 93867)", "µg/m³",
        "concentration", "none", True, ("fingertips_pm25",), "borough", ("2018", "2019", "2020"), ("borough",),
        "Published at local authority level only (population-weighted by OHID); no ward or locality figure exists.",
        comparators=COMPARATOR_LEVELS))
    items.append(Indicator(
        "fingertips_fuel_poverty", "Households in fuel poverty (LILEE, OHID Fingertips 93759)", "%", "share", "none",
        True, ("fingertips_fuel_poverty",), "borough", ("2019", "2020"), ("borough",),
        "Published at local authority level only; no ward or locality figure exists.", comparators=COMPARATOR_LEVELS))
    items += [_census_indicator(spec) for spec in _census.SPECS]
    return items


def _census_indicator(spec: _census.CensusSpec) -> Indicator:
    """The catalogue entry of a Census 2021 indicator (see :mod:`thmaps.indicators.census`)."""
    rule = spec.rule
    kind = "count" if rule == "count" else "share"
    aggregation = {"count": "sum", "exact": "share", "estimated": "share", "proxy": "weighted_mean"}[rule]
    return Indicator(
        spec.id, spec.title, spec.unit, kind, aggregation, spec.higher_is_worse, _census.source_ids(spec), "oa21",
        (_census.PERIOD,), CENSUS_LEVELS, _census.method(spec),
        comparators=("london", "england") if spec.categories else ("london",), period_kind="census",
        base=spec.base, counts_estimated=rule == "estimated")


class _Catalogue(dict):
    """The built-in indicators (held by the dict itself) and, read live, those the user uploaded.

    Built-in ids are found without touching user data; iterating or an unknown id asks
    :func:`thmaps.uploads.values.user_catalogue` (cached per user-data change), so an uploaded indicator
    appears wherever the catalogue is read.
    """

    @staticmethod
    def _user() -> dict:
        from ..uploads.values import user_catalogue

        return user_catalogue()

    def __missing__(self, key):
        found = self._user().get(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and key in self._user())

    def _all(self) -> dict:
        return {**dict(dict.items(self)), **{k: v for k, v in self._user().items() if not dict.__contains__(self, k)}}

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()

    def built_in(self) -> dict:
        """Only the indicators thmaps builds."""
        return dict(dict.items(self))


CATALOGUE: dict[str, Indicator] = _Catalogue({i.id: i for i in _catalogue()})


def get(indicator_id: str) -> Indicator:
    """The catalogue entry of an indicator.

    Raises
    ------
    MapRequestError
        If the id is not in the catalogue (the message says where to look).
    """
    try:
        return CATALOGUE[indicator_id]
    except (KeyError, TypeError):
        raise MapRequestError(f"unknown indicator {str(indicator_id)[:60]!r}; see `thmaps indicators`") from None


def at_level(indicator_id: str, level: str) -> Indicator | None:
    """The indicator to show for ``indicator_id`` at ``level``: itself, or the share that summarises it.

    IMD ranks and deciles exist for LSOAs only; at ward, locality or borough level they are shown
    through the share of residents in the most deprived national 20% (their ``summary_of``).
    Returns None when neither is published at that level.

    Examples
    --------
    >>> at_level("imd_decile", "ward").id
    'imd_share_q1'
    >>> at_level("laei_no2", "ward").id
    'laei_no2'
    """
    indicator = get(indicator_id)
    if level in indicator.levels:
        return indicator
    return next((i for i in CATALOGUE.values() if i.summary_of == indicator.id and level in i.levels), None)


def levels_of(indicator_id: str, levels) -> list[str]:
    """Those of ``levels`` at which the indicator, or its summary, is published (in the order given)."""
    return [level for level in levels if at_level(indicator_id, level) is not None]


def catalogue_frame() -> pd.DataFrame:
    """The built-in catalogue as a table (stored as layer ``indicator_catalogue``; uploads are not built)."""
    return pd.DataFrame([i.as_row() for i in CATALOGUE.built_in().values()])


