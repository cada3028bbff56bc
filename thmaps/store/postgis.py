"""The shared store: PostGIS, for several app servers on one database (``THMAPS_DATABASE_URL``).

Layout of the database:

* schema ``thmaps`` (:data:`thmaps.settings.POSTGIS_SCHEMA`): the live built store, one table per layer
  (a ``fid`` keeps the row order; geometry in EPSG:27700 with a GiST index), ``_layers`` (each layer's
  columns and geometry type) and ``_store_meta`` (one row: the store ``version``, when it was built);
* schema ``thmaps_user`` (:data:`thmaps.settings.POSTGIS_USER_SCHEMA`): user data (``records``, ``history``,
  ``state``); builds never touch it. Values are ``json`` (kept as saved, fields in their order), not ``jsonb``.

A build (one at a time per database) writes every layer into a new schema ``thmaps_build_<timestamp>`` and,
**in the same transaction**, locks the live ``_store_meta``, renames ``thmaps`` to ``thmaps_old_<timestamp>`` and
the new schema to ``thmaps``: readers see the old store until the commit and the new one after it, never a mix (each read
first reads ``_store_meta`` in its transaction, which waits for the switch), and a build that fails at any
point rolls back whole, leaving nothing behind and the old store in use. The old schema is dropped after.

Layers travel as CSV through ``COPY`` (geometry as hex WKB) and are parsed by Arrow, as pyogrio reads the
GeoPackage: the frames have the same columns, dtypes, row order and geometries (within floating point: WKB
doubles are exact) whichever backend holds them.
"""
from __future__ import annotations

import atexit
import collections
import contextlib
import datetime as _dt
import io
import os
import re
import threading
import urllib.parse

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely
from psycopg import errors as pgerrors, sql
from psycopg_pool import ConnectionPool

from .. import settings
from .._util import first_line, is_missing
from ..errors import StoreMissingError, StoreUnavailableError, ThmapsError
from .backend import Backend, SqlUserData

META, LAYER_TABLE = "_store_meta", "_layers"
#: Advisory lock keys: a build (one at a time per database), the user-data tables being created.
BUILD_LOCK, USER_DDL_LOCK = 7_224_101, 7_224_102
#: Arrow type of a column -> PostgreSQL type (anything else is stored as text).
PG_TYPES = {"bool": "boolean", "int8": "smallint", "int16": "smallint", "int32": "integer", "int64": "bigint",
            "uint8": "smallint", "uint16": "integer", "uint32": "bigint", "float": "real", "double": "double precision",
            "string": "text", "timestamp[us]": "timestamp", "timestamp[us, tz=UTC]": "timestamptz"}
READ_TYPES = {"bool": pa.bool_(), "int8": pa.int16(), "int16": pa.int16(), "int32": pa.int32(), "int64": pa.int64(),
              "uint8": pa.int16(), "uint16": pa.int32(), "uint32": pa.int64(), "float": pa.float32(),
              "double": pa.float64(), "string": pa.string(), "timestamp[us]": pa.timestamp("us"),
              "timestamp[us, tz=UTC]": pa.timestamp("us", tz="UTC")}
#: Single and multi geometry types (shapely type ids): a layer holding both is written all multi, as GDAL does.
_MULTI = {0: 4, 1: 5, 3: 6}
_MAKE_MULTI = {0: shapely.multipoints, 1: shapely.multilinestrings, 3: shapely.multipolygons}


