"""The Thames and docks around the borough, for printed maps (no tiles needed)."""
from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box


def water_areas(wards: gpd.GeoDataFrame, london_land: gpd.GeoDataFrame, margin: float = 1500.0) -> gpd.GeoDataFrame:
    """The Thames and docks around the borough: the borough's surroundings less London's land.

    London's LSOAs clipped to mean high water cover the land, so what they leave uncovered in a
    box around the borough is water.  Used as a background for printed maps (no tiles needed).
    """
    minx, miny, maxx, maxy = wards.total_bounds
    frame = box(minx - margin, miny - margin, maxx + margin, maxy + margin)
    nearby = london_land.loc[london_land.intersects(frame)]
    water = frame.difference(nearby.geometry.buffer(0.5).union_all().buffer(-0.5))
    parts = gpd.GeoDataFrame(geometry=[water], crs=wards.crs).explode(index_parts=False)
    parts = parts.loc[parts.area > 20_000]  # slivers between generalised polygons are not water
    return gpd.GeoDataFrame({"name": ["Water (London LSOAs clipped to mean high water)"] * len(parts)},
                            geometry=parts.geometry.values, crs=wards.crs)
