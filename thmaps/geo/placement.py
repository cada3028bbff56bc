"""Placing records that come without good coordinates: NHS 2014 facilities, S106 projects, Liveable Streets.

Each function records how precisely it placed a record, so maps and tables can say so.
"""
from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..errors import SourceError
from .joins import assign_areas


def relocate_to_postcode(facilities: gpd.GeoDataFrame, postcodes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Place NHS Choices 2014 facilities at their Code-Point Open postcode.

    The NHS Choices coordinates sit about 70 m south-west of their own postcodes (a consistent offset in the
    source), which puts some facilities in the wrong ward; the postcode is the better location. The source
    offset is kept in ``source_offset_m``. A postcode missing from Code-Point keeps the source coordinates.
    """
    out = facilities.copy()
    located = postcodes.drop_duplicates("postcode").set_index("postcode").geometry
    target = out["postcode"].map(located)
    found = target.notna()
    out["source_offset_m"] = np.nan
    out.loc[found, "source_offset_m"] = out.loc[found].geometry.distance(gpd.GeoSeries(target[found], crs=out.crs)).round(0)
    out.loc[found, "geometry"] = gpd.GeoSeries(target[found], crs=out.crs)
    out["coord_source"] = np.where(found, "Code-Point Open 2014 postcode (NHS Choices coordinates offset in source)",
                                   "NHS Choices 2014 coordinates")
    return out


def locate_s106(projects: pd.DataFrame, facilities: gpd.GeoDataFrame, areas, localities) -> gpd.GeoDataFrame:
    """Place each S106/CIL project as precisely as its source allows, recording the precision.

    Where the source names the practice the project serves (``practice F84039``), the project is
    placed at that practice's registered postcode; otherwise it has no geometry and the locality or
    ward the source states is kept as text.
    """
    practices = facilities.query("kind == 'gp_practice'").set_index("facility_id")
    geoms, precision = [], []
    for location in projects["location"]:
        match = re.search(r"practice (F\d{5}|Y\d{5})", location)
        if match and match.group(1) in practices.index:
            p = practices.loc[match.group(1)]
            geoms.append(p.geometry)
            precision.append(f"postcode of practice {match.group(1)} ({p['postcode']}, {p['coord_source']})")
        else:
            geoms.append(None)
            precision.append("not located: the source gives no address or postcode")
    out = gpd.GeoDataFrame(projects.copy(), geometry=geoms, crs=settings.CRS_STORE)
    out["location_precision"] = precision
    located = out[out.geometry.notna()]
    assigned = assign_areas(located, areas, localities)
    for col in ("ward_code", "ward_name", "lsoa11cd", "lsoa21cd"):
        out[col] = assigned[col].reindex(out.index)
    out["locality_mapped"] = assigned["locality"].reindex(out.index)
    return out


#: The Liveable Streets area drawn from the third party's approximate outline (the others: whole wards).
OUTLINED_AREA = "Bethnal Green"
OUTLINE_APPROXIMATION = ("Approximate outline hand-digitised by a third party, not an official boundary "
                         "(emilemathieu/tower_hamlets_ltns, from the council's consultation documents)")
WARD_APPROXIMATION = "Ward-level approximation: scheme boundary not published; footprint = whole ward(s) named"
FILTER_PRECISION = ("approximate: located from the council's consultation documents by a third party "
                    "(emilemathieu/tower_hamlets_ltns), not surveyed")


def approximate_liveable_streets(areas: pd.DataFrame, wards: gpd.GeoDataFrame,
                                 outline: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Liveable Streets areas: Bethnal Green from its approximate outline, the others by whole wards.

    No scheme geometry is published. The Bethnal Green scheme (area ``"Bethnal Green"``) is drawn from
    the outline a third party hand-digitised from the council's consultation documents when
    ``outline`` is given; every other area is approximated by the ward(s) it lies in, an assumption
    kept in ``thmaps/data/liveable_streets_wards.csv``.

    Returns
    -------
    GeoDataFrame
        The areas with ``ward_names``, ``match``, ``note``, ``footprint`` (``"outline"`` or ``"wards"``)
        and ``approximation`` (in words), EPSG:27700.
    """
    mapping = pd.read_csv(settings.LIVEABLE_STREETS_WARDS_CSV, dtype=str)
    merged = areas.merge(mapping, on="area", how="left")
    if merged["ward_names"].isna().any():
        raise SourceError(f"Liveable Streets: no ward assignment for {merged.loc[merged['ward_names'].isna(), 'area'].tolist()} "
                          f"in {settings.LIVEABLE_STREETS_WARDS_CSV.name}")
    by_name = wards.set_index("name")
    geoms = []
    for names in merged["ward_names"]:
        listed = [n.strip() for n in names.split(";")]
        unknown = [n for n in listed if n not in by_name.index]
        if unknown:
            raise SourceError(f"{settings.LIVEABLE_STREETS_WARDS_CSV.name}: unknown ward(s) {unknown}")
        geoms.append(by_name.loc[listed].geometry.union_all())
    out = gpd.GeoDataFrame(merged, geometry=geoms, crs=wards.crs)
    out["footprint"] = "wards"
    out["approximation"] = WARD_APPROXIMATION
    if outline is not None:
        outlined = out["area"] == OUTLINED_AREA
        if outlined.sum() != 1:
            raise SourceError(f"Liveable Streets: expected one area named {OUTLINED_AREA!r} for the outline, "
                              f"found {int(outlined.sum())}")
        out.loc[outlined, "geometry"] = outline.to_crs(wards.crs).geometry.union_all()
        out.loc[outlined, "footprint"] = "outline"
        out.loc[outlined, "approximation"] = OUTLINE_APPROXIMATION
        shape = out.loc[outlined].geometry.iloc[0]
        # The wards it lies in (a 25 m inward buffer ignores edges drawn along a ward boundary road).
        inside = sorted(wards.loc[wards.intersects(shape.buffer(-settings.WARD_BOUNDARY_METRES)), "name"])
        out.loc[outlined, "ward_names"] = ";".join(inside)
        out.loc[outlined, "match"] = "outline"
        out.loc[outlined, "note"] = (f"Drawn from the approximate outline ({shape.area / 1e6:.2f} km², in "
                                     f"{' and '.join(inside)}), not from whole wards")
    return out


def place_traffic_filters(filters: gpd.GeoDataFrame, areas, localities) -> gpd.GeoDataFrame:
    """Traffic filters with the ward, LSOA and locality they stand in, and a precision note."""
    out = assign_areas(filters, areas, localities)
    out["location_precision"] = FILTER_PRECISION
    out["filter_id"] = [f"TF{i + 1:02d}" for i in range(len(out))]
    return out


def postcodes_from_practices(practices: gpd.GeoDataFrame, known: set[str]) -> gpd.GeoDataFrame:
    """Postcodes newer than Code-Point 2014 that the GP practice file locates (ONSPD May 2025)."""
    extra = practices.loc[~practices["postcode"].isin(known) & practices["postcode"].notna(), ["postcode", "coord_source", "geometry"]]
    extra = extra.drop_duplicates("postcode").copy()
    extra["positional_quality"] = None
    extra["ward_code_2014"] = None
    extra["easting"], extra["northing"] = extra.geometry.x, extra.geometry.y
    return extra
