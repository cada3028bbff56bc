"""Check a source directory before building: every problem in plain words."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import settings
from ._util import first_line
from .errors import SourceError, ThmapsError
from .geo.localities import read_localities
from .geo.placement import approximate_liveable_streets
from .indicators.census import SPECS
from .sources import air, boundaries, census, health, population, reference
from .sources.registry import load_registry


@dataclass(frozen=True)
class Problem:
    """One problem found in the source directory."""

    source_id: str
    message: str
    severity: str = "error"  # "error" stops a build; "warning" is repaired or tolerated by the build

    def __str__(self) -> str:
        return f"{self.severity.upper()} [{self.source_id}] {self.message}"


def _attempt(problems: list, source_id: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except ThmapsError as exc:
        problems.append(Problem(source_id, str(exc)))
    except Exception as exc:  # a reader met something it did not expect: still a plain report
        problems.append(Problem(source_id, f"cannot be read ({type(exc).__name__}: {first_line(exc)})"))
    return None


def validate(source_dir: Path | None = None, localities_csv: Path | None = None) -> list[Problem]:
    """Check every dataset of the registry in ``source_dir``.

    Checks that each file exists and can be read, has the columns thmaps needs, has a CRS
    and coordinates that lie in London, valid geometries, and codes that match the
    boundaries (wards, LSOAs); and that the locality definition covers every ward once.

    Returns
    -------
    list of Problem
        Empty when everything is in order; the directory can be built from when no
        problem has severity ``"error"``.
    """
    source_dir = Path(source_dir or settings.source_dir())
    problems: list[Problem] = []
    if not source_dir.is_dir():
        return [Problem("source directory", f"{source_dir} does not exist or is not a folder")]
    for source in load_registry().values():
        if not source.location(source_dir).exists():
            problems.append(Problem(source.id, f"{source.path}: file not found"))
    missing = {p.source_id for p in problems}

    read_layers = {}
    for layer, spec in boundaries.boundary_registry().items():
        if spec["source"] in missing:
            continue
        try:
            read_layers[layer] = boundaries.read_boundary(layer, source_dir, repair=False)
        except SourceError as exc:
            if "invalid geometr" not in str(exc):
                problems.append(Problem(spec["source"], str(exc)))
                continue
            problems.append(Problem(spec["source"], f"{exc}; the build repairs these with shapely make_valid", "warning"))
            read_layers[layer] = _attempt(problems, spec["source"], boundaries.read_boundary, layer, source_dir)
    wards = read_layers.get("wards")
    lsoa_codes = set(read_layers["lsoa11"]["code"]) if read_layers.get("lsoa11") is not None else None
    ward_codes = set(wards["code"]) if wards is not None else None

    def check(source_id, func, *args):
        if source_id in missing:
            return None
        return _attempt(problems, source_id, func, *args, source_dir=source_dir)

    if wards is not None:
        _attempt(problems, "localities", read_localities, wards, localities_csv)
        lookup = check("oa21_ward_lookup", boundaries.read_oa_ward_lookup)
        if lookup is not None:
            unknown = sorted(set(lookup["ward_name"]) - set(wards["name"]))
            if unknown:
                problems.append(Problem("oa21_ward_lookup", f"unknown ward name(s): {', '.join(unknown)}"))
        lookup = check("lsoa11_ward_lookup", boundaries.read_lsoa11_ward_lookup)
        if lookup is not None:
            unknown = sorted(set(lookup["ward_code"]) - ward_codes)
            if unknown:
                problems.append(Problem("lsoa11_ward_lookup", f"unknown ward code(s): {', '.join(unknown)}"))

    def check_lsoas(source_id, frame, column="lsoa11cd", require_all=True):
        if frame is None or lsoa_codes is None:
            return
        codes = set(frame[column])
        unknown = sorted(codes - lsoa_codes)
        if unknown:
            problems.append(Problem(source_id, f"{len(unknown)} LSOA code(s) not in the Tower Hamlets LSOA 2011 boundaries, e.g. {', '.join(unknown[:3])}"))
        absent = sorted(lsoa_codes - codes)
        if require_all and absent:
            problems.append(Problem(source_id, f"{len(absent)} Tower Hamlets LSOA(s) missing, e.g. {', '.join(absent[:3])}"))

    for year in (2019, 2020):
        check_lsoas(f"pop_mid{year}", check(f"pop_mid{year}", population.read_population, year))
    imd = check("imd2019", population.read_imd)
    if imd is not None and lsoa_codes is not None:
        absent = sorted(lsoa_codes - set(imd["lsoa11cd"]))
        if absent:
            problems.append(Problem("imd2019", f"{len(absent)} Tower Hamlets LSOA(s) missing, e.g. {', '.join(absent[:3])}"))
    check("imd2019_denominators", population.read_imd_denominators)
    check_lsoas("laei_lsoa11", check("laei_lsoa11", air.read_laei_lsoa11))
    for level in ("lsoa21", "msoa21"):
        zones = check(f"laei_{level}", air.read_laei_zones, level)
        if zones is not None and read_layers.get(level) is not None:
            _same_codes(problems, f"laei_{level}", set(zones["code"]), set(read_layers[level]["code"]), level.upper())
    _check_census(problems, check, read_layers)
    check("laei_boroughs", air.read_laei_boroughs)
    check("lsoa11_lsoa21_lookup", boundaries.read_lsoa11_lsoa21_lookup)
    check("no2_tubes", air.read_no2_tubes)
    check("laqn_sites", air.read_laqn_sites)
    practices = check("gp_practices", health.read_gp_practices)
    if practices is not None and ward_codes is not None:
        unknown = sorted(set(practices["source_ward_code"].dropna()) - ward_codes)
        if unknown:
            problems.append(Problem("gp_practices", f"unknown ward code(s) {', '.join(unknown)} (not one of the 20 wards)"))
        _check_inside(problems, "gp_practices", practices, wards, "practice", "facility_id", "list_size",
                      "registered patients")
    for kind, sid in (("hospital", "nhs_hospitals"), ("pharmacy", "nhs_pharmacies"), ("clinic", "nhs_clinics")):
        check(sid, health.read_nhs_facilities, kind)
    postcodes = check("codepoint", reference.read_codepoint)
    if postcodes is not None and ward_codes is not None:
        unknown = sorted(set(postcodes["ward_code_2014"].dropna()) - ward_codes)
        if unknown:
            problems.append(Problem("codepoint", f"unknown ward code(s) {', '.join(unknown[:5])}"))
    check("s106_health", reference.read_s106_projects)
    areas = check("liveable_streets", reference.read_liveable_streets)
    if areas is not None and "Bethnal Green" not in set(areas["area"]):
        problems.append(Problem("liveable_streets", "no area named 'Bethnal Green' to draw from the outline"))
    if areas is not None and wards is not None:
        # The build draws every other area as whole wards: an area with no ward assignment would fail there.
        _attempt(problems, "liveable_streets", approximate_liveable_streets, areas, wards)
    check("liveable_streets_outline", reference.read_liveable_streets_outline)
    check("liveable_streets_filters", reference.read_traffic_filters)
    for sid in ("fingertips_pm25", "fingertips_fuel_poverty"):
        table = check(sid, reference.read_fingertips, sid)
        if table is not None:
            for period, part in table.groupby("period"):
                absent = {settings.BOROUGH_CODE, settings.LONDON_CODE, settings.ENGLAND_CODE} - set(part["area_code"])
                if absent:
                    problems.append(Problem(sid, f"period {period}: no all-persons row for {', '.join(sorted(absent))}"))
            if table.empty:
                problems.append(Problem(sid, "no all-persons rows for Tower Hamlets, London or England"))
    return problems


def _check_inside(problems: list, source_id: str, points, wards, what: str, code: str, count: str,
                  counted: str) -> None:
    """Points that would fall in no ward: their counts would silently drop out of every ward and locality."""
    borough = wards.geometry.union_all()
    outside = ~points.geometry.within(borough)
    if outside.any():
        first = points.loc[outside].iloc[0]
        total = int(points.loc[outside, count].sum())
        problems.append(Problem(source_id, f"{what} {first[code]} lies outside Tower Hamlets (easting "
                                           f"{first.geometry.x:,.0f}, northing {first.geometry.y:,.0f}); "
                                           f"{int(outside.sum())} {what}(s) with {total:,} {counted} would count "
                                           "in no ward"))


def _same_codes(problems: list, source_id: str, found: set, expected: set, what: str) -> None:
    unknown, absent = sorted(found - expected), sorted(expected - found)
    if unknown:
        problems.append(Problem(source_id, f"{len(unknown)} {what} code(s) not in the boundaries, e.g. {', '.join(unknown[:3])}"))
    if absent:
        problems.append(Problem(source_id, f"{len(absent)} {what} code(s) of the boundaries missing, e.g. {', '.join(absent[:3])}"))


def _check_census(problems: list, check, read_layers: dict) -> None:
    """Census 2021 files: readable, the borough's OAs and LSOAs 2021, the category codes the indicators use."""
    counts = check("census_oa_counts", census.read_counts)
    percent = check("census_oa_percent", census.read_percent)
    categories = check("census_categories", census.read_categories)
    ew = check("census_ew", census.read_ew_percent)
    check("census_oa_counts_london", partial(census.read_counts, london=True))
    check("census_oa_percent_london", partial(census.read_percent, london=True))
    oa21, lsoa21 = read_layers.get("oa21"), read_layers.get("lsoa21")
    if counts is not None and oa21 is not None:
        _same_codes(problems, "census_oa_counts", set(counts["oa21cd"]), set(oa21["code"]), "OA")
    if counts is not None and lsoa21 is not None:
        _same_codes(problems, "census_oa_counts", set(counts["lsoa21cd"]), set(lsoa21["code"]), "LSOA 2021")
    if percent is not None and oa21 is not None:
        _same_codes(problems, "census_oa_percent", set(percent["oa21cd"]), set(oa21["code"]), "OA")
    needed = sorted({c for spec in SPECS for c in spec.categories})
    for source_id, codes in (("census_oa_percent", None if percent is None else percent.columns),
                             ("census_categories", None if categories is None else categories.index),
                             ("census_ew", None if ew is None else ew.index)):
        missing = [] if codes is None else [c for c in needed if c not in set(codes)]
        if missing:
            problems.append(Problem(source_id, f"missing category code(s) {', '.join(missing[:5])}"))
