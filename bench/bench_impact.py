"""Benchmark the development impact analysis: a full analysis once the store is loaded, and the PDF and HTML reports.

Run: ``THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_impact.py`` (builds a temporary store).
Prints a Markdown table with the issue's targets beside our figures; nothing is asserted.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from _bench import print_table, timed
from thmaps import builder, maps, settings
from thmaps.impact import Assessment, assess, make_scheme, report_bytes, site_from_postcode, sitemap


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[settings.STORE_ENV] = str(Path(tmp) / "thmaps.gpkg")
        builder.build(settings.source_dir(), Path(tmp) / "thmaps.gpkg")
        pairs = [(site_from_postcode("E14 0XA"),
                  make_scheme(250, bedrooms={"1": 100, "2": 100, "3": 40, "4+": 10}, tenure={"affordable": 88}))]
        start = time.perf_counter()
        assess(pairs)                                   # loads the store's layers (first call)
        cold = time.perf_counter() - start
        warm, result = timed(lambda: assess(pairs), repeat=5)
        several = [(site_from_postcode(pc), make_scheme(n, name=pc)) for pc, n in
                   (("E14 0XA", 250), ("E14 6PG", 400), ("E3 3FF", 120), ("E1 1BB", 300))]
        cumulative, _ = timed(lambda: assess(several), repeat=3)
        assessment = Assessment.from_pairs(pairs)
        prepared = maps.prepare(sitemap.description(paper=True))
        report_bytes(result, assessment, "pdf", prepared)  # fonts and caches
        cpu = time.process_time()
        pdf_s, pdf = timed(lambda: report_bytes(result, assessment, "pdf", prepared), repeat=3)
        pdf_cpu = (time.process_time() - cpu) / 3  # this process's CPU time: what other load on the machine adds is not in it
        html_s, html = timed(lambda: report_bytes(result, assessment, "html", prepared), repeat=3)
        web_prepared = maps.prepare(sitemap.description())
        web_s, page = timed(lambda: sitemap.web_html(web_prepared, result), repeat=3)
    rows = [
        ("first analysis (store layers loaded on the way)", f"{cold:.2f} s", "", "E14 0XA, 250 homes"),
        ("full impact analysis, store loaded", f"{warm:.2f} s", "< 1 s", "3 rings, evidence, estimate, pressure"),
        ("four schemes with cumulative pressure", f"{cumulative:.2f} s", "", "E14 0XA, E14 6PG, E3 3FF, E1 1BB"),
        ("PDF report", f"{pdf_s:.2f} s", "< 3 s", f"{len(pdf) / 2**10:.0f} KiB, map page + text pages; "
                                                  f"{pdf_cpu:.2f} s of CPU time (load average {os.getloadavg()[0]:.1f})"),
        ("HTML report", f"{html_s:.2f} s", "", f"{len(html) / 2**10:.0f} KiB, map inlined as PNG"),
        ("interactive site map HTML", f"{web_s:.2f} s", "", f"{len(page) / 2**10:.0f} KiB"),
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
