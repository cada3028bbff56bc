"""Benchmark print output: A4 300-dpi PNG and PDF of the borough LSOA map, and a four-locality map pack.

Run: ``THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_print.py`` (builds a temporary store).
Prints a Markdown table with the issue's targets beside our figures; nothing is asserted.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from _bench import print_table, timed
from thmaps import maps, settings, builder
from thmaps.reports import mappack
from thmaps.maps import printing



def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[settings.STORE_ENV] = str(Path(tmp) / "thmaps.gpkg")
        builder.build(settings.source_dir(), Path(tmp) / "thmaps.gpkg")
        description = maps.MapDescription("imd_decile", scheme="national_deciles")
        prepare_s, prepared = timed(lambda: maps.prepare(description))
        png_s, png = timed(lambda: printing.render(prepared, "A4", "landscape", "png", 300))
        pdf_s, pdf = timed(lambda: printing.render(prepared, "A4", "landscape", "pdf"))
        svg_s, svg = timed(lambda: printing.render(prepared, "A4", "landscape", "svg"))
        pack_s, summary = timed(lambda: mappack.run_pack(ROOT / "packs" / "locality_profile.yaml", Path(tmp) / "pack",
                                                         progress=False), repeat=1)
    rows = [
        ("prepare LSOA map description", f"{prepare_s:.2f} s", "", "classes, ranks, overlays"),
        ("A4 landscape PNG, 300 dpi", f"{png_s:.2f} s", "< 3 s", f"{len(png) / 2**10:.0f} KiB"),
        ("A4 landscape PDF", f"{pdf_s:.2f} s", "< 3 s", f"{len(pdf) / 2**10:.0f} KiB"),
        ("A4 landscape SVG", f"{svg_s:.2f} s", "", f"{len(svg) / 2**10:.0f} KiB"),
        ("map pack, 4 localities x 3 maps (PDF)", f"{pack_s:.1f} s", "", f"{len(summary['files'])} files + combined PDF"),
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
