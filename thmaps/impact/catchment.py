"""Catchments: straight-line rings around a site, and the people living in them.

A ring is everything within a straight-line distance of the site (of its boundary, for a red-line
polygon): not a walking distance. Its population is the Census 2021 usual residents of each Output
Area counted by the share of the OA's area inside the ring (:data:`METHOD`), so an OA half inside
counts half; households and residents in households are apportioned the same way.

Everything is measured in EPSG:27700 on the store's Output Areas, which cover Tower Hamlets only.

Examples
--------
>>> parse_radii("400, 800, 2 km")
(400, 800, 2000)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import store
from ..errors import ImpactInputError
from .parameters import Parameters, load_parameters
from .site import Site

METHOD = ("Catchment population: Census 2021 usual residents of each Output Area (OA), counted by the share of the "
          "OA's area inside the ring (areal apportionment: people are assumed spread evenly over each OA), not by "
          "whether the OA's centroid falls inside. Households and residents in households are apportioned the same "
          "way. Rings are straight-line distances from the site (from the edge of a red-line boundary), not walking "
          "distances. Tower Hamlets OAs only: the data stop at the borough edge.")
#: Sources behind a catchment's figures (for attribution).
SOURCES = ("oa21", "census_oa_counts")


@dataclass(frozen=True)
class Ring:
    """Everything within ``radius_m`` metres (straight line) of the site, EPSG:27700."""

    radius_m: int
    geometry: object

    @property
    def label(self) -> str:
        return f"within {distance_text(self.radius_m)}"


def distance_text(metres: float) -> str:
    """``"400 m"``, ``"2 km"``, ``"1.5 km"``."""
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km" if round(km, 1) == km else f"{km:.2f} km"
    return f"{metres:,.0f} m"


def parse_radii(value, parameters: Parameters | None = None) -> tuple[int, ...]:
    """Ring radii in metres from text (``"400, 800, 2000"``, ``"2 km"``) or numbers, sorted, each once.

    Raises
    ------
    ImpactInputError
        For a value that is not a distance, or too many, too small or too large rings.
    """
    params = parameters or load_parameters()
    if value is None or (isinstance(value, str) and not value.strip()):
        return tuple(int(r) for r in params["default_rings_m"])
    if isinstance(value, str):
        items = re.split(r"[;,\s]+", re.sub(r"(\d)\s+(k?m)\b", r"\1\2", value.strip().lower()))
    else:
        items = list(value)
    radii = []
    for item in items:
        text = str(item).strip().lower().replace(" ", "")
        if not text:
            continue
        match = re.fullmatch(r"(\d+(?:\.\d+)?)(km|m)?", text)
        if not match:
            raise ImpactInputError(f"ring {str(item)[:20]!r} is not a distance (write 400, 800 m or 2 km)")
        metres = float(match.group(1)) * (1000 if match.group(2) == "km" else 1)
        radii.append(int(round(metres)))
    low, high, most = params.limit("min_ring_m"), params.limit("max_ring_m"), params.limit("max_rings")
    radii = sorted(set(radii))
    if not radii:
        raise ImpactInputError("give at least one ring distance, for example 400, 800, 2000")
    if len(radii) > most:
        raise ImpactInputError(f"at most {most} rings, not {len(radii)}")
    bad = [r for r in radii if not low <= r <= high]
    if bad:
        raise ImpactInputError(f"ring distances must be between {low:,} m and {high:,} m, not {bad[0]:,} m")
    return tuple(radii)


def make_rings(site: Site, radii) -> list[Ring]:
    """One :class:`Ring` per radius, smallest first."""
    return [Ring(int(r), site.geometry.buffer(float(r), quad_segs=32)) for r in sorted(radii)]


@lru_cache(maxsize=2)
def _oa_table(version: float) -> tuple[gpd.GeoDataFrame, shapely.STRtree]:
    oa = store.load_layer("oa21")
    values = store.load_layer("indicators")
    counts = values[(values["level"] == "oa21") & values["indicator_id"].isin(
        ["census_households", "census_communal_residents"])].pivot(index="area_code", columns="indicator_id",
                                                                   values="value")
    table = oa[["code", "lsoa21cd", "usual_residents", "locality", "main_ward_code", "geometry"]].copy()
    table["usual_residents"] = table["usual_residents"].astype(float)
    table["households"] = table["code"].map(counts["census_households"]).astype(float)
    table["residents_in_households"] = table["usual_residents"] - table["code"].map(
        counts["census_communal_residents"]).fillna(0.0)
    table["lsoa11cd"] = _lsoa11_of(table)
    table["area"] = table.geometry.area
    return table.reset_index(drop=True), shapely.STRtree(table.geometry.values)


def _lsoa11_of(oa: gpd.GeoDataFrame) -> np.ndarray:
    """The LSOA 2011 holding each OA's representative point (the nearest one if none holds it)."""
    lsoa = store.load_layer("lsoa11")[["code", "geometry"]]
    points = gpd.GeoDataFrame(geometry=oa.geometry.representative_point().values, crs=oa.crs)
    hit = gpd.sjoin(points, lsoa, how="left", predicate="within")
    hit = hit[~hit.index.duplicated()]
    missing = hit["code"].isna()
    if missing.any():
        near = gpd.sjoin_nearest(points.loc[missing], lsoa, how="left")
        hit.loc[missing, "code"] = near["code"][~near.index.duplicated()].to_numpy()
    return hit["code"].to_numpy()


