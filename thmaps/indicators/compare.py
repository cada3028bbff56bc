"""How an area compares with a comparator (borough, London, England): the one home of every rule.

:func:`compare` chooses, for each catalogue indicator, how the comparison is made:

* **shares with a numerator and a denominator** (residents in the most deprived 20%, residents
  aged 0-15, Fingertips shares with counts): the area's **95% Wilson score interval**
  (:func:`thmaps.indicators.intervals.share_interval`); the area is *similar* when the comparator
  value lies inside it, otherwise *better* or *worse* by the catalogue's ``higher_is_worse``,
  or *higher* / *lower* when higher is neither better nor worse (as Fingertips colours
  indicators without a polarity).  See :func:`thmaps.indicators.intervals.compare_interval`.
* **counts** (population, GP patients, GP practices) are **not compared**: a locality's count is
  part of the borough's, so the two are not like for like, and these counts are population
  estimates and registers, not observed events, so Byar's Poisson interval
  (:func:`thmaps.indicators.intervals.byar_interval`) would not describe their uncertainty.
* **rates with a numerator and a denominator** (an uploaded rate per 1,000 or 100,000 people): the
  numerator is a count of events, so the area's **95% Byar interval** (exact Poisson below 10 events,
  :func:`thmaps.indicators.intervals.rate_interval`), the denominator taken as known, as Fingertips does;
  the verdict as for shares.
* **everything else** (modelled LAEI concentrations; shares published without counts; deciles):
  no interval can be computed, so a labelled **rule of thumb, not a significance test**
  (:func:`rule_of_thumb`):

  - shares (%): *similar* when within ``max(2 percentage points, 10% of the comparator value)``;
  - concentrations (µg/m³): *similar* when within 2.5% of the comparator value;
  - otherwise *better* or *worse* by ``higher_is_worse``; deciles and indicators without a
    direction are *not compared*.

The Wilson intervals are the binomial ones Fingertips uses.  The shares here count whole
(apportioned) populations of tens of thousands of residents, so the intervals are narrow and
small differences show as better or worse.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalogue import Indicator, get
from .intervals import compare_interval, rate_interval, share_interval

#: "Similar" band for shares: the wider of this many percentage points ...
SHARE_BAND_POINTS = 2.0
#: ... and this fraction of the comparator value.
SHARE_BAND_RELATIVE = 0.10
#: "Similar" band for concentrations: this fraction of the comparator value.
CONCENTRATION_BAND_RELATIVE = 0.025
#: Confidence level of the intervals (Fingertips' default for comparisons).
CONFIDENCE = 0.95

RULE_OF_THUMB = (
    "Where no confidence interval can be computed (modelled concentrations, shares published without counts), "
    "better / similar / worse is a rule of thumb, not a significance test. Shares: similar if within "
    f"{SHARE_BAND_POINTS:g} percentage points or {SHARE_BAND_RELATIVE:.0%} of the comparator value, whichever is "
    f"wider. Concentrations: similar if within {CONCENTRATION_BAND_RELATIVE:.1%} of the comparator value."
)

COMPARISON_NOTE = (
    f"Better / similar / worse as OHID Fingertips makes them: shares with a numerator and a denominator have a "
    f"{CONFIDENCE:.0%} Wilson score interval (rates uploaded with their events and population, a Byar interval), "
    "and the area is similar when the comparator value (borough, London or England) lies inside it, otherwise better or worse by the indicator's direction (higher or lower where "
    "higher is neither better nor worse). The share intervals are binomial, as in Fingertips; over tens of thousands "
    f"of residents they are narrow, so small differences show as better or worse. {RULE_OF_THUMB} Counts "
    "(population, GP patients and practices) and deciles are not compared."
)

#: Method text of the interval comparison (the verdict rule is in :func:`intervals.compare_interval`).
WILSON_METHOD = f"{CONFIDENCE:.0%} Wilson score interval"
BYAR_METHOD = f"{CONFIDENCE:.0%} Byar interval of the events (exact Poisson below 10)"


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare`.

    Attributes
    ----------
    verdict : str
        ``"better"``, ``"similar"``, ``"worse"``, ``"higher"``, ``"lower"`` (no direction),
        ``"not compared"`` or ``"no data"``.
    lower, upper : float
        The area's 95% confidence limits in the indicator's unit; NaN when no interval applies.
    method : str
        How the verdict was reached, in words (says "rule of thumb" when no interval was used).
    """

    verdict: str
    lower: float = math.nan
    upper: float = math.nan
    method: str = ""


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):  # None, pandas' NA
        return math.nan


