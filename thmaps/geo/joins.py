"""Point-in-area joins: which ward, LSOA and locality each point lies in, and boundary roads."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .. import settings


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
