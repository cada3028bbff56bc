"""What is built: the number of homes, their bedrooms and tenure, and the residents already on the site.

A :class:`Scheme` is checked when it is made (:func:`make_scheme`): whole, non-negative numbers within
the limits of the parameter file, and bedroom and tenure splits that add up to the homes. Several
schemes at once come from a CSV (:func:`schemes_from_csv`), one row a scheme with its own site.

Examples
--------
>>> make_scheme(250, bedrooms={"1": 100, "2": 100, "3": 40, "4+": 10}).homes
250
>>> make_scheme(10, bedrooms={"1": 5})
Traceback (most recent call last):
...
thmaps.errors.SchemeError: the bedroom split adds up to 5 homes, not the 10 homes of the scheme
"""
from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..errors import SchemeError, SiteError
from .parameters import BEDROOMS, Parameters, as_number, load_parameters
from .site import Site, site_from_easting_northing, site_from_lat_lon, site_from_postcode

TENURES = ("market", "affordable")
#: CSV columns of several schemes (one location form per row: postcode, easting+northing, or lat+lon).
CSV_COLUMNS = ("name", "postcode", "easting", "northing", "lat", "lon", "homes", "beds_1", "beds_2", "beds_3",
               "beds_4plus", "market", "affordable", "existing_residents")
BED_COLUMNS = {"beds_1": "1", "beds_2": "2", "beds_3": "3", "beds_4plus": "4+"}


@dataclass(frozen=True)
class Scheme:
    """A development scheme.

    Parameters
    ----------
    homes : int
        New homes (dwellings).
    bedrooms : tuple of (str, int), optional
        Homes by bedrooms, ``(("1", 100), ("2", 100), ("3", 40), ("4+", 10))``; adds up to ``homes``.
    tenure : tuple of (str, int), optional
        Homes by tenure, ``(("market", 175), ("affordable", 75))``; adds up to ``homes``.
    existing_residents : int
        People living on the site now (their homes are replaced), subtracted from the new residents.
    name : str
        A name for reports (``"Scheme 1"``).
    """

    homes: int
    bedrooms: tuple[tuple[str, int], ...] | None = None
    tenure: tuple[tuple[str, int], ...] | None = None
    existing_residents: int = 0
    name: str = "Scheme"

    @property
    def bedroom_split(self) -> dict[str, int] | None:
        return dict(self.bedrooms) if self.bedrooms else None

    @property
    def tenure_split(self) -> dict[str, int] | None:
        return dict(self.tenure) if self.tenure else None

    @property
    def affordable_share(self) -> float | None:
        """Share of homes that are affordable (0-1), if the tenure split is given."""
        split = self.tenure_split
        return None if not split or not self.homes else split.get("affordable", 0) / self.homes

    def describe(self) -> str:
        """``"250 homes (1 bed 100, 2 bed 100, 3 bed 40, 4+ bed 10; 30% affordable); 0 existing residents"``."""
        parts = []
        if self.bedrooms:
            parts.append(", ".join(f"{k} bed {v:,}" for k, v in self.bedrooms))
        if self.tenure:
            parts.append(f"{self.affordable_share:.0%} affordable")
        extra = f" ({'; '.join(parts)})" if parts else ""
        return f"{self.homes:,} homes{extra}; {self.existing_residents:,} existing residents"

    def as_input(self) -> dict:
        return {"name": self.name, "homes": self.homes, "bedrooms": self.bedroom_split, "tenure": self.tenure_split,
                "existing_residents": self.existing_residents}


def _count(value, what: str, limit: float | None = None, allow_none: bool = False) -> int | None:
    """A whole, non-negative number of homes or people, within ``limit``."""
    if value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and math.isnan(value)):
        if allow_none:
            return None
        raise SchemeError(f"{what}: a number is needed")
    number = as_number(value, SchemeError, f"{what}: {str(value)[:30]!r} is not a number")
    if number < 0:
        raise SchemeError(f"{what} cannot be negative ({number:g})")
    if not number.is_integer():
        raise SchemeError(f"{what} must be a whole number, not {number:g}")
    if limit is not None and number > limit:
        raise SchemeError(f"{what}: {number:,.0f} is more than thmaps accepts ({limit:,.0f}); check the number")
    return int(number)


def _split(values: Mapping | None, keys, what: str, homes: int, limit: float) -> tuple[tuple[str, int], ...] | None:
    if not values:
        return None
    unknown = [str(k)[:10] for k in values if str(k) not in keys]
    if unknown:
        raise SchemeError(f"{what}: unknown categories {unknown}; use {', '.join(keys)}")
    counts = {k: _count(values.get(k, 0) or 0, f"{what} ({k})", limit) for k in keys}
    total = sum(counts.values())
    if total == 0:
        return None
    if total != homes:
        raise SchemeError(f"the {what} adds up to {total:,} homes, not the {homes:,} homes of the scheme")
    return tuple((k, v) for k, v in counts.items())


