"""Locality profiles: the tables behind the "My locality" page.

Everything here is read from the store (:mod:`thmaps.store`); nothing is typed in.
The module has no Streamlit import, so the same tables can be printed, exported or
tested without the app.

Comparison with the borough
---------------------------
:func:`key_indicators` marks each locality value as *better*, *similar* or *worse*
than the borough value.  No confidence intervals are available for these figures
(they are apportioned counts, modelled concentrations and population shares), so
the marking is a **rule of thumb, not a significance test**:

* shares (%, e.g. residents in the most deprived 20%): *similar* when the locality is
  within ``max(2 percentage points, 10% of the borough value)`` of the borough;
* concentrations (µg/m³, LAEI): *similar* when within 2.5% of the borough value;
* otherwise *better* or *worse* by the indicator's direction in
  :data:`thmaps.indicators.CATALOGUE` (``higher_is_worse``);
* counts and indicators without a direction (population, age shares, GP patients and
  practices; ``higher_is_worse`` is ``None``) are *not compared*: higher is neither
  better nor worse.
"""
from __future__ import annotations

import datetime as _dt
import io as _io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import mapspec, settings, store
from .indicators import CATALOGUE
from .sources import attribution_lines, get as get_source

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

#: "Similar" band for shares: the wider of this many percentage points ...
SHARE_BAND_POINTS = 2.0
#: ... and this fraction of the borough value.
SHARE_BAND_RELATIVE = 0.10
#: "Similar" band for concentrations: this fraction of the borough value.
CONCENTRATION_BAND_RELATIVE = 0.025

RULE_OF_THUMB = (
    "Better / similar / worse is a rule of thumb, not a significance test: no confidence intervals are "
    f"available. Shares: similar if within {SHARE_BAND_POINTS:g} percentage points or "
    f"{SHARE_BAND_RELATIVE:.0%} of the borough value, whichever is wider. Concentrations: similar if within "
    f"{CONCENTRATION_BAND_RELATIVE:.1%} of the borough value. Counts and indicators where higher is neither "
    "better nor worse (population, age shares, GP patients and practices) are not compared."
)
LOCALITY_NOTE = ("Localities are the thmaps editable default (boundaries/localities.csv: ward lists mostly inferred "
                 "from GP practice locations), not an official boundary.")
TUBE_YEARS = mapspec.TUBE_YEARS
LAEI_INDICATORS = {"NO2": "laei_no2", "PM2.5": "laei_pm25", "PM10": "laei_pm10"}


# --------------------------------------------------------------------------- localities

def locality_code(locality: str) -> str:
    """Return the locality code for a code or name.

    Parameters
    ----------
    locality : str
        ``"NW"``, ``"NE"``, ``"SW"``, ``"SE"`` or the name (``"North West"``...), any case.

    Returns
    -------
    str
        The two-letter code.

    Raises
    ------
    ValueError
        If the value names no locality (the message lists the four).
    """
    value = str(locality or "").strip()
    codes = set(settings.LOCALITY_CODES.values())
    if value.upper() in codes:
        return value.upper()
    by_name = {name.lower(): code for name, code in settings.LOCALITY_CODES.items()}
    if value.lower() in by_name:
        return by_name[value.lower()]
    choices = ", ".join(f"{c} ({n})" for n, c in settings.LOCALITY_CODES.items())
    raise ValueError(f"unknown locality {locality!r}: choose one of {choices}")


def locality_name(locality: str) -> str:
    """Return the locality name (``"North West"``) for a code or name; see :func:`locality_code`."""
    code = locality_code(locality)
    return {c: n for n, c in settings.LOCALITY_CODES.items()}[code]


def locality_wards(locality: str) -> pd.DataFrame:
    """The wards of a locality (``code``, ``name``) by the current locality definition."""
    code = locality_code(locality)
    wards = store.load_layer("wards")
    return wards.loc[wards["locality_code"] == code, ["code", "name"]].sort_values("name").reset_index(drop=True)


