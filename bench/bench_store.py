"""Benchmark the store: build time, store size and the time to load each layer.

Run (after the README's set-up): ``THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_store.py``
Prints a Markdown table.  Timings are medians of several runs on this machine; nothing is asserted.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


from thmaps import settings, store, builder


def median_seconds(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeat_build: int = 3, repeat_load: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "thmaps.gpkg"
        build_s = median_seconds(lambda: builder.build(settings.source_dir(), path), repeat_build)
        size = path.stat().st_size
        rows = [("build (all layers)", f"{build_s:.2f} s", f"median of {repeat_build}")]
        rows.append(("store size", f"{size / 2**20:.2f} MiB", str(path.name)))
        for layer in store.SPATIAL_LAYERS + store.TABLE_LAYERS:
            def cold():
                store.clear_cache()
                store.load_layer(layer, path)
            cold_s = median_seconds(cold, repeat_load)
            store.load_layer(layer, path)
            warm_s = median_seconds(lambda: store.load_layer(layer, path), repeat_load)
            n = len(store.load_layer(layer, path))
            rows.append((f"load {layer}", f"{cold_s * 1000:.1f} ms", f"{n} rows; cached {warm_s * 1000:.2f} ms"))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | figure | note |")
    print(f"|{'-' * (width + 2)}|--------|------|")
    for name, figure, note in rows:
        print(f"| {name.ljust(width)} | {figure} | {note} |")


if __name__ == "__main__":
    main()
