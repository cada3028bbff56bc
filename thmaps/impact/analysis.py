"""A development impact analysis: one or several schemes, each with its site, rings, evidence and estimate.

:func:`analyse` runs one scheme on one site; :func:`assess` runs several together and adds the
cumulative pressure on the practices they share. Both return plain objects holding
:class:`~thmaps.impact.tables.Section` tables that the page, the command line and the reports show.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from . import around, evidence
from .catchment import METHOD, Catchment, Ring, catchment, catchment_table, make_rings, parse_radii
from .estimate import Estimate, estimate, practices_within, pressure
from .parameters import Parameters, load_parameters
from .scheme import Scheme
from .site import Site
from .tables import Section


@dataclass
class SiteResult:
    """Everything found for one scheme on one site."""

    site: Site
    scheme: Scheme
    rings: list[Ring]
    catchments: list[Catchment]
    occupancy_catchment: Catchment
    facilities: gpd.GeoDataFrame
    practices: pd.DataFrame             # within the practice radius, for the pressure figure
    estimate: Estimate
    sections: dict[str, Section]
    pressure_totals: dict
    codes: dict[str, str | None]        # ward, lsoa11, lsoa21, oa21, locality at the site's point

    @property
    def warnings(self) -> list[str]:
        return list(self.site.warnings)

    def reference(self) -> Catchment:
        """The catchment whose figures the Rapid HIA rows quote: the ring nearest the occupancy radius."""
        target = float(self.estimate.parameters["occupancy_radius_m"])
        return min(self.catchments, key=lambda c: (abs(c.ring.radius_m - target), c.ring.radius_m))


@dataclass
class ImpactResult:
    """One assessment: a result per scheme, the cumulative pressure (several schemes) and the parameters."""

    results: list[SiteResult]
    parameters: Parameters
    radii: tuple[int, ...]
    cumulative: Section | None = None
    cumulative_totals: dict | None = None
    made_on: str = field(default_factory=lambda: _dt.date.today().isoformat())
    thmaps_version: str = field(default_factory=lambda: _thmaps_version())

    @property
    def main(self) -> SiteResult:
        return self.results[0]

    def sources(self) -> list[str]:
        """Every source id behind the figures, in first-seen order."""
        ids = []
        for result in self.results:
            for section in result.sections.values():
                ids += list(section.sources)
        if self.cumulative is not None:
            ids += list(self.cumulative.sources)
        return list(dict.fromkeys(ids))

    def totals(self) -> dict:
        """Totals over every scheme: homes, net new residents, GP need, floorspace, cost."""
        est = [r.estimate for r in self.results]
        return {"schemes": len(est), "homes": sum(e.scheme.homes for e in est),
                "net_residents": sum(e.net_residents for e in est), "gp_fte": sum(e.gp_fte for e in est),
                "floorspace_m2": sum(e.floorspace_m2 for e in est), "cost_gbp": sum(e.cost_gbp for e in est)}


def _thmaps_version() -> str:
    from .. import __version__  # at call time: thmaps/__init__ imports this package before defining it
    return __version__


def _codes(location: Section) -> dict[str, str | None]:
    table = location.table.set_index("area")["code"]
    keys = {"Ward": "ward", "LSOA 2011": "lsoa11", "LSOA 2021": "lsoa21", "MSOA 2021": "msoa21",
            "Output Area 2021": "oa21", "Locality": "locality"}
    return {key: (table.get(label) or None) for label, key in keys.items()}


def analyse(site: Site, scheme: Scheme, radii=None, parameters: Parameters | None = None) -> SiteResult:
    """Analyse one scheme on one site.

    Parameters
    ----------
    site : Site
        From :mod:`thmaps.impact.site` or :mod:`thmaps.impact.upload`.
    scheme : Scheme
        From :func:`thmaps.impact.scheme.make_scheme`.
    radii : iterable of int or str, optional
        Ring radii in metres (default: the parameter file's rings).
    parameters : Parameters, optional
        With the planner's changes (default: the file's values).
    """
    params = parameters or load_parameters()
    radii = parse_radii(radii, params)
    rings = make_rings(site, radii)
    catchments = [catchment(ring) for ring in rings]
    occupancy_radius = int(params["occupancy_radius_m"])
    occ = next((c for c in catchments if c.ring.radius_m == occupancy_radius), None)
    occ = occ or catchment(make_rings(site, [occupancy_radius])[0])
    location = around.location(site)
    codes = _codes(location)
    found = around.facilities(site, rings)
    est = estimate(scheme, occ, params)
    practice_radius = float(params["practice_radius_m"])
    nearby = practices_within(site, practice_radius)
    pressure_section, totals = pressure([(scheme.name, nearby, est.net_residents)], practice_radius)
    table = catchment_table(catchments)
    sections = {
        "location": location,
        "catchment": Section("catchment", "Catchment population (Census 2021)", table, [METHOD],
                             ("oa21", "census_oa_counts", "wards"),
                             {"residents": "count", "households": "count", "residents_per_household": "2dp",
                              "area_km2": "2dp", "share_in_borough": "share"}),
        "practices": around.practices_section(found, rings),
        "other_facilities": around.other_facilities_section(found, rings),
        "s106": around.s106_section(site, rings),
        "imd": evidence.imd_section(codes["lsoa11"], catchments),
        "census": evidence.census_section(catchments),
        "census_more": evidence.census_section(catchments, evidence.CENSUS_MORE),
        "air": evidence.air_section(site, codes["lsoa21"], catchments, params),
        "tubes": evidence.tubes_section(site, params),
        "liveable_streets": evidence.liveable_section(site, params, rings),
        "estimate": est.section(),
        "pressure": pressure_section,
    }
    sections["census_more"].title = "Census 2021: language, work and qualifications in the catchment"
    return SiteResult(site, scheme, rings, catchments, occ, found, nearby, est, sections, totals, codes)


def assess(pairs: list[tuple[Site, Scheme]], radii=None, overrides: dict | None = None,
           parameters: Parameters | None = None) -> ImpactResult:
    """Analyse one or several schemes; with several, add their cumulative pressure on the practices.

    Parameters
    ----------
    pairs : list of (Site, Scheme)
    radii : optional
        Ring radii (see :func:`thmaps.impact.catchment.parse_radii`).
    overrides : dict, optional
        Parameter key -> value for this assessment (see :meth:`Parameters.with_overrides`).

    Raises
    ------
    ImpactInputError
        For bad rings or parameters (the message says which).
    """
    if not pairs:
        from ..errors import ImpactInputError
        raise ImpactInputError("an assessment needs at least one scheme on a site")
    params = (parameters or load_parameters()).with_overrides(overrides)
    radii = parse_radii(radii, params)
    results = [analyse(site, scheme, radii, params) for site, scheme in pairs]
    out = ImpactResult(results=results, parameters=params, radii=radii)
    if len(results) > 1:
        shares = [(r.scheme.name, r.practices, r.estimate.net_residents) for r in results]
        out.cumulative, out.cumulative_totals = pressure(shares, float(params["practice_radius_m"]))
    return out
