"""Time to validate and preview a 10,000-row indicator file (target under 2 s).

Run: ``THMAPS_SOURCE_DIR=... python bench/bench_uploads.py`` (needs a built store). The file is a realistic long
upload made of real figures: the numerators and denominators of eleven Census 2021 shares for each of the
borough's 913 Output Areas (10,043 rows), each share under a period label of its own, as an upload of one
indicator over eleven periods would be laid out.
"""
from __future__ import annotations

from thmaps import store
from thmaps.uploads import IndicatorSpec, preview_indicator

from _bench import print_table, timed

SHARES = 11


def upload_file() -> tuple[bytes, int]:
    """The CSV's bytes and its number of data rows."""
    oa = store.load_layer("indicators").query("level == 'oa21'").dropna(subset=["numerator", "denominator"])
    chosen = sorted(set(oa["indicator_id"]))[:SHARES]
    lines = ["area code,period,numerator,denominator"]
    for period, indicator in enumerate(chosen, start=2010):
        rows = oa[oa["indicator_id"] == indicator]
        lines += [f"{c},{period},{n:.0f},{d:.0f}" for c, n, d in zip(rows["area_code"], rows["numerator"],
                                                                      rows["denominator"])]
    return ("\n".join(lines) + "\n").encode(), len(lines) - 1


def main() -> None:
    data, rows = upload_file()
    preview_indicator(b"area code,value\nE00021141,1\n", "warm.csv", IndicatorSpec("Warm", "", "count"))
    seconds, preview = timed(lambda: preview_indicator(data, "bench.csv", IndicatorSpec("Bench share", "%", "share")))
    print_table([(f"validate and preview a {rows:,}-row indicator file", f"{seconds:.2f} s", "< 2 s",
                  f"{len(preview.used):,} rows used, {len(preview.rejected):,} rejected; median of 3")])


if __name__ == "__main__":
    main()
