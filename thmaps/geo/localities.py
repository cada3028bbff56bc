"""Localities dissolved from wards by the editable ward-to-locality definition, and the borough outline."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import settings
from ..errors import LocalityDefinitionError
from ..sources import normalise_ward_name
from .places import LOCALITIES, Locality


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
    bad_names = sorted(set(table["locality"]) - set(LOCALITIES))
    if bad_names:
        problems.append(f"unknown locality name(s) {bad_names}; use {list(LOCALITIES)}")
    mismatched = [f"{r.ward_code} is {known[r.ward_code]!r}, not {r.ward_name!r}"
                  for r in table.itertuples() if r.ward_code in known and r.ward_name != known[r.ward_code]]
    if mismatched:
        problems.append("ward name does not match its code: " + "; ".join(mismatched))
    if problems:
        raise LocalityDefinitionError(f"{path.name}: " + "; ".join(problems))
    table["locality_code"] = table["locality"].map(LOCALITIES)
    return table[["ward_code", "ward_name", "locality", "locality_code", "provenance"]]


def dissolve_localities(wards: gpd.GeoDataFrame, localities: pd.DataFrame) -> gpd.GeoDataFrame:
    """Locality polygons dissolved from wards: ``code`` (NW/NE/SW/SE), ``name``, ``wards``, ``geometry``."""
    joined = wards[["code", "name", "geometry"]].merge(localities[["ward_code", "locality", "locality_code"]], left_on="code", right_on="ward_code")
    out = joined.dissolve(by="locality_code", aggfunc={"locality": "first", "name": lambda s: "; ".join(sorted(s))})
    out = out.rename(columns={"locality": "name", "name": "wards"}).reset_index().rename(columns={"locality_code": "code"})
    order = {loc.code: i for i, loc in enumerate(Locality.all())}
    out = out.sort_values("code", key=lambda s: s.map(order)).reset_index(drop=True)
    return gpd.GeoDataFrame(out[["code", "name", "wards", "geometry"]], geometry="geometry", crs=wards.crs)


def dissolve_borough(wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The borough outline as one polygon."""
    return gpd.GeoDataFrame(
        {"code": [settings.BOROUGH_CODE], "name": [settings.BOROUGH_NAME]},
        geometry=[wards.geometry.union_all()], crs=wards.crs,
    )