def redact(url: str) -> str:
    """The URL without its password, for messages and logs.

    Examples
    --------
    >>> redact("postgresql://app:s3cret@db.example/thmaps")
    'postgresql://app:***@db.example/thmaps'
    >>> redact("postgresql:///thmaps?host=/tmp/sock&password=x")
    'postgresql:///thmaps?host=/tmp/sock&password=***'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.password is not None:
        url = url.replace(f":{parts.password}@", ":***@", 1)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -------------------------------------------------------------------- connections
_pools: dict[tuple[int, str], ConnectionPool] = {}
_pools_lock = threading.Lock()


def _pool(url: str) -> ConnectionPool:
    """The process's connection pool for ``url`` (one per process: a forked child makes its own)."""
    key = (os.getpid(), url)
    pool = _pools.get(key)
    if pool is None:
        with _pools_lock:
            pool = _pools.get(key)
            if pool is None:
                try:  # a direct connection first, for a plain message when the database cannot be reached
                    psycopg.connect(url, connect_timeout=10).close()
                except psycopg.Error as exc:
                    raise StoreUnavailableError(f"cannot connect to the store's database {redact(url)}: "
                                                f"{first_line(exc)}") from None
                pool = ConnectionPool(url, min_size=1, max_size=settings.POSTGIS_POOL_SIZE,
                                      kwargs={"autocommit": True}, name="thmaps", open=True, timeout=60)
                _pools[key] = pool
    return pool


@atexit.register
def close_pools() -> None:
    """Close this process's connection pools (at exit, or after a test)."""
    with _pools_lock:
        for key in [k for k in _pools if k[0] == os.getpid()]:
            _pools.pop(key).close()


@contextlib.contextmanager
def _advisory_lock(conn, key: int):
    """Hold a session advisory lock on an autocommit connection. Taken before the transaction begins, so the
    transaction starts after whoever held it committed, and sees what they made (a lock awaited inside a
    transaction would leave this connection's catalog caches older than that commit)."""
    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


class _LayerCache:
    """Layers read, keyed by store version and name; entries of older versions go when a newer one arrives."""

    def __init__(self, size: int = 64):
        self.size, self.items, self.lock = size, collections.OrderedDict(), threading.Lock()

    def get(self, version: float, layer: str):
        with self.lock:
            frame = self.items.get((version, layer))
            if frame is not None:
                self.items.move_to_end((version, layer))
            return frame

    def put(self, version: float, layer: str, frame) -> None:
        with self.lock:
            for key in [k for k in self.items if k[0] < version]:
                del self.items[key]
            self.items[(version, layer)] = frame
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


# -------------------------------------------------------------------- frames <-> COPY
def _arrow_column(series: pd.Series) -> pa.Array:
    """A column as Arrow, typed as the GeoPackage would type it (object columns become text, as OGR does)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and dtype != object:
        return pa.array(series, type=pa.bool_(), from_pandas=True)
    if pd.api.types.is_numeric_dtype(dtype) and dtype != object:
        return pa.array(series, from_pandas=True)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        array = pa.array(series, from_pandas=True)
        return array.cast(pa.timestamp("us", tz="UTC" if array.type.tz else None))
    return pa.array([None if is_missing(v) else str(v) for v in series], type=pa.string())


def _geometry_hex(geoms: np.ndarray) -> tuple[list, str]:
    """Hex EWKB (SRID 27700) of each geometry and the column's type; mixed single and multi parts become multi."""
    present = ~shapely.is_missing(geoms)
    kinds = set(shapely.get_type_id(geoms[present]).tolist())
    for single, multi in _MULTI.items():
        if single in kinds and multi in kinds:
            geoms = geoms.copy()
            mask = present & (shapely.get_type_id(geoms) == single)
            geoms[mask] = [_MAKE_MULTI[single]([g]) for g in geoms[mask]]
            kinds.discard(single)
    names = {shapely.GeometryType(k).name for k in kinds}
    gtype = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon", "MULTIPOINT": "MultiPoint",
             "MULTILINESTRING": "MultiLineString", "MULTIPOLYGON": "MultiPolygon"}.get(names.pop()) \
        if len(names) == 1 else "Geometry"
    srid = int(settings.CRS_STORE.split(":")[1])
    hexes = shapely.to_wkb(shapely.set_srid(geoms, srid), hex=True, include_srid=True)
    return hexes, gtype


