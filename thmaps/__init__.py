"""thmaps: locality health-needs maps for the London Borough of Tower Hamlets.

The handful of calls a notebook needs::

    >>> import thmaps
    >>> thmaps.build()                                    # doctest: +SKIP  (store from THMAPS_SOURCE_DIR)
    >>> wards = thmaps.load_layer("wards")                # doctest: +SKIP
    >>> thmaps.lookup_postcode("E1 1BB").ward_name        # doctest: +SKIP
    'Whitechapel'
    >>> d = thmaps.MapDescription("imd_decile", extent="locality:SE", overlays=("gp_practices",))
    >>> prepared = thmaps.prepare(d)                      # doctest: +SKIP
    >>> html = thmaps.to_html(prepared)                   # doctest: +SKIP
    >>> pdf = thmaps.render_print(prepared, "A4", "landscape", "pdf")   # doctest: +SKIP
    >>> thmaps.key_indicators("South East")               # doctest: +SKIP
    >>> thmaps.assess_site("E14 0XA", homes=250)          # doctest: +SKIP  (development impact)
    >>> thmaps.find_place("E14 0XA")[0].key               # doctest: +SKIP
    'postcode:E14 0XA'
    >>> pdf = thmaps.locality_profile("South East").pdf   # doctest: +SKIP

Data flows one way: sources -> store -> geography -> indicators -> map description -> web or print.
Every error meant for a person is a :class:`ThmapsError`.
"""
from importlib.metadata import PackageNotFoundError, version as _version

from . import settings
from .builder import build
from .errors import ThmapsError
from .geo.places import Extent, Locality
from .impact import assess_site
from .indicators import CATALOGUE
from .maps import MapDescription, PreparedMap, prepare
from .maps.printing import render as render_print, save as save_print
from .maps.web import to_html, to_standalone_html
from .overlays import OVERLAYS
from .postcodes import lookup_postcode
from .profile import key_indicators, ward_ranking
from .reports import run_pack
from .reports.locality_profile import locality_profile
from .search import find_place
from .store import list_layers, load_layer
from .validation import validate

try:
    __version__ = _version("thmaps")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["CATALOGUE", "Extent", "Locality", "MapDescription", "OVERLAYS", "PreparedMap", "ThmapsError",
           "__version__", "assess_site", "build", "find_place", "key_indicators", "list_layers", "load_layer",
           "locality_profile", "lookup_postcode", "prepare", "render_print", "run_pack", "save_print", "settings",
           "to_html", "to_standalone_html", "validate", "ward_ranking"]