# --------------------------------------------------------------------------- comparison rule

def compare(value: float, borough: float, indicator_id: str) -> tuple[str, str]:
    """Compare a locality value with the borough value by the rule of thumb.

    Parameters
    ----------
    value, borough : float
        The locality (or ward) value and the borough value, in the indicator's unit.
    indicator_id : str
        Catalogue id; its ``kind`` picks the band and ``higher_is_worse`` the direction.

    Returns
    -------
    (str, str)
        The verdict (``"better"``, ``"similar"``, ``"worse"``, ``"not compared"`` or ``"no data"``)
        and the method used, in words.
    """
    indicator = CATALOGUE[indicator_id]
    if indicator.higher_is_worse is None:
        return "not compared", "not compared: higher is neither better nor worse"
    if indicator.kind == "share":
        band = max(SHARE_BAND_POINTS, SHARE_BAND_RELATIVE * abs(borough)) if pd.notna(borough) else np.nan
        method = (f"similar if within ±{band:.1f} points of the borough (wider of {SHARE_BAND_POINTS:g} points "
                  f"and {SHARE_BAND_RELATIVE:.0%}); rule of thumb")
    elif indicator.kind == "concentration":
        band = CONCENTRATION_BAND_RELATIVE * abs(borough) if pd.notna(borough) else np.nan
        method = f"similar if within ±{CONCENTRATION_BAND_RELATIVE:.1%} (±{band:.2f} {indicator.unit}) of the borough; rule of thumb"
    else:
        return "not compared", f"not compared: no rule for {indicator.kind} indicators"
    if pd.isna(value) or pd.isna(borough):
        return "no data", method
    diff = float(value) - float(borough)
    if abs(diff) <= band:
        return "similar", method
    worse = diff > 0 if indicator.higher_is_worse else diff < 0
    return ("worse" if worse else "better"), method


# --------------------------------------------------------------------------- helpers

def _indicators() -> pd.DataFrame:
    return store.load_layer("indicators")


def _value(table: pd.DataFrame, indicator_id: str, period: str, level: str, area_code: str | None = None) -> float:
    sel = table[(table["indicator_id"] == indicator_id) & (table["period"] == str(period)) & (table["level"] == level)]
    if area_code is not None:
        sel = sel[sel["area_code"] == area_code]
    return float(sel["value"].iloc[0]) if len(sel) else np.nan


def period_label(indicator_id: str, period: str) -> str:
    """A period as a reader says it: ``mid-2020`` for population estimates, ``April 2026`` for list sizes."""
    if indicator_id.startswith(("population", "pct_")):
        return f"mid-{period}"
    if period == "2026-04":
        return "April 2026"
    return str(period)


def source_ids_for(indicator_id: str, period: str) -> list[str]:
    """The registry ids behind one indicator and period (for a dated source, only the period's own)."""
    ids = CATALOGUE[indicator_id].source_ids
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


def format_value(value: float, unit: str) -> str:
    """A value as shown in tables: whole numbers for counts, one decimal for shares, two for µg/m³."""
    if value is None or pd.isna(value):
        return "–"
    if unit in ("persons", "patients", "practices", "decile"):
        return f"{value:,.0f}"
    if unit == "µg/m³":
        return f"{value:,.2f}"
    return f"{value:,.1f}"


# --------------------------------------------------------------------------- key indicators

