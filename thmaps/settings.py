"""Project-wide settings: paths, coordinate reference systems, thresholds.

Every constant the library relies on lives here (osmnx style) so that there is
one place to read or override it.  Values that come from the environment are
read when a function asks for them, not at import, so tests can point the
library at another source directory or store.
"""
from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``thmaps/``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Environment variable naming the directory of source data (../shared/data).
SOURCE_DIR_ENV = "THMAPS_SOURCE_DIR"
#: Environment variable naming the GeoPackage store to build and read.
STORE_ENV = "THMAPS_STORE"
#: Version of the store's layout; raised when a layer gains or loses columns, so that a store built by an
#: older thmaps is rebuilt rather than read wrongly (2: ``duplicate_of`` and ``boundary_ward``).
STORE_FORMAT = 2

DEFAULT_STORE = PROJECT_ROOT / "data" / "store" / "thmaps.gpkg"
SOURCE_REGISTRY = PROJECT_ROOT / "data" / "sources.yaml"
LOCALITIES_CSV = PROJECT_ROOT / "boundaries" / "localities.csv"
BOUNDARY_REGISTRY = PROJECT_ROOT / "boundaries" / "registry.yaml"
LIVEABLE_STREETS_WARDS_CSV = PROJECT_ROOT / "boundaries" / "liveable_streets_wards.csv"

#: CRS in which everything is measured, joined and stored (British National Grid).
CRS_STORE = "EPSG:27700"
#: CRS served to the web map.
CRS_WEB = "EPSG:4326"

BOROUGH_CODE = "E09000030"
BOROUGH_NAME = "Tower Hamlets"
LONDON_CODE = "E12000007"
ENGLAND_CODE = "E92000001"

LOCALITY_NAMES = ("North West", "North East", "South West", "South East")
LOCALITY_CODES = {"North West": "NW", "North East": "NE", "South West": "SW", "South East": "SE"}

#: Ward renames of 2022 (boundaries unchanged).
OLD_WARD_NAMES = {"Bethnal Green": "Bethnal Green East", "St Peter's": "Bethnal Green West"}

#: UK annual mean air quality objective for NO2 and PM10, µg/m³.
NO2_OBJECTIVE = 40.0
#: A monthly NO2 tube mean above this (µg/m³) is flagged as a probable data-entry error (London kerbside
#: monthly means rarely exceed 150; the 2024 table has one of 1230.1).
NO2_IMPLAUSIBLE_MONTHLY = 300.0
#: WHO global air quality guidelines (22 September 2021), annual mean guideline levels, µg/m³.
WHO_GUIDELINES = {"NO2": 10.0, "PM25": 5.0, "PM10": 15.0}

#: A point this close (metres) to another ward is reported as on the boundary with it: diffusion tubes
#: and monitors stand on roads, and main roads are often ward boundaries (TH2 is 10 m from one).
WARD_BOUNDARY_METRES = 25.0

#: Relative tolerance for totals conserved across geography levels.
CONSERVATION_TOLERANCE = 0.001

#: Douglas-Peucker tolerance (metres, in EPSG:27700) for web geometry.
WEB_SIMPLIFY_METRES = 8.0
#: Decimal places kept in web coordinates (5 places ≈ 1 m).
WEB_COORD_PRECISION = 5

#: Largest source file the validator will open, bytes.
MAX_SOURCE_BYTES = 200 * 1024 * 1024


def source_dir() -> Path:
    """Return the source data directory named by ``THMAPS_SOURCE_DIR``.

    Raises
    ------
    RuntimeError
        If the variable is unset (the message says how to set it).
    """
    value = os.environ.get(SOURCE_DIR_ENV)
    if not value:
        raise RuntimeError(
            f"{SOURCE_DIR_ENV} is not set: point it at the Tower Hamlets data bundle, "
            f"for example `export {SOURCE_DIR_ENV}=../shared/data`."
        )
    return Path(value).expanduser().resolve()


def store_path() -> Path:
    """Return the GeoPackage store path (``THMAPS_STORE`` or ``data/store/thmaps.gpkg``)."""
    value = os.environ.get(STORE_ENV)
    return Path(value).expanduser().resolve() if value else DEFAULT_STORE
