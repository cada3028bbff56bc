"""What every benchmark shares: a median-of-runs timer and the Markdown table it prints.

The benchmarks run as scripts (``python bench/bench_x.py``), so this folder is on ``sys.path``.
"""
from __future__ import annotations

import statistics
import time

HEADER = ("measure", "ours", "target", "note")


def timed(func, repeat: int = 3) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls of ``func``, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def print_table(rows, header=HEADER) -> None:
    """Rows of text as a Markdown table, the target beside our figure."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
