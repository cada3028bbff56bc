"""The development impact calls a notebook or the command line needs: place a site, assess a scheme."""
from __future__ import annotations

from pathlib import Path

from ..errors import SiteError, UploadError
from .analysis import ImpactResult, assess
from .parameters import Parameters, load_parameters
from .scheme import make_scheme
from .site import Site, site_from_easting_northing, site_from_lat_lon, site_from_postcode
from .upload import site_from_upload


def locate(postcode=None, easting=None, northing=None, lat=None, lon=None, boundary=None,
           parameters: Parameters | None = None) -> Site:
    """A site from exactly one of: a postcode, an easting and northing, a latitude and longitude, or a boundary file.

    Parameters
    ----------
    boundary : str or Path or (bytes, str)
        A GeoJSON, GeoPackage or zipped shapefile: its path, or its bytes and file name.

    Raises
    ------
    SiteError
        If no location or more than one is given, or the location cannot be placed (the message says why).
    """
    forms = {"postcode": (postcode,), "easting/northing": (easting, northing), "lat/lon": (lat, lon),
             "boundary": (boundary,)}
    given = [name for name, values in forms.items() if any(v is not None and v != "" for v in values)]
    if len(given) != 1:
        raise SiteError("give one location: a postcode, an easting and northing, a latitude and longitude, "
                        f"or a boundary file{' (not ' + ' and '.join(given) + ')' if given else ''}")
    if postcode is not None:
        return site_from_postcode(postcode, parameters)
    if given[0] == "easting/northing":
        return site_from_easting_northing(easting, northing, parameters)
    if given[0] == "lat/lon":
        return site_from_lat_lon(lat, lon, parameters)
    if isinstance(boundary, tuple):
        data, name = boundary
        return site_from_upload(data, name, parameters)
    path = Path(boundary)
    if not path.is_file():
        raise UploadError(f"{path.name}: no such file")
    return site_from_upload(path.read_bytes(), path.name, parameters)


def assess_site(postcode=None, *, homes, easting=None, northing=None, lat=None, lon=None, boundary=None,
                bedrooms: dict | None = None, affordable=None, existing_residents=0, rings=None,
                parameters: dict | None = None, name: str = "Scheme") -> ImpactResult:
    """Assess one scheme on one site: where it is, what is around it, local evidence, the estimate and pressure.

    Parameters
    ----------
    postcode, easting, northing, lat, lon, boundary
        The site: exactly one form (see :func:`locate`).
    homes : int
        New homes.
    bedrooms : dict, optional
        ``{"1": n, "2": n, "3": n, "4+": n}`` adding up to ``homes``.
    affordable : int, optional
        Affordable homes (the rest are market homes).
    existing_residents : int
        People living on the site now.
    rings : str or list, optional
        Ring radii in metres (default 400, 800, 2000).
    parameters : dict, optional
        Parameter key -> value changed for this assessment (see ``thmaps/data/impact_parameters.yaml``).

    Returns
    -------
    ImpactResult

    Examples
    --------
    >>> result = assess_site("E14 0XA", homes=250)                      # doctest: +SKIP
    >>> round(result.main.estimate.gp_fte, 2)                           # doctest: +SKIP
    0.36

    Raises
    ------
    ImpactInputError
        (and its subclasses SiteError, UploadError, SchemeError) for input that cannot be used.
    """
    params = load_parameters().with_overrides(parameters)
    site = locate(postcode, easting, northing, lat, lon, boundary, params)
    tenure = None if affordable in (None, "") else {"affordable": affordable}
    scheme = make_scheme(homes, bedrooms, tenure, existing_residents, name, params)
    return assess([(site, scheme)], rings, parameters)
