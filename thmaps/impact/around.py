"""Where a site is and what is around it: its areas, and the health services and projects within the rings.

Distances are straight lines in EPSG:27700 from the site (from the edge of a red-line boundary; 0 inside
it). Each facility is given the smallest ring it falls in.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import store
from ..geo.places import LOCALITY_NOTE
from .catchment import Ring, distance_text
from .site import Site
from .tables import Section, plural

FACILITY_KINDS = {"gp_practice": "GP practice", "hospital": "Hospital", "pharmacy": "Pharmacy", "clinic": "Clinic"}
FACILITY_SOURCES = {"gp_practice": "gp_practices", "hospital": "nhs_hospitals", "pharmacy": "nhs_pharmacies",
                    "clinic": "nhs_clinics"}
#: Area layers a site is placed in, in the order shown: (layer, label, sources).
AREA_LAYERS = (("wards", "Ward", "wards"), ("lsoa11", "LSOA 2011", "lsoa11"), ("lsoa21", "LSOA 2021", "lsoa21"),
               ("msoa21", "MSOA 2021", "msoa21"), ("oa21", "Output Area 2021", "oa21"))


def _containing(layer: str, point) -> pd.Series | None:
    areas = store.load_layer(layer)
    hit = areas[areas.contains(point)]
    return None if hit.empty else hit.iloc[0]


def location(site: Site) -> Section:
    """The ward, LSOAs 2011 and 2021, MSOA, Output Area and locality at the site's point.

    For a site just outside the borough, the nearest ward is given and marked so. A red-line
    boundary also lists every ward it touches.
    """
    point = site.point
    rows = []
    for layer, label, _ in AREA_LAYERS:
        row = _containing(layer, point)
        if row is None:
            if layer == "wards":
                wards = store.load_layer("wards")
                near = wards.iloc[int(np.argmin(wards.distance(point).to_numpy()))]
                rows.append({"area": label, "code": near["code"],
                             "name": f"{near['name']} (nearest; the site is outside the borough)"})
            else:
                rows.append({"area": label, "code": "", "name": "outside Tower Hamlets"})
            continue
        rows.append({"area": label, "code": row["code"], "name": row["name"]})
    ward = _containing("wards", point)
    if ward is None:
        ward = store.load_layer("wards").set_index("code").loc[rows[0]["code"]]
    rows.append({"area": "Locality", "code": str(ward.get("locality_code", "")), "name": str(ward["locality"])})
    notes = ["Areas at the site's point" + (" (the centre of the red-line boundary)." if site.kind == "polygon" else ".")
             + " " + LOCALITY_NOTE]
    if site.kind == "polygon":
        wards = store.load_layer("wards")
        touched = wards[wards.intersects(site.geometry)]
        if len(touched) > 1:
            shares = touched.intersection(site.geometry).area / site.geometry.area
            text = "; ".join(f"{n} {s:.0%}" for n, s in sorted(zip(touched["name"], shares), key=lambda x: -x[1]))
            notes.append(f"The boundary lies in {len(touched)} wards (share of its area): {text}.")
    return Section("location", "Where it is", pd.DataFrame(rows), notes,
                   sources=tuple(s for _, _, s in AREA_LAYERS) + ("oa21_ward_lookup",))


def _ring_of(distance: np.ndarray, rings: list[Ring]) -> list[str]:
    labels = []
    for d in distance:
        labels.append(next((ring.label for ring in rings if d <= ring.radius_m), ""))
    return labels


def _near(frame: gpd.GeoDataFrame, site: Site, rings: list[Ring]) -> gpd.GeoDataFrame:
    """Rows within the largest ring, with ``distance_m`` and ``ring``, nearest first."""
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
    frame["distance_m"] = frame.distance(site.geometry).round(0)
    frame = frame[frame["distance_m"] <= rings[-1].radius_m].sort_values(["distance_m", frame.columns[0]])
    frame["ring"] = _ring_of(frame["distance_m"].to_numpy(), rings)
    return frame


def facilities(site: Site, rings: list[Ring]) -> pd.DataFrame:
    """Every GP practice, hospital, pharmacy and clinic within the largest ring (duplicates of one site dropped).

    Returns
    -------
    DataFrame
        ``kind``, ``name``, ``code``, ``list_size``, ``pcn``, ``status``, ``postcode``, ``ward``, ``distance_m``,
        ``ring``, nearest first; EPSG:27700 geometry kept.
    """
    layer = store.load_layer("facilities")
    layer = layer[layer["duplicate_of"].fillna("") == ""]
    near = _near(layer, site, rings)
    out = gpd.GeoDataFrame({
        "kind": near["kind"].map(FACILITY_KINDS).to_numpy(), "name": near["name"].to_numpy(),
        "code": near["facility_id"].to_numpy(), "list_size": near["list_size"].to_numpy(),
        "pcn": near["pcn"].to_numpy(), "status": near["status"].to_numpy(), "postcode": near["postcode"].to_numpy(),
        "ward": near["ward_name"].to_numpy(), "distance_m": near["distance_m"].to_numpy(),
        "ring": near["ring"].to_numpy()}, geometry=near.geometry.to_numpy(), crs=layer.crs)
    return out.reset_index(drop=True)


def practices_section(found: pd.DataFrame, rings: list[Ring]) -> Section:
    """GP practices within the largest ring: list size, PCN, distance and ring."""
    gp = found[found["kind"] == "GP practice"]
    table = gp[["name", "code", "list_size", "pcn", "distance_m", "ring", "postcode"]].reset_index(drop=True)
    counts = "; ".join(f"{ring.label}: {plural(int((gp['distance_m'] <= ring.radius_m).sum()), 'practice')}, "
                       f"{gp.loc[gp['distance_m'] <= ring.radius_m, 'list_size'].sum():,.0f} registered patients"
                       for ring in rings)
    notes = [f"{counts}.",
             "List sizes: NHS Digital, patients registered at a GP practice, April 2026; PCN 2024-25. Practices are "
             "placed at their postcode. Names are the 2019 ODS names (some are out of date). Practices outside "
             "Tower Hamlets are not in the data, so rings crossing the borough edge miss them."]
    return Section("practices", "GP practices within the rings", table, notes, ("gp_practices", "codepoint"),
                   formats={"list_size": "count", "distance_m": "m"},
                   empty=f"No GP practice within {distance_text(rings[-1].radius_m)}.")


def other_facilities_section(found: pd.DataFrame, rings: list[Ring]) -> Section:
    """Hospitals, pharmacies and clinics within the largest ring (NHS Choices, February 2014)."""
    other = found[found["kind"] != "GP practice"]
    table = other[["kind", "name", "status", "distance_m", "ring", "postcode"]].reset_index(drop=True)
    counts = ", ".join(plural(int((other["kind"] == k).sum()), k.lower()) for k in ("Hospital", "Pharmacy", "Clinic"))
    notes = [f"Within {distance_text(rings[-1].radius_m)}: {counts}.",
             "Hospitals, pharmacies and clinics are the NHS Choices lists of February 2014 (the London Chest Hospital "
             "closed in 2015 and is marked so); later openings and closures are not in the data."]
    return Section("other_facilities", "Hospitals, pharmacies and clinics within the rings", table, notes,
                   ("nhs_hospitals", "nhs_pharmacies", "nhs_clinics", "codepoint"), formats={"distance_m": "m"},
                   empty=f"No hospital, pharmacy or clinic within {distance_text(rings[-1].radius_m)}.")


def s106_section(site: Site, rings: list[Ring]) -> Section:
    """S106/CIL-funded health projects within the largest ring, and those the source does not locate."""
    projects = store.load_layer("s106_projects")
    near = _near(projects, site, rings)
    table = pd.DataFrame({"project": near["project"].to_numpy(), "amount_gbp": near["total_gbp"].to_numpy(),
                          "year": near["year"].to_numpy(), "distance_m": near["distance_m"].to_numpy(),
                          "ring": near["ring"].to_numpy(), "located at": near["location_precision"].to_numpy()})
    unlocated = projects[projects.geometry.isna() | projects.geometry.is_empty]
    notes = ["Projects compiled from council decisions and reports; placed at the postcode of the practice the source "
             "names. A blank amount is not stated in the source."]
    if len(unlocated):
        notes.append("Not located (no place in the source), so not counted here: "
                     + "; ".join(unlocated["project"].astype(str)) + ".")
    return Section("s106", "S106/CIL health projects within the rings", table, notes, ("s106_health",),
                   formats={"amount_gbp": "gbp", "year": "int", "distance_m": "m"},
                   empty=f"No located S106/CIL health project within {distance_text(rings[-1].radius_m)}.")
