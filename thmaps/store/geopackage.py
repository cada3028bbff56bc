"""The embedded store: one GeoPackage file, written atomically and read with caching; user data in SQLite beside it.

The user data (uploads, register edits and their history) live in a separate SQLite file
(:func:`thmaps.settings.user_data_path`), so that replacing the GeoPackage with a rebuild never touches them.
Both files serve one machine: several app processes may share them, several machines may not (use PostGIS).
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .. import settings
from .._util import atomic_path
from ..errors import StoreMissingError
from .backend import Backend, SqlUserData


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

#: The user-data tables (see :class:`thmaps.store.backend.SqlUserData`).
USER_DDL = """
CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,
    data TEXT NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL DEFAULT '', PRIMARY KEY (kind, key));
CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL,
    version INTEGER NOT NULL, action TEXT NOT NULL, data TEXT, previous TEXT, saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS history_record ON history (kind, key, version);
CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT OR IGNORE INTO state (id, n) VALUES (1, 0);
"""
_ready: set[tuple[str, int]] = set()
_ready_lock = threading.Lock()


class GeoPackageStore(SqlUserData, Backend):
    """The default backend: the built store in one GeoPackage file, user data in a SQLite file of its own."""

    def __init__(self, path: Path, user_data: Path | None = None):
        self.path = Path(path)
        self._user_data = Path(user_data) if user_data else None

    @property
    def user_data(self) -> Path:
        """The user-data file (:func:`thmaps.settings.user_data_path` unless given)."""
        return self._user_data or settings.user_data_path()

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self.path)!r})"

    # ---------------------------------------------------------------- the built store
    def location(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def _require(self) -> Path:
        if not self.path.exists():
            raise StoreMissingError(f"No store at {self.path}. Build it with `thmaps build` "
                                    f"(with {settings.SOURCE_DIR_ENV} pointing at the data bundle).")
        return self.path

    def read(self, layer: str, spatial: bool) -> pd.DataFrame:
        return read(self._require(), layer, spatial)

    def write_all(self, layers: dict[str, pd.DataFrame], order) -> None:
        write(layers, self.path, order)

    def version(self) -> float:
        return version(self._require())

    def layers(self) -> list[tuple[str, str | None]]:
        return layer_names(self._require())

    def size(self) -> int:
        return self._require().stat().st_size

    def clear_cache(self) -> None:
        clear_cache()

    # ---------------------------------------------------------------- user data (SQLite)
    def _table(self, name: str) -> str:
        return name

    @contextlib.contextmanager
    def _connect(self, create: bool):
        file = self.user_data
        if not create and not file.exists():
            yield None
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(file, timeout=60, isolation_level=None)
        try:
            ready = (str(file), file.stat().st_ino)  # a file deleted and made again is set up again
            if ready not in _ready:
                with _ready_lock:
                    conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
                    conn.executescript(f"BEGIN IMMEDIATE;{USER_DDL}COMMIT;")
                    _ready.add(ready)
            yield conn
        finally:
            conn.close()

    @staticmethod
    def _query(conn):
        return lambda sql, params=(): conn.execute(sql.replace("%s", "?"), params).fetchall()

    @contextlib.contextmanager
    def _writing(self):
        with self._connect(create=True) as conn:
            conn.execute("BEGIN IMMEDIATE")  # the write lock: one writer at a time, readers carry on
            try:
                yield self._query(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def _reading(self):
        with self._connect(create=False) as conn:
            yield None if conn is None else self._query(conn)

    def user_location(self) -> str:
        return str(self.user_data)

    def user_version(self) -> int:
        with self._reading() as q:
            return int(q("SELECT n FROM state")[0][0]) if q else 0
