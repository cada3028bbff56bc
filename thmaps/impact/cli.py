"""``thmaps impact``: the development impact figures on the command line, and the report and assessment files.

Examples::

    thmaps impact --postcode "E14 0XA" --homes 250
    thmaps impact --postcode "E1 1BB" --homes 120 --bedrooms 1:40,2:50,3:25,4+:5 --affordable 42 --report out.pdf
    thmaps impact --schemes schemes.csv --report cumulative.html --save assessment.json
    thmaps impact --load assessment.json --set patients_per_gp=2000 --report revised.pdf
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ImpactInputError, SchemeError
from . import report, report_text
from .api import locate
from .assessment import Assessment
from .export import save_report
from .parameters import BEDROOMS, load_parameters
from .scheme import make_scheme, schemes_from_csv


def add_arguments(p: argparse.ArgumentParser) -> None:
    where = p.add_argument_group("site (one of)")
    where.add_argument("--postcode", help='a Tower Hamlets postcode, e.g. "E14 0XA"')
    where.add_argument("--easting", type=str, help="British National Grid easting (m), with --northing")
    where.add_argument("--northing", type=str)
    where.add_argument("--lat", type=str, help="latitude (WGS84), with --lon")
    where.add_argument("--lon", type=str)
    where.add_argument("--boundary", type=Path, help="red-line boundary: GeoJSON, GeoPackage or zipped shapefile")
    where.add_argument("--schemes", type=Path, help="CSV of several schemes (name, postcode or easting/northing or "
                                                    "lat/lon, homes, beds_1..beds_4plus, affordable, existing_residents)")
    where.add_argument("--load", type=Path, help="an assessment file saved before (--save) to run again")
    scheme = p.add_argument_group("scheme")
    scheme.add_argument("--homes", type=str, help="number of new homes")
    scheme.add_argument("--bedrooms", help="homes by bedrooms, e.g. 1:100,2:100,3:40,4+:10 (must add up to --homes)")
    scheme.add_argument("--affordable", type=str, help="affordable homes (the rest are market homes)")
    scheme.add_argument("--existing", type=str, default="0", help="residents living on the site now")
    scheme.add_argument("--name", default="Scheme", help="a name for the scheme in the report")
    p.add_argument("--rings", help="catchment rings in metres (straight line), e.g. 400,800,2000")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="change a parameter for this assessment (see --parameters)")
    p.add_argument("--parameters", action="store_true", help="list the parameters, their values and sources, and stop")
    p.add_argument("--title", help="report title")
    p.add_argument("--report", type=Path, help="write the report: .pdf or .html")
    p.add_argument("--save", type=Path, help="write the assessment's inputs (.json) to load again with --load")


def parse_bedrooms(text: str | None) -> dict[str, str] | None:
    """``"1:100,2:100,3:40,4+:10"`` -> ``{"1": "100", ...}``.

    Raises
    ------
    SchemeError
        If the text is not ``size:homes`` pairs.
    """
    if not text:
        return None
    out = {}
    for part in str(text).split(","):
        size, sep, homes = part.strip().partition(":")
        if not sep or size.strip() not in BEDROOMS:
            raise SchemeError(f"bedrooms: write size:homes pairs with sizes {', '.join(BEDROOMS)}, "
                              "for example 1:100,2:100,3:40,4+:10")
        out[size.strip()] = homes.strip()
    return out


def _overrides(pairs) -> dict:
    out = {}
    for pair in pairs:
        key, sep, value = str(pair).partition("=")
        if not sep:
            raise ImpactInputError(f"--set {pair[:40]!r}: write KEY=VALUE, for example patients_per_gp=2000")
        out[key.strip()] = value.strip()
    return out


def _assessment(args) -> Assessment:
    overrides = _overrides(args.set)
    params = load_parameters().with_overrides(overrides)
    if args.load:
        if not args.load.is_file():
            raise ImpactInputError(f"{args.load}: no such assessment file")
        assessment = Assessment.from_json(args.load.read_bytes())
        assessment.parameters = {**assessment.parameters, **overrides}
        if args.rings:
            assessment.rings_m = list(args.rings.split(","))
        return assessment
    if args.schemes:
        if not args.schemes.is_file():
            raise ImpactInputError(f"{args.schemes}: no such file")
        pairs = schemes_from_csv(args.schemes.read_bytes(), params)
    else:
        if args.homes is None:
            raise SchemeError("give the number of homes (--homes)")
        site = locate(args.postcode, args.easting, args.northing, args.lat, args.lon, args.boundary, params)
        tenure = {"affordable": args.affordable} if args.affordable not in (None, "") else None
        pairs = [(site, make_scheme(args.homes, parse_bedrooms(args.bedrooms), tenure, args.existing, args.name,
                                    params))]
    return Assessment.from_pairs(pairs, rings_m=args.rings.split(",") if args.rings else None,
                                 parameters=overrides, **({"title": args.title} if args.title else {}))


def run(args) -> int:
    """Run ``thmaps impact``; a ThmapsError is printed by :func:`thmaps.cli.main` as one line."""
    if args.parameters:
        table = load_parameters().table()
        for row in table.itertuples(index=False):
            print(f"{row.key:28s} {row.value:>16s}  {row.unit}  [{row.basis}] {row.source}")
        return 0
    assessment = _assessment(args)
    result = assessment.run()
    if args.title:
        assessment.title = args.title
    print(report_text.to_text(report.blocks(result, assessment, assessment.hia_rows(result))))
    if args.report:
        if args.report.suffix.lower() not in (".pdf", ".html"):
            raise ImpactInputError(f"{args.report.name}: the report must end in .pdf or .html")
        save_report(result, assessment, args.report)
        print(f"Report written to {args.report}", file=sys.stderr)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        save_report(result, assessment, args.save.with_suffix(".json"))
        print(f"Assessment written to {args.save.with_suffix('.json')}", file=sys.stderr)
    return 0