def _write_layer(cur, schema: str, name: str, frame: pd.DataFrame) -> dict:
    """Create ``schema.name`` and COPY ``frame`` into it; return its description for ``_layers``."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    attributes = [c for c in frame.columns if c != geometry]
    if "fid" in attributes:
        raise ThmapsError(f"layer {name}: a column may not be called 'fid' (the row order column)")
    arrays = [_arrow_column(frame[c]) for c in attributes]
    columns = [[str(c), str(a.type) if str(a.type) in PG_TYPES else "string"] for c, a in zip(attributes, arrays)]
    arrays = [a if str(a.type) in PG_TYPES else a.cast(pa.string()) for a in arrays]
    defs = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(PG_TYPES[t])) for c, t in columns]
    table = pa.table(arrays, names=[c for c, _ in columns]) if arrays else pa.table({})
    gtype = None
    if geometry:
        hexes, gtype = _geometry_hex(np.asarray(frame.geometry.values))
        srid = int(settings.CRS_STORE.split(":")[1])
        defs.append(sql.SQL("geometry geometry({}, {})").format(sql.SQL(gtype), sql.Literal(srid)))
        table = table.append_column("geometry", pa.array(hexes, type=pa.string()))
    target = sql.Identifier(schema, name)
    cur.execute(sql.SQL("CREATE TABLE {} (fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY{}{})").format(
        target, sql.SQL(", ") if defs else sql.SQL(""), sql.SQL(", ").join(defs)))
    if len(frame) and table.num_columns:
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
        names = sql.SQL(", ").join(sql.Identifier(c) for c in table.column_names)
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(target, names)) as copy:
            copy.write(buffer.getvalue())
    elif len(frame):
        cur.execute(sql.SQL("INSERT INTO {} SELECT FROM generate_series(1, %s)").format(target), (len(frame),))
    if geometry:
        cur.execute(sql.SQL("CREATE INDEX ON {} USING gist (geometry)").format(target))
    cur.execute(sql.SQL("ANALYZE {}").format(target))
    return {"name": name, "columns": columns, "geometry_type": gtype, "rows": len(frame)}


def _read_layer(cur, schema: str, name: str, columns: list, geometry_type: str | None) -> pd.DataFrame:
    """COPY one layer out as CSV (geometry as hex WKB) and parse it with Arrow, as pyogrio reads a GeoPackage
    through Arrow, so the dtypes agree. (Measured: the server's CSV output is most of the time; having the
    server assemble newline-delimited JSON instead was twice as slow.)"""
    names = [c for c, _ in columns]
    select = [sql.Identifier(c) for c in names]
    if geometry_type:
        select.append(sql.SQL("encode(ST_AsBinary(geometry), 'hex')"))
    query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY fid) TO STDOUT (FORMAT csv)").format(
        sql.SQL(", ").join(select) if select else sql.SQL("NULL"), sql.Identifier(schema, name))
    with cur.copy(query) as copy:
        data = b"".join(bytes(block) for block in copy)
    fields = [(c, READ_TYPES[t]) for c, t in columns] + ([("geometry", pa.string())] if geometry_type else [])
    if data and fields:
        table = pacsv.read_csv(
            io.BytesIO(data), read_options=pacsv.ReadOptions(column_names=[f for f, _ in fields]),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict(fields), strings_can_be_null=True,
                                                 quoted_strings_can_be_null=False, null_values=[""],
                                                 true_values=["t"], false_values=["f"]))
    else:
        table = pa.schema(fields).empty_table()
    if not geometry_type:
        return table.to_pandas()
    hexes = table.column("geometry").to_numpy(zero_copy_only=False)
    frame = table.drop_columns(["geometry"]).to_pandas()
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapely.from_wkb(hexes), index=frame.index,
                                                          crs=settings.CRS_STORE))


# -------------------------------------------------------------------- the backend
USER_DDL = """
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.records (kind text NOT NULL, key text NOT NULL, version integer NOT NULL,
    data json NOT NULL, saved_at timestamptz NOT NULL, saved_by text NOT NULL DEFAULT '', PRIMARY KEY (kind, key));
