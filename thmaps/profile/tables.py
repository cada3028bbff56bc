"""Locality profile tables: key indicators against the borough, London and England, and the wards ranked.

Everything is read from the store; nothing is typed in. No Streamlit here, so the same tables can
be printed, exported or tested without the app. Comparisons with the borough, London and England follow
:func:`thmaps.indicators.compare`: the area's 95% confidence interval where one can be computed (Wilson
score for shares with counts), a labelled rule of thumb otherwise (see
:data:`thmaps.indicators.COMPARISON_NOTE`).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import settings, store
from .._util import format_value, table_decimals
from ..errors import MapRequestError
from ..geo.places import Locality
from ..indicators.catalogue import CATALOGUE, at_level, get as get_indicator
from ..indicators.compare import compare
from ..maps.classify import rank_within
from ..sources.registry import get as get_source

#: Key indicators of a locality profile, in display order: (indicator id, period).
KEY_INDICATORS: tuple[tuple[str, str], ...] = (
    ("population", "2020"),
    ("pct_0_15", "2020"),
    ("pct_65_plus", "2020"),
    ("imd_share_q1", "2019"),
    ("imd_share_d1", "2019"),
    ("income_share_q1", "2019"),
    ("employment_share_q1", "2019"),
    ("education_share_q1", "2019"),
    ("health_share_q1", "2019"),
    ("crime_share_q1", "2019"),
    ("housing_share_q1", "2019"),
    ("living_share_q1", "2019"),
    ("laei_no2", "2019"),
    ("laei_pm25", "2019"),
    ("laei_pm10", "2019"),
    ("gp_registered_patients", "2026-04"),
    ("gp_practices", "2026-04"),
)
#: Comparator level -> its name in column headings (``vs borough``, ``vs London``, ``vs England``).
COMPARATORS = {"borough": "borough", "london": "London", "england": "England"}
#: Column headings of the area's confidence limits.
LOWER, UPPER = "lower 95%", "upper 95%"
#: How the air-quality figures of a profile are averaged (shown beside them).
LAEI_COMPARATOR_NOTE = ("Locality and borough: population-weighted mean of LSOA values (mid-2019 weights). London: the "
                        "33 LAEI borough means weighted by their Census 2011 usual residents (each borough mean is "
                        "itself area-weighted over its 20 m grid).")


class IndicatorIndex:
    """The ``indicators`` table grouped once: one area's row by ``(indicator, period, level, area)`` and each
    indicator's rows, so a profile looks values up instead of filtering the ~76,000 rows once per cell.

    Lookups give what filtering the table would: the first matching row in table order.
    """

    def __init__(self, table: pd.DataFrame):
        self.table = table
        keys = list(zip(table["indicator_id"], table["period"], table["level"], table["area_code"]))
        numbers = zip(*(pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan).tolist()
                        for c in ("value", "numerator", "denominator")))
        self._area: dict[tuple, tuple[float, float, float]] = {}
        self._level: dict[tuple, tuple[float, float, float]] = {}
        for key, triple in zip(keys, numbers):
            self._area.setdefault(key, triple)
            self._level.setdefault(key[:3], triple)
        self._positions = table.groupby("indicator_id", sort=False).indices if len(table) else {}

    def row(self, indicator_id: str, period: str, level: str, area_code: str | None = None) -> dict:
        """``value``, ``numerator`` and ``denominator`` of one area (the level's first row if no area is
        given; NaN where the store has no row)."""
        found = (self._level.get((indicator_id, str(period), level)) if area_code is None
                 else self._area.get((indicator_id, str(period), level, area_code)))
        if found is None:
            return {"value": np.nan, "numerator": np.nan, "denominator": np.nan}
        return dict(zip(("value", "numerator", "denominator"), found))

    def rows_of(self, indicator_id: str) -> pd.DataFrame:
        """Every row of one indicator, in table order (a copy; empty if none)."""
        positions = self._positions.get(indicator_id)
        return self.table.iloc[positions if positions is not None else []].copy()


@lru_cache(maxsize=4)
def _index_at(location: str, user_data: str, version: float, user_version: int) -> IndicatorIndex:
    return IndicatorIndex(store.load_layer("indicators"))


def indicator_index() -> IndicatorIndex:
    """The store's ``indicators`` table (with the uploaded indicators) grouped for lookups, made once per
    build and per user-data change (by any process) and shared: treat as read-only."""
    return _index_at(*store.cache_key())


def _row(index: IndicatorIndex, indicator_id: str, period: str, level: str, area_code: str | None = None) -> dict:
    """``value``, ``numerator`` and ``denominator`` of one area (NaN where the store has no row)."""
    return index.row(indicator_id, period, level, area_code)


def _value(index: IndicatorIndex, indicator_id: str, period: str, level: str, area_code: str | None = None) -> float:
    return index.row(indicator_id, period, level, area_code)["value"]


def _comparator_values(index: IndicatorIndex, indicator_id: str, period: str) -> dict[str, float]:
    """Comparator level -> value (NaN where the store has none)."""
    return {level: _value(index, indicator_id, period, level, settings.BOROUGH_CODE if level == "borough" else None)
            for level in COMPARATORS}


def source_ids_for(indicator_id: str, period: str) -> list[str]:
    """The registry ids behind one indicator and period (for a dated source, only the period's own)."""
    ids = get_indicator(indicator_id).source_ids
    out = []
    for sid in ids:
        dated = sid[-4:].isdigit()
        if not dated or sid.endswith(str(period)):
            out.append(sid)
    return out or list(ids)


def _source_text(source_ids) -> str:
    parts = []
    for sid in source_ids:
        s = get_source(sid)
        parts.append(f"{s.title} ({s.vintage}; {s.licence})")
    return "; ".join(parts)


def table_value(value: float, unit: str) -> str:
    """A value as shown in profile tables: whole counts, one decimal for shares, two for µg/m³ ("–" if missing)."""
    return format_value(value, unit, with_unit=False, digits=table_decimals(unit), missing="–")


def locality_wards(locality: str) -> pd.DataFrame:
    """The wards of a locality (``code``, ``name``) by the current locality definition."""
    code = Locality.parse(locality).code
    wards = store.load_layer("wards")
    return wards.loc[wards["locality_code"] == code, ["code", "name"]].sort_values("name").reset_index(drop=True)


# --------------------------------------------------------------------------- key indicators

def key_indicators(locality: str, indicators: tuple[tuple[str, str], ...] | None = None) -> pd.DataFrame:
    """The locality's key indicators beside the borough, London and England.

    Parameters
    ----------
    locality : str
        Locality code or name (see :meth:`thmaps.geo.Locality.parse`).
    indicators : tuple of (str, str), optional
        ``(indicator id, period)`` pairs to tabulate (default :data:`KEY_INDICATORS`).

    Returns
    -------
    DataFrame
        One row per indicator of :data:`KEY_INDICATORS` with columns ``indicator_id``,
        ``indicator``, ``period``, ``unit``, ``locality value``, ``borough value``,
        ``lower 95%`` and ``upper 95%`` (the locality's confidence limits; NaN where no interval
        applies), ``London value`` and ``England value`` (NaN where the store has no such
        comparator), ``difference vs borough`` (not for counts), ``% of borough total`` (counts
        only), ``vs borough``, ``vs London`` and ``vs England`` (better / similar / worse; higher /
        lower where higher is neither better nor worse; not compared; no data),
        ``comparison method`` (against the borough), ``source`` (title, vintage, licence) and ``note``.

    Raises
    ------
    UnknownPlaceError
        If the locality is unknown.

    Notes
    -----
    Shares with counts are compared by the locality's 95% Wilson score interval (similar when the
    comparator lies inside it); concentrations by a labelled rule of thumb, not a significance test;
    counts are not compared (see :func:`thmaps.indicators.compare`).
    """
    code = Locality.parse(locality).code
    table = indicator_index()
    rows = []
    for indicator_id, period in KEY_INDICATORS if indicators is None else indicators:
        ind = get_indicator(indicator_id)
        area = _row(table, indicator_id, period, "locality", code)
        value = area["value"]
        comparators = _comparator_values(table, indicator_id, period)
        borough = comparators["borough"]
        results = {level: compare(area, comparators[level], ind, against=label) for level, label in COMPARATORS.items()}
        note = ""
        if indicator_id.startswith("laei_"):
            note = LAEI_COMPARATOR_NOTE
        elif indicator_id.startswith("gp_"):
            note = "Practices standing in the locality (spatial join); their patients may live elsewhere."
        elif indicator_id == "population":
            note = ("LSOA estimates apportioned to wards by the Census 2021 usual residents of their Output Areas; "
                    "locality totals are not whole numbers.")
        elif indicator_id.endswith(("_share_q1", "_share_d1")):
            note = "Residents (IoD mid-2015 denominators) in LSOAs in the most deprived national decile(s)."
        rows.append({
            "indicator_id": indicator_id,
            "indicator": ind.title,
            "period": ind.period_label(period),
            "unit": ind.unit,
            "locality value": value,
            LOWER: results["borough"].lower,
            UPPER: results["borough"].upper,
            "borough value": borough,
            "London value": comparators["london"],
            "England value": comparators["england"],
            "difference vs borough": np.nan if ind.kind == "count" else value - borough,
            "% of borough total": 100.0 * value / borough if ind.kind == "count" and borough else np.nan,
            **{f"vs {label}": results[level].verdict for level, label in COMPARATORS.items()},
            "comparison method": results["borough"].method,
            "source": _source_text(source_ids_for(indicator_id, period)),
            "note": note,
        })
    out = pd.DataFrame(rows)
    out.attrs["locality_code"] = code
    out.attrs["locality_name"] = Locality(code).name
    return out


def format_key_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """The key indicators table with values formatted as text for display (unit-aware)."""
    out = table.copy()
    for col in ("locality value", LOWER, UPPER, "borough value", "London value", "England value"):
        out[col] = [table_value(v, u) for v, u in zip(table[col], table["unit"])]
    out["difference vs borough"] = [
        "–" if pd.isna(d) else ("+" if d > 0 else "") + table_value(d, u) + (" points" if u == "%" else "")
        for d, u in zip(table["difference vs borough"], table["unit"])]
    out["% of borough total"] = ["–" if pd.isna(x) else f"{x:.1f}%" for x in table["% of borough total"]]
    return out


# --------------------------------------------------------------------------- wards

def ranking_indicators() -> dict[str, str]:
    """Indicator id -> title of the indicators that have ward values (for a ranking)."""
    return {i.id: i.title for i in CATALOGUE.values() if "ward" in i.levels}


def ward_ranking(locality: str, indicator_id: str, period: str | None = None,
                 comparator: str = "borough") -> pd.DataFrame:
    """The locality's wards ranked on one indicator, with their rank in the borough.

    Parameters
    ----------
    locality : str
        Locality code or name.
    indicator_id : str
        Catalogue id.  An LSOA-only decile indicator (``imd_decile``...) is ranked through its
        ward summary (share of residents in the most deprived 20%).
    period : str, optional
        Default: the indicator's latest period.
    comparator : {"borough", "london", "england"}
        What each ward is compared with (``vs borough`` is always given as well).

    Returns
    -------
    DataFrame
        ``ward_code``, ``ward``, ``indicator_id``, ``indicator``, ``period``, ``unit``, ``value``,
        ``lower 95%`` and ``upper 95%`` (the ward's confidence limits; NaN where no interval
        applies), ``locality rank`` and ``borough rank`` (1 = worst; for indicators without a
        direction, 1 = highest), ``wards in borough``, ``borough value`` and ``vs borough``, and
        for another comparator ``London value`` / ``England value`` and ``vs London`` /
        ``vs England`` (NaN and "no data" where the store has no such value); sorted by locality
        rank.  ``attrs["rank_note"]`` says what rank 1 means, ``attrs["comparator"]`` names the
        comparator and ``attrs["comparison_method"]`` says how wards were compared with it.

    Raises
    ------
    ThmapsError
        If the locality, indicator, period or comparator is unknown, or the indicator has no ward values.
    """
    code = Locality.parse(locality).code
    if comparator not in COMPARATORS:
        raise MapRequestError(f"comparator must be one of {', '.join(COMPARATORS)}, not {str(comparator)[:20]!r}")
    asked = get_indicator(indicator_id)
    ind = at_level(indicator_id, "ward")
    if ind is None:
        raise MapRequestError(f"{asked.title} has no ward values (levels: {', '.join(asked.levels)})")
    if ind.id != asked.id:
        period = None
    period = str(period or ind.latest_period)
    if period not in ind.periods:
        raise MapRequestError(f"{ind.title} has periods {', '.join(ind.periods)}, not {period[:20]}")
    table = indicator_index()
    sel = table.rows_of(ind.id)
    sel = sel[(sel["period"] == period) & (sel["level"] == "ward")]
    wards = store.load_layer("wards")[["code", "name", "locality_code"]]
    frame = wards.merge(sel[["area_code", "value", "numerator", "denominator"]], left_on="code",
                        right_on="area_code", how="left")
    frame["borough rank"] = rank_within(frame["value"], ind.higher_is_worse)
    frame["wards in borough"] = int(frame["value"].notna().sum())
    frame = frame[frame["locality_code"] == code].copy()
    frame["locality rank"] = rank_within(frame["value"], ind.higher_is_worse)
    comparators = _comparator_values(table, ind.id, period)
    chosen = {"borough"} | {comparator}
    results = {level: [compare(row, comparators[level], ind, against=COMPARATORS[level])
                       for row in frame[["value", "numerator", "denominator"]].to_dict("records")]
               for level in COMPARATORS if level in chosen}
    out = pd.DataFrame({
        "ward_code": frame["code"], "ward": frame["name"], "indicator_id": ind.id, "indicator": ind.title,
        "period": ind.period_label(period), "unit": ind.unit, "value": frame["value"],
        LOWER: [r.lower for r in results["borough"]], UPPER: [r.upper for r in results["borough"]],
        "locality rank": frame["locality rank"].astype("Int64"), "borough rank": frame["borough rank"].astype("Int64"),
        "wards in borough": frame["wards in borough"], "borough value": comparators["borough"],
        "vs borough": [r.verdict for r in results["borough"]],
    })
    if comparator != "borough":
        label = COMPARATORS[comparator]
        out[f"{label} value"] = comparators[comparator]
        out[f"vs {label}"] = [r.verdict for r in results[comparator]]
    out = out.sort_values(["locality rank", "ward"]).reset_index(drop=True)
    if ind.higher_is_worse is None:
        out.attrs["rank_note"] = "Rank 1 = highest value (higher is neither better nor worse)."
    elif ind.higher_is_worse:
        out.attrs["rank_note"] = "Rank 1 = worst (highest value)."
    else:
        out.attrs["rank_note"] = "Rank 1 = worst (lowest value)."
    out.attrs["method"] = ind.method
    out.attrs["comparator"] = COMPARATORS[comparator]
    out.attrs["comparison_method"] = results[comparator][0].method if len(frame) else ""
    return out
