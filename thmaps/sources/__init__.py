"""Sources: the registry of datasets, one reader per dataset, and validation of a source directory.

Each ``read_*`` function reads one dataset of the registry from the source directory
(``THMAPS_SOURCE_DIR``), checks the columns it needs and returns a clean frame: normalised codes and
names, numbers as numbers, geometries in EPSG:27700. Problems are raised as
:class:`thmaps.errors.SourceError`, naming the file.
"""
from ..errors import SourceError
from . import census
from ._common import normalise_postcode, normalise_ward_name, points_from_xy
from .air import (LAEI_POLLUTANTS, LAEI_YEARS, LAEI_ZONES, read_laei_boroughs, read_laei_lsoa11, read_laei_zones,
                  read_laqn_sites, read_no2_tubes)
from .boundaries import (boundary_registry, read_boundary, read_lsoa11_lsoa21_lookup, read_lsoa11_ward_lookup,
                         read_oa_ward_lookup)
from .health import CLOSED_FACILITIES, DUPLICATE_FACILITIES, practice_name, read_gp_practices, read_nhs_facilities
from .population import AGE_BANDS, IMD_DOMAINS, read_imd, read_imd_denominators, read_population
from .reference import (read_codepoint, read_fingertips, read_liveable_streets, read_liveable_streets_outline,
                        read_s106_projects, read_traffic_filters)
from .registry import Source, attribution_lines, format_registry, get, load_registry

__all__ = [
    "AGE_BANDS", "CLOSED_FACILITIES", "DUPLICATE_FACILITIES", "IMD_DOMAINS", "LAEI_POLLUTANTS", "LAEI_YEARS",
    "LAEI_ZONES", "Source", "SourceError", "attribution_lines", "boundary_registry", "census", "format_registry", "get",
    "load_registry", "normalise_postcode", "normalise_ward_name", "points_from_xy", "practice_name", "read_boundary",
    "read_codepoint", "read_fingertips", "read_gp_practices", "read_imd", "read_imd_denominators",
    "read_laei_boroughs", "read_laei_lsoa11", "read_laei_zones", "read_laqn_sites", "read_liveable_streets",
    "read_liveable_streets_outline", "read_lsoa11_lsoa21_lookup", "read_lsoa11_ward_lookup", "read_nhs_facilities",
    "read_no2_tubes", "read_oa_ward_lookup", "read_population", "read_s106_projects", "read_traffic_filters",
]
