"""Geographic joins: localities, point-in-area assignment, LSOA-to-ward apportionment.

Everything here works in EPSG:27700.  LSOAs do not nest in wards, so LSOA values
reach wards through apportionment weights; wards nest in localities and in the
borough exactly.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import settings
from .io import normalise_ward_name
from .sources import SourceError


class LocalityDefinitionError(ValueError):
    """The locality definition does not cover every ward exactly once."""


def read_localities(wards: gpd.GeoDataFrame, path: Path | None = None) -> pd.DataFrame:
    """Read and check the ward-to-locality definition (``boundaries/localities.csv``).

    Parameters
    ----------
    wards : GeoDataFrame
        The borough's wards (``code``, ``name``), to check the definition against.
    path : Path, optional
        Definition file; default :data:`thmaps.settings.LOCALITIES_CSV`.

    Returns
    -------
    DataFrame
        ``ward_code``, ``ward_name``, ``locality``, ``locality_code``, ``provenance``.

    Raises
    ------
    LocalityDefinitionError
        If a ward is missing, repeated or unknown, or a locality name is not one of the four.
    """
    path = Path(path or settings.LOCALITIES_CSV)
    try:
        table = pd.read_csv(path, dtype=str).fillna("")
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LocalityDefinitionError(f"{path.name}: cannot be read ({exc})") from None
    required = {"ward_code", "ward_name", "locality", "provenance"}
    if not required <= set(table.columns):
        raise LocalityDefinitionError(f"{path.name}: needs columns {', '.join(sorted(required))}")
    table["ward_code"] = table["ward_code"].str.strip()
    table["ward_name"] = table["ward_name"].map(normalise_ward_name)
    table["locality"] = table["locality"].str.strip()
    problems = []
    known = dict(zip(wards["code"], wards["name"]))
    repeated = sorted(table.loc[table["ward_code"].duplicated(), "ward_code"])
    if repeated:
        problems.append("repeated ward(s): " + ", ".join(f"{c} {known.get(c, '')}".strip() for c in repeated))
    unknown = sorted(set(table["ward_code"]) - set(known))
    if unknown:
        problems.append("unknown ward code(s): " + ", ".join(unknown))
    missing = sorted(set(known) - set(table["ward_code"]))
    if missing:
        problems.append("ward(s) with no locality: " + ", ".join(f"{c} {known[c]}" for c in missing))
    bad_names = sorted(set(table["locality"]) - set(settings.LOCALITY_NAMES))
    if bad_names:
        problems.append(f"unknown locality name(s) {bad_names}; use {list(settings.LOCALITY_NAMES)}")
    mismatched = [f"{r.ward_code} is {known[r.ward_code]!r}, not {r.ward_name!r}"
                  for r in table.itertuples() if r.ward_code in known and r.ward_name != known[r.ward_code]]
    if mismatched:
        problems.append("ward name does not match its code: " + "; ".join(mismatched))
    if problems:
        raise LocalityDefinitionError(f"{path.name}: " + "; ".join(problems))
    table["locality_code"] = table["locality"].map(settings.LOCALITY_CODES)
    return table[["ward_code", "ward_name", "locality", "locality_code", "provenance"]]


def dissolve_localities(wards: gpd.GeoDataFrame, localities: pd.DataFrame) -> gpd.GeoDataFrame:
    """Locality polygons dissolved from wards: ``code`` (NW/NE/SW/SE), ``name``, ``wards``, ``geometry``."""
    joined = wards[["code", "name", "geometry"]].merge(localities[["ward_code", "locality", "locality_code"]], left_on="code", right_on="ward_code")
    out = joined.dissolve(by="locality_code", aggfunc={"locality": "first", "name": lambda s: "; ".join(sorted(s))})
    out = out.rename(columns={"locality": "name", "name": "wards"}).reset_index().rename(columns={"locality_code": "code"})
    order = {settings.LOCALITY_CODES[n]: i for i, n in enumerate(settings.LOCALITY_NAMES)}
    out = out.sort_values("code", key=lambda s: s.map(order)).reset_index(drop=True)
    return gpd.GeoDataFrame(out[["code", "name", "wards", "geometry"]], geometry="geometry", crs=wards.crs)


def dissolve_borough(wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The borough outline as one polygon."""
    return gpd.GeoDataFrame(
        {"code": [settings.BOROUGH_CODE], "name": [settings.BOROUGH_NAME]},
        geometry=[wards.geometry.union_all()], crs=wards.crs,
    )


def assign_areas(points: gpd.GeoDataFrame, areas: dict[str, gpd.GeoDataFrame], localities: pd.DataFrame) -> gpd.GeoDataFrame:
    """Give each point the code of the area it lies in, for each layer in ``areas``.

    A spatial join on each layer's spatial index (``predicate="intersects"``, so a point on a
    shared edge takes the first area).  Adds ``ward_code``, ``ward_name``, ``lsoa11cd``,
    ``lsoa21cd`` (for the layers given) and ``locality``; a point outside the borough keeps
    empty codes and ``in_borough`` False.
    """
    if points.crs is None or points.crs.to_epsg() != 27700:
        raise ValueError("assign_areas needs points in EPSG:27700")
    # Joins below match rows by index label: work on positions, give the caller's index back at the end.
    index = points.index
    out = points.reset_index(drop=True)
    columns = {"wards": "ward_code", "lsoa11": "lsoa11cd", "lsoa21": "lsoa21cd"}
    for layer, column in columns.items():
        if layer not in areas:
            continue
        area = areas[layer][["code", "geometry"]]
        hit = gpd.sjoin(out[["geometry"]], area, how="left", predicate="intersects")
        hit = hit[~hit.index.duplicated(keep="first")]
        out[column] = hit["code"].reindex(out.index)
    ward_names = dict(zip(areas["wards"]["code"], areas["wards"]["name"]))
    out["ward_name"] = out["ward_code"].map(ward_names)
    circles = gpd.GeoDataFrame(geometry=out.geometry.buffer(settings.WARD_BOUNDARY_METRES), crs=out.crs)
    near = gpd.sjoin(circles, areas["wards"][["code", "geometry"]], how="inner", predicate="intersects")
    near = near[near["code"].values != out.loc[near.index, "ward_code"].values]
    near_names = near["code"].map(ward_names)
    joined = near_names.groupby(level=0).agg(lambda names: " and ".join(sorted(set(names))))
    out["boundary_ward"] = joined.reindex(out.index).fillna("")
    out["locality"] = out["ward_code"].map(dict(zip(localities["ward_code"], localities["locality"])))
    out["in_borough"] = out["ward_code"].notna()
    out.index = index
    return out


