"""Benchmark the interactive map against the issue's targets.

* server time of a rerun when the indicator changes (Streamlit AppTest on the borough map page);
* size of the LSOA choropleth HTML beside geopandas' ``GeoDataFrame.explore()`` of the same layer;
* time to first drawn map in headless Chromium (the real app, `streamlit run`, on loopback);
* scale run: the same choropleth for all 4,835 London LSOAs (HTML size, rerun time).

Run: ``THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_web.py`` (needs Debian's chromium).
Prints a Markdown table; nothing is asserted.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from _bench import print_table
from thmaps import maps, settings, builder
from thmaps.maps import web

MAP_PAGE = str(ROOT / "app_pages" / "1_Borough_map.py")


def median(values):
    return statistics.median(values)


def rerun_times(repeat: int = 5):
    """Server time of a rerun after the indicator changes: first time (map built) and cached."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(MAP_PAGE, default_timeout=300).run()
    first, cached = [], []
    cycle = ["laei_no2", "imd_decile", "pct_65_plus", "population", "imd_decile"]
    for indicator in cycle:
        start = time.perf_counter()
        at.selectbox(key="indicator").set_value(indicator).run()
        first.append(time.perf_counter() - start)
    for _ in range(repeat):
        for indicator in cycle:
            start = time.perf_counter()
            at.selectbox(key="indicator").set_value(indicator).run()
            cached.append(time.perf_counter() - start)
    at.selectbox(key="indicator").set_value("imd_decile").run()
    start = time.perf_counter()
    at.selectbox(key="level").set_value("london_lsoa11").run()
    london_first = time.perf_counter() - start
    start = time.perf_counter()
    at.checkbox(key="overlay_pharmacies").check().run()
    london_toggle = time.perf_counter() - start
    at.checkbox(key="overlay_pharmacies").uncheck().run()
    at.selectbox(key="level").set_value("lsoa11").run()
    start = time.perf_counter()
    at.selectbox(key="level").set_value("london_lsoa11").run()
    london_cached = time.perf_counter() - start
    return median(first), median(cached), london_first, london_toggle, london_cached


def html_sizes():
    prepared = maps.prepare(maps.MapDescription("imd_decile", scheme="national_deciles"))
    ours = len(web.to_html(prepared).encode("utf-8"))
    layer = prepared.areas[["code", "name", "value", "geometry"]]
    explore = len(layer.explore(column="value", scheme="UserDefined", classification_kwds={"bins": list(range(1, 11))},
                                cmap="YlOrRd_r").get_root().render().encode("utf-8"))
    london = maps.prepare(maps.MapDescription("imd_decile", level="london_lsoa11", scheme="national_deciles",
                                                    extent="london"))
    web.web_boundaries.cache_clear()  # time the whole drawing: simplify, encode, render
    start = time.perf_counter()
    london_html = web.to_html(london)
    london_render = time.perf_counter() - start
    return ours, explore, len(london_html.encode("utf-8")), london_render


def wait_for_areas(page, expected: int, timeout: float) -> None:
    """Poll until the map iframe holds ``expected`` drawn area paths."""
    frame = page.frame_locator("iframe[title^='Interactive map']").first
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if frame.locator("path.thmaps-area").count() >= expected:
                return
        except Exception:  # the iframe may not exist yet
            pass
        time.sleep(0.02)
    raise TimeoutError(f"map did not draw {expected} areas within {timeout} s")


def first_map_seconds(repeat: int = 3):
    from playwright.sync_api import sync_playwright

    from webapp.browser import launch, running_app

    times = []
    with running_app() as url, sync_playwright() as p:
        browser = launch(p)
        warm = browser.new_page()
        warm.goto(url)  # first visit builds the cached map; time the visits users make after that
        wait_for_areas(warm, 144, timeout=120)
        warm.close()
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url)
            wait_for_areas(page, 144, timeout=60)
            times.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "thmaps.gpkg"
        os.environ[settings.STORE_ENV] = str(path)
        builder.build(settings.source_dir(), path)
        # Reruns first, while nothing is cached: "first time" figures are cold.
        first, cached, london_first, london_toggle, london_cached = rerun_times()
        ours, explore, london_bytes, london_render = html_sizes()
        drawn = first_map_seconds()
    rows = [
        ("rerun after indicator change, map not yet cached (server)", f"{first * 1000:.0f} ms", "< 300 ms",
         "median of 5"),
        ("rerun after indicator change, map cached (server)", f"{cached * 1000:.0f} ms", "< 300 ms", "median of 25"),
        ("LSOA choropleth HTML, thmaps", f"{ours / 1024:.0f} KiB", "", "144 LSOAs, legend, labels, attribution"),
        ("same layer, GeoDataFrame.explore()", f"{explore / 1024:.0f} KiB", "", "geopandas default"),
        ("ratio thmaps / explore()", f"{ours / explore:.3f}", "<= 0.2", ""),
        ("first map drawn in headless Chromium", f"{drawn:.2f} s", "< 3 s", "page load to 144 paths, median of 3"),
        ("London-wide choropleth HTML (4,835 LSOAs)", f"{london_bytes / 2**20:.2f} MiB", "< 1.5 MB",
         f"{london_bytes / 1e6:.2f} MB"),
        ("London-wide: rerun switching to it, first time (server)", f"{london_first * 1000:.0f} ms", "",
         "prepare, simplify, encode, render"),
        ("London-wide: overlay toggled on, map not yet cached (server)", f"{london_toggle * 1000:.0f} ms", "< 300 ms",
         "geometry cached"),
        ("London-wide: rerun switching to it, cached (server)", f"{london_cached * 1000:.0f} ms", "< 300 ms", ""),
        ("London-wide: map HTML drawn from scratch", f"{london_render * 1000:.0f} ms", "",
         "simplify, encode, render; once per store version"),
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
