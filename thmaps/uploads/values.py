"""Uploaded indicators as the rest of thmaps sees them: catalogue entries, long-table rows and a source.

The one place where user indicators join the built ones: :func:`with_user_rows` (called by
:func:`thmaps.store.load_layer` for the ``indicators`` table), :func:`user_catalogue` (behind
:data:`thmaps.indicators.CATALOGUE`) and :func:`user_source` (behind :func:`thmaps.sources.registry.get`).
Values reach higher levels by the built indicators' rules and weights: LSOA 2011 through
``lsoa_ward_weights``; Output Areas summed whole through ``oa_ward_lookup``; LSOAs and MSOAs 2021 shared
among their Output Areas by Census 2021 usual residents, then summed the same way; wards to localities and
the borough. A level is worked out only from a complete set of areas for the period (a partial sum would
look like a total). Cached per build and per user-data change.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import pandas as pd

from .. import settings, store
from ..errors import ThmapsError
from ..indicators.aggregate import aggregate, aggregate_oa
from ..indicators.catalogue import LEVEL_LABELS, Indicator
from ..sources.registry import Source
from .indicators import KIND
from .userdata import file_source

COLUMNS = ["indicator_id", "level", "area_code", "area_name", "period", "value", "unit", "numerator",
           "denominator", "source_id"]
_lock = threading.Lock()


def source_id(indicator_id: str) -> str:
    """The source id of an uploaded indicator (``user:<id>``)."""
    return f"user:{indicator_id}"


def user_indicator_rows(store_=None) -> pd.DataFrame:
    """Every uploaded indicator as rows of the long ``indicators`` table, at every level it reaches."""
    key = _key(store_)
    if key[-1] == 0:
        return pd.DataFrame(columns=COLUMNS)
    return _rows(*key, store_)[0]


def _key(store_) -> tuple:
    """What the cached user rows depend on (:func:`thmaps.store.cache_key`)."""
    return store.cache_key(store_)


def with_user_rows(built: pd.DataFrame, store_=None) -> pd.DataFrame:
    """The built ``indicators`` table with the uploaded indicators' rows added (the built frame if none)."""
    rows = user_indicator_rows(store_)
    if rows.empty:
        return built
    return pd.concat([built, rows[built.columns]], ignore_index=True)


def user_catalogue(store_=None) -> dict[str, Indicator]:
    """Catalogue entries of the uploaded indicators, by id (empty if there are none or no store)."""
    try:
        key = _key(store_)
        return _rows(*key, store_)[1] if key[-1] else {}
    except ThmapsError:
        return {}


def user_source(sid: str, store_=None) -> Source:
    """The registry entry of ``user:<id>``: provided by the user, with the file name and upload date."""
    return file_source(sid, KIND, lambda data: LEVEL_LABELS.get(data.get("level"), "") or "", store_)


@lru_cache(maxsize=4)
def _rows(location: str, user_data: str, version: float, user_version: int, store_) -> tuple[pd.DataFrame, dict]:
    with _lock:
        ctx = _context(store_)
        frames, entries = [], {}
        for rec in store.records(KIND, store_):
            rows = _indicator_rows(rec.key, rec.data, ctx)
            frames.append(rows)
            entries[rec.key] = _entry(rec.key, rec.data, rows)
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
        return out[COLUMNS], entries


def _context(store_) -> dict:
    members = store.load_layer("oa_ward_lookup", store_)[["oa21cd", "lsoa21cd", "msoa21cd", "ward_code",
                                                          "usual_residents"]]
    localities = store.load_layer("locality_definition", store_)[["ward_code", "locality_code"]]
    members = members.merge(localities, on="ward_code", how="left")
    names = {}
    for layer in ("oa21", "lsoa11", "lsoa21", "msoa21", "wards", "localities"):
        frame = store.load_layer(layer, store_)
        names.update(zip(frame["code"], frame["name"]))
    names.update({settings.BOROUGH_CODE: "Tower Hamlets", settings.LONDON_CODE: "London",
                  settings.ENGLAND_CODE: "England"})
    weights = store.load_layer("lsoa_ward_weights", store_)
    complete = {"lsoa11": set(weights["lsoa11cd"]), "oa21": set(members["oa21cd"]),
                "lsoa21": set(members["lsoa21cd"]), "msoa21": set(members["msoa21cd"]),
                "ward": set(localities["ward_code"]), "locality": set(localities["locality_code"])}
    return {"members": members, "localities": localities, "weights": weights, "names": names, "complete": complete}


