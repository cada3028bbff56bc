"""Classification and colour: classes (mapclassify), ColorBrewer palettes and ranks.

Classes are always computed on the whole level (every borough LSOA, or all of London's), so a
locality's map uses the same breaks as the borough map and maps of different places compare.
"""
from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from .._util import format_value
from ..indicators.catalogue import get as get_indicator

#: Colour-blind-safe ColorBrewer ramps: needs (worse = darker) and neutral counts.
PALETTES = {"needs": "YlOrRd", "neutral": "YlGnBu"}
NO_DATA_COLOUR = "#d9d9d9"


def palette_for(indicator_id: str, n: int) -> list[str]:
    """``n`` colours, light to dark in the direction of need (worse = darker)."""
    indicator = get_indicator(indicator_id)
    name = PALETTES["neutral"] if indicator.higher_is_worse is None else PALETTES["needs"]
    cmap = colormaps[name]
    colours = [to_hex(cmap(x)) for x in np.linspace(0.12, 0.95, n)]
    # A low value is worse (deciles: 1 = most deprived): darkest colour for the lowest class.
    return colours[::-1] if indicator.higher_is_worse is False else colours


def classify(values: pd.Series, scheme: str, k: int, unit: str) -> tuple[np.ndarray, list[float], list[str]]:
    """Class of each value, the class upper bounds and legend labels (mapclassify)."""
    valid = values.dropna().astype(float)
    if valid.empty:
        return np.full(len(values), -1), [], []
    if scheme == "national_deciles":
        bins = [float(b) for b in range(1, 11)]
        labels = ["1 (most deprived 10%)"] + [str(b) for b in range(2, 10)] + ["10 (least deprived 10%)"]
        classifier = mapclassify.UserDefined(valid.values, bins=bins)
    else:
        n_unique = valid.nunique()
        k_eff = max(1, min(k, n_unique))
        if k_eff < 2:
            classifier = mapclassify.UserDefined(valid.values, bins=[valid.max()])
        elif scheme == "quantiles":
            classifier = mapclassify.Quantiles(valid.values, k=k_eff)
        elif scheme == "natural_breaks":
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Numba not installed")  # pure Python is fast enough here
                classifier = mapclassify.FisherJenks(valid.values, k=k_eff)
        else:
            classifier = mapclassify.EqualInterval(valid.values, k=k_eff)
        bins = [float(b) for b in classifier.bins]
        lower = [float(valid.min())] + bins[:-1]
        labels = [f"{format_value(lo, unit, with_unit=False)} – {format_value(hi, unit, with_unit=False)}"
                  for lo, hi in zip(lower, bins)]
    classes = np.full(len(values), -1)
    classes[values.notna().to_numpy()] = classifier.yb
    return classes, bins, labels


def rank_within(values: pd.Series, higher_is_worse: bool | None) -> pd.Series:
    """Rank within the borough, 1 = worst (highest value where direction is neutral)."""
    ascending = higher_is_worse is False
    return values.rank(ascending=ascending, method="min")
