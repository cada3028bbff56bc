"""Indicators: the catalogue, values and their aggregation across levels, and comparisons.

Every value is carried as a numerator and a denominator, so aggregation is one rule for all:
counts are summed; shares are ratios of summed numerators and denominators; concentrations are
population-weighted means. See :mod:`thmaps.indicators.catalogue` for each indicator's method.
"""
from .catalogue import (CATALOGUE, CENSUS_LEVELS, COMPARATOR_LEVELS, LEVEL_LABELS, LEVELS, LEVELS_2021, Indicator,
                        at_level, catalogue_frame, get, levels_of)
from .compare import RULE_OF_THUMB, compare

__all__ = ["CATALOGUE", "CENSUS_LEVELS", "COMPARATOR_LEVELS", "LEVELS", "LEVELS_2021", "LEVEL_LABELS", "Indicator",
           "RULE_OF_THUMB", "at_level", "catalogue_frame", "compare", "get", "levels_of"]
