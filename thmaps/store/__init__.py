"""The store: every built layer and table, read with caching.

Layers (all geometry in EPSG:27700):

* boundaries: ``wards``, ``lsoa11``, ``lsoa21``, ``msoa21``, ``oa21``, ``localities``, ``borough``,
  ``london_lsoa11`` (for London-wide maps), ``water`` (print background);
* facilities: ``facilities`` (GP practices, hospitals, pharmacies, clinics);
* overlays: ``s106_projects``, ``no2_tubes``, ``monitoring_sites``, ``liveable_streets``, ``traffic_filters``;
* tables: ``indicators`` (long), ``indicator_catalogue``, ``lsoa_ward_weights``, ``oa_ward_lookup`` (each OA's
  best-fit ward and how far it straddles a ward boundary), ``ward_weight_change`` (ward populations under the
  old OA-count and the Census 2021 usual-resident weights), ``locality_definition``, ``postcodes``, ``sources``,
  ``build_info``.

Two backends (:mod:`thmaps.store.backend`): by default one GeoPackage (:mod:`thmaps.store.geopackage`) at
:func:`thmaps.settings.store_path`, with user data in a SQLite file of its own; with ``THMAPS_DATABASE_URL`` set,
a PostGIS database (:mod:`thmaps.store.postgis`) shared by several app servers. Only :mod:`thmaps.builder`
writes the built layers; maps, profiles and reports read them through :func:`load_layer`. Every function
takes an optional ``store``: a GeoPackage path, a ``postgresql://`` URL or a :class:`Backend`.

User data (uploads, register edits) are versioned records kept across builds: :func:`put_record` saves only
over the version the caller read (else :class:`~thmaps.errors.ConflictError`, saying what changed), and
:func:`history` keeps every change. Cache anything read from user data on :func:`user_version`, as the built
layers are cached on :func:`version`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import settings
from ..errors import SettingsError, StoreOutdatedError, ThmapsError
from .backend import Backend, Change, Record
from . import geopackage
from .geopackage import GeoPackageStore

SPATIAL_LAYERS = ("wards", "lsoa11", "lsoa21", "msoa21", "oa21", "localities", "borough", "london_lsoa11", "water",
                  "facilities", "s106_projects", "no2_tubes", "monitoring_sites", "liveable_streets", "traffic_filters",
                  "postcodes")
TABLE_LAYERS = ("indicators", "indicator_catalogue", "lsoa_ward_weights", "oa_ward_lookup", "ward_weight_change",
                "locality_definition", "sources", "build_info")
LAYERS = SPATIAL_LAYERS + TABLE_LAYERS
#: Layers made of user data alone (never built): ``user_geometries``, the files uploaded as overlays.
USER_LAYERS = ("user_geometries",)

_postgis: dict[str, Backend] = {}


def backend(store: Path | str | Backend | None = None) -> Backend:
    """The backend holding the store: ``store`` if given (a GeoPackage path, a ``postgresql://`` URL or a
    backend), else PostGIS at ``THMAPS_DATABASE_URL`` if set, else the GeoPackage at
    :func:`thmaps.settings.store_path`.

    Raises
    ------
    SettingsError
        For a database URL when the PostgreSQL driver is not installed (``pip install 'thmaps[postgis]'``).
    """
    if isinstance(store, Backend):
        return store
    url = settings.database_url() if store is None else str(store)
    if url and url.startswith(("postgresql://", "postgres://")):
        found = _postgis.get(url)
        if found is None:
            try:
                from .postgis import PostGISStore
            except ImportError as exc:
                raise SettingsError(f"{settings.DATABASE_URL_ENV} names a PostgreSQL database but its driver is "
                                    f"missing ({exc.name}): install thmaps with `pip install 'thmaps[postgis]'` "
                                    "(or the pinned requirements.txt)") from None
            found = _postgis.setdefault(url, PostGISStore(url))
        return found
    return GeoPackageStore(Path(store) if store else settings.store_path())


def path(store: Path | None = None) -> Path:
    """The GeoPackage file: ``store`` if given, else :func:`thmaps.settings.store_path` (see :func:`location`)."""
    return Path(store) if store else settings.store_path()


def location(store=None) -> str:
    """Where the store is, for people: the GeoPackage path, or the database URL without its password."""
    return backend(store).location()


def load_layer(layer: str, store=None) -> pd.DataFrame:
    """Read one layer of the store (cached until the store changes); a copy, so callers may change it.

    ``indicators`` includes the indicators the user uploaded (:mod:`thmaps.uploads.values`),
    ``s106_projects`` the user's register edits (:mod:`thmaps.uploads.s106`), ``liveable_streets`` the
    scheme boundaries the user provided, and ``user_geometries`` is the files uploaded as overlays
    (:mod:`thmaps.uploads.geometry`).

    Examples
    --------
    >>> wards = load_layer("wards")  # doctest: +SKIP
    >>> len(wards)  # doctest: +SKIP
    20

    Raises
    ------
    StoreMissingError
        If no store has been built.
    ThmapsError
        For an unknown layer name.
    """
    if layer in USER_LAYERS:
        from ..uploads.geometry import user_geometries

        return user_geometries("overlay", store)
    if layer not in LAYERS:
        raise ThmapsError(f"unknown layer {str(layer)[:60]!r}; layers: {', '.join(LAYERS + USER_LAYERS)}")
    frame = backend(store).read(layer, layer in SPATIAL_LAYERS).copy()
    if layer == "indicators":  # the one place uploaded indicators join the built ones
        from ..uploads.values import with_user_rows

        frame = with_user_rows(frame, store)
    elif layer == "s106_projects":  # and the user's register edits the built register
        from ..uploads.s106 import with_edits

        frame = with_edits(frame, store)
    elif layer == "liveable_streets":  # and boundaries the user uploaded in place of approximations
        from ..uploads.geometry import with_replacements

        frame = with_replacements(frame, store)
    return frame


def write_layers(layers: dict[str, pd.DataFrame], store=None) -> str:
    """Write a complete store atomically (for :mod:`thmaps.builder` only); returns its :func:`location`."""
    target = backend(store)
    target.write_all(layers, LAYERS)
    return target.location()


def version(store=None) -> float:
    """A cheap value that changes whenever the store is rebuilt (by any process): part of every cache key."""
    return backend(store).version()


def user_version(store=None) -> int:
    """A cheap counter that changes whenever user data change (by any process): the key of user-data caches."""
    return backend(store).user_version()


def cache_key(store=None) -> tuple[str, str, float, int]:
    """What anything computed from the store and the user data depends on: where each is (the user-data
    location names the PostGIS user schema: one database may hold several), the build and the user data."""
    found = backend(store)
    return found.location(), found.user_location(), found.version(), found.user_version()


def check_format(store: Path | None = None) -> None:
    """Raise :class:`StoreOutdatedError` (with what to do) if the store's layout is not this thmaps'.

    Raises
    ------
    StoreMissingError
        If there is no store.
    StoreOutdatedError
        If it was built by an older (or newer) thmaps.
    """
    info = load_layer("build_info", store)
    found = int(info["store_format"].iloc[0]) if "store_format" in info.columns else 1
    if found != settings.STORE_FORMAT:
        raise StoreOutdatedError(
            f"The store at {location(store)} has format {found}; this version of thmaps reads format "
            f"{settings.STORE_FORMAT}. Rebuild it with `thmaps build` (the README's app command does this).")


def list_layers(store=None) -> list[tuple[str, str | None]]:
    """Layer names and geometry types of the store."""
    return backend(store).layers()


def clear_cache() -> None:
    """Forget cached layers (after a rebuild in the same process)."""
    geopackage.clear_cache()
    for found in _postgis.values():
        found.clear_cache()


# ------------------------------------------------------------------------ user data
def put_record(kind: str, key: str, data: dict, expected_version: int | None = None, author: str = "",
               store=None) -> int:
    """Save a user-data record if it is still at ``expected_version`` (``None``: a new record); its new version.

    Examples
    --------
    >>> v = put_record("s106_edit", "PA/19/00123", {"status": "built"}, None, author="ana")  # doctest: +SKIP
    >>> put_record("s106_edit", "PA/19/00123", {"status": "planned"}, v, author="ben")  # doctest: +SKIP
    2

    Raises
    ------
    ConflictError
        If someone saved the record since ``expected_version`` was read (the message says who, when and
        what changed); nothing is written.
    """
    return backend(store).put_record(kind, key, data, expected_version, author)


def delete_record(kind: str, key: str, expected_version: int, author: str = "", store=None) -> int:
    """Delete a user-data record if it is still at ``expected_version`` (kept in the history)."""
    return backend(store).delete_record(kind, key, expected_version, author)


def record(kind: str, key: str, store=None) -> Record | None:
    """One user-data record, or ``None``."""
    return backend(store).record(kind, key)


def records(kind: str, store=None) -> list[Record]:
    """Every user-data record of a kind, by key."""
    return backend(store).records(kind)


def history(kind: str | None = None, key: str | None = None, store=None) -> list[Change]:
    """Every change to user data (of a kind, or of one record), oldest first."""
    return backend(store).history(kind, key)


__all__ = ["LAYERS", "SPATIAL_LAYERS", "TABLE_LAYERS", "Backend", "Change", "Record", "backend", "check_format",
           "clear_cache", "delete_record", "history", "list_layers", "load_layer", "location", "path", "put_record",
           "record", "records", "user_version", "version", "write_layers", "cache_key"]
