"""Local evidence for a site and its catchment: deprivation, Census 2021 health, air quality, Liveable Streets.

Catchment figures use the apportioned Census 2021 usual residents of :mod:`thmaps.impact.catchment`
as weights, and are set against the borough, London and England (and Wales) as the store holds them.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import settings, store
from ..indicators.catalogue import get as get_indicator
from ..sources import IMD_DOMAINS
from .catchment import Catchment, Ring, distance_text, oa_table
from .parameters import Parameters
from .site import Site
from .tables import Section

#: Census 2021 health and housing measures shown for every catchment (issue 10, section 3).
CENSUS_HEALTH = ("census_bad_health", "census_disabled", "census_unpaid_care", "census_overcrowded", "census_no_car")
#: Further Census 2021 measures the Rapid HIA rows draw on.
CENSUS_MORE = ("census_poor_english", "census_unemployed", "census_no_qualifications")
LAEI = {"laei_no2": "NO2", "laei_pm25": "PM25", "laei_pm10": "PM10"}
LAEI_YEAR = "2019"
IMD_METHOD = ("Catchment and borough: share of residents (Census 2021 usual residents of the Output Areas, apportioned "
              "by area; each OA in the LSOA 2011 holding its representative point) living in LSOAs 2011 in national "
              "deciles 1-2 (the most deprived 20% of England's 32,844 LSOAs).")


@lru_cache(maxsize=2)
def _indicator_groups(location: str, user_location: str, version: float, user_version: int) -> dict:
    """The indicators table split by (indicator, level), once per build and user-data change (read-only frames)."""
    values = store.load_layer("indicators")
    return {key: group.set_index("area_code") for key, group in values.groupby(["indicator_id", "level"])}


def _indicator(indicator_id: str, level: str, period: str | None = None) -> pd.DataFrame:
    sel = _indicator_groups(*store.cache_key()).get((indicator_id, level))
    if sel is None:
        return pd.DataFrame(columns=["value", "numerator", "denominator", "period"])
    return sel if period is None else sel[sel["period"] == period]


def _comparator(indicator_id: str, level: str, period: str | None = None) -> float | None:
    sel = _indicator(indicator_id, level, period)
    return None if sel.empty else float(sel["value"].iloc[0])


def _weighted(values: pd.Series, weights: pd.Series) -> float | None:
    """Mean of ``values`` weighted by ``weights`` (both indexed by area code), over areas with a value."""
    v = values.reindex(weights.index).to_numpy(dtype=float)
    w = weights.to_numpy(dtype=float)
    ok = ~(np.isnan(v) | np.isnan(w))
    total = w[ok].sum()
    return float((v[ok] * w[ok]).sum() / total) if total > 0 else None


def _ring_columns(catchments: list[Catchment]) -> list[str]:
    return [c.ring.label for c in catchments]


def imd_section(lsoa11cd: str | None, catchments: list[Catchment]) -> Section:
    """IMD 2019 and its seven domains: the site LSOA's national decile, and the share of each catchment's
    (and the borough's) residents in the most deprived 20% nationally."""
    borough_weights = (oa_table()["usual_residents"]).groupby(oa_table()["lsoa11cd"]).sum()
    rows = []
    for key, label in IMD_DOMAINS.items():
        deciles = _indicator(f"{key}_decile", "lsoa11")["value"]
        row = {"measure": label, "site LSOA decile": deciles.get(lsoa11cd) if lsoa11cd else None}
        in_q1 = (deciles <= 2).astype(float)
        for c in catchments:
            share = _weighted(in_q1, c.weights("lsoa11cd"))
            row[c.ring.label] = None if share is None else 100 * share
        row["Tower Hamlets"] = 100 * _weighted(in_q1, borough_weights)
        rows.append(row)
    table = pd.DataFrame(rows)
    formats = {"site LSOA decile": "int"} | {col: "%" for col in _ring_columns(catchments) + ["Tower Hamlets"]}
    notes = [f"Site LSOA: {lsoa11cd or 'none (outside the borough)'}; decile 1 = most deprived 10% nationally.",
             IMD_METHOD, "Ring and borough columns: % of residents in the most deprived 20% nationally."]
    return Section("imd", "Deprivation: English Indices of Deprivation 2019", table, notes,
                   ("imd2019", "lsoa11", "census_oa_counts"), formats)


def census_section(catchments: list[Catchment], indicator_ids=CENSUS_HEALTH) -> Section:
    """Census 2021 measures for each catchment against the borough, London and England and Wales."""
    oa = oa_table()
    rows = []
    for iid in indicator_ids:
        ind = get_indicator(iid)
        values = _indicator(iid, "oa21")
        # Each OA's share weighted by its base (or, for a base with no OA count, by its usual residents):
        # the catalogue's own aggregation, applied to the apportioned OAs.
        base = values["denominator"].fillna(oa.set_index("code")["usual_residents"])
        row = {"measure": ind.title, "base": ind.base}
        for c in catchments:
            w = c.shares.set_index("oa21cd")["share"] * base.reindex(c.shares["oa21cd"]).to_numpy()
            row[c.ring.label] = _weighted(values["value"], w)
        row["Tower Hamlets"] = _comparator(iid, "borough")
        row["London"] = _comparator(iid, "london")
        row["England and Wales"] = _comparator(iid, "england")
        rows.append(row)
    table = pd.DataFrame(rows)
    columns = _ring_columns(catchments) + ["Tower Hamlets", "London", "England and Wales"]
    notes = ["Census 2021, 21 March 2021. Each catchment's value: the OA shares weighted by the OA's base population "
             "(usual residents or households; residents for bases with no OA count, such as residents aged 5+) times "
             "the share of the OA inside the ring. ONS publishes OA shares rounded to 0.1%.",
             "England and Wales: the published national share."]
    return Section("census", "Census 2021: health, care and housing in the catchment", table, notes,
                   ("census_oa_percent", "census_oa_counts", "census_oa_counts_london", "census_ew", "oa21"),
                   {c: "%" for c in columns})


def air_section(site: Site, lsoa21cd: str | None, catchments: list[Catchment], params: Parameters) -> Section:
    """LAEI 2019 modelled annual means at the site's LSOA 2021 and across each catchment, against the UK
    objectives and limit value and the WHO 2021 guidelines."""
    uk = {"NO2": (settings.NO2_OBJECTIVE, "UK objective"), "PM10": (params["pm10_objective"], "UK objective"),
          "PM25": (params["pm25_limit"], "UK limit value")}
    rows = []
    for iid, pollutant in LAEI.items():
        ind = get_indicator(iid)
        zones = _indicator(iid, "lsoa21", LAEI_YEAR)["value"]
        site_value = zones.get(lsoa21cd) if lsoa21cd else None
        row = {"pollutant": ind.title.split(",")[0], "site (LSOA 2021 mean)": site_value}
        for c in catchments:
            row[c.ring.label] = _weighted(zones, c.weights("lsoa21cd"))
        row["Tower Hamlets"] = _comparator(iid, "borough", LAEI_YEAR)
        row["London"] = _comparator(iid, "london", LAEI_YEAR)
        limit, name = uk[pollutant]
        row["UK standard"] = float(limit)
        row["WHO 2021 guideline"] = settings.WHO_GUIDELINES[pollutant]
        row["site vs UK"] = _verdict(site_value, limit, name)
        row["site vs WHO"] = _verdict(site_value, settings.WHO_GUIDELINES[pollutant], "WHO guideline")
        rows.append(row)
    table = pd.DataFrame(rows)
    numbers = ["site (LSOA 2021 mean)"] + _ring_columns(catchments) + ["Tower Hamlets", "London", "UK standard",
                                                                        "WHO 2021 guideline"]
    notes = [f"LAEI {LAEI_YEAR}, modelled annual mean concentrations (µg/m³). The site value is the area-weighted mean "
             "of the 20 m grid over the LSOA 2021 holding the site, not the site's own grid cell; catchment values "
             "weight each LSOA 2021 by its apportioned Census 2021 residents.",
             f"UK standards: NO2 {settings.NO2_OBJECTIVE:g} µg/m³ annual mean objective; PM10 "
             f"{params['pm10_objective']:g} µg/m³ ({params.item('pm10_objective').source}); PM2.5 "
             f"{params['pm25_limit']:g} µg/m³ ({params.item('pm25_limit').source}). "
             + params.item("pm25_limit").note,
             "WHO global air quality guidelines (22 September 2021), annual means: NO2 10, PM2.5 5, PM10 15 µg/m³."]
    return Section("air", "Air quality: LAEI modelled concentrations", table, notes,
                   ("laei_lsoa21", "laei_lsoa11", "laei_boroughs", "census_oa_counts"), {c: "ug" for c in numbers})


def _verdict(value, limit, name: str) -> str:
    if value is None or pd.isna(value):
        return "no data"
    return f"above the {name}" if value > limit else f"within the {name}"


def tubes_section(site: Site, params: Parameters) -> Section:
    """The nearest diffusion tubes with a bias-adjusted annual mean in the latest year of the data."""
    tubes = store.load_layer("no2_tubes")
    year = int(tubes.loc[tubes["annual_mean_bias_adjusted"].notna(), "year"].max())
    latest = tubes[(tubes["year"] == year) & tubes["annual_mean_bias_adjusted"].notna()].copy()
    latest["distance_m"] = latest.distance(site.geometry).round(0)
    nearest = latest.sort_values("distance_m").head(int(params["nearest_tubes"]))
    table = pd.DataFrame({"tube": nearest["site_no"].astype(str).to_numpy(), "location": nearest["location"].to_numpy(),
                          "site type": nearest["site_type"].to_numpy(), "distance_m": nearest["distance_m"].to_numpy(),
                          f"NO2 {year} (bias-adjusted)": nearest["annual_mean_bias_adjusted"].to_numpy(),
                          "vs objective": nearest["objective_status"].fillna("not judged").to_numpy()})
    notes = [f"The council's NO2 diffusion tubes, {year}: annualised, bias-adjusted annual means (µg/m³), the figure "
             f"compared with the {settings.NO2_OBJECTIVE:g} µg/m³ objective. Tubes stand at roadsides and other "
             "chosen points; they measure where they stand, not the site."]
    return Section("tubes", f"Nearest NO2 diffusion tubes, {year}", table, notes, ("no2_tubes",),
                   {"distance_m": "m", f"NO2 {year} (bias-adjusted)": "ug"})


def liveable_section(site: Site, params: Parameters, rings: list[Ring]) -> Section:
    """Whether the site is in or near a Liveable Streets area, and the traffic filters within the rings."""
    areas = store.load_layer("liveable_streets")
    near_m = float(params["liveable_streets_near_m"])
    distance = areas.distance(site.geometry).round(0)
    chosen = areas[distance <= near_m].assign(distance_m=distance[distance <= near_m]).sort_values("distance_m")
    table = pd.DataFrame({
        "area": chosen["area"].to_numpy(),
        "site": ["in the area" if d <= 0 else f"near: {d:,.0f} m" for d in chosen["distance_m"]],
        "footprint": ["approximate outline (third party)" if f == "outline" else f"whole ward(s): {w}"
                      for f, w in zip(chosen["footprint"], chosen["ward_names"])],
        "phase": chosen["phase"].to_numpy(), "status": chosen["status_notes"].to_numpy()})
    filters = store.load_layer("traffic_filters")
    fd = filters.distance(site.geometry)
    notes = [f"'Near' = within {near_m:,.0f} m (straight line). No Liveable Streets scheme boundary is published: "
             "Bethnal Green is drawn from an approximate outline hand-digitised by a third party (not an official "
             "boundary) and the other areas are approximated by the whole wards they lie in, so 'in the area' means "
             "in that approximation.",
             "Traffic filters (Bethnal Green scheme, located approximately by a third party): "
             + "; ".join(f"{int((fd <= r.radius_m).sum())} {r.label}" for r in rings) + "."]
    return Section("liveable_streets", "Liveable Streets", table, notes,
                   ("liveable_streets", "liveable_streets_outline", "liveable_streets_filters"),
                   empty=f"The site is not in, or within {distance_text(near_m)} of, any of the 11 Liveable Streets "
                         "areas in the data.")