def _indicator_rows(iid: str, data: dict, ctx: dict) -> pd.DataFrame:
    rows = pd.DataFrame(data.get("rows", []), columns=["level", "area_code", "period", "value", "numerator",
                                                       "denominator"])
    rows[["value", "numerator", "denominator"]] = rows[["value", "numerator", "denominator"]].astype(float)
    rows["indicator_id"] = iid
    level, rule, per = data.get("level"), data.get("aggregation"), float(data.get("per") or 1)
    own = rows[rows["level"] == level]
    supplied = rows[rows["level"] != level]
    frames = []
    for period, part in own.groupby("period"):
        if rule in ("sum", "share") and level in ctx["complete"] and ctx["complete"][level] <= set(part["area_code"]):
            up = _up(level, part, ctx, iid)
            if rule == "share":
                up["value"] = per * up["numerator"] / up["denominator"]
            up = up[up["level"] != level]
            frames.append(up)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True) if frames else rows.iloc[:0]
    if len(supplied):  # figures the file gives for the borough, London or England win over worked-out ones
        keys = set(zip(supplied["level"], supplied["area_code"], supplied["period"]))
        out = out[[k not in keys for k in zip(out["level"], out["area_code"], out["period"])]]
        out = pd.concat([out, supplied], ignore_index=True)
    out["area_name"] = out["area_code"].map(ctx["names"]).fillna(out["area_code"])
    out["unit"], out["source_id"] = data.get("unit", ""), source_id(iid)
    return out[COLUMNS]


def _up(level: str, part: pd.DataFrame, ctx: dict, iid: str) -> pd.DataFrame:
    """One period's complete set of values at ``level`` with every level above it."""
    base = part[["indicator_id", "period", "area_code", "numerator", "denominator"]]
    rules = {iid: "sum"}
    localities, members = ctx["localities"], ctx["members"]
    if level == "lsoa11":
        return aggregate(base, ctx["weights"], localities, rules)
    if level == "oa21":
        return aggregate_oa(base, members.drop(columns="usual_residents"), rules)
    if level in ("lsoa21", "msoa21"):
        column = f"{level}cd"
        split = base.merge(members, left_on="area_code", right_on=column)
        people = split["usual_residents"].astype(float)
        share = people / people.groupby(split[column]).transform("sum")
        share = share.fillna(1.0 / split.groupby(column)[column].transform("size"))
        split = split.assign(area_code=split["oa21cd"], numerator=split["numerator"] * share,
                             denominator=split["denominator"] * share)
        out = aggregate_oa(split[base.columns], members.drop(columns="usual_residents"), rules)
        drop = {"oa21"} | ({"lsoa21"} if level == "msoa21" else set())
        return out[~out["level"].isin(drop)]
    frames = [base.assign(level=level)]
    keys = ["indicator_id", "period"]
    if level == "ward":
        loc = base.merge(localities, left_on="area_code", right_on="ward_code")
        loc = loc.groupby(keys + ["locality_code"], as_index=False)[["numerator", "denominator"]].sum(min_count=1)
        frames.append(loc.rename(columns={"locality_code": "area_code"}).assign(level="locality"))
    borough = base.groupby(keys, as_index=False)[["numerator", "denominator"]].sum(min_count=1)
    frames.append(borough.assign(area_code=settings.BOROUGH_CODE, level="borough"))
    out = pd.concat(frames, ignore_index=True)
    out["value"] = out["numerator"]
    return out


def _entry(iid: str, data: dict, rows: pd.DataFrame) -> Indicator:
    measure = data.get("measure", "count")
    levels = tuple(level for level in ("oa21", "lsoa11", "lsoa21", "msoa21", "ward", "locality", "borough")
                   if (rows["level"] == level).any())
    comparators = tuple(level for level in ("london", "england") if (rows["level"] == level).any())
    periods = tuple(sorted(set(rows["period"].astype(str)))) or ("",)
    how = {"sum": "Counts summed over areas", "share": "Numerators and denominators summed before dividing",
           "none": "Shown as given, at the level of the file only"}.get(data.get("aggregation"), "")
    method = (f"Provided by the user ({data.get('file_name', '')}, uploaded {data.get('uploaded', '')}). {how}; "
              "higher levels use the same weights as the built-in indicators.")
    return Indicator(iid, data.get("title", iid), data.get("unit", ""), measure if measure != "rate" else "rate",
                     data.get("aggregation", "none"), data.get("higher_is_worse"), (source_id(iid),),
                     data.get("level", ""), periods, levels, method, comparators=comparators,
                     period_kind="year", per=float(data.get("per") or 100))


def clear_cache() -> None:
    """Forget computed user rows (tests)."""
    _rows.cache_clear()


__all__ = ["user_catalogue", "user_indicator_rows", "user_source", "with_user_rows", "source_id", "clear_cache"]