def rule_of_thumb(value: float, comparator: float, indicator_id: str | Indicator,
                  against: str = "borough") -> tuple[str, str]:
    """Compare a value with a comparator by the labelled rule of thumb (no interval available).

    Parameters
    ----------
    value, comparator : float
        The area's value and the comparator's, in the indicator's unit.
    indicator_id : str or Indicator
        Catalogue id or entry; its ``kind`` picks the band and ``higher_is_worse`` the direction.
    against : str
        The comparator's name in the method text (``"borough"``, ``"London"``, ``"England"``).

    Returns
    -------
    (str, str)
        The verdict (``"better"``, ``"similar"``, ``"worse"``, ``"not compared"`` or ``"no data"``)
        and the method, in words.

    Examples
    --------
    >>> rule_of_thumb(33.1, 30.0, "imd_share_q1")[0]     # band max(2, 3.0) = 3.0 points
    'worse'
    >>> rule_of_thumb(10.25, 10.0, "laei_no2")          # band 2.5% of 10 = 0.25 µg/m³
    ('similar', 'similar if within ±2.5% (±0.25 µg/m³) of the borough')
    """
    indicator = indicator_id if isinstance(indicator_id, Indicator) else get(indicator_id)
    value, comparator = _number(value), _number(comparator)
    if indicator.higher_is_worse is None:
        return "not compared", "not compared: higher is neither better nor worse"
    if indicator.kind == "share":
        band = max(SHARE_BAND_POINTS, SHARE_BAND_RELATIVE * abs(comparator)) if not math.isnan(comparator) else np.nan
        method = (f"similar if within ±{band:.1f} points of the {against} (wider of {SHARE_BAND_POINTS:g} points "
                  f"and {SHARE_BAND_RELATIVE:.0%})")
    elif indicator.kind == "concentration":
        band = CONCENTRATION_BAND_RELATIVE * abs(comparator) if not math.isnan(comparator) else np.nan
        method = (f"similar if within ±{CONCENTRATION_BAND_RELATIVE:.1%} (±{band:.2f} {indicator.unit}) "
                  f"of the {against}")
    else:
        return "not compared", f"not compared: no rule for {indicator.kind} indicators"
    if math.isnan(value) or math.isnan(comparator):
        return "no data", method
    diff = value - comparator
    if abs(diff) <= band:
        return "similar", method
    worse = diff > 0 if indicator.higher_is_worse else diff < 0
    return ("worse" if worse else "better"), method


def _area(area) -> tuple[float, float, float]:
    """(value, numerator, denominator) of a row of the ``indicators`` table, a mapping or a bare value."""
    if isinstance(area, (Mapping, pd.Series)):
        return tuple(_number(area.get(key)) for key in ("value", "numerator", "denominator"))
    return _number(area), math.nan, math.nan


def compare(area, comparator_value: float, indicator: str | Indicator, against: str = "borough") -> Comparison:
    """Compare an area with a comparator: by the area's 95% interval where one exists, else by rule.

    Parameters
    ----------
    area : mapping, Series or float
        A row of the store's ``indicators`` table (``value``, ``numerator``, ``denominator``)
        or a dict with those keys.  A bare number is a value without counts (rule of thumb).
    comparator_value : float
        The comparator's value in the indicator's unit.
    indicator : str or Indicator
        Catalogue id or entry: ``kind`` and the counts choose the method, ``higher_is_worse``
        the direction.
    against : str
        The comparator's name in the method text.

    Returns
    -------
    Comparison
        Verdict, the area's limits (NaN without an interval) and the method in words.

    Examples
    --------
    >>> c = compare({"value": 15.0, "numerator": 45, "denominator": 300}, 20.0, "imd_share_q1")
    >>> c.verdict, round(c.lower, 2), round(c.upper, 2)   # 20% lies above the interval 11.40-19.48%
    ('better', 11.4, 19.48)
    >>> compare(10.26, 10.0, "laei_no2").verdict         # no interval: rule of thumb
    'worse'
    >>> compare(12.0, 3000.0, "gp_practices").verdict
    'not compared'
    """
    ind = indicator if isinstance(indicator, Indicator) else get(indicator)
    value, numerator, denominator = _area(area)
    if ind.kind == "count":
        return Comparison("not compared", method=(
            "not compared: a count is not compared with a larger area's count (these counts are estimates "
            "or registers, not observed events, so no Poisson interval)"))
    counted = not (math.isnan(numerator) or math.isnan(denominator))
    if ind.kind in ("share", "rate") and counted:
        if ind.kind == "share":
            lower, upper = share_interval(numerator, denominator, CONFIDENCE, per=100.0 if ind.unit == "%" else 1.0)
        else:
            lower, upper = rate_interval(numerator, denominator, per=ind.per, confidence=CONFIDENCE)
        verdict = compare_interval(comparator_value, lower, upper, ind.higher_is_worse)
        otherwise = ("higher or lower (no direction)" if ind.higher_is_worse is None
                     else "better or worse by direction")
        method = WILSON_METHOD if ind.kind == "share" else BYAR_METHOD
        return Comparison(verdict, float(lower), float(upper),
                          f"{method}: similar if the {against} value lies inside it, else {otherwise}")
    verdict, method = rule_of_thumb(value, comparator_value, ind, against)
    return Comparison(verdict, method=f"no interval: rule of thumb; {method}")
