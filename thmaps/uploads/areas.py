"""Which area a code or name in a user's table is: Output Area, LSOA 2011 or 2021, MSOA, ward, locality,
borough, or a comparator (London, England).

Codes are matched exactly (case and spaces ignored); ward and locality names as the borough writes them
(``"St. Peter's"`` and other pre-2022 names are recognised). LSOA codes are shared by the 2011 and 2021
sets where the area did not change, so a file's level is the one that recognises most of its codes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import settings, store
from ..sources._common import normalise_ward_name

#: Levels an uploaded indicator may be given at, smallest first.
UPLOAD_LEVELS = ("oa21", "lsoa11", "lsoa21", "msoa21", "ward", "locality", "borough")
#: Comparator areas accepted beside the borough's own.
COMPARATORS = {settings.LONDON_CODE: "london", settings.ENGLAND_CODE: "england"}


@dataclass(frozen=True)
class Areas:
    """Codes and names of every area at each level: ``codes[level]`` maps a normalised key to the code."""

    codes: dict
    names: dict  # code -> name

    def find(self, text: str) -> dict[str, str]:
        """Every level at which ``text`` names an area: ``{level: code}``."""
        key = _key(text)
        found = {level: table[key] for level, table in self.codes.items() if key in table}
        if not found:
            named = _key(normalise_ward_name(text))
            found = {level: table[named] for level, table in self.codes.items()
                     if level in ("ward", "locality") and named in table}
        return found


def _key(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower().replace("’", "'")


def areas(store_=None) -> Areas:
    """The areas of the store (cached per build)."""
    return _areas(store.location(store_), store.version(store_), store_)


@lru_cache(maxsize=4)
def _areas(location: str, version: float, store_) -> Areas:
    codes: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for level, layer in (("oa21", "oa21"), ("lsoa11", "lsoa11"), ("lsoa21", "lsoa21"), ("msoa21", "msoa21"),
                         ("ward", "wards"), ("locality", "localities")):
        frame = store.load_layer(layer, store_)
        table = {_key(c): c for c in frame["code"]}
        if level in ("ward", "locality"):
            table.update({_key(n): c for n, c in zip(frame["name"], frame["code"])})
        codes[level] = table
        names.update(zip(frame["code"], frame["name"]))
    codes["borough"] = {_key(settings.BOROUGH_CODE): settings.BOROUGH_CODE, "tower hamlets": settings.BOROUGH_CODE}
    names[settings.BOROUGH_CODE] = "Tower Hamlets"
    for code, level in COMPARATORS.items():
        codes[level] = {_key(code): code, level: code}
        names[code] = level.title()
    return Areas(codes, names)


def detect_level(found: list[dict[str, str]]) -> tuple[str | None, str]:
    """The level most codes belong to, and a warning if it was a close call (LSOA 2011 or 2021)."""
    counts = {level: sum(level in f for f in found) for level in UPLOAD_LEVELS}
    # Borough and comparator rows are carried beside any level: they decide only when nothing else does.
    small = {k: v for k, v in counts.items() if k != "borough" and v}
    if not small:
        return ("borough" if counts["borough"] else None), ""
    best = max(small.values())
    tied = [level for level, n in small.items() if n == best]
    if tied == ["lsoa11", "lsoa21"]:
        return "lsoa21", ("every LSOA code is in both the 2011 and the 2021 set: read as LSOA 2021 "
                          "(choose LSOA 2011 if the figures are for the 2011 areas)")
    return tied[0], ""
