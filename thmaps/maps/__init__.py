"""Maps: describe (:class:`MapDescription`), prepare (:func:`prepare`), then draw on the web or on paper.

>>> from thmaps.maps import MapDescription, prepare, web, printing   # doctest: +SKIP
>>> prepared = prepare(MapDescription("laei_no2", level="ward"))      # doctest: +SKIP
>>> html = web.to_html(prepared); pdf = printing.render(prepared)     # doctest: +SKIP
"""
from .classify import NO_DATA_COLOUR, PALETTES, classify, palette_for, rank_within
from .description import MAP_LEVELS, SCHEMES, MapDescription, default_scheme, resolve
from .prepare import PreparedMap, boundary_layer, extent_geometry, place_labels, prepare
from .table import values_table

__all__ = ["MAP_LEVELS", "NO_DATA_COLOUR", "PALETTES", "SCHEMES", "MapDescription", "PreparedMap", "boundary_layer",
           "classify", "default_scheme", "extent_geometry", "palette_for", "place_labels", "prepare", "rank_within",
           "resolve", "values_table"]
