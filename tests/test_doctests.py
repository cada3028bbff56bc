"""The examples in the library's docstrings run and give what they say (pure modules, no store needed)."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["thmaps._util", "thmaps.safetext", "thmaps.geo.places", "thmaps.indicators.catalogue",
           "thmaps.indicators.intervals", "thmaps.overlays", "thmaps.maps.description", "thmaps.errors",
           "thmaps.impact.parameters", "thmaps.impact.scheme", "thmaps.impact.catchment", "thmaps.impact.tables",
           "thmaps.impact.estimate", "thmaps.impact.assessment", "thmaps.store.backend", "thmaps.store.postgis"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
