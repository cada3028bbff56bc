"""Where a development is: a site from a postcode, coordinates, a map click or a red-line boundary.

Every site ends up as one geometry in British National Grid (EPSG:27700): a point, or the polygon of
an uploaded boundary (:mod:`thmaps.impact.upload` reads the files). It is checked against the
borough: inside is fine; a site just outside (within the ``near_borough_m`` parameter) is assessed with
a warning that the data stop at the borough edge; anything further is refused with a plain message.

Examples
--------
>>> site = site_from_easting_northing(534833, 181799)     # doctest: +SKIP  (needs the store)
>>> site.kind, site.label                                 # doctest: +SKIP
('point', 'E 534,833, N 181,799')
"""
from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from pyproj import Transformer
from shapely.geometry import Point, mapping, shape

from .. import settings, store
from ..errors import PostcodeError, SiteError
from ..postcodes import lookup_postcode
from .parameters import Parameters, as_number, load_parameters

#: How a site was given (the ``how`` of :class:`Site`).
HOW = ("postcode", "easting/northing", "latitude/longitude", "map click", "boundary file")
#: British National Grid's false origin and extent: coordinates outside are not BNG at all.
BNG_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)
#: Great Britain in latitude and longitude (a loose box, for a plain message on a wrong coordinate).
GB_LATLON = (49.8, -8.7, 60.9, 1.8)


@dataclass(frozen=True)
class Site:
    """A development site in EPSG:27700.

    Parameters
    ----------
    geometry : shapely geometry
        A point, or a (multi)polygon for a red-line boundary, in EPSG:27700.
    how : str
        How it was given (one of :data:`HOW`).
    label : str
        What the planner gave, as shown in reports (``"E14 0XA"``, ``"E 538,513, N 181,187"``...).
    warnings : tuple of str
        Plain sentences to show with every result (a site just outside the borough, an assumed CRS...).
    source_crs : str, optional
        The CRS the site was given in (``EPSG:4326`` for a latitude/longitude).
    """

    geometry: object
    how: str
    label: str
    warnings: tuple[str, ...] = ()
    source_crs: str | None = None
    outside_m: float = 0.0
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        """``"point"`` or ``"polygon"``."""
        return "point" if self.geometry.geom_type == "Point" else "polygon"

    @property
    def point(self) -> Point:
        """One point for the site: itself, or the polygon's centroid (a point inside it if the centroid is not)."""
        if self.kind == "point":
            return self.geometry
        centroid = self.geometry.centroid
        return centroid if self.geometry.contains(centroid) else self.geometry.representative_point()

    @property
    def area_ha(self) -> float:
        return self.geometry.area / 10_000.0

    @property
    def lat_lon(self) -> tuple[float, float]:
        """Latitude and longitude (EPSG:4326) of :attr:`point`, 6 decimals."""
        lon, lat = to_wgs84().transform(self.point.x, self.point.y)
        return round(lat, 6), round(lon, 6)

    def describe(self) -> str:
        """One line: what the site is and where its point lies."""
        p = self.point
        where = f"E {p.x:,.0f}, N {p.y:,.0f} (EPSG:27700)"
        if self.kind == "polygon":
            return f"Red-line boundary ({self.label}), {self.area_ha:,.2f} ha; centre {where}"
        return f"{self.how.capitalize()} {self.label}: {where}"

    def as_input(self) -> dict:
        """The site as an assessment file stores it (enough to rebuild it with :func:`site_from_input`)."""
        if self.how == "postcode":
            return {"how": "postcode", "postcode": self.label}
        if self.how == "boundary file":
            return {"how": "boundary file", "name": self.label, "crs": settings.CRS_STORE,
                    "geometry": mapping(self.geometry), "warnings": list(self.warnings)}
        if self.how == "easting/northing":
            return {"how": self.how, "easting": self.geometry.x, "northing": self.geometry.y}
        lat, lon = self.meta.get("lat_lon", self.lat_lon)
        return {"how": self.how, "lat": lat, "lon": lon}


# --------------------------------------------------------------------------- constructors

