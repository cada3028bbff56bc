"""Load test: 20 concurrent app sessions against one running server on loopback.

Protocol driven: Streamlit's own websocket protocol (:mod:`webapp.wsclient`), not a browser: each session
opens ``/_stcore/stream`` as a browser tab does and asks the server to run pages (``rerun_script``), reading
every message until ``script_finished``. The page scripts run for real in the server (its caches, its store);
nothing is drawn and the maps' JavaScript does not run (a Chromium per session is too heavy for 2 cores).

Response time = from the request to the ``script_finished`` message, measured by the client. Each session
visits the four pages in turn (``--rounds`` times), starting at a different page so that every page is
being run at once, and waits between runs as a reader does (``--think`` seconds on average, uniform between
half and one and a half times that; the first run after up to ``--think`` seconds, so that sessions do not all
start in the same instant; 0 for back-to-back requests, all starting together). The whole test is bounded by
``--sessions`` x ``--rounds`` x 4 runs and ``--limit`` seconds. Errors = exceptions or error messages the pages
showed, failed connections and timeouts. ``--servers 2`` starts two app servers on the same store (what a
shared deployment does; each Streamlit process runs its sessions' scripts under one interpreter lock) and
spreads the sessions over them, as a load balancer with sticky sessions would.

Run (after the README's set-up)::

    THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_load.py             # GeoPackage store
    eval "$(bash scripts/postgis.sh start)" && thmaps build && \\
      THMAPS_SOURCE_DIR=../shared/data .venv/bin/python bench/bench_load.py           # PostGIS store

The server uses the store the environment names (``THMAPS_DATABASE_URL``, else the GeoPackage). Prints a
Markdown table with the targets (p95 under 1 s, no errors) beside our figures.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import threading
import time

from thmaps import store
from webapp.browser import running_app
from webapp.wsclient import Session  # noqa: E402

PAGES = ("", "my-locality", "export", "data-and-sources")  # "" is the default page, the Borough map


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def session_worker(url: str, index: int, rounds: int, think: float, deadline: float, runs: list, errors: list,
                   barrier) -> None:
    pause = random.Random(index)
    try:
        session = Session(url)
    except Exception as exc:  # a refused connection is an error of the test, not a crash of the bench
        errors.append(f"session {index}: could not connect ({type(exc).__name__}: {exc})")
        barrier.abort()
        return
    with session:
        try:
            barrier.wait(60)
        except threading.BrokenBarrierError:
            return
        for step in range(rounds * len(PAGES)):
            if think:  # readers arrive at different moments, then read each page for a while
                time.sleep(pause.uniform(0.5 * think, 1.5 * think) if step else pause.uniform(0, think))
            if time.monotonic() > deadline:
                errors.append(f"session {index}: stopped at the time limit")
                return
            page = PAGES[(index + step) % len(PAGES)]
            try:
                run = session.run(page)
            except Exception as exc:
                errors.append(f"session {index}, page {page or 'borough map'!r}: {type(exc).__name__}: {exc}")
                return
            runs.append(run)
            errors.extend(f"session {index}, page {page or 'borough map'!r}: {e}" for e in run.errors)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="visits of every page per session")
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds a session waits between runs")
    parser.add_argument("--servers", type=int, default=1, help="app servers sharing the store")
    parser.add_argument("--limit", type=float, default=600.0, help="seconds the whole test may take")
    args = parser.parse_args(argv)
    backend = store.backend()
    if not backend.exists():
        print(f"No store at {backend.location()}: build it first (`thmaps build`).", file=sys.stderr)
        return 1
    with contextlib.ExitStack() as servers:
        urls = [servers.enter_context(running_app()) for _ in range(args.servers)]
        # Warm-up: one session per server runs every page once, filling its caches (the first map is drawn).
        started = time.perf_counter()
        warmup = []
        for url in urls:
            with Session(url) as warm:
                warmup += [warm.run(page) for page in PAGES]
        warm_seconds = time.perf_counter() - started
        with Session(urls[0]) as alone:  # each page by itself on a warm server: the floor under load
            floor = {page: alone.run(page).seconds for page in PAGES}
        runs, errors = [], [f"warm-up, page {r.page or 'borough map'!r}: {e}" for r in warmup for e in r.errors]
        barrier = threading.Barrier(args.sessions)
        deadline = time.monotonic() + args.limit
        threads = [threading.Thread(target=session_worker,
                                    args=(urls[i % len(urls)], i, args.rounds, args.think, deadline, runs, errors,
                                          barrier))
                   for i in range(args.sessions)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.limit + 120)
        elapsed = time.perf_counter() - started
    times = [r.seconds for r in runs]
    planned = args.sessions * args.rounds * len(PAGES)
    print(f"{args.servers} server(s): `streamlit run app.py` on loopback, store {backend.location()}; "
          f"{os.cpu_count()} cores. Client: Streamlit's websocket protocol (webapp/wsclient.py), {args.sessions} "
          f"concurrent sessions, {args.think:g} s mean think time between runs.\n")
    rows = [("sessions at once", "20", str(args.sessions)),
            ("page runs", f"{planned}", f"{len(runs)} in {elapsed:.0f} s ({len(runs) / elapsed:.1f}/s)"),
            ("errors", "0", str(len(errors))),
            ("p50 server response", "", f"{statistics.median(times):.2f} s" if times else "-"),
            ("p95 server response", "< 1 s", f"{percentile(times, 0.95):.2f} s" if times else "-"),
            ("max server response", "", f"{max(times):.2f} s" if times else "-"),
            ("warm-up (every page once per server, cold caches)", "", f"{warm_seconds:.1f} s")]
    others = [r.seconds for r in runs if r.page != "my-locality"]
    if others:
        rows.append(("p95 of the pages but My locality", "< 1 s", f"{percentile(others, 0.95):.2f} s"))
    for page in PAGES:
        mine = [r.seconds for r in runs if r.page == page]
        if mine:
            rows.append((f"p50 / p95 {page or 'borough map'} (alone, warm: {floor[page]:.2f} s)", "",
                         f"{statistics.median(mine):.2f} / {percentile(mine, 0.95):.2f} s"))
    print("| measure | target | figure |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for line in errors[:10]:
        print(f"- error: {line}")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
