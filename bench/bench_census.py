"""Benchmark Census 2021 at Output Area level (issue 9) against its targets.

* store build time (every layer, with the census levels and comparators): target under 10 s;
* size of the borough-wide Output Area map (913 areas) as HTML (:func:`thmaps.maps.web.to_html`): target 250 KB;
* time to prepare and render that map once the OA web geometry is cached: target under 300 ms.

Run: ``THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_census.py``
Prints a Markdown table. Timings are medians of several runs on this machine; nothing is asserted.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from _bench import print_table, timed

import thmaps
from thmaps import settings, store
from thmaps.builder import build
from thmaps.maps import web



def oa_map(indicator: str = "census_bad_health") -> str:
    return web.to_html(thmaps.prepare(thmaps.MapDescription(indicator, level="oa21")))


def main(repeat_build: int = 3, repeat_map: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "thmaps.gpkg"
        build_s, result = timed(lambda: build(settings.source_dir(), path), repeat_build)
        os.environ[settings.STORE_ENV] = str(path)
        store.clear_cache()
        first_s, html = timed(oa_map, 1)  # simplifies and encodes the 913 OAs once
        cached_s, html = timed(oa_map, repeat_map)
        other_s, _ = timed(lambda: oa_map("census_social_rented"), repeat_map)
        lookup = store.load_layer("oa_ward_lookup")
        rows = [
            ("store build (all layers)", f"{build_s:.2f} s", "< 10 s",
             f"median of {repeat_build}; {result['layers']['indicators']:,} indicator rows"),
            ("OA borough map HTML (913 areas)", f"{len(html.encode()) / 1024:.0f} KB", "≤ 250 KB",
             f"to_html; web geometry simplified {settings.WEB_SIMPLIFY_METRES:g} m as a coverage"),
            ("OA map prepare + render, geometry cached", f"{cached_s * 1000:.0f} ms", "< 300 ms",
             f"median of {repeat_map}; another indicator {other_s * 1000:.0f} ms; first (uncached) "
             f"{first_s * 1000:.0f} ms"),
            ("OAs straddling a ward boundary", f"{int(lookup['straddles'].sum())} of {len(lookup)}", "reported",
             f"more than {settings.OA_STRADDLE_SHARE:.0%} of the OA's area in another ward"),
        ]
    print_table(rows)


if __name__ == "__main__":
    main()