def site_from_postcode(text, parameters: Parameters | None = None) -> Site:
    """A site at a Tower Hamlets postcode (OS Code-Point Open 2014, plus the newer practice postcodes).

    Raises
    ------
    SiteError
        If the text is not a postcode or the postcode is not in the lookup.
    """
    try:
        hit = lookup_postcode(text)
    except PostcodeError as exc:
        raise SiteError(str(exc)) from None
    return _placed(Point(hit.easting, hit.northing), "postcode", hit.postcode, parameters)


def site_from_easting_northing(easting, northing, parameters: Parameters | None = None) -> Site:
    """A site at British National Grid coordinates (metres).

    Raises
    ------
    SiteError
        If the numbers are not coordinates, not British National Grid, or far outside the borough.
    """
    x, y = _coordinate(easting, "easting"), _coordinate(northing, "northing")
    if abs(x) <= 180 and abs(y) <= 180:
        raise SiteError(f"{x:g}, {y:g} look like latitude and longitude, not an easting and northing in metres")
    if not (BNG_BOUNDS[0] <= x <= BNG_BOUNDS[2] and BNG_BOUNDS[1] <= y <= BNG_BOUNDS[3]):
        raise SiteError(f"E {x:,.0f}, N {y:,.0f} is not a British National Grid position (eastings run 0-700,000 "
                        "and northings 0-1,300,000 metres; Tower Hamlets is about E 536,000, N 181,500)")
    return _placed(Point(x, y), "easting/northing", f"E {x:,.0f}, N {y:,.0f}", parameters)


def site_from_lat_lon(lat, lon, parameters: Parameters | None = None, how: str = "latitude/longitude") -> Site:
    """A site at a latitude and longitude (WGS84, EPSG:4326), or a click on the map (``how="map click"``).

    Raises
    ------
    SiteError
        If the numbers are not a latitude and longitude in Great Britain, or far outside the borough.
    """
    lat, lon = _coordinate(lat, "latitude"), _coordinate(lon, "longitude")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise SiteError(f"{lat:g}, {lon:g} is not a latitude and longitude (latitude -90 to 90, longitude -180 to 180)")
    south, west, north, east = GB_LATLON
    if not (south <= lat <= north and west <= lon <= east):
        hint = " (latitude and longitude swapped?)" if south <= lon <= north and west <= lat <= east else ""
        raise SiteError(f"{lat:g}, {lon:g} is not in Great Britain{hint}; Tower Hamlets is at about 51.515, -0.035")
    x, y = from_wgs84().transform(lon, lat)
    site = _placed(Point(round(x, 1), round(y, 1)), how, f"{lat:.6f}, {lon:.6f}", parameters,
                   source_crs=settings.CRS_WEB)
    site.meta["lat_lon"] = (round(lat, 6), round(lon, 6))
    return site


def site_from_geometry(geometry, how: str, label: str, parameters: Parameters | None = None,
                       warnings: tuple[str, ...] = (), source_crs: str | None = None) -> Site:
    """A site from a geometry already in EPSG:27700 (a red-line polygon or a point), checked and placed.

    Raises
    ------
    SiteError
        For an empty, invalid, too large or misplaced geometry.
    """
    params = parameters or load_parameters()
    if geometry is None or geometry.is_empty:
        raise SiteError(f"{label}: the boundary is empty (no polygon)")
    geometry = shapely.force_2d(geometry)
    if geometry.geom_type not in ("Polygon", "MultiPolygon", "Point"):
        raise SiteError(f"{label}: a red-line boundary must be a polygon, not a {geometry.geom_type.lower()}")
    if geometry.geom_type != "Point":
        if not geometry.is_valid:
            raise SiteError(f"{label}: not a valid polygon ({validity_reason(geometry)}); repair it in your GIS "
                            "and upload it again")
        if geometry.area < 1.0:
            raise SiteError(f"{label}: the polygon has no area")
        limit = params.limit("max_site_area_ha")
        if geometry.area / 10_000 > limit:
            raise SiteError(f"{label}: the boundary covers {geometry.area / 10_000:,.0f} ha; a development site of "
                            f"more than {limit:,.0f} ha is not plausible (is the CRS right?)")
    return _placed(geometry, how, label, params, warnings, source_crs)


