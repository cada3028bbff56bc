"""Health services of a locality: its GP practices and its S106/CIL-funded health projects."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import store
from ..geo.places import Locality

# --------------------------------------------------------------------------- practices

def practices(locality: str) -> pd.DataFrame:
    """The GP practices standing in the locality (by their location), largest list first.

    Parameters
    ----------
    locality : str or Locality
        ``"SE"``, ``"South East"``...

    Returns
    -------
    DataFrame
        ``ods_code``, ``practice`` (2019 ODS name), ``list_size`` (registered patients, April 2026),
        ``pcn`` (2024-25), ``ward``, ``note`` (out-of-date names, a source locality that differs from
        the location...), ``locality in source file``, ``postcode`` and ``address``.
    """
    name = Locality.parse(locality).name
    fac = store.load_layer("facilities")
    gp = fac[(fac["kind"] == "gp_practice") & (fac["locality"] == name)].copy()
    gp["list_size"] = pd.to_numeric(gp["list_size"], errors="coerce").astype("Int64")
    notes = []
    for _, row in gp.iterrows():
        parts = [str(row["note"]).strip()] if pd.notna(row["note"]) and str(row["note"]).strip() else []
        src = str(row["source_locality"] or "")
        if src and not src.startswith(name):
            parts.append(f"Source file says {src}; placed in {name} by its location ({row['ward_name']}).")
        notes.append(" ".join(parts))
    gp["note"] = notes
    out = pd.DataFrame({
        "ods_code": gp["facility_id"], "practice": gp["name"], "list_size": gp["list_size"], "pcn": gp["pcn"],
        "ward": gp["ward_name"], "note": gp["note"], "locality in source file": gp["source_locality"],
        "postcode": gp["postcode"], "address": gp["address"],
    })
    return out.sort_values(["list_size", "ods_code"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- S106 / CIL

def s106_projects(locality: str) -> pd.DataFrame:
    """S106/CIL-funded health projects in the locality.

    A project counts for the locality if it is located there (placed at the postcode of the
    practice the source names), or, when it cannot be located, if the locality its source
    states (or infers) is this one.  ``basis`` says which.

    Parameters
    ----------
    locality : str
        Locality code or name.

    Returns
    -------
    DataFrame
        ``project``, ``total_gbp`` (NaN where the source gives no amount), ``year``, ``basis``, ``ward``,
        ``locality in source``, ``location_precision``, ``cil_gbp``, ``s106_gbp``, ``decision_date``,
        ``decision_type``, ``location``, ``source_urls``.
    """
    name = Locality.parse(locality).name
    s = store.load_layer("s106_projects")
    located = s.geometry.notna() & ~s.geometry.is_empty
    stated = s["locality"].fillna("").str.strip()
    mapped = located & (s["locality_mapped"] == name)
    by_source = ~located & stated.str.startswith(name)
    sel = s[mapped | by_source].copy()
    sel["basis"] = np.where(mapped[mapped | by_source], "located in the locality (practice postcode)",
                            "not located: locality as given in the source")
    year = pd.to_numeric(sel["year"], errors="coerce").astype("Int64")
    out = pd.DataFrame({
        "project": sel["project"], "total_gbp": pd.to_numeric(sel["total_gbp"], errors="coerce"), "year": year,
        "basis": sel["basis"], "ward": sel["ward_name"], "locality in source": sel["locality"],
        "location_precision": sel["location_precision"],
        "cil_gbp": pd.to_numeric(sel["cil_gbp"], errors="coerce"), "s106_gbp": pd.to_numeric(sel["s106_gbp"], errors="coerce"),
        "decision_date": sel["decision_date"], "decision_type": sel["decision_type"], "location": sel["location"],
        "source_urls": sel["source_urls"],
    })
    return out.reset_index(drop=True)


def s106_unassigned() -> pd.DataFrame:
    """Projects neither located nor given a locality by their source (listed for completeness)."""
    s = store.load_layer("s106_projects")
    located = s.geometry.notna() & ~s.geometry.is_empty
    stated = s["locality"].fillna("").str.strip()
    known = stated.str.startswith(tuple(loc.name for loc in Locality.all()))
    return s.loc[~located & ~known, ["project", "location", "total_gbp", "decision_type"]].reset_index(drop=True)
