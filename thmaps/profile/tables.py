"""Locality profile tables: key indicators against the borough, London and England, and the wards ranked.

Everything is read from the store; nothing is typed in. No Streamlit here, so the same tables can
be printed, exported or tested without the app. Comparisons with the borough follow
:func:`thmaps.indicators.compare` (a labelled rule of thumb: see :data:`thmaps.indicators.RULE_OF_THUMB`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import settings, store
from .._util import format_value
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
#: How the air-quality figures of a profile are averaged (shown beside them).
LAEI_COMPARATOR_NOTE = ("Locality and borough: population-weighted mean of LSOA values (mid-2019 weights). London: the "
                        "33 LAEI borough means weighted by their Census 2011 usual residents (each borough mean is "
                        "itself area-weighted over its 20 m grid).")


def _indicators() -> pd.DataFrame:
    return store.load_layer("indicators")


def _value(table: pd.DataFrame, indicator_id: str, period: str, level: str, area_code: str | None = None) -> float:
    sel = table[(table["indicator_id"] == indicator_id) & (table["period"] == str(period)) & (table["level"] == level)]
    if area_code is not None:
        sel = sel[sel["area_code"] == area_code]
    return float(sel["value"].iloc[0]) if len(sel) else np.nan


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
    return format_value(value, unit, with_unit=False, digits=2 if unit == "µg/m³" else None, missing="–")


def locality_wards(locality: str) -> pd.DataFrame:
    """The wards of a locality (``code``, ``name``) by the current locality definition."""
    code = Locality.parse(locality).code
    wards = store.load_layer("wards")
    return wards.loc[wards["locality_code"] == code, ["code", "name"]].sort_values("name").reset_index(drop=True)


# --------------------------------------------------------------------------- key indicators

def key_indicators(locality: str) -> pd.DataFrame:
    """The locality's key indicators beside the borough, London and England.

    Parameters
    ----------
    locality : str
        Locality code or name (see :meth:`thmaps.geo.Locality.parse`).

    Returns
    -------
    DataFrame
        One row per indicator of :data:`KEY_INDICATORS` with columns ``indicator_id``,
        ``indicator``, ``period``, ``unit``, ``locality value``, ``borough value``,
        ``London value`` and ``England value`` (NaN where the store has no such comparator),
        ``difference vs borough`` (not for counts), ``% of borough total`` (counts only),
        ``vs borough`` (better / similar / worse / not compared),
        ``comparison method``, ``source`` (title, vintage, licence) and ``note``.

    Raises
    ------
    UnknownPlaceError
        If the locality is unknown.

    Notes
    -----
    Better / similar / worse is a rule of thumb, not a significance test (see the module
    docstring and :func:`compare`).
    """
    code = Locality.parse(locality).code
    table = _indicators()
    rows = []
    for indicator_id, period in KEY_INDICATORS:
        ind = get_indicator(indicator_id)
        value = _value(table, indicator_id, period, "locality", code)
        borough = _value(table, indicator_id, period, "borough", settings.BOROUGH_CODE)
        verdict, method = compare(value, borough, indicator_id)
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
            "borough value": borough,
            "London value": _value(table, indicator_id, period, "london"),
            "England value": _value(table, indicator_id, period, "england"),
            "difference vs borough": np.nan if ind.kind == "count" else value - borough,
            "% of borough total": 100.0 * value / borough if ind.kind == "count" and borough else np.nan,
            "vs borough": verdict,
            "comparison method": method,
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
    for col in ("locality value", "borough value", "London value", "England value"):
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


def ward_ranking(locality: str, indicator_id: str, period: str | None = None) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        ``ward_code``, ``ward``, ``indicator_id``, ``indicator``, ``period``, ``unit``, ``value``,
        ``locality rank`` and ``borough rank`` (1 = worst; for indicators without a direction,
        1 = highest), ``wards in borough``, ``borough value`` and ``vs borough``, sorted by
        locality rank.  ``attrs["rank_note"]`` says what rank 1 means.

    Raises
    ------
    ThmapsError
        If the locality, indicator or period is unknown, or the indicator has no ward values.
    """
    code = Locality.parse(locality).code
    asked = get_indicator(indicator_id)
    ind = at_level(indicator_id, "ward")
    if ind is None:
        raise MapRequestError(f"{asked.title} has no ward values (levels: {', '.join(asked.levels)})")
    if ind.id != asked.id:
        period = None
    period = str(period or ind.latest_period)
    if period not in ind.periods:
        raise MapRequestError(f"{ind.title} has periods {', '.join(ind.periods)}, not {period[:20]}")
    table = _indicators()
    sel = table[(table["indicator_id"] == ind.id) & (table["period"] == period) & (table["level"] == "ward")]
    wards = store.load_layer("wards")[["code", "name", "locality_code"]]
    frame = wards.merge(sel[["area_code", "value"]], left_on="code", right_on="area_code", how="left")
    frame["borough rank"] = rank_within(frame["value"], ind.higher_is_worse)
    frame["wards in borough"] = int(frame["value"].notna().sum())
    frame = frame[frame["locality_code"] == code].copy()
    frame["locality rank"] = rank_within(frame["value"], ind.higher_is_worse)
    borough = _value(table, ind.id, period, "borough", settings.BOROUGH_CODE)
    frame["borough value"] = borough
    frame["vs borough"] = [compare(v, borough, ind.id)[0] for v in frame["value"]]
    out = pd.DataFrame({
        "ward_code": frame["code"], "ward": frame["name"], "indicator_id": ind.id, "indicator": ind.title,
        "period": ind.period_label(period), "unit": ind.unit, "value": frame["value"],
        "locality rank": frame["locality rank"].astype("Int64"), "borough rank": frame["borough rank"].astype("Int64"),
        "wards in borough": frame["wards in borough"], "borough value": frame["borough value"],
        "vs borough": frame["vs borough"],
    }).sort_values(["locality rank", "ward"]).reset_index(drop=True)
    if ind.higher_is_worse is None:
        out.attrs["rank_note"] = "Rank 1 = highest value (higher is neither better nor worse)."
    elif ind.higher_is_worse:
        out.attrs["rank_note"] = "Rank 1 = worst (highest value)."
    else:
        out.attrs["rank_note"] = "Rank 1 = worst (lowest value)."
    out.attrs["method"] = ind.method
    return out
