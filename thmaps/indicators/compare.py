"""How an area compares with the borough: better, similar or worse.

No confidence intervals are available for the current figures (apportioned counts, modelled
concentrations and population shares), so the comparison is a **rule of thumb, not a
significance test**:

* shares (%, e.g. residents in the most deprived 20%): *similar* when the area is within
  ``max(2 percentage points, 10% of the borough value)`` of the borough;
* concentrations (µg/m³, LAEI): *similar* when within 2.5% of the borough value;
* otherwise *better* or *worse* by the indicator's direction in the catalogue
  (``higher_is_worse``);
* counts and indicators without a direction (population, age shares, GP patients and
  practices; ``higher_is_worse`` is ``None``) are *not compared*.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import get

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
    indicator = get(indicator_id)
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
