"""Edits to the S106/CIL health projects register: add a project or correct one, with history and undo.

An edit is a user-data record of kind :data:`KIND` keyed by the project's name; it holds only the fields
the person set, checked here (amounts, dates, wards, postcode, links). :func:`with_edits` applies the edits
to the built layer (the one place: :func:`thmaps.store.load_layer` calls it for ``s106_projects``), so a
rebuild keeps them. Every save keeps the previous value in the history; :func:`thmaps.uploads.userdata.undo`
restores it.
"""
from __future__ import annotations

import datetime as _dt
import math
import re

import geopandas as gpd
import pandas as pd
import shapely

from .. import store
from ..errors import PostcodeError, UserDataError
from .tables import shown

KIND = "s106_edit"
TEXT_FIELDS = {"location": 300, "decision_type": 300, "verbatim_quote": 2000, "wards": 300}
MONEY_FIELDS = ("total_gbp", "cil_gbp", "s106_gbp")
#: A health project funded by S106/CIL in one borough is not larger than this.
MAX_GBP = 1_000_000_000
MAX_PROJECT = 200
FIELDS = ("project", *TEXT_FIELDS, *MONEY_FIELDS, "decision_date", "source_urls", "postcode")


def check_edit(fields: dict) -> dict:
    """The fields of an edit, checked and tidied.

    Raises
    ------
    UserDataError
        Naming the first field at fault and why (unknown field, text too long, an amount that is not a
        number, negative, absurd, or parts above the total, a date that is not a real past date, a ward
        that does not exist, a postcode outside the borough, a link that is not http(s)).
    """
    unknown = [k for k in fields if k not in FIELDS]
    if unknown:
        raise UserDataError(f"unknown field {shown(unknown[0])}; fields: {', '.join(FIELDS)}")
    out: dict = {}
    project = " ".join(str(fields.get("project") or "").split())
    if not project or len(project) > MAX_PROJECT or not project.isprintable():
        raise UserDataError(f"the project name must be 1 to {MAX_PROJECT} printable characters, not "
                            f"{shown(project, 60)}")
    out["project"] = project
    for name, limit in TEXT_FIELDS.items():
        if fields.get(name) not in (None, ""):
            text = " ".join(str(fields[name]).split())
            if len(text) > limit or not text.isprintable():
                raise UserDataError(f"{name.replace('_', ' ')} must be at most {limit:,} printable characters")
            out[name] = text
    for name in MONEY_FIELDS:
        value = fields.get(name)
        if value in (None, ""):
            continue
        try:
            number = float(str(value).replace(",", "").replace("£", "").strip())
        except ValueError:
            raise UserDataError(f"{name.replace('_gbp', '').upper() if name != 'total_gbp' else 'total'} amount "
                                f"is not a number: {shown(value)}") from None
        if not math.isfinite(number) or number < 0 or number > MAX_GBP:
            raise UserDataError(f"{name} must be between £0 and £{MAX_GBP:,}, not {shown(value)}")
        out[name] = number
    parts = sum(out.get(n, 0.0) for n in ("cil_gbp", "s106_gbp"))
    if "total_gbp" in out and parts > out["total_gbp"] + 0.005:
        raise UserDataError(f"CIL and S106 together (£{parts:,.2f}) exceed the total (£{out['total_gbp']:,.2f})")
    if fields.get("decision_date") not in (None, ""):
        text = str(fields["decision_date"]).strip()
        try:
            day = _dt.date.fromisoformat(text)
        except ValueError:
            raise UserDataError(f"decision date must be a date written YYYY-MM-DD, not {shown(text)}") from None
        if not (_dt.date(1990, 1, 1) <= day <= _dt.date.today()):
            raise UserDataError(f"decision date {day.isoformat()} is not between 1990 and today")
        out["decision_date"] = day.isoformat()
    if fields.get("source_urls") not in (None, ""):
        urls = [u.strip() for u in re.split(r"\s*;\s*|\s+", str(fields["source_urls"])) if u.strip()]
        bad = [u for u in urls if not re.fullmatch(r"https?://[^\s<>\"'`{}]+", u) or len(u) > 500]
        if bad:
            raise UserDataError(f"links must start with http:// or https://, not {shown(bad[0], 60)}")
        out["source_urls"] = " ; ".join(urls[:10])
    if "wards" in out:
        known = set(store.load_layer("wards")["name"])
        named = [w.strip() for w in out["wards"].split(";") if w.strip()]
        missing = [w for w in named if w not in known]
        if missing:
            raise UserDataError(f"unknown ward {shown(missing[0])}; separate ward names with ';'")
    if fields.get("postcode") not in (None, ""):
        from ..postcodes import lookup_postcode

        try:
            found = lookup_postcode(str(fields["postcode"]))
        except PostcodeError as exc:
            raise UserDataError(f"postcode: {exc}") from None
        out["postcode"] = found.postcode
    return out


def save_edit(fields: dict, expected_version: int | None = None, author: str = "", store_=None) -> int:
    """Check and save an edit of (or an addition to) the register; its new version.

    ``expected_version`` is the version of the edit the person read (``None`` for a first edit of a project):
    someone else's save in between raises :class:`~thmaps.errors.ConflictError`, saying what they changed.
    """
    data = check_edit(fields)
    return store.put_record(KIND, data["project"], data, expected_version, author, store_)


def with_edits(built: gpd.GeoDataFrame, store_=None) -> gpd.GeoDataFrame:
    """The built register with the user's edits applied: corrected projects and added ones."""
    edits = store.records(KIND, store_)
    if not edits:
        return built
    out = built.copy()
    out["edited"] = "no"
    for rec in edits:
        data = dict(rec.data)
        match = out.index[out["project"] == data["project"]]
        row = {k: v for k, v in data.items() if k != "postcode"}
        row["edited"] = f"edited by the user ({rec.saved_at[:10]})"
        if "decision_date" in data:
            row["year"] = data["decision_date"][:4]
        if "postcode" in data or not len(match):
            row.update(_placed(data))
        if len(match):
            for key, value in row.items():
                out.loc[match, key] = value if key != "geometry" else None
            if "geometry" in row:
                out.loc[match, "geometry"] = gpd.GeoSeries([row["geometry"]] * len(match), index=match,
                                                            crs=out.crs)
        else:
            added = gpd.GeoDataFrame([row], geometry="geometry", crs=out.crs)
            out = pd.concat([out, added], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=built.crs)


def _placed(data: dict) -> dict:
    """Where an edited project stands: its postcode's point, else nowhere (listed by its wards' locality)."""
    if "postcode" in data:
        from ..postcodes import lookup_postcode

        try:
            found = lookup_postcode(data["postcode"])
        except PostcodeError:
            return {"geometry": None, "location_precision": "not located (postcode no longer found)"}
        return {"geometry": shapely.Point(found.easting, found.northing), "ward_code": found.ward_code,
                "ward_name": found.ward_name, "lsoa11cd": found.lsoa11cd, "lsoa21cd": found.lsoa21cd,
                "locality_mapped": found.locality,
                "location_precision": f"postcode {found.postcode} given by the user"}
    return {"geometry": None, "location_precision": "not located (no postcode given)"}
