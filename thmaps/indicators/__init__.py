"""Indicators: the catalogue, values and their aggregation across levels, and comparisons.

Every value is carried as a numerator and a denominator, so aggregation is one rule for all:
counts are summed; shares are ratios of summed numerators and denominators; concentrations are
population-weighted means. See :mod:`thmaps.indicators.catalogue` for each indicator's method.
Comparisons use Fingertips' confidence intervals where they exist (:mod:`thmaps.indicators.intervals`)
and a labelled rule of thumb otherwise (:mod:`thmaps.indicators.compare`).
"""
from .catalogue import (CATALOGUE, CENSUS_LEVELS, COMPARATOR_LEVELS, LEVEL_LABELS, LEVELS, LEVELS_2021, Indicator,
                        at_level, catalogue_frame, get, levels_of)
from .compare import COMPARISON_NOTE, RULE_OF_THUMB, Comparison, compare, rule_of_thumb
from .intervals import byar_interval, compare_interval, rate_interval, share_interval, wilson_interval

__all__ = ["CATALOGUE", "CENSUS_LEVELS", "COMPARATOR_LEVELS", "COMPARISON_NOTE", "LEVELS", "LEVELS_2021",
           "LEVEL_LABELS", "Comparison", "Indicator", "RULE_OF_THUMB", "at_level", "byar_interval", "catalogue_frame",
           "compare", "compare_interval", "get", "levels_of", "rate_interval", "rule_of_thumb", "share_interval",
           "wilson_interval"]