def oa_table() -> gpd.GeoDataFrame:
    """Output Areas with ``lsoa21cd``, ``lsoa11cd``, ``usual_residents``, ``households``,
    ``residents_in_households`` and ``area`` (m²), cached per store version (treat as read-only)."""
    return _oa_table(store.version())[0]


def oa_shares(geometry) -> pd.DataFrame:
    """The OAs ``geometry`` touches, with the ``share`` (0-1) of each OA's area inside it.

    Returns
    -------
    DataFrame
        ``oa21cd``, ``share`` and the OA's ``lsoa21cd``, ``lsoa11cd``, ``usual_residents``, ``households``,
        ``residents_in_households`` (whole-OA counts; multiply by ``share`` to apportion).
    """
    table, tree = _oa_table(store.version())
    index = tree.query(geometry, predicate="intersects")
    geoms = table.geometry.values[index]
    inside = shapely.contains_properly(geometry, geoms)
    overlap = np.where(inside, table["area"].to_numpy()[index],
                       shapely.area(shapely.intersection(geoms, geometry, grid_size=0.01)))
    shares = np.clip(overlap / table["area"].to_numpy()[index], 0.0, 1.0)
    out = table.iloc[index][["code", "lsoa21cd", "lsoa11cd", "usual_residents", "households",
                             "residents_in_households"]].rename(columns={"code": "oa21cd"})
    out.insert(1, "share", shares)
    return out[out["share"] > 0].sort_values("oa21cd").reset_index(drop=True)


@dataclass(frozen=True)
class Catchment:
    """One ring and who lives in it (Census 2021, apportioned by area share)."""

    ring: Ring
    shares: pd.DataFrame
    borough_share: float

    @property
    def residents(self) -> float:
        return float((self.shares["usual_residents"] * self.shares["share"]).sum())

    @property
    def households(self) -> float:
        return float((self.shares["households"] * self.shares["share"]).sum())

    @property
    def residents_in_households(self) -> float:
        return float((self.shares["residents_in_households"] * self.shares["share"]).sum())

    @property
    def residents_per_household(self) -> float | None:
        households = self.households
        return self.residents_in_households / households if households > 0 else None

    def weights(self, column: str) -> pd.Series:
        """Apportioned usual residents summed by ``column`` (``lsoa11cd``, ``lsoa21cd``)."""
        shares = self.shares
        return (shares["usual_residents"] * shares["share"]).groupby(shares[column]).sum()

    def summary(self) -> dict:
        return {"ring": self.ring.label, "radius_m": self.ring.radius_m, "residents": self.residents,
                "households": self.households, "residents_per_household": self.residents_per_household,
                "output_areas_whole": int((self.shares["share"] > 0.999).sum()),
                "output_areas_in_part": int((self.shares["share"] <= 0.999).sum()),
                "area_km2": self.ring.geometry.area / 1e6, "share_in_borough": self.borough_share}


def catchment(ring: Ring) -> Catchment:
    """The :class:`Catchment` of one ring."""
    borough = store.load_layer("borough").geometry.union_all()
    inside = ring.geometry.intersection(borough).area / ring.geometry.area if ring.geometry.area else 0.0
    return Catchment(ring=ring, shares=oa_shares(ring.geometry), borough_share=float(inside))


def catchments(site: Site, radii) -> list[Catchment]:
    """The catchment of each ring around the site, smallest first."""
    return [catchment(ring) for ring in make_rings(site, radii)]


def catchment_table(items: list[Catchment]) -> pd.DataFrame:
    """One row a ring: residents, households, residents per household, OAs whole and in part, area, share in borough."""
    return pd.DataFrame([c.summary() for c in items])
