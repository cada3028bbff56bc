"""Command line: ``thmaps {sources,build,validate,postcode,indicators,layers,map-pack,profile,impact,
add-indicator,user-data,s106}`` (or ``python -m thmaps``).

Every failure is a one-line message on stderr and a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__, settings
from .errors import ThmapsError


def _cmd_sources(args) -> int:
    from .sources.registry import format_registry

    print(format_registry())
    return 0


def _cmd_build(args) -> int:
    from .builder import build
    from .errors import BuildError

    try:
        result = build(args.source_dir, args.store, args.localities)
    except BuildError as exc:
        print(f"Build failed: {exc}\nThe previous store (if any) is unchanged.", file=sys.stderr)
        return 1
    print(f"Built {result['path']} in {result['seconds']:.1f} s ({result['bytes'] / 2**20:.1f} MiB)")
    for name, rows in result["layers"].items():
        print(f"  {name:22s} {rows:>6d}")
    return 0


def _cmd_validate(args) -> int:
    from .validation import validate

    problems = validate(args.source_dir, args.localities)
    source_dir = args.source_dir or settings.source_dir()
    errors = [p for p in problems if p.severity == "error"]
    if not problems:
        print(f"{source_dir}: all sources present and readable; no problems found.")
        return 0
    print(f"{source_dir}: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    for problem in problems:
        print(f"  {problem}")
    return 1 if errors else 0


def _cmd_postcode(args) -> int:
    from .postcodes import lookup_postcode

    status = 0
    for text in args.postcodes:
        try:
            print(json.dumps(lookup_postcode(text).as_dict(), ensure_ascii=False))
        except ThmapsError as exc:
            print(f"{_shown(text)}: {exc}", file=sys.stderr)
            status = 1
    return status


def _cmd_indicators(args) -> int:
    from .indicators import CATALOGUE

    for ind in CATALOGUE.values():
        # Uploaded indicators' titles and units come from users: echoed as printable text only.
        print(f"{ind.id:26s} {_shown(ind.unit, 20):9s} {ind.aggregation:14s} {','.join(ind.levels):32s} "
              f"{_shown(ind.title, 200)}")
    return 0


def _cmd_layers(args) -> int:
    from .store import list_layers, load_layer

    for name, geometry in list_layers(args.store):
        print(f"{name:22s} {str(geometry or 'table'):16s} {len(load_layer(name, args.store)):>6d}")
    return 0


def _cmd_map_pack(args) -> int:
    from .reports import run_pack

    try:
        summary = run_pack(args.spec, args.out, progress=not args.quiet)
    except ThmapsError as exc:
        print(f"Map pack not written: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {len(summary['files'])} file(s) to {summary['folder']} in {summary['seconds']:.1f} s")
    print(f"Combined PDF: {summary['combined_pdf']}")
    return 0


def _cmd_add_indicator(args) -> int:
    from .uploads.cli import add_indicator

    return add_indicator(args)


def _cmd_user_data(args) -> int:
    from .uploads.cli import user_data

    return user_data(args)


def _cmd_impact(args) -> int:
    from .impact.cli import run

    return run(args)


def _cmd_profile(args) -> int:
    from .reports.locality_profile import locality_profile, profile_file_name

    report = locality_profile(args.locality, tube_year=args.tube_year)
    out = args.out or Path(profile_file_name(report.locality))
    from ._util import atomic_write

    atomic_write(out, report.pdf)
    print(f"Wrote {out} ({report.pages} pages, {report.seconds:.1f} s): {report.locality} locality profile")
    if report.missing_health:
        print(f"Census 2021 health indicators not yet in this store: {', '.join(report.missing_health)}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="thmaps", description="Tower Hamlets locality health-needs maps")
    p.add_argument("--version", action="version", version=f"thmaps {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("sources", help="print the source registry").set_defaults(func=_cmd_sources)
    for name, func, text in (("build", _cmd_build, "build the store from the source directory"),
                             ("validate", _cmd_validate, "check a source directory and report problems")):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("--source-dir", type=Path, default=None, help=f"default: ${settings.SOURCE_DIR_ENV}")
        sp.add_argument("--localities", type=Path, default=None, help="ward-to-locality CSV (default: the packaged thmaps/data/localities.csv)")
        if name == "build":
            sp.add_argument("--store", default=None, help=f"GeoPackage or postgresql:// URL to write (default "
                            f"${settings.DATABASE_URL_ENV} if set, else ${settings.STORE_ENV} or store/thmaps.gpkg under "
                            f"${settings.HOME_ENV})")
        sp.set_defaults(func=func)
    sp = sub.add_parser("postcode", help="look up postcodes (ward, LSOA, locality)")
    sp.add_argument("postcodes", nargs="+")
    sp.set_defaults(func=_cmd_postcode)
    sub.add_parser("indicators", help="list the indicator catalogue").set_defaults(func=_cmd_indicators)
    sp = sub.add_parser("layers", help="list the store's layers and row counts")
    sp.add_argument("--store", default=None, help="GeoPackage or postgresql:// URL (default: as for build)")
    sp.set_defaults(func=_cmd_layers)
    sp = sub.add_parser("map-pack", help="write a pack of print-ready maps from a YAML spec")
    sp.add_argument("spec", type=Path)
    sp.add_argument("--out", type=Path, default=None, help="output folder (overrides the spec's)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=_cmd_map_pack)
    from .uploads.cli import add_arguments as add_upload_arguments

    add_upload_arguments(sub, _cmd_add_indicator, _cmd_user_data)
    from .impact.cli import add_arguments

    sp = sub.add_parser("impact", help="development health impact of a scheme: figures, Rapid HIA, report")
    add_arguments(sp)
    sp.set_defaults(func=_cmd_impact)

    sp = sub.add_parser("profile", help="write a locality profile (PDF): map, key indicators, wards, services")
    sp.add_argument("--locality", required=True, help='locality name or code, e.g. "South East" or SE')
    sp.add_argument("--out", type=Path, default=None, help="PDF file to write (default: locality-profile-<name>-<date>.pdf)")
    sp.add_argument("--tube-year", type=int, default=settings.TUBE_YEARS[-1], help="year of the NO2 tubes listed")
    sp.set_defaults(func=_cmd_profile)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # output piped into `head`: not an error
        return 0
    except ThmapsError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


def _shown(text, limit: int = 60) -> str:
    """User input as echoed back: printable characters only, shortened."""
    clean = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
