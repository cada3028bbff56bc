"""Settings: paths, coordinate reference systems, thresholds and web geometry.

One documented place for every constant the library relies on (osmnx style). Library code reads
them as ``settings.NAME`` **when a function runs**, never copies them at import, so a notebook or a
test can change one and the next call uses it::

    >>> from thmaps import settings
    >>> settings.WEB_COORD_PRECISION = 6      # the next map written and decoded uses six decimals

Values from the environment (``THMAPS_SOURCE_DIR``, ``THMAPS_STORE``, ``THMAPS_HOME``, ``THMAPS_DATABASE_URL``,
``THMAPS_USER_DATA``) are read by the functions below each time they are called.

Domain assumptions of the development-impact estimate are not here: they live, with their
sources, in the package's own data files.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import SettingsError

#: The package folder, and the registry files that ship with it (sources, boundaries, localities...).
PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
SOURCE_REGISTRY = PACKAGE_DATA / "sources.yaml"
BOUNDARY_REGISTRY = PACKAGE_DATA / "boundaries.yaml"
#: The ward -> locality definition: an editable default, not an official boundary.
LOCALITIES_CSV = PACKAGE_DATA / "localities.csv"
#: The wards used to approximate each Liveable Streets area (an assumption: no scheme geometry is published).
LIVEABLE_STREETS_WARDS_CSV = PACKAGE_DATA / "liveable_streets_wards.csv"

#: Environment variable naming the directory of source data (../shared/data).
SOURCE_DIR_ENV = "THMAPS_SOURCE_DIR"
#: Environment variable naming the GeoPackage store to build and read.
STORE_ENV = "THMAPS_STORE"
#: Environment variable naming the folder for the store and user data (default: see :func:`home`).
HOME_ENV = "THMAPS_HOME"
#: Environment variable with a PostgreSQL URL (``postgresql://user@host/db`` or ``postgresql:///db?host=/socket``):
#: when set, the built store and all user data live in that PostGIS database instead of the GeoPackage.
#: Credentials come from this variable or libpq's own (``PGPASSWORD``, ``~/.pgpass``), never from the repository.
DATABASE_URL_ENV = "THMAPS_DATABASE_URL"
#: Environment variable naming the SQLite file of user data beside a GeoPackage store (default: see
#: :func:`user_data_path`).
USER_DATA_ENV = "THMAPS_USER_DATA"
#: PostGIS schemas: the live built store (replaced whole by each build) and user data (never touched by builds).
POSTGIS_SCHEMA = "thmaps"
POSTGIS_USER_SCHEMA = "thmaps_user"
#: Most connections one process keeps open to the database (app sessions share them).
POSTGIS_POOL_SIZE = 8
#: Version of the store's layout; raised when a layer gains or loses columns, so that a store built by
#: another thmaps is rebuilt rather than read wrongly (2: ``duplicate_of`` and ``boundary_ward``; 3: Census 2021
#: at OA, LSOA 2021 and MSOA 2021 levels, ``oa_ward_lookup``, ``ward_weight_change``, ``traffic_filters``, and
#: LSOA 2011 to ward weights by usual residents).
STORE_FORMAT = 3

#: CRS in which everything is measured, joined and stored (British National Grid).
CRS_STORE = "EPSG:27700"
#: CRS served to the web map.
CRS_WEB = "EPSG:4326"

BOROUGH_CODE = "E09000030"
BOROUGH_NAME = "Tower Hamlets"
LONDON_CODE = "E12000007"
ENGLAND_CODE = "E92000001"
#: England and Wales, the Census 2021 comparator (stored at level ``"england"``, named "England and Wales").
ENGLAND_WALES_CODE = "K04000001"

#: Ward renames of 2022 (boundaries unchanged).
OLD_WARD_NAMES = {"Bethnal Green": "Bethnal Green East", "St Peter's": "Bethnal Green West"}

#: UK annual mean air quality objective for NO2 and PM10, µg/m³.
NO2_OBJECTIVE = 40.0
#: A monthly NO2 tube mean above this (µg/m³) is flagged as a probable data-entry error (London kerbside
#: monthly means rarely exceed 150; the 2024 table has one of 1230.1).
NO2_IMPLAUSIBLE_MONTHLY = 300.0
#: WHO global air quality guidelines (22 September 2021), annual mean guideline levels, µg/m³.
WHO_GUIDELINES = {"NO2": 10.0, "PM25": 5.0, "PM10": 15.0}
#: Years of the council's NO2 diffusion tube tables in the bundle.
TUBE_YEARS = tuple(range(2015, 2025))

#: A point this close (metres) to another ward is reported as on the boundary with it: diffusion tubes
#: and monitors stand on roads, and main roads are often ward boundaries (TH2 is 10 m from one).
WARD_BOUNDARY_METRES = 25.0

#: An Output Area "straddles" a ward boundary when more than this share of its area lies in wards other than
#: its best-fit ward. The OA and ward files are generalised differently, so smaller shares are mostly drawing
#: differences along shared edges. OAs are assigned whole to their best-fit ward whatever the share.
OA_STRADDLE_SHARE = 0.05

#: Relative tolerance for totals conserved across geography levels.
CONSERVATION_TOLERANCE = 0.001

#: Douglas-Peucker tolerance (metres, in EPSG:27700) for web geometry.
WEB_SIMPLIFY_METRES = 8.0
#: Decimal places kept in web coordinates (5 places ≈ 1 m). Read when a map is written and when its
#: page decodes it, so both always agree.
WEB_COORD_PRECISION = 5

#: Largest source file the validator will open, bytes.
MAX_SOURCE_BYTES = 200 * 1024 * 1024


def source_dir() -> Path:
    """Return the source data directory named by ``THMAPS_SOURCE_DIR``.

    Raises
    ------
    SettingsError
        If the variable is unset (the message says how to set it).
    """
    value = os.environ.get(SOURCE_DIR_ENV)
    if not value:
        raise SettingsError(
            f"{SOURCE_DIR_ENV} is not set: point it at the Tower Hamlets data bundle, "
            f"for example `export {SOURCE_DIR_ENV}=../shared/data`."
        )
    return Path(value).expanduser().resolve()


def home() -> Path:
    """The folder holding the built store and user data.

    ``THMAPS_HOME`` if set; otherwise ``data/`` of the source checkout when thmaps runs from one
    (an editable install), else ``~/.local/share/thmaps``.
    """
    value = os.environ.get(HOME_ENV)
    if value:
        return Path(value).expanduser().resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "data"
    return Path.home() / ".local" / "share" / "thmaps"


def database_url() -> str | None:
    """The PostGIS store's URL from ``THMAPS_DATABASE_URL``, or ``None`` for the GeoPackage (the default)."""
    return os.environ.get(DATABASE_URL_ENV) or None


def user_data_path() -> Path:
    """The SQLite file of user data used with the GeoPackage store (``THMAPS_USER_DATA``, else
    ``user/userdata.sqlite`` under :func:`home`): a separate file, so a rebuild never touches it."""
    value = os.environ.get(USER_DATA_ENV)
    return Path(value).expanduser().resolve() if value else home() / "user" / "userdata.sqlite"


def store_path() -> Path:
    """Return the GeoPackage store path (``THMAPS_STORE``, else ``store/thmaps.gpkg`` under :func:`home`)."""
    value = os.environ.get(STORE_ENV)
    return Path(value).expanduser().resolve() if value else home() / "store" / "thmaps.gpkg"