def make_scheme(homes, bedrooms: Mapping | None = None, tenure: Mapping | None = None, existing_residents=0,
                name: str = "Scheme", parameters: Parameters | None = None) -> Scheme:
    """A checked :class:`Scheme`.

    Parameters
    ----------
    homes : int
        New homes; at least 1.
    bedrooms : mapping, optional
        ``{"1": n, "2": n, "3": n, "4+": n}`` (missing sizes count 0); must add up to ``homes``.
    tenure : mapping, optional
        ``{"market": n, "affordable": n}``; must add up to ``homes`` (with ``affordable`` alone, the rest
        are market homes).
    existing_residents : int
        People living on the site now.

    Raises
    ------
    SchemeError
        For a negative, fractional or absurd number, or a split that does not add up.
    """
    params = parameters or load_parameters()
    limit = params.limit("max_homes")
    n = _count(homes, "Number of homes", limit)
    if n == 0:
        raise SchemeError("Number of homes: a scheme needs at least one home")
    residents = _count(existing_residents or 0, "Existing residents", params.limit("max_existing_residents"))
    text = " ".join(str(name or "Scheme").split())[:80] or "Scheme"
    if tenure and "market" not in tenure and "affordable" in tenure:
        affordable = _count(tenure["affordable"], "Affordable homes", limit)
        if affordable > n:
            raise SchemeError(f"Affordable homes: {affordable:,} is more than the {n:,} homes of the scheme")
        tenure = {"market": n - affordable, "affordable": affordable}
    return Scheme(homes=n, bedrooms=_split(bedrooms, BEDROOMS, "bedroom split", n, limit),
                  tenure=_split(tenure, TENURES, "tenure split", n, limit), existing_residents=residents, name=text)


def scheme_from_input(data: Mapping, parameters: Parameters | None = None) -> Scheme:
    """Rebuild a scheme from :meth:`Scheme.as_input`."""
    if not isinstance(data, Mapping):
        raise SchemeError("a scheme entry must be a mapping with a 'homes' field")
    return make_scheme(data.get("homes"), data.get("bedrooms"), data.get("tenure"), data.get("existing_residents", 0),
                       data.get("name", "Scheme"), parameters)


def schemes_from_csv(data: bytes | str, parameters: Parameters | None = None) -> list[tuple[Site, Scheme]]:
    """Several schemes from a CSV: one row a scheme with its site (for cumulative impact).

    Columns (:data:`CSV_COLUMNS`): ``name``, a location (``postcode``, or ``easting`` and ``northing``, or
    ``lat`` and ``lon``), ``homes``, and optionally ``beds_1``, ``beds_2``, ``beds_3``, ``beds_4plus``,
    ``market``, ``affordable``, ``existing_residents``.

    Raises
    ------
    SchemeError
        If the file is not such a CSV; a row's problem is reported with its row number.
    """
    params = parameters or load_parameters()
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else str(data)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError):
        raise SchemeError("the schemes file is not a CSV table (a header row, then one row a scheme)") from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    if "homes" not in table.columns:
        raise SchemeError(f"the schemes file needs a 'homes' column; columns: {', '.join(CSV_COLUMNS)}")
    unknown = [c[:20] for c in table.columns if c not in CSV_COLUMNS]
    if unknown:
        raise SchemeError(f"the schemes file has unknown columns {unknown}; columns: {', '.join(CSV_COLUMNS)}")
    if table.empty:
        raise SchemeError("the schemes file has no rows")
    if len(table) > params.limit("max_schemes"):
        raise SchemeError(f"the schemes file has {len(table):,} rows; thmaps takes up to {params.limit('max_schemes')}")
    out = []
    for i, row in enumerate(table.to_dict("records"), start=2):
        name = row.get("name", "").strip() or f"Scheme {i - 1}"
        try:
            site = _row_site(row, params)
            beds = {BED_COLUMNS[c]: row[c] for c in BED_COLUMNS if row.get(c, "").strip()}
            tenure = {t: row[t] for t in TENURES if row.get(t, "").strip()}
            scheme = make_scheme(row.get("homes"), beds or None, tenure or None, row.get("existing_residents") or 0,
                                 name, params)
        except (SchemeError, SiteError) as exc:
            raise type(exc)(f"row {i} ({name[:40]}): {exc}") from None
        out.append((site, scheme))
    return out


def _row_site(row: Mapping, params: Parameters) -> Site:
    given = {k: str(row.get(k, "")).strip() for k in ("postcode", "easting", "northing", "lat", "lon")}
    forms = [f for f, keys in (("postcode", ("postcode",)), ("en", ("easting", "northing")), ("ll", ("lat", "lon")))
             if any(given[k] for k in keys)]
    if len(forms) != 1:
        raise SiteError("give one location: a postcode, or easting and northing, or lat and lon")
    if forms[0] == "postcode":
        return site_from_postcode(given["postcode"], params)
    if forms[0] == "en":
        return site_from_easting_northing(given["easting"] or None, given["northing"] or None, params)
    return site_from_lat_lon(given["lat"] or None, given["lon"] or None, params)