CREATE TABLE IF NOT EXISTS {s}.history (seq bigint PRIMARY KEY, kind text NOT NULL, key text NOT NULL,
    version integer NOT NULL, action text NOT NULL, data json, previous json, saved_at timestamptz NOT NULL,
    saved_by text NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS history_record ON {s}.history (kind, key, version);
CREATE TABLE IF NOT EXISTS {s}.state (id integer PRIMARY KEY CHECK (id = 1), n bigint NOT NULL);
INSERT INTO {s}.state (id, n) VALUES (1, 0) ON CONFLICT DO NOTHING;
"""


class PostGISStore(SqlUserData, Backend):
    """The shared backend: built layers and user data in one PostGIS database."""

    def __init__(self, url: str, schema: str | None = None, user_schema: str | None = None):
        self.url = url
        self._schema, self._user_schema = schema, user_schema
        self._cache = _LayerCache()
        self._user_ready: set[tuple[int, str]] = set()

    def __repr__(self) -> str:
        return f"PostGISStore({redact(self.url)!r}, schema={self.schema!r})"

    @property
    def schema(self) -> str:
        """The live store's schema (:data:`thmaps.settings.POSTGIS_SCHEMA` unless given)."""
        return self._schema or settings.POSTGIS_SCHEMA

    @property
    def user_schema(self) -> str:
        """The user-data schema (:data:`thmaps.settings.POSTGIS_USER_SCHEMA` unless given)."""
        return self._user_schema or settings.POSTGIS_USER_SCHEMA

    @contextlib.contextmanager
    def _conn(self):
        """A pooled connection (autocommit); a lost or refused connection becomes a plain message."""
        try:
            with _pool(self.url).connection() as conn:
                yield conn
        except (pgerrors.UndefinedTable, pgerrors.InvalidSchemaName):
            raise StoreMissingError(f"No store in the database {redact(self.url)} (schema {self.schema}). Build it "
                                    f"with `thmaps build` ({settings.DATABASE_URL_ENV} set, "
                                    f"{settings.SOURCE_DIR_ENV} pointing at the data bundle).") from None
        except psycopg.OperationalError as exc:
            raise StoreUnavailableError(f"the store's database {redact(self.url)} failed: {first_line(exc)}") from None

    # ---------------------------------------------------------------- the built store
    def location(self) -> str:
        return f"{redact(self.url)} (schema {self.schema})"

    def exists(self) -> bool:
        try:
            self.version()
        except StoreMissingError:
            return False
        return True

    def version(self) -> float:
        with self._conn() as conn:
            return float(conn.execute(sql.SQL("SELECT version FROM {}").format(
                sql.Identifier(self.schema, META))).fetchone()[0])

    def read(self, layer: str, spatial: bool) -> pd.DataFrame:
        frame = self._cache.get(self.version(), layer)
        if frame is not None:
            return frame
        with self._conn() as conn, conn.transaction(), conn.cursor() as cur:
            # Reading _store_meta first waits for a switch in progress and pins this read to one store.
            row = cur.execute(sql.SQL("SELECT m.version, l.columns, l.geometry_type FROM {} m LEFT JOIN {} l "
                                      "ON l.name = %s").format(sql.Identifier(self.schema, META),
                                                               sql.Identifier(self.schema, LAYER_TABLE)),
                              (layer,)).fetchone()
            version, columns, geometry_type = row
            if columns is None:
                raise ThmapsError(f"the store at {self.location()} has no layer {layer!r}; rebuild it")
            frame = _read_layer(cur, self.schema, layer, columns, geometry_type)
        self._cache.put(float(version), layer, frame)
        return frame

    def layers(self) -> list[tuple[str, str | None]]:
        with self._conn() as conn:
            rows = conn.execute(sql.SQL("SELECT name, geometry_type FROM {} ORDER BY position").format(
                sql.Identifier(self.schema, LAYER_TABLE))).fetchall()
        return [(name, gtype) for name, gtype in rows]

    def size(self) -> int:
        with self._conn() as conn:
            return int(conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'", (self.schema,)).fetchone()[0])

    def clear_cache(self) -> None:
        self._cache.clear()

    def write_all(self, layers: dict[str, pd.DataFrame], order, before_switch=None) -> None:
        """Write every layer into a new schema and switch it in, all in one transaction (see the module).

        ``before_switch`` (for tests) is called inside the transaction once every layer is written.
        """
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d%H%M%S%f")
        live, build, old = self.schema, f"{self.schema}_build_{stamp}", f"{self.schema}_old_{stamp}"
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreUnavailableError(f"cannot connect to the store's database {redact(self.url)}: "
                                        f"{first_line(exc)}") from None
        with conn, _advisory_lock(conn, BUILD_LOCK):
            self._require_postgis(conn)
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(build)))
                described = [_write_layer(cur, build, name, layers[name]) for name in order]
                cur.execute(sql.SQL("CREATE TABLE {} (name text PRIMARY KEY, position integer NOT NULL, columns jsonb "
                                    "NOT NULL, geometry_type text, rows bigint NOT NULL)").format(
                    sql.Identifier(build, LAYER_TABLE)))
                cur.executemany(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s::jsonb, %s, %s)").format(
                    sql.Identifier(build, LAYER_TABLE)),
                    [(d["name"], i, psycopg.types.json.Jsonb(d["columns"]), d["geometry_type"], d["rows"])
                     for i, d in enumerate(described)])
                cur.execute(sql.SQL("CREATE TABLE {} (version double precision NOT NULL, built_at timestamptz "
                                    "NOT NULL, built_as text NOT NULL)").format(sql.Identifier(build, META)))
                if before_switch:
                    before_switch()
                # The switch: wait for the live store's readers, then rename.
                if cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (live,)).fetchone():
                    if cur.execute("SELECT to_regclass(%s)", (f"{_ident(live)}.{META}",)).fetchone()[0]:
                        cur.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                            sql.Identifier(live, META)))
                    cur.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(live),
                                                                                sql.Identifier(old)))
                cur.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(build), sql.Identifier(live)))
                cur.execute(sql.SQL("INSERT INTO {} VALUES (extract(epoch FROM clock_timestamp()), now(), %s)").format(
                    sql.Identifier(live, META)), (build,))
            # Committed: the new store is live. Drop the old one (waits for its last readers), and any left by
            # builds killed between their commit and this point.
            for (name,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                                        (f"{live}\\_old\\_%",)).fetchall():
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
        self._cache.clear()

    def _require_postgis(self, conn) -> None:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
            return
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as exc:
            raise StoreUnavailableError(
                f"the database {redact(self.url)} has no PostGIS extension and this user cannot add it "
                f"({first_line(exc)}): ask its administrator to run `CREATE EXTENSION postgis;` in it") from None

    # ---------------------------------------------------------------- user data
    def _table(self, name: str) -> str:
        return f"{_ident(self.user_schema)}.{name}"

    def _ensure_user(self, conn) -> None:
        key = (os.getpid(), self.user_schema)
        if key in self._user_ready:
            return
        state = f"{_ident(self.user_schema)}.state"
        exists = "SELECT to_regclass(%s) IS NOT NULL"
        # Only when missing: DDL on existing tables would still lock them and could deadlock with writers.
        if not conn.execute(exists, (state,)).fetchone()[0]:
            with _advisory_lock(conn, USER_DDL_LOCK), conn.transaction():
                if not conn.execute(exists, (state,)).fetchone()[0]:
                    for statement in USER_DDL.format(s=_ident(self.user_schema)).split(";"):
                        if statement.strip():
                            conn.execute(statement)
        self._user_ready.add(key)

    @staticmethod
    def _query(cur):
        def q(statement, params=()):
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []
        return q

    @contextlib.contextmanager
    def _writing(self):
        with self._conn() as conn:
            self._ensure_user(conn)
            with conn.transaction(), conn.cursor() as cur:
                yield self._query(cur)

    @contextlib.contextmanager
    def _reading(self):
        with self._conn() as conn:
            self._ensure_user(conn)
            with conn.cursor() as cur:
                yield self._query(cur)

    def user_location(self) -> str:
        return f"{redact(self.url)} (schema {self.user_schema})"

    def user_version(self) -> int:
        with self._reading() as q:
            return int(q(f"SELECT n FROM {self._table('state')}")[0][0])