def key_indicators(locality: str) -> pd.DataFrame:
    """The locality's key indicators beside the borough, London and England.

    Parameters
    ----------
    locality : str
        Locality code or name (see :func:`locality_code`).

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
    ValueError
        If the locality is unknown.

    Notes
    -----
    Better / similar / worse is a rule of thumb, not a significance test (see the module
    docstring and :func:`compare`).
    """
    code = locality_code(locality)
    table = _indicators()
    rows = []
    for indicator_id, period in KEY_INDICATORS:
        ind = CATALOGUE[indicator_id]
        value = _value(table, indicator_id, period, "locality", code)
        borough = _value(table, indicator_id, period, "borough", settings.BOROUGH_CODE)
        verdict, method = compare(value, borough, indicator_id)
        note = ""
        if indicator_id.startswith("laei_"):
            note = ("Locality and borough: population-weighted mean of LSOA values (mid-2019 weights). London: "
                    "area-weighted mean of the 33 borough means, not population-weighted.")
        elif indicator_id.startswith("gp_"):
            note = "Practices standing in the locality (spatial join); their patients may live elsewhere."
        elif indicator_id == "population":
            note = "LSOA estimates apportioned to wards by Output Area counts; locality totals are not whole numbers."
        elif indicator_id.endswith(("_share_q1", "_share_d1")):
            note = "Residents (IoD mid-2015 denominators) in LSOAs in the most deprived national decile(s)."
        rows.append({
            "indicator_id": indicator_id,
            "indicator": ind.title,
            "period": period_label(indicator_id, period),
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
    out.attrs["locality_name"] = locality_name(code)
    return out


def format_key_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """The key indicators table with values formatted as text for display (unit-aware)."""
    out = table.copy()
    for col in ("locality value", "borough value", "London value", "England value"):
        out[col] = [format_value(v, u) for v, u in zip(table[col], table["unit"])]
    out["difference vs borough"] = [
        "–" if pd.isna(d) else ("+" if d > 0 else "") + format_value(d, u) + (" points" if u == "%" else "")
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
    ValueError
        If the locality, indicator or period is unknown, or the indicator has no ward values.
    """
    code = locality_code(locality)
    if indicator_id not in CATALOGUE:
        raise ValueError(f"unknown indicator {indicator_id!r}")
    ind = CATALOGUE[indicator_id]
    if "ward" not in ind.levels:
        summary = next((i for i in CATALOGUE.values() if i.summary_of == indicator_id and "ward" in i.levels), None)
        if summary is None:
            raise ValueError(f"{ind.title} has no ward values (levels: {', '.join(ind.levels)})")
        ind, period = summary, None
    period = str(period or ind.periods[-1])
    if period not in ind.periods:
        raise ValueError(f"{ind.title} has periods {', '.join(ind.periods)}, not {period}")
    table = _indicators()
    sel = table[(table["indicator_id"] == ind.id) & (table["period"] == period) & (table["level"] == "ward")]
    wards = store.load_layer("wards")[["code", "name", "locality_code"]]
    frame = wards.merge(sel[["area_code", "value"]], left_on="code", right_on="area_code", how="left")
    frame["borough rank"] = mapspec.rank_within(frame["value"], ind.higher_is_worse)
    frame["wards in borough"] = int(frame["value"].notna().sum())
    frame = frame[frame["locality_code"] == code].copy()
    frame["locality rank"] = mapspec.rank_within(frame["value"], ind.higher_is_worse)
    borough = _value(table, ind.id, period, "borough", settings.BOROUGH_CODE)
    frame["borough value"] = borough
    frame["vs borough"] = [compare(v, borough, ind.id)[0] for v in frame["value"]]
    out = pd.DataFrame({
        "ward_code": frame["code"], "ward": frame["name"], "indicator_id": ind.id, "indicator": ind.title,
        "period": period_label(ind.id, period), "unit": ind.unit, "value": frame["value"],
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


# --------------------------------------------------------------------------- practices

def practices(locality: str) -> pd.DataFrame:
    """The GP practices standing in the locality, largest list first.

    Parameters
    ----------
    locality : str
        Locality code or name.

    Returns
    -------
    DataFrame
        ``ods_code``, ``practice`` (2019 ODS name), ``list_size`` (registered patients, April 2026),
        ``pcn`` (2024-25), ``ward``, ``note`` (out-of-date names, a source locality that differs from
        the location...), ``locality in source file``, ``postcode`` and ``address``.
    """
    name = locality_name(locality)
    fac = store.load_layer("facilities")
    gp = fac[(fac["kind"] == "gp_practice") & (fac["locality"] == name)].copy()
    gp["list_size"] = pd.to_numeric(gp["list_size"], errors="coerce").astype("Int64")
    notes = []
    for _, row in gp.iterrows():
        parts = [str(row["note"]).strip()] if pd.notna(row["note"]) and str(row["note"]).strip() else []
        src = str(row["source_locality"] or "")
        if src and not src.startswith(name):
            parts.append(f"Source file says {src}; placed in {name} by its location ({row['ward_name']}).")
        notes.append(" ".join(parts))
    gp["note"] = notes
    out = pd.DataFrame({
        "ods_code": gp["facility_id"], "practice": gp["name"], "list_size": gp["list_size"], "pcn": gp["pcn"],
        "ward": gp["ward_name"], "note": gp["note"], "locality in source file": gp["source_locality"],
        "postcode": gp["postcode"], "address": gp["address"],
    })
    return out.sort_values(["list_size", "ods_code"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- S106 / CIL

def s106_projects(locality: str) -> pd.DataFrame:
    """S106/CIL-funded health projects in the locality.

    A project counts for the locality if it is located there (placed at the postcode of the
    practice the source names), or, when it cannot be located, if the locality its source
    states (or infers) is this one.  ``basis`` says which.

    Parameters
    ----------
    locality : str
        Locality code or name.

    Returns
    -------
    DataFrame
        ``project``, ``total_gbp`` (NaN where the source gives no amount), ``year``, ``basis``, ``ward``,
        ``locality in source``, ``location_precision``, ``cil_gbp``, ``s106_gbp``, ``decision_date``,
        ``decision_type``, ``location``, ``source_urls``.
    """
    name = locality_name(locality)
    s = store.load_layer("s106_projects")
    located = s.geometry.notna() & ~s.geometry.is_empty
    stated = s["locality"].fillna("").str.strip()
    mapped = located & (s["locality_mapped"] == name)
    by_source = ~located & stated.str.startswith(name)
    sel = s[mapped | by_source].copy()
    sel["basis"] = np.where(mapped[mapped | by_source], "located in the locality (practice postcode)",
                            "not located: locality as given in the source")
    year = pd.to_numeric(sel["year"], errors="coerce").astype("Int64")
    out = pd.DataFrame({
        "project": sel["project"], "total_gbp": pd.to_numeric(sel["total_gbp"], errors="coerce"), "year": year,
        "basis": sel["basis"], "ward": sel["ward_name"], "locality in source": sel["locality"],
        "location_precision": sel["location_precision"],
        "cil_gbp": pd.to_numeric(sel["cil_gbp"], errors="coerce"), "s106_gbp": pd.to_numeric(sel["s106_gbp"], errors="coerce"),
        "decision_date": sel["decision_date"], "decision_type": sel["decision_type"], "location": sel["location"],
        "source_urls": sel["source_urls"],
    })
    return out.reset_index(drop=True)


def s106_unassigned() -> pd.DataFrame:
    """Projects neither located nor given a locality by their source (listed for completeness)."""
    s = store.load_layer("s106_projects")
    located = s.geometry.notna() & ~s.geometry.is_empty
    stated = s["locality"].fillna("").str.strip()
    known = stated.str.startswith(tuple(settings.LOCALITY_NAMES))
    return s.loc[~located & ~known, ["project", "location", "total_gbp", "decision_type"]].reset_index(drop=True)


# --------------------------------------------------------------------------- air quality

@dataclass
class AirQuality:
    """Air quality of a locality: modelled trend, diffusion tubes and their trend, with notes."""

    locality: str
    laei_trend: pd.DataFrame      # pollutant, year, area, level, value, unit
    tubes: pd.DataFrame           # the locality's tubes in tube_year
    tube_year: int
    tube_trend: pd.DataFrame      # year, tubes, median, exceeding, ... borough median
    notes: list[str] = field(default_factory=list)


def laei_trend(locality: str) -> pd.DataFrame:
    """LAEI modelled annual means 2013, 2016, 2019 for the locality, the borough and London.

    Returns
    -------
    DataFrame
        Long table: ``pollutant`` (NO2, PM2.5, PM10), ``year``, ``area``, ``level``
        (locality / borough / london), ``value`` (µg/m³), ``unit``.
    """
    code = locality_code(locality)
    name = locality_name(code)
    table = _indicators()
    rows = []
    for pollutant, indicator_id in LAEI_INDICATORS.items():
        sel = table[table["indicator_id"] == indicator_id]
        for level, area_code, area in (("locality", code, f"{name} locality"),
                                       ("borough", settings.BOROUGH_CODE, settings.BOROUGH_NAME),
                                       ("london", settings.LONDON_CODE, "London")):
            part = sel[(sel["level"] == level) & (sel["area_code"] == area_code)]
            for _, r in part.iterrows():
                rows.append({"pollutant": pollutant, "year": int(r["period"]), "area": area, "level": level,
                             "value": float(r["value"]), "unit": r["unit"]})
    return pd.DataFrame(rows).sort_values(["pollutant", "level", "year"]).reset_index(drop=True)


def tubes(locality: str, year: int = TUBE_YEARS[-1]) -> pd.DataFrame:
    """The council's NO2 diffusion tubes standing in the locality in one year.

    Returns
    -------
    DataFrame
        ``site_no``, ``location``, ``ward``, ``on boundary with`` (another ward within
        :data:`thmaps.settings.WARD_BOUNDARY_METRES`), ``annual_mean_bias_adjusted`` (µg/m³), ``exceeds 40 µg/m³``
        (``"yes"``, ``"no"`` or ``"not judged"``: no mean, or a suspect month), ``annual_mean_raw``,
        ``months_measured``, ``site_type`` and ``note`` (quality and bias-adjustment notes), highest first.

    Raises
    ------
    ValueError
        If the locality is unknown or there are no results for the year.
    """
    name = locality_name(locality)
    year = int(year)
    if year not in TUBE_YEARS:
        raise ValueError(f"no diffusion tube results for {year}; years {TUBE_YEARS[0]}-{TUBE_YEARS[-1]}")
    t = store.load_layer("no2_tubes")
    t = t[(t["year"] == year) & (t["locality"] == name)].copy()
    adj = pd.to_numeric(t["annual_mean_bias_adjusted"], errors="coerce")
    exceeds = t["objective_status"].map({"above": "yes", "at or below": "no"}).fillna("not judged").to_numpy()
    out = pd.DataFrame({
        "site_no": t["site_no"], "location": t["location"], "ward": t["ward_name"],
        "on boundary with": t["boundary_ward"], "annual_mean_bias_adjusted": adj,
        f"exceeds {settings.NO2_OBJECTIVE:g} µg/m³": exceeds,
        "annual_mean_raw": pd.to_numeric(t["annual_mean_raw"], errors="coerce"),
        "months_measured": pd.to_numeric(t["months_measured"], errors="coerce").astype("Int64"),
        "site_type": t["site_type"],
        "note": (t["quality_note"] + np.where(t["quality_note"] != "", "; ", "") + t["adjustment_note"]).to_numpy(),
    })
    return out.sort_values("annual_mean_bias_adjusted", ascending=False, na_position="last").reset_index(drop=True)


def tube_trend(locality: str) -> pd.DataFrame:
    """Per year 2015-2024: the locality's tubes, their median bias-adjusted mean and how many exceed 40 µg/m³.

    The set of sites changes between years (about 75 tubes in 2015-17, 90 in 2018-20, 92-94
    from 2021), so a change in the median mixes real change with a change of sites.

    Returns
    -------
    DataFrame
        ``year``, ``tubes`` (with an annual mean), ``median`` (µg/m³), ``exceeding`` (count above
        the objective), ``share exceeding`` (%), ``borough tubes`` and ``borough median``.
    """
    name = locality_name(locality)
    t = store.load_layer("no2_tubes")
    t = t[t["in_borough"].astype(bool)].copy()
    t["adj"] = pd.to_numeric(t["annual_mean_bias_adjusted"], errors="coerce")
    t = t[t["adj"].notna()]
    rows = []
    for year in TUBE_YEARS:
        b = t[t["year"] == year]
        loc = b[b["locality"] == name]
        n = len(loc)
        exceeding = int((loc["objective_status"] == "above").sum())
        rows.append({"year": year, "tubes": n, "median": float(loc["adj"].median()) if n else np.nan,
                     "exceeding": exceeding, "share exceeding": 100.0 * exceeding / n if n else np.nan,
                     "borough tubes": len(b), "borough median": float(b["adj"].median()) if len(b) else np.nan})
    return pd.DataFrame(rows)


def air_quality(locality: str, tube_year: int = TUBE_YEARS[-1]) -> AirQuality:
    """Air quality of a locality: LAEI trend, the year's diffusion tubes and the tube trend.

    Parameters
    ----------
    locality : str
        Locality code or name.
    tube_year : int
        Year of the tube results to list (2015-2024).

    Returns
    -------
    AirQuality
        See :func:`laei_trend`, :func:`tubes` and :func:`tube_trend`; ``notes`` carries the caveats
        to show with them.
    """
    name = locality_name(locality)
    trend = tube_trend(name)
    notes = [
        "LAEI: modelled annual means (GLA/TfL), not measurements. Locality and borough are population-weighted "
        "means of LSOA values (mid-2019 population for every year); London is the area-weighted mean of the "
        "33 borough means.",
        f"Diffusion tubes: the council's bias-adjusted annual means; the UK annual mean objective for NO2 is "
        f"{settings.NO2_OBJECTIVE:g} µg/m³ (WHO 2021 guideline: {settings.WHO_GUIDELINES['NO2']:g} µg/m³). "
        "Tubes are mostly at roadsides, so they read higher than the modelled area means.",
        "The set of tube sites changes between years (about 75 in 2015-17, 90 in 2018-20, 92-94 from 2021): "
        "the median of a year's tubes is not a like-for-like trend.",
    ]
    return AirQuality(locality=name, laei_trend=laei_trend(name), tubes=tubes(name, tube_year),
                      tube_year=int(tube_year), tube_trend=trend, notes=notes)


# --------------------------------------------------------------------------- export

def _key_source_ids() -> list[str]:
    ids: list[str] = []
    for indicator_id, period in KEY_INDICATORS:
        ids += source_ids_for(indicator_id, period)
    # Apportionment and the locality outlines rest on the boundaries and the OA lookup.
    ids += ["lsoa11", "wards", "oa21", "oa21_ward_lookup"]
    return list(dict.fromkeys(ids))


def locality_table_csv(locality: str) -> bytes:
    """The key indicators table as UTF-8 CSV, with a ``#`` comment block of sources and licences.

    The comment block names the locality, the date, the comparison rule, the locality
    definition, each source with its vintage and licence, and the attribution lines
    (:func:`thmaps.sources.attribution_lines`).  Read it back with
    ``pandas.read_csv(..., comment="#")``.

    Returns
    -------
    bytes
        UTF-8 encoded CSV.
    """
    table = key_indicators(locality)
    name = table.attrs["locality_name"]
    ids = _key_source_ids()
    lines = [
        f"thmaps: key indicators, {name} locality, London Borough of Tower Hamlets",
        f"Made on {_dt.date.today().isoformat()} from the thmaps store.",
        RULE_OF_THUMB,
        LOCALITY_NOTE,
        "Sources (title; vintage; licence):",
    ]
    for sid in ids:
        s = get_source(sid)
        lines.append(f"  {sid}: {s.title}; {s.vintage}; {s.licence}")
    lines.append("Attribution:")
    lines += [f"  {line}" for line in attribution_lines(ids)]
    buffer = _io.StringIO()
    for line in lines:
        buffer.write("# " + line.replace("\n", " ") + "\n")
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
