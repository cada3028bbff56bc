"""Development health impact for planners: site, catchment, health infrastructure need, Rapid HIA and a report.

>>> import thmaps
>>> result = thmaps.assess_site("E14 0XA", homes=250)          # doctest: +SKIP
>>> result.main.sections["estimate"].display()                # doctest: +SKIP

Flow: a :class:`Site` (:mod:`.site`, :mod:`.upload`) and a :class:`Scheme` (:mod:`.scheme`) -> rings and
catchments (:mod:`.catchment`) -> what is around (:mod:`.around`) and local evidence (:mod:`.evidence`) ->
the estimate and pressure on practices (:mod:`.estimate`) -> the Rapid HIA matrix (:mod:`.hia`) -> the
report (:mod:`.report`, :mod:`.export`). Every parameter lives in ``thmaps/data/impact_parameters.yaml``
(:mod:`.parameters`); an assessment's inputs travel as a small JSON file (:mod:`.assessment`).
"""
from .analysis import ImpactResult, SiteResult, analyse, assess
from .api import assess_site, locate
from .assessment import Assessment
from .catchment import METHOD as CATCHMENT_METHOD, catchments, parse_radii
from .export import report_bytes, save_report
from .hia import JUDGEMENTS, matrix, themes
from .parameters import Parameters, load_parameters
from .scheme import Scheme, make_scheme, schemes_from_csv
from .site import Site, site_from_easting_northing, site_from_lat_lon, site_from_postcode
from .upload import site_from_upload

__all__ = ["Assessment", "CATCHMENT_METHOD", "ImpactResult", "JUDGEMENTS", "Parameters", "Scheme", "Site",
           "SiteResult", "analyse", "assess", "assess_site", "catchments", "load_parameters", "locate", "make_scheme",
           "matrix", "parse_radii", "report_bytes", "save_report", "schemes_from_csv", "site_from_easting_northing",
           "site_from_lat_lon", "site_from_postcode", "site_from_upload", "themes"]
