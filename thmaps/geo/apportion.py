"""Apportionment: how small areas that do not nest in wards share their people between wards.

Everything here works in EPSG:27700.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ..errors import SourceError


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
