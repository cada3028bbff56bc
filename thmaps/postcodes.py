"""Postcode lookup: a postcode written any usual way -> coordinates, ward, LSOA and locality."""
from __future__ import annotations

from dataclasses import dataclass, asdict

from . import settings, store
from .errors import PostcodeError
from .sources import normalise_postcode


@dataclass(frozen=True)
class PostcodeLocation:
    postcode: str
    easting: float
    northing: float
    lat: float
    lon: float
    ward_code: str | None
    ward_name: str | None
    lsoa11cd: str | None
    lsoa21cd: str | None
    locality: str | None
    coord_source: str

    def as_dict(self) -> dict:
        return asdict(self)


def lookup_postcode(text: str) -> PostcodeLocation:
    """Locate a Tower Hamlets postcode.

    Parameters
    ----------
    text : str
        A postcode in any usual form: ``"E1 1BB"``, ``"e11bb"``, ``" E1  1BB "``.

    Returns
    -------
    PostcodeLocation
        British National Grid and WGS84 coordinates and the areas the point lies in.

    Raises
    ------
    PostcodeError
        If the text is not shaped like a postcode, or the postcode is not in the lookup
        (Code-Point Open 2014 plus the newer GP practice postcodes): the message says so.
    """
    if text is None or len(str(text)) > 16:
        raise PostcodeError("Please enter a UK postcode such as E1 1BB.")
    postcode = normalise_postcode(text)
    if postcode is None:
        shown = "".join(ch for ch in str(text).strip() if ch.isprintable())
        raise PostcodeError(f"{shown!r} is not a valid UK postcode (for example E1 1BB).")
    table = store.load_layer("postcodes")
    hit = table[table["postcode"] == postcode]
    if hit.empty:
        raise PostcodeError(
            f"{postcode} is not in the Tower Hamlets postcode list (OS Code-Point Open, August 2014). "
            "It may be outside the borough or newer than 2014."
        )
    row = hit.iloc[0]
    lonlat = hit.to_crs(settings.CRS_WEB).geometry.iloc[0]

    def text_or_none(value):
        return None if value is None or value != value else str(value)

    return PostcodeLocation(
        postcode=postcode, easting=float(row.geometry.x), northing=float(row.geometry.y),
        lat=round(float(lonlat.y), 6), lon=round(float(lonlat.x), 6),
        ward_code=text_or_none(row["ward_code"]), ward_name=text_or_none(row["ward_name"]),
        lsoa11cd=text_or_none(row["lsoa11cd"]), lsoa21cd=text_or_none(row["lsoa21cd"]),
        locality=text_or_none(row["locality"]), coord_source=str(row["coord_source"]),
    )