def site_from_input(data: dict, parameters: Parameters | None = None) -> Site:
    """Rebuild a site from :meth:`Site.as_input` (an assessment file).

    Raises
    ------
    SiteError
        If the entry is not a site this version can read.
    """
    if not isinstance(data, dict):
        raise SiteError("a site entry must be a mapping with a 'how' field")
    how = data.get("how")
    try:
        if how == "postcode":
            return site_from_postcode(data["postcode"], parameters)
        if how == "easting/northing":
            return site_from_easting_northing(data["easting"], data["northing"], parameters)
        if how in ("latitude/longitude", "map click"):
            return site_from_lat_lon(data["lat"], data["lon"], parameters, how=how)
        if how == "boundary file":
            if str(data.get("crs", settings.CRS_STORE)).upper() != settings.CRS_STORE:
                raise SiteError("a stored boundary must be in EPSG:27700")
            try:
                geometry = shape(data["geometry"])
            except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
                raise SiteError("the stored boundary is not a GeoJSON geometry") from None
            return site_from_geometry(geometry, how, str(data.get("name") or "boundary")[:120], parameters,
                                      tuple(str(w) for w in data.get("warnings") or ()), settings.CRS_STORE)
    except KeyError as exc:
        raise SiteError(f"a {how} site needs a {exc.args[0]!r} field") from None
    raise SiteError(f"unknown kind of site {str(how)[:40]!r}; use one of {', '.join(HOW)}")


# --------------------------------------------------------------------------- helpers

def _coordinate(value, name: str) -> float:
    return as_number(value, SiteError, f"the {name} {str(value)[:30]!r} is not a number")


def validity_reason(geometry) -> str:
    """Why a polygon is invalid, coordinates rounded: ``self-intersection at E 538,500, N 181,200``."""
    head, _, where = str(shapely.is_valid_reason(geometry)).partition("[")
    try:
        x, y = (float(v) for v in where.rstrip("]").split()[:2])
        return f"{head.strip().lower()} at E {x:,.0f}, N {y:,.0f}"
    except ValueError:
        return head.strip().lower() or "invalid geometry"


def _placed(geometry, how: str, label: str, parameters: Parameters | None, warnings=(), source_crs=None) -> Site:
    """Check the site against the borough: inside, just outside (a warning) or too far (an error)."""
    params = parameters or load_parameters()
    borough = store.load_layer("borough").geometry.union_all()
    distance = 0.0 if geometry.intersects(borough) else float(borough.distance(geometry))
    warnings = tuple(warnings)
    if distance > params["near_borough_m"]:
        raise SiteError(f"{label} is {distance / 1000:,.1f} km outside Tower Hamlets; thmaps holds data for "
                        f"Tower Hamlets only (a site up to {params['near_borough_m']:,} m outside is assessed "
                        "with a warning)")
    if distance > 0:
        warnings += (f"The site is {distance:,.0f} m outside Tower Hamlets. The data stop at the borough edge: "
                     "people, practices and air quality beyond it are not counted.",)
    elif not geometry.within(borough) and geometry.geom_type != "Point":
        warnings += ("Part of the boundary lies outside Tower Hamlets; the data stop at the borough edge.",)
    return Site(geometry=geometry, how=how, label=label, warnings=warnings,
                source_crs=source_crs or settings.CRS_STORE, outside_m=round(distance, 1))


_TRANSFORMERS: dict[str, Transformer] = {}


def _transformer(src: str, dst: str) -> Transformer:
    key = f"{src}>{dst}"
    if key not in _TRANSFORMERS:
        _TRANSFORMERS[key] = Transformer.from_crs(src, dst, always_xy=True)
    return _TRANSFORMERS[key]


def from_wgs84() -> Transformer:
    return _transformer(settings.CRS_WEB, settings.CRS_STORE)


def to_wgs84() -> Transformer:
    return _transformer(settings.CRS_STORE, settings.CRS_WEB)
