"""Health facilities: GP practices (April 2026 lists) and NHS Choices 2014 hospitals, pharmacies and clinics."""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .registry import get as get_source
from ._common import (normalise_postcode, numbers, points_from_xy, read_csv, require_at_least, require_columns,
                      require_unique)

def practice_name(text: str) -> str:
    """Readable case for an upper-case ODS name: ``"ST.STEPHENS HEALTH CENTRE"`` -> ``"St.Stephens Health Centre"``.

    Two-letter initials such as ``XX`` or ``AK`` keep their capitals; ``ST``, ``DR`` and short words do not.
    """
    lower_words = {"ST", "DR", "OF", "ON", "AT", "IN", "TO", "AND"}

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if len(word) <= 2 and word.isupper() and word not in lower_words:
            return word
        return word[:1].upper() + word[1:].lower()

    return re.sub(r"[A-Za-z]+", fix, str(text).strip()).replace("'S ", "'s ")


def read_gp_practices(source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The 30 GP practices with April 2026 list sizes and 2024-25 PCN, EPSG:27700."""
    source = get_source("gp_practices")
    df = read_csv(source, source_dir, dtype={"ods_code": str})
    needed = ["ods_code", "practice_name_epraccur2019", "address_2019", "postcode_2026", "postcode_2019",
              "registered_patients_2026_04", "pcn_2024_25", "easting", "northing", "coord_source",
              "ward_code", "locality"]
    require_columns(df, needed, source.path)
    out = pd.DataFrame({
        "facility_id": df["ods_code"].str.strip(),
        "name": df["practice_name_epraccur2019"].map(practice_name),
        "address": df["address_2019"].str.strip(),
        "postcode": df["postcode_2026"].map(normalise_postcode),
        "list_size": numbers(df["registered_patients_2026_04"], "registered_patients_2026_04", source.path, integer=True),
        "pcn": df["pcn_2024_25"].str.strip(),
        "source_ward_code": df["ward_code"].str.strip(),
        "source_locality": df["locality"].str.strip(),
        "coord_source": df["coord_source"].str.strip(),
        "easting": df["easting"], "northing": df["northing"],
    })
    out["kind"] = "gp_practice"
    out["status"] = "open"
    out["note"] = ""
    out["duplicate_of"] = ""
    # The source notes that some 2019 names are out of date.
    moved = df["postcode_2019"].map(normalise_postcode) != out["postcode"]
    out.loc[moved, "note"] = "Address is the 2019 one; located at the 2026 postcode"
    out.loc[out["facility_id"] == "F84039", "note"] = "Now at Goodman's Fields (E1 8ZF); address shown is the 2019 one"
    out.loc[out["facility_id"] == "F84114", "note"] = "Probably today's City Square Medical Group"
    out["source_id"] = source.id
    require_unique(out, "facility_id", source.path, "practice code")
    require_at_least(out["list_size"], 0, "registered_patients_2026_04", source.path, out["facility_id"])
    return points_from_xy(out, "easting", "northing", "EPSG:27700", source.path, code="facility_id")


_NHS_KINDS = {"hospital": "nhs_hospitals", "pharmacy": "nhs_pharmacies", "clinic": "nhs_clinics"}
#: London Chest Hospital closed in 2015 (source bundle README).
CLOSED_FACILITIES = {"London Chest Hospital": "Closed in 2015"}
#: Records the 2014 list repeats under a predecessor organisation code: {code: code of the record kept}.
#: RNJ (Barts and The London NHS Trust) merged into Barts Health (R1H) in 2012; both list the same site.
DUPLICATE_FACILITIES = {"RNJ83": "R1H83"}


def read_nhs_facilities(kind: str, source_dir: Path | None = None) -> gpd.GeoDataFrame:
    """NHS Choices February 2014 hospitals, pharmacies or clinics, EPSG:27700."""
    source = get_source(_NHS_KINDS[kind])
    df = read_csv(source, source_dir, dtype=str)
    require_columns(df, ["OrganisationCode", "OrganisationName", "Postcode", "Latitude", "Longitude"], source.path)
    address = df[[c for c in ("Address1", "Address2", "Address3", "City") if c in df.columns]].fillna("")
    out = pd.DataFrame({
        "facility_id": df["OrganisationCode"].str.strip(),
        "name": df["OrganisationName"].str.strip(),
        "address": address.apply(lambda r: ", ".join(v.strip() for v in r if v and v.strip()), axis=1),
        "postcode": df["Postcode"].map(normalise_postcode),
        "list_size": pd.NA,
        "pcn": "",
        "sector": df["Sector"].fillna("") if "Sector" in df.columns else "",
        "lat": df["Latitude"], "lon": df["Longitude"],
    })
    out["kind"] = kind
    out["status"] = "open (2014 list)"
    out["note"] = ""
    for name, note in CLOSED_FACILITIES.items():
        closed = out["name"].str.contains(name, case=False, regex=False)
        out.loc[closed, "status"] = "closed"
        out.loc[closed, "note"] = note
    out["duplicate_of"] = out["facility_id"].map(DUPLICATE_FACILITIES).fillna("")
    for code, kept in DUPLICATE_FACILITIES.items():
        repeated = out["facility_id"] == code
        notes = out.loc[repeated, "note"]
        out.loc[repeated, "note"] = notes.where(notes == "", notes + "; ") + \
            f"Same site as {kept}, listed again under a predecessor trust code; drawn once on maps"
    out["source_id"] = source.id
    return points_from_xy(out, "lon", "lat", "EPSG:4326", source.path, code="facility_id")
