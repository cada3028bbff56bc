"""Time to validate and preview a 10,000-row indicator file (target under 2 s).

Run: ``THMAPS_SOURCE_DIR=... python bench/bench_uploads.py`` (needs a built store). The file repeats the
borough's 913 Output Areas over 11 periods (10,043 rows), a realistic long upload.
"""
from __future__ import annotations

import time

from thmaps import store
from thmaps.uploads import IndicatorSpec, preview_indicator


def main() -> None:
    codes = list(store.load_layer("oa21")["code"])
    lines = ["area code,period,numerator,denominator"]
    for year in range(2010, 2021):
        lines += [f"{c},{year},{i % 50},{100 + i % 7}" for i, c in enumerate(codes)]
    data = ("\n".join(lines) + "\n").encode()
    preview_indicator(b"area code,value\nE00021141,1\n", "warm.csv", IndicatorSpec("Warm", "", "count"))
    started = time.perf_counter()
    preview = preview_indicator(data, "bench.csv", IndicatorSpec("Bench share", "%", "share"))
    seconds = time.perf_counter() - started
    print(f"validate + preview {len(lines) - 1:,} rows: {seconds:.2f} s (target < 2 s); "
          f"{len(preview.used):,} used, {len(preview.rejected):,} rejected")


if __name__ == "__main__":
    main()
