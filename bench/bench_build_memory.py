"""Peak memory of a build whose source is as large as thmaps accepts (target under 2 GiB).

Run (after the README's set-up): ``THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_build_memory.py``

Each build runs as ``python -m thmaps build`` in a child process, from a temporary copy of the bundle (symbolic
links to every file but one) into a temporary GeoPackage; its peak resident memory is the child's ``ru_maxrss``
and its time the wall clock. The builds:

* the bundle as it is, for reference;
* one table padded to just under :data:`thmaps.settings.MAX_SOURCE_BYTES` by repeating its own data rows (real
  figures only), for each of two readers: the NO2 diffusion tube table of 2024 (read with the csv module, the
  largest yearly table) and the LAEI LSOA 2011 summaries (read with pandas). The build must read the table and
  refuse it (each site or zone appears once) without running out of memory;
* the tube table one row over the limit: refused by its size, before it is read.

A watchdog stops a build whose memory passes :data:`KILL_AT` (the machine is shared), and says so. Prints a
Markdown table (bench/_bench.py) and removes the temporary folder.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _bench import print_table
from thmaps import settings

#: Tables padded, each with the pattern of its data rows: read by the build (and by `thmaps validate`).
TUBES = (Path("air/no2_diffusion_tubes/lbth_no2_tubes_2024.csv"), rb"\d+,")
LAEI = (Path("air/laei_lbth_lsoa11.csv"), rb"E0\d{7},")
TARGET = 2 * 2**30
#: A build using more than this is stopped (and reported as "over").
KILL_AT = 6 * 2**30


def mirror(source: Path, target: Path, skip: Path) -> None:
    """``target`` as a copy of the folder ``source`` made of symbolic links, every file but ``skip``."""
    for folder, _, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            if rel / name != skip:
                (target / rel / name).symlink_to(Path(folder) / name)


def write_padded(original: bytes, pattern: bytes, target: Path, limit: int, over: bool) -> tuple[int, int]:
    """Write the table with its data rows (lines matching ``pattern``) repeated, in order, until one more row
    would pass ``limit`` bytes (``over``: that one row more), a block at a time; the lines before the first data
    row and after the last are kept. Returns the data rows in the original and in the result."""
    lines = original.splitlines(keepends=True)
    data = [i for i, line in enumerate(lines) if re.match(pattern, line)]
    head, tail = b"".join(lines[:data[0]]), b"".join(lines[data[-1] + 1:])
    rows = [r for r in lines[data[0]:data[-1] + 1] if re.match(pattern, r)]
    block = b"".join(rows)
    room = limit - len(head) - len(tail)
    copies, extra, left = room // len(block), [], room % len(block)
    for row in rows:
        if len(row) > left:
            break
        extra.append(row)
        left -= len(row)
    if over:
        extra.append(rows[len(extra)])
    with open(target, "wb") as out:
        out.write(head)
        for start in range(0, copies, 1000):
            out.write(block * min(1000, copies - start))
        out.write(b"".join(extra) + tail)
    return len(rows), copies * len(rows) + len(extra)


#: Runs a command in a child of its own and writes the child's exit code and peak memory (``ru_maxrss``, KiB)
#: to a file. A small process of its own, because a child's ``ru_maxrss`` starts from its parent's high-water
#: mark (the memory of the process that forked it is counted as the child's own until it execs): measured
#: straight from this benchmark, which has imported thmaps and written the padded file, a build refused in 0.4
#: GiB read as 0.7 GiB.
MEASURE = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def build(source_dir: Path, work: Path) -> dict:
    """Run ``thmaps build`` from ``source_dir`` in a child; its exit code, seconds, peak RSS and first message."""
    env = {k: v for k, v in os.environ.items() if k != settings.DATABASE_URL_ENV}
    env.update({settings.SOURCE_DIR_ENV: str(source_dir), settings.STORE_ENV: str(work / "store" / "thmaps.gpkg"),
                "THMAPS_HOME": str(work / "home")})
    work.mkdir(parents=True, exist_ok=True)
    out, measured = work / "build.log", work / "measured"
    killed, done = threading.Event(), threading.Event()
    started = time.perf_counter()
    with open(out, "wb") as log:
        runner = subprocess.Popen([sys.executable, "-S", "-c", MEASURE, str(measured), sys.executable, "-m",
                                   "thmaps", "build"], env=env, stdout=log, stderr=subprocess.STDOUT)

        def watch():  # stop the build if it takes more than KILL_AT (it is the runner's only child)
            while not done.is_set():
                try:
                    pid = int(Path(f"/proc/{runner.pid}/task/{runner.pid}/children").read_text().split()[0])
                    status = Path(f"/proc/{pid}/status").read_text()
                    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) * 1024
                except (OSError, IndexError, ValueError, AttributeError):  # not started yet, or ended
                    time.sleep(0.05)
                    continue
                if rss > KILL_AT and f"PPid:\t{runner.pid}\n" in status:
                    killed.set()
                    os.kill(pid, signal.SIGKILL)
                    return
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        runner.wait()
        seconds = time.perf_counter() - started
        done.set()
        watcher.join()
    code, peak = (int(v) for v in measured.read_text().split())
    lines = [line for line in out.read_text(errors="replace").splitlines() if line.strip()]
    return {"code": code, "seconds": seconds, "peak": peak * 1024, "killed": killed.is_set(),
            "message": lines[0] if lines else ""}


def row(name: str, result: dict, expect: str, note: str) -> tuple:
    peak = result["peak"]
    figure = f"> {KILL_AT / 2**30:.0f} GiB (stopped)" if result["killed"] else f"{peak / 2**20:,.0f} MiB"
    verdict = "refused" if result["code"] == 1 else "built" if result["code"] == 0 else f"exit {result['code']}"
    ok = "met" if peak < TARGET and not result["killed"] and verdict == expect else "NOT met"
    message = result["message"].replace("|", "/")
    if len(message) > 160:
        message = message[:159] + "…"
    return (name, f"{figure}, {result['seconds']:.1f} s", f"< 2 GiB, {expect} ({ok})",
            f"{verdict}: {note}; {message}")


def main() -> None:
    bundle = settings.source_dir()
    limit = settings.MAX_SOURCE_BYTES
    rows = []
    with tempfile.TemporaryDirectory(prefix="thmaps-bench-memory-") as tmp:
        tmp = Path(tmp)
        rows.append(row("build, the bundle as it is", build(bundle, tmp / "plain"), "built", "reference"))
        for (padded, pattern), over, reader in ((TUBES, False, "csv module"), (LAEI, False, "pandas"),
                                               (TUBES, True, "size check")):
            work = tmp / "padded"
            source = work / "sources"
            mirror(bundle, source, padded)
            n_original, n_rows = write_padded((bundle / padded).read_bytes(), pattern, source / padded, limit, over)
            size = (source / padded).stat().st_size
            note = (f"{padded.name} {size / 2**20:,.2f} MiB, {size - limit:+,} bytes from the limit "
                    f"({limit // 2**20} MiB): its {n_original} rows repeated to {n_rows:,}")
            rows.append(row(f"build, {padded.name} {'over' if over else 'just under'} the size limit ({reader})",
                            build(source, work), "refused", note))
            shutil.rmtree(work)
    print_table(rows)


if __name__ == "__main__":
    main()
