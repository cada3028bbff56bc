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

The embedded backend is one GeoPackage (:mod:`thmaps.store.geopackage`) at
:func:`thmaps.settings.store_path`. Only :mod:`thmaps.build` writes it; maps, profiles and reports
read it through :func:`load_layer`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import settings
from ..errors import StoreMissingError, StoreOutdatedError, ThmapsError
from . import geopackage

SPATIAL_LAYERS = ("wards", "lsoa11", "lsoa21", "msoa21", "oa21", "localities", "borough", "london_lsoa11", "water",
                  "facilities", "s106_projects", "no2_tubes", "monitoring_sites", "liveable_streets", "traffic_filters",
                  "postcodes")
TABLE_LAYERS = ("indicators", "indicator_catalogue", "lsoa_ward_weights", "oa_ward_lookup", "ward_weight_change",
                "locality_definition", "sources", "build_info")
LAYERS = SPATIAL_LAYERS + TABLE_LAYERS


def path(store: Path | None = None) -> Path:
    """The store file: ``store`` if given, else :func:`thmaps.settings.store_path`."""
    return Path(store) if store else settings.store_path()


def _require(store: Path | None) -> Path:
    file = path(store)
    if not file.exists():
        raise StoreMissingError(f"No store at {file}. Build it with `thmaps build` "
                                f"(with {settings.SOURCE_DIR_ENV} pointing at the data bundle).")
    return file


def load_layer(layer: str, store: Path | None = None) -> pd.DataFrame:
    """Read one layer of the store (cached until the store changes); a copy, so callers may change it.

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
    if layer not in LAYERS:
        raise ThmapsError(f"unknown layer {str(layer)[:60]!r}; layers: {', '.join(LAYERS)}")
    return geopackage.read(_require(store), layer, layer in SPATIAL_LAYERS).copy()


def write_layers(layers: dict[str, pd.DataFrame], store: Path | None = None) -> Path:
    """Write a complete store atomically (for :mod:`thmaps.build` only)."""
    return geopackage.write(layers, path(store), LAYERS)


def version(store: Path | None = None) -> float:
    """A value that changes whenever the store is rebuilt: part of every cache key."""
    return geopackage.version(_require(store))


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
            f"The store at {path(store)} has format {found}; this version of thmaps reads format "
            f"{settings.STORE_FORMAT}. Rebuild it with `thmaps build` (the README's app command does this).")


def list_layers(store: Path | None = None) -> list[tuple[str, str | None]]:
    """Layer names and geometry types of the store."""
    return geopackage.layer_names(_require(store))


def clear_cache() -> None:
    """Forget cached layers (after a rebuild in the same process)."""
    geopackage.clear_cache()


__all__ = ["LAYERS", "SPATIAL_LAYERS", "TABLE_LAYERS", "check_format", "clear_cache", "list_layers", "load_layer",
           "path", "version", "write_layers"]
