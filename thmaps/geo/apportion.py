"""Apportionment: how small areas that do not nest in wards share their people between wards.

Output Areas 2021 reach wards whole, through the best-fit lookup (:func:`oa_ward_lookup`, which also
measures how far each OA straddles a ward boundary). LSOAs 2011 are split between wards by the
Census 2021 usual residents of the OAs they hold (:func:`lsoa_ward_weights`).

Everything here works in EPSG:27700.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..errors import SourceError

#: How an OA reaches its ward (the ``method`` of :func:`oa_ward_lookup`).
OA_WARD_METHOD = "whole OA to its best-fit ward (ONS best-fit OA 2021 to ward lookup); never split"
RESIDENT_WEIGHTS = ("Census 2021 usual residents of the OAs 2021 whose representative point lies in the LSOA, "
                    "each OA in its best-fit ward")
OA_COUNT_WEIGHTS = "OA 2021 count share (OAs as population proxy), OA-to-ward best-fit lookup"


def _ward_codes(oa_ward: pd.DataFrame, wards: gpd.GeoDataFrame) -> pd.Series:
    """The best-fit ward code of each OA of the lookup (indexed by ``oa21cd``)."""
    codes = dict(zip(wards["name"], wards["code"]))
    unknown = sorted(set(oa_ward["ward_name"]) - set(codes))
    if unknown:
        raise SourceError(f"OA to ward lookup: unknown ward name(s) {unknown}")
    return pd.Series(oa_ward["ward_name"].map(codes).to_numpy(), index=oa_ward["oa21cd"].to_numpy())


def oa_ward_lookup(oa21: gpd.GeoDataFrame, oa_ward: pd.DataFrame, wards: gpd.GeoDataFrame,
                   threshold: float | None = None) -> pd.DataFrame:
    """Each OA's best-fit ward, and how much of its area lies in other wards.

    OAs are assigned **whole** to the ward the best-fit lookup gives, so totals are conserved exactly.
    The share of each OA's area lying in other wards is measured on the bundle's boundaries: an OA
    straddles a ward boundary when that share exceeds ``threshold``. The OA and ward files are
    generalised differently, so shares of a few per cent are mostly drawing differences along a
    shared edge; the threshold keeps them out of the count.

    Parameters
    ----------
    oa21 : GeoDataFrame
        OA polygons (``code``), EPSG:27700.
    oa_ward : DataFrame
        ``oa21cd``, ``ward_name`` (2022 names), ``msoa21cd`` from the best-fit lookup.
    wards : GeoDataFrame
        ``code``, ``name``, EPSG:27700.
    threshold : float, optional
        Share of area (0-1); default :data:`thmaps.settings.OA_STRADDLE_SHARE`.

    Returns
    -------
    DataFrame
        ``oa21cd``, ``msoa21cd``, ``ward_code``, ``ward_name``, ``method``, ``share_outside`` (0-1, of the
        OA's area in wards other than its best-fit ward), ``largest_other_ward_code``, ``straddles``
        (bool) and ``straddle_threshold``.

    Raises
    ------
    SourceError
        If an OA of the boundaries has no row in the lookup, or a ward name is unknown.
    """
    threshold = settings.OA_STRADDLE_SHARE if threshold is None else float(threshold)
    best = _ward_codes(oa_ward, wards)
    missing = sorted(set(oa21["code"]) - set(best.index))
    if missing:
        raise SourceError(f"OA to ward lookup: {len(missing)} OA(s) have no ward, e.g. {missing[:3]}")
    parts = gpd.overlay(oa21[["code", "geometry"]].rename(columns={"code": "oa21cd"}),
                        wards[["code", "geometry"]].rename(columns={"code": "ward_code"}),
                        how="intersection", keep_geom_type=True)
    parts["share"] = parts.area / parts["oa21cd"].map(oa21.set_index("code").area).to_numpy()
    other = parts[parts["ward_code"].to_numpy() != parts["oa21cd"].map(best).to_numpy()]
    outside = other.groupby("oa21cd")["share"].sum()
    largest = other.sort_values("share").drop_duplicates("oa21cd", keep="last").set_index("oa21cd")["ward_code"]
    names = dict(zip(wards["code"], wards["name"]))
    out = pd.DataFrame({"oa21cd": oa21["code"].to_numpy()})
    out["msoa21cd"] = out["oa21cd"].map(dict(zip(oa_ward["oa21cd"], oa_ward["msoa21cd"])))
    out["ward_code"] = out["oa21cd"].map(best)
    out["ward_name"] = out["ward_code"].map(names)
    out["method"] = OA_WARD_METHOD
    out["share_outside"] = out["oa21cd"].map(outside).fillna(0.0).clip(0, 1).round(4)
    out["largest_other_ward_code"] = out["oa21cd"].map(largest).where(out["share_outside"] > 0)
    out["straddles"] = out["share_outside"] > threshold
    out["straddle_threshold"] = threshold
    return out.sort_values("oa21cd").reset_index(drop=True)


def straddle_note(lookup: pd.DataFrame) -> str:
    """One sentence for maps and tables: how many OAs straddle a ward boundary, and what is done with them."""
    n = int(lookup["straddles"].sum())
    threshold = float(lookup["straddle_threshold"].iloc[0]) if len(lookup) else settings.OA_STRADDLE_SHARE
    return (f"Output Areas reach wards whole, through the ONS best-fit lookup: {n} of {len(lookup)} OAs have more "
            f"than {threshold:.0%} of their area in another ward and are still counted whole in their best-fit ward.")


def lsoa_ward_weights(lsoa11: gpd.GeoDataFrame, oa21: gpd.GeoDataFrame, oa_ward: pd.DataFrame,
                      wards: gpd.GeoDataFrame, residents: pd.Series | None = None) -> pd.DataFrame:
    """Share of each LSOA 2011's population in each ward, from its Output Areas 2021.

    Each OA is placed in the LSOA 2011 containing its representative point (nearest LSOA if the
    generalised boundaries leave it just outside), and in the ward the best-fit lookup gives. An
    LSOA's weight in a ward is the share of its OAs' Census 2021 usual residents living in OAs of that
    ward (``weight``); the share of its OAs by number, the proxy used before census populations were
    in the bundle, is kept as ``weight_oa_count``.

    Parameters
    ----------
    residents : Series, optional
        Census 2021 usual residents indexed by ``oa21cd``. Without it, ``weight`` is the OA-count share.

    Returns
    -------
    DataFrame
        ``lsoa11cd``, ``ward_code``, ``weight`` (weights of an LSOA sum to 1), ``weight_oa_count``, ``n_oa``,
        ``residents``, ``method``.

    Raises
    ------
    SourceError
        If an OA has no ward or no resident count.
    """
    best = _ward_codes(oa_ward, wards)
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
    placed["ward_code"] = placed["oa21cd"].map(best)
    if placed["ward_code"].isna().any():
        missing = placed.loc[placed["ward_code"].isna(), "oa21cd"].tolist()
        raise SourceError(f"OA to ward lookup: {len(missing)} OA(s) have no ward, e.g. {missing[:3]}")
    placed["residents"] = 1.0 if residents is None else placed["oa21cd"].map(residents).astype(float)
    if placed["residents"].isna().any():
        missing = placed.loc[placed["residents"].isna(), "oa21cd"].tolist()
        raise SourceError(f"Census 2021 counts: {len(missing)} OA(s) have no usual residents, e.g. {missing[:3]}")
    counts = placed.groupby(["lsoa11cd", "ward_code"]).agg(n_oa=("oa21cd", "size"), residents=("residents", "sum"))
    counts = counts.reset_index()
    counts["weight_oa_count"] = counts["n_oa"] / counts.groupby("lsoa11cd")["n_oa"].transform("sum")
    counts["weight"] = counts["residents"] / counts.groupby("lsoa11cd")["residents"].transform("sum")
    counts["method"] = RESIDENT_WEIGHTS if residents is not None else OA_COUNT_WEIGHTS
    if residents is None:
        counts["residents"] = np.nan
    lacking = lsoa11.loc[~lsoa11["code"].isin(set(counts["lsoa11cd"]))]
    if len(lacking):
        # No OA point landed in these LSOAs: fall back to the share of their area in each ward.
        inter = gpd.overlay(lacking[["code", "geometry"]].rename(columns={"code": "lsoa11cd"}),
                            wards[["code", "geometry"]].rename(columns={"code": "ward_code"}), how="intersection")
        inter["area"] = inter.area
        inter["weight"] = inter["area"] / inter.groupby("lsoa11cd")["area"].transform("sum")
        inter["weight_oa_count"] = inter["weight"]
        inter["n_oa"], inter["residents"] = 0, np.nan
        inter["method"] = "area share (no OA found in this LSOA)"
        counts = pd.concat([counts, inter[list(counts.columns)]], ignore_index=True)
    columns = ["lsoa11cd", "ward_code", "weight", "weight_oa_count", "n_oa", "residents", "method"]
    return counts[columns].sort_values(["lsoa11cd", "ward_code"]).reset_index(drop=True)


def ward_weight_change(weights: pd.DataFrame, population: pd.DataFrame, wards: gpd.GeoDataFrame,
                       year: int = 2020) -> pd.DataFrame:
    """Ward populations from LSOA 2011 estimates under the old (OA-count) and new (usual-resident) weights.

    Parameters
    ----------
    weights : DataFrame
        From :func:`lsoa_ward_weights` (``weight`` and ``weight_oa_count``).
    population : DataFrame
        ``lsoa11cd``, ``all_ages`` (an ONS mid-year estimate).

    Returns
    -------
    DataFrame
        ``ward_code``, ``ward_name``, ``population_{year}_oa_count_weights``,
        ``population_{year}_resident_weights``, ``difference`` (new minus old) and ``difference_pct``
        (of the old); both population columns sum to the borough total.
    """
    merged = weights.merge(population[["lsoa11cd", "all_ages"]], on="lsoa11cd", how="left")
    if merged["all_ages"].isna().any():
        raise SourceError(f"mid-{year} population: no estimate for LSOA(s) "
                          f"{sorted(set(merged.loc[merged['all_ages'].isna(), 'lsoa11cd']))[:3]}")
    old, new = f"population_{year}_oa_count_weights", f"population_{year}_resident_weights"
    merged[old] = merged["all_ages"] * merged["weight_oa_count"]
    merged[new] = merged["all_ages"] * merged["weight"]
    ward = merged.groupby("ward_code")[[old, new]].sum().reindex(wards["code"], fill_value=0.0)
    out = pd.DataFrame({"ward_code": ward.index, "ward_name": wards.set_index("code").loc[ward.index, "name"].to_numpy(),
                        old: ward[old].to_numpy(), new: ward[new].to_numpy()})
    out["difference"] = out[new] - out[old]
    out["difference_pct"] = 100.0 * out["difference"] / out[old]
    return out.reset_index(drop=True)


def main_ward(members: pd.DataFrame, area_column: str, weight_column: str = "usual_residents") -> pd.Series:
    """The ward holding most of each area's weight (residents), from rows of ``area_column``, ``ward_code``.

    Used to give LSOAs and MSOAs 2021 a ``main_ward_code`` (and so a locality) for map extents.
    """
    sums = members.groupby([area_column, "ward_code"], as_index=False)[weight_column].sum()
    top = sums.sort_values([weight_column, "ward_code"], ascending=[False, True]).drop_duplicates(area_column)
    return top.set_index(area_column)["ward_code"]
