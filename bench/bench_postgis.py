"""Benchmark the two store backends side by side: writing the store, loading every layer, the version check
and a user-data save, GeoPackage against PostGIS (ratio = PostGIS / GeoPackage).

Run (after the README's set-up, with a database)::

    eval "$(bash scripts/postgis.sh start)"
    THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_postgis.py

The PostGIS store goes into a schema of its own (``thmaps_bench_<pid>``, dropped after), so the database's
live store is untouched. Prints a Markdown table; timings are medians on this machine; nothing is asserted.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import psycopg

from thmaps import builder, settings, store
from thmaps.store.geopackage import GeoPackageStore
from thmaps.store.postgis import PostGISStore, close_pools

from bench_store import median_seconds as seconds  # bench/ is on the path when run as a script


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value >= 0.001 else f"{value * 1e6:.0f} µs"


def main(repeat: int = 5) -> int:
    url = settings.database_url()
    if not url:
        print(f"Set {settings.DATABASE_URL_ENV} (eval \"$(bash scripts/postgis.sh start)\") first.", file=sys.stderr)
        return 1
    schema = f"thmaps_bench_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "built.gpkg"
        builder.build(settings.source_dir(), built)
        layers = {name: store.load_layer(name, built) for name in store.LAYERS}  # as a build writes them
        gpkg = GeoPackageStore(Path(tmp) / "thmaps.gpkg", user_data=Path(tmp) / "userdata.sqlite")
        pg = PostGISStore(url, schema=schema, user_schema=f"{schema}_user")
        try:
            rows = [("write every layer (atomic)",
                     seconds(lambda: gpkg.write_all(layers, store.LAYERS), 3),
                     seconds(lambda: pg.write_all(layers, store.LAYERS), 3), "median of 3")]
            rows.append(("store size", gpkg.size(), pg.size(), "bytes; PostGIS with its indexes"))
            total_g = total_p = 0.0
            for layer in store.LAYERS:
                spatial = layer in store.SPATIAL_LAYERS

                def cold(backend):
                    backend.clear_cache()
                    backend.read(layer, spatial)

                g, p = seconds(lambda: cold(gpkg), repeat), seconds(lambda: cold(pg), repeat)
                total_g, total_p = total_g + g, total_p + p
                rows.append((f"load {layer}", g, p, f"{len(pg.read(layer, spatial))} rows"))
            rows.append(("load every layer (sum)", total_g, total_p, "cold: cache cleared before each load"))
            rows.append(("load a cached layer (wards)", seconds(lambda: gpkg.read("wards", True), 200),
                         seconds(lambda: pg.read("wards", True), 200), "includes the version check"))
            rows.append(("version() (every rerun)", seconds(gpkg.version, 500), seconds(pg.version, 500), ""))
            counter = iter(range(10**9))

            def save(backend):
                backend.put_record("bench", f"record{next(counter)}", {"status": "planned", "gbp": 1000}, None)

            rows.append(("put_record (new record)", seconds(lambda: save(gpkg), 50), seconds(lambda: save(pg), 50),
                         "one transaction, history kept"))
            rows.append(("user_version() (user-data caches)", seconds(gpkg.user_version, 200),
                         seconds(pg.user_version, 200), ""))
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                for name in (schema, f"{schema}_user"):
                    conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            close_pools()
    print("| measure | GeoPackage | PostGIS | ratio | note |")
    print("|---|---|---|---|---|")
    for name, g, p, note in rows:
        if name == "store size":
            print(f"| {name} | {g / 2**20:.1f} MiB | {p / 2**20:.1f} MiB | {p / g:.1f} | {note} |")
        else:
            print(f"| {name} | {ms(g)} | {ms(p)} | {p / g:.1f} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
