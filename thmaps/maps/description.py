"""What to map: the :class:`MapDescription` and the rules that check and complete it.

A description is small, immutable and hashable, so it keys caches, travels in URLs and map-pack
specs, and is drawn identically by the web and print renderers.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .. import settings, store
from ..errors import MapRequestError
from ..geo.places import Extent
from ..indicators.catalogue import LEVEL_LABELS, at_level, get as get_indicator
from ..overlays import OVERLAYS

SCHEMES = {
    "quantiles": "Quantiles (equal counts)",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
    "equal_interval": "Equal interval",
    "national_deciles": "National IMD deciles",
}
MAP_LEVELS = ("oa21", "lsoa11", "lsoa21", "msoa21", "ward", "locality", "london_lsoa11")


@dataclass(frozen=True)
class MapDescription:
    """What to draw.  Immutable and hashable, so it can key caches.

    Parameters
    ----------
    indicator : str
        Indicator id from the catalogue.
    period : str, optional
        Period; default the latest the indicator has.
    level : {"oa21", "lsoa11", "lsoa21", "msoa21", "ward", "locality", "london_lsoa11"}
        Geography of the choropleth (Output Areas, LSOAs and MSOAs 2021 for Census 2021 and LAEI).  An LSOA-only decile indicator asked for at ward or
        locality level is mapped through its summary share (see :func:`resolve`).
    scheme : str, optional
        One of :data:`SCHEMES`; default: national deciles for IMD deciles, else quantiles
        (:func:`default_scheme`).
    k : int
        Number of classes (3-9; the national deciles scheme always has 10).
    overlays : tuple of str
        Keys of :data:`thmaps.overlays.OVERLAYS`.
    tube_year : int, optional
        Year of the NO2 diffusion tube results; default the latest (:data:`thmaps.settings.TUBE_YEARS`).
    extent : Extent or str
        The area shown: ``"borough"``, ``"locality:NW"`` (code or name), ``"ward:E05009317"``
        (code or name), or ``"london"`` (only with the ``london_lsoa11`` level).
    title : str, optional
        A title of the user's own (default: the indicator's title).
    focus : str, optional
        A place found by :func:`thmaps.search.find_place`, by its key (``"postcode:E14 0XA"``,
        ``"ward:E05009325"``): the web map zooms to it and both renderers mark it.

    Examples
    --------
    >>> d = MapDescription("imd_decile", extent="locality:south east")
    >>> str(d.extent)
    'locality:SE'
    """

    indicator: str
    period: str | None = None
    level: str = "lsoa11"
    scheme: str | None = None
    k: int = 5
    overlays: tuple[str, ...] = ()
    tube_year: int | None = None
    extent: Extent | str = "borough"
    title: str | None = None
    focus: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "extent", Extent.parse(self.extent))
        object.__setattr__(self, "overlays", tuple(self.overlays or ()))


def default_scheme(indicator_id: str) -> str:
    """The classification a map starts with: national deciles for deciles, otherwise quantiles."""
    return "national_deciles" if get_indicator(indicator_id).national_deciles else "quantiles"


def ward_names() -> dict[str, str]:
    """Ward code -> 2022 name, from the store."""
    wards = store.load_layer("wards")
    return dict(zip(wards["code"], wards["name"]))


def resolve(description: MapDescription) -> MapDescription:
    """Check a description and fill its defaults.

    Fills the latest period, the default classification, the ward code for a ward named in the
    extent, and the summary indicator for an LSOA-only decile indicator above LSOA level.

    Raises
    ------
    MapRequestError
        If the description cannot be met (the message says why and what to choose instead).
    """
    d = description
    indicator = get_indicator(d.indicator)
    if d.level not in MAP_LEVELS:
        raise MapRequestError(f"unknown level {str(d.level)[:40]!r}; choose one of {', '.join(MAP_LEVELS)}")
    if d.scheme is not None and d.scheme not in SCHEMES:
        raise MapRequestError(f"unknown classification {str(d.scheme)[:40]!r}; choose one of {', '.join(SCHEMES)}")
    try:
        k = int(d.k)
    except (TypeError, ValueError):
        raise MapRequestError("the number of classes must be a whole number between 3 and 9") from None
    if not 3 <= k <= 9:
        raise MapRequestError("the number of classes must be between 3 and 9")
    unknown = [str(o)[:40] for o in d.overlays if o not in OVERLAYS]
    if unknown:
        raise MapRequestError(f"unknown overlay(s) {unknown}; choose from {', '.join(OVERLAYS)}")
    tube_year = settings.TUBE_YEARS[-1] if d.tube_year is None else d.tube_year
    if tube_year not in settings.TUBE_YEARS:
        raise MapRequestError(f"no diffusion tube results for {str(tube_year)[:10]}; "
                              f"years {settings.TUBE_YEARS[0]}-{settings.TUBE_YEARS[-1]}")
    extent = Extent.parse(d.extent, wards=ward_names() if d.extent.kind == "ward" else None)
    if extent.kind == "london" and d.level != "london_lsoa11":
        raise MapRequestError("the London extent needs the London LSOA level (national IMD deciles)")
    if d.level == "london_lsoa11" and extent.kind not in ("london", "borough"):
        raise MapRequestError("London-wide LSOA maps can show the whole of London or the borough only")
    shown = at_level(d.indicator, d.level)
    if shown is None:
        raise MapRequestError(f"{indicator.title} is published for "
                              f"{', '.join(LEVEL_LABELS[lvl] for lvl in indicator.levels)} only; "
                              f"it cannot be mapped by {LEVEL_LABELS[d.level].lower()}")
    period = d.period
    if shown.id != indicator.id:
        period = period if period in shown.periods else None
    scheme = d.scheme or default_scheme(shown.id)
    if scheme == "national_deciles" and not shown.national_deciles:
        scheme = "quantiles"
    period = str(period or shown.latest_period)
    if period not in shown.periods:
        raise MapRequestError(f"{shown.title} has periods {', '.join(shown.periods)}, not {period[:20]}")
    return replace(d, indicator=shown.id, period=period, scheme=scheme, k=k, extent=extent,
                   overlays=tuple(dict.fromkeys(d.overlays)), tube_year=int(tube_year))