def lsoa_ward_weights(lsoa11: gpd.GeoDataFrame, oa21: gpd.GeoDataFrame, oa_ward: pd.DataFrame,
                      wards: gpd.GeoDataFrame) -> pd.DataFrame:
    """Share of each LSOA 2011's population in each ward, from Output Area counts.

    Output Areas are built to hold similar populations and nest (best fit) in wards, so the
    share of an LSOA's OAs that lie in a ward is used as the share of its population there.
    Each OA is placed in the LSOA containing its representative point (nearest LSOA if the
    generalised boundaries leave it just outside), and in the ward the ONS best-fit lookup gives.

    Returns
    -------
    DataFrame
        ``lsoa11cd``, ``ward_code``, ``weight`` (weights of an LSOA sum to 1), ``n_oa``, ``method``.
    """
    ward_codes = dict(zip(wards["name"], wards["code"]))
    unknown = sorted(set(oa_ward["ward_name"]) - set(ward_codes))
    if unknown:
        raise SourceError(f"OA to ward lookup: unknown ward name(s) {unknown}")
    points = gpd.GeoDataFrame(
        {"oa21cd": oa21["code"].values}, geometry=oa21.geometry.representative_point().values, crs=oa21.crs
    )
    inside = gpd.sjoin(points, lsoa11[["code", "geometry"]], how="left", predicate="within")
    inside = inside[~inside.index.duplicated(keep="first")]
    outside = inside["code"].isna()
    if outside.any():
        near = gpd.sjoin_nearest(points.loc[outside], lsoa11[["code", "geometry"]], how="left")
        inside.loc[outside, "code"] = near["code"][~near.index.duplicated()].values
    placed = pd.DataFrame({"oa21cd": inside["oa21cd"].values, "lsoa11cd": inside["code"].values})
    placed = placed.merge(oa_ward[["oa21cd", "ward_name"]], on="oa21cd", how="left")
    if placed["ward_name"].isna().any():
        missing = placed.loc[placed["ward_name"].isna(), "oa21cd"].tolist()
        raise SourceError(f"OA to ward lookup: {len(missing)} OA(s) have no ward, e.g. {missing[:3]}")
    placed["ward_code"] = placed["ward_name"].map(ward_codes)
    counts = placed.groupby(["lsoa11cd", "ward_code"]).size().rename("n_oa").reset_index()
    counts["weight"] = counts["n_oa"] / counts.groupby("lsoa11cd")["n_oa"].transform("sum")
    counts["method"] = "OA 2021 count share (OAs as population proxy), OA-to-ward best-fit lookup"
    covered = set(counts["lsoa11cd"])
    lacking = lsoa11.loc[~lsoa11["code"].isin(covered)]
    if len(lacking):
        # No OA point landed in these LSOAs: fall back to the share of their area in each ward.
        inter = gpd.overlay(lacking[["code", "geometry"]].rename(columns={"code": "lsoa11cd"}),
                            wards[["code", "geometry"]].rename(columns={"code": "ward_code"}), how="intersection")
        inter["area"] = inter.area
        inter["weight"] = inter["area"] / inter.groupby("lsoa11cd")["area"].transform("sum")
        inter["n_oa"] = 0
        inter["method"] = "area share (no OA found in this LSOA)"
        counts = pd.concat([counts, inter[["lsoa11cd", "ward_code", "n_oa", "weight", "method"]]], ignore_index=True)
    return counts[["lsoa11cd", "ward_code", "weight", "n_oa", "method"]].sort_values(["lsoa11cd", "ward_code"]).reset_index(drop=True)


def water_areas(wards: gpd.GeoDataFrame, london_land: gpd.GeoDataFrame, margin: float = 1500.0) -> gpd.GeoDataFrame:
    """The Thames and docks around the borough: the borough's surroundings less London's land.

    London's LSOAs clipped to mean high water cover the land, so what they leave uncovered in a
    box around the borough is water.  Used as a background for printed maps (no tiles needed).
    """
    minx, miny, maxx, maxy = wards.total_bounds
    from shapely.geometry import box

    frame = box(minx - margin, miny - margin, maxx + margin, maxy + margin)
    nearby = london_land.loc[london_land.intersects(frame)]
    water = frame.difference(nearby.geometry.buffer(0.5).union_all().buffer(-0.5))
    parts = gpd.GeoDataFrame(geometry=[water], crs=wards.crs).explode(index_parts=False)
    parts = parts.loc[parts.area > 20_000]  # slivers between generalised polygons are not water
    return gpd.GeoDataFrame({"name": ["Water (London LSOAs clipped to mean high water)"] * len(parts)},
                            geometry=parts.geometry.values, crs=wards.crs)
