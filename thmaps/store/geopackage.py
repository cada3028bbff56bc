"""The embedded store: one GeoPackage file, written atomically and read with caching."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .. import settings
from .._util import atomic_path


def write(layers: dict[str, pd.DataFrame], path: Path, order) -> Path:
    """Write every layer into a new GeoPackage that replaces ``path`` in one step.

    The file is written beside ``path`` and moved into place only when every layer is in,
    so readers never see a half-built store and a failure leaves the previous one intact.
    """
    with atomic_path(path, ".gpkg") as tmp:
        for name in order:
            pyogrio.write_dataframe(layers[name], tmp, layer=name, driver="GPKG")
    _read.cache_clear()
    return Path(path)


@lru_cache(maxsize=64)
def _read(path: str, mtime: float, layer: str, spatial: bool) -> pd.DataFrame:
    frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True)
    if spatial and isinstance(frame, gpd.GeoDataFrame) and frame.crs is None:
        frame = frame.set_crs(settings.CRS_STORE)
    return frame


def read(path: Path, layer: str, spatial: bool) -> pd.DataFrame:
    """One layer (cached until the file changes; the caller gets the cached object, so copy before changing it)."""
    return _read(str(path), path.stat().st_mtime, layer, spatial)


def layer_names(path: Path) -> list[tuple[str, str | None]]:
    """Layer names and geometry types of the file."""
    return [tuple(x) for x in pyogrio.list_layers(path)]


def version(path: Path) -> float:
    """The file's modification time: changes whenever the store is rebuilt."""
    return path.stat().st_mtime


clear_cache = _read.cache_clear
