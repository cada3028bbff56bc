"""Benchmark the locality profile PDF: the first in a fresh process (store read, caches empty) and the next ones.

Run: ``THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_profile.py`` (builds a temporary store).
Prints a Markdown table with the issue's target beside our figures; nothing is asserted.
"""
from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from _bench import print_table
from thmaps import builder, settings
from thmaps.geo import Locality
from thmaps.reports.locality_profile import locality_profile


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "thmaps.gpkg"
        os.environ[settings.STORE_ENV] = str(store)
        builder.build(settings.source_dir(), store)
        rows, times = [], []
        for i, locality in enumerate(Locality.all()):
            start = time.perf_counter()
            report = locality_profile(locality)
            seconds = time.perf_counter() - start
            times.append(seconds)
            pages = len(PdfReader(io.BytesIO(report.pdf)).pages)
            rows.append((f"{locality.name} profile PDF" + (" (first in the process)" if i == 0 else ""),
                         f"{seconds:.2f} s", "< 5 s", f"{pages} pages, {len(report.pdf) / 2**10:.0f} KiB"))
    rows.append(("median of the four", f"{statistics.median(times):.2f} s", "< 5 s", ""))
    print_table(rows)


if __name__ == "__main__":
    main()
