"""Users' vector files (red-line boundaries, overlays, scheme boundaries): GeoJSON, GeoPackage or a zipped
shapefile, in any declared CRS.

The file's content decides what it is, and must agree with its name: a ``.gpkg`` that is not a
GeoPackage, a ``.zip`` that is not a zip archive, or a ``.geojson`` that is not JSON is refused.
Zip archives are opened without trusting their member names (no absolute paths, no ``..``, a size
limit on what they unpack to), and only the shapefile's own parts are written, under a name of
ours, into a temporary folder.

The CRS must be declared: a GeoPackage or shapefile without one (no ``.prj``) is refused; a GeoJSON
without a ``crs`` member is WGS84 longitude/latitude, as RFC 7946 says. A declared CRS that puts the
features far from London is reported as probably wrong, naming the CRS the coordinates look like.
Messages name the file and what it was uploaded as (``what``: "red-line boundary", "overlay"...).
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio
import shapely

from .. import settings
from ..errors import UploadError
from .parameters import Parameters, load_parameters
from .site import Site, site_from_geometry, validity_reason

#: Accepted file types by suffix.
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip"}
#: The parts of a shapefile written out of a zip (the others are ignored).
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
#: London in British National Grid, generously: a polygon outside this box is not where its CRS says.
LONDON_BNG = (490_000.0, 145_000.0, 570_000.0, 215_000.0)


def site_from_upload(data: bytes, filename: str, parameters: Parameters | None = None) -> Site:
    """A red-line boundary site from an uploaded file's bytes.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name: the suffix (``.geojson``/``.json``, ``.gpkg``, ``.zip``) says what it claims to be.

    Returns
    -------
    Site
        The union of the file's polygons, in EPSG:27700.

    Raises
    ------
    UploadError
        If the file is too large, not what its name claims, has no or a wrong CRS, or holds no polygon.
    SiteError
        If the polygon is invalid, implausibly large or far outside the borough.
    """
    params = parameters or load_parameters()
    frame, name, assumed = read_vector(data, filename, params, what="red-line boundary")
    geometry, warnings = _polygons(frame, name, params)
    if assumed:
        warnings = (assumed,) + warnings
    return site_from_geometry(geometry, "boundary file", name, params, warnings, str(frame.crs.to_string()))


def read_vector(data: bytes, filename: str, parameters: Parameters | None = None, what: str = "geometry file"
                ) -> tuple[gpd.GeoDataFrame, str, str]:
    """A user's vector file (GeoJSON, GeoPackage of one layer, zipped shapefile) in EPSG:27700.

    The one reader of users' vector files (red-line boundaries, overlays, replacement boundaries).
    ``what`` is what the file was uploaded as, a noun ("red-line boundary", "overlay"), named in the messages.

    Returns
    -------
    tuple
        The features, the file's name as shown back, and a note if the CRS was assumed ("" otherwise).

    Raises
    ------
    UploadError
        If the file is empty, too large, not what its name claims, unsafe, has no or a wrong CRS.
    """
    params = parameters or load_parameters()
    name = _shown_name(filename)
    kind = SUFFIXES.get(PurePosixPath(name.lower()).suffix)
    if kind is None:
        raise UploadError(f"{name}: upload a GeoJSON (.geojson), a GeoPackage (.gpkg) or a zipped shapefile (.zip)")
    data = bytes(data or b"")
    if not data:
        raise UploadError(f"{name}: the file is empty")
    if len(data) > params.limit("max_upload_bytes"):
        raise UploadError(f"{name}: the file is {len(data) / 1e6:,.1f} MB; the limit is "
                          f"{params.limit('max_upload_bytes') / 1e6:,.0f} MB for {_a(what)}")
    _check_content(data, kind, name)
    frame, assumed = {"geojson": _read_geojson, "gpkg": _read_gpkg, "zip": _read_zip}[kind](data, name, params)
    return _reprojected(frame, name, what), name, assumed


def _a(noun: str) -> str:
    """``noun`` with its indefinite article ("a red-line boundary", "an overlay")."""
    return f"{'an' if noun[:1].lower() in 'aeio' else 'a'} {noun}"


def _shown_name(filename) -> str:
    base = PurePosixPath(str(filename or "upload").replace("\\", "/")).name
    clean = "".join(ch for ch in base if ch.isprintable())[:80]
    return clean or "upload"


def _check_content(data: bytes, kind: str, name: str) -> None:
    """The bytes must be what the suffix claims."""
    is_zip, is_gpkg = data[:4] == b"PK\x03\x04", data[:16] == b"SQLite format 3\x00"
    if kind == "zip" and not is_zip:
        raise UploadError(f"{name}: the file is not a zip archive, although its name ends in .zip")
    if kind == "gpkg" and not is_gpkg:
        raise UploadError(f"{name}: the file is not a GeoPackage (an SQLite database), although its name ends in .gpkg")
    if kind == "geojson":
        if is_zip or is_gpkg:
            actual = "a zip archive" if is_zip else "a GeoPackage"
            raise UploadError(f"{name}: the file is {actual}, not GeoJSON; give it the right name (.zip or .gpkg)")
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise UploadError(f"{name}: the file is not GeoJSON (it is not valid JSON text)") from None
        if not isinstance(doc, dict) or doc.get("type") not in (
                "FeatureCollection", "Feature", "Polygon", "MultiPolygon", "GeometryCollection", "Point",
                "MultiPoint", "LineString", "MultiLineString"):
            raise UploadError(f"{name}: the file is JSON but not GeoJSON (no FeatureCollection, Feature or geometry)")


def _read(source, name: str, **kwargs) -> gpd.GeoDataFrame:
    try:
        frame = pyogrio.read_dataframe(source, **kwargs)
    except Exception as exc:  # GDAL's own errors name its internals; say it plainly
        raise UploadError(f"{name}: the file could not be read as geographic data "
                          f"({str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__})") from None
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise UploadError(f"{name}: the file holds no geometry")
    return frame


def _read_geojson(data: bytes, name: str, params) -> tuple[gpd.GeoDataFrame, str]:
    doc = json.loads(data.decode("utf-8-sig"))
    frame = _read(io.BytesIO(data), name)
    assumed = ""
    if "crs" not in doc:
        # RFC 7946: GeoJSON without a crs member is WGS84 longitude/latitude.
        frame = frame.set_crs(settings.CRS_WEB, allow_override=True)
        assumed = f"{name} declares no CRS: read as WGS84 longitude/latitude (EPSG:4326), as the GeoJSON standard says."
    elif frame.crs is None:
        raise UploadError(f"{name}: the file's 'crs' member names no CRS that can be used")
    return frame, assumed


def _read_gpkg(data: bytes, name: str, params) -> tuple[gpd.GeoDataFrame, str]:
    with tempfile.TemporaryDirectory(prefix="thmaps-upload-") as tmp:
        path = Path(tmp) / "boundary.gpkg"
        path.write_bytes(data)
        try:
            layers = [row for row in pyogrio.list_layers(path) if row[1] not in (None, "", "None")]
        except Exception:
            raise UploadError(f"{name}: the file is not a readable GeoPackage") from None
        if not layers:
            raise UploadError(f"{name}: the GeoPackage holds no layer with geometry")
        if len(layers) > 1:
            raise UploadError(f"{name}: the GeoPackage holds {len(layers)} layers with geometry "
                              f"({', '.join(str(l[0]) for l in layers[:5])}); upload a GeoPackage of one layer")
        frame = _read(path, name, layer=layers[0][0])
    _require_crs(frame, name, "the GeoPackage layer has no coordinate reference system")
    return frame, ""


def _read_zip(data: bytes, name: str, params) -> tuple[gpd.GeoDataFrame, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(f"{name}: the zip archive is damaged or not a zip archive") from None
    total = 0
    shapefiles: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in members:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.filename.startswith(("/", "\\")) or ".." in path.parts or ":" in info.filename:
            raise UploadError(f"{name}: the archive holds an unsafe path ({info.filename[:60]!r}); it was not opened")
        total += info.file_size
        if total > params.limit("max_unzipped_bytes") or len(members) > 200:
            raise UploadError(f"{name}: the archive unpacks to more than "
                              f"{params.limit('max_unzipped_bytes') / 1e6:,.0f} MB or holds over 200 files; "
                              "it was not opened")
        suffix = path.suffix.lower()
        if not info.is_dir() and suffix in SHAPEFILE_PARTS and not path.name.startswith("."):
            shapefiles.setdefault(str(path.with_suffix("")).lower(), {})[suffix] = info
    found = {stem: parts for stem, parts in shapefiles.items() if ".shp" in parts}
    if not found:
        raise UploadError(f"{name}: the zip archive holds no shapefile (.shp)")
    if len(found) > 1:
        raise UploadError(f"{name}: the zip archive holds {len(found)} shapefiles; upload a zip holding one")
    parts = next(iter(found.values()))
    missing = [s for s in (".shx", ".dbf") if s not in parts]
    if missing:
        raise UploadError(f"{name}: the shapefile lacks its {' and '.join(missing)} part(s)")
    if ".prj" not in parts:
        raise UploadError(f"{name}: the shapefile has no .prj file, so its coordinate reference system is missing; "
                          "add the .prj to the zip (British National Grid is EPSG:27700)")
    with tempfile.TemporaryDirectory(prefix="thmaps-upload-") as tmp:
        for suffix, info in parts.items():
            # Our own name for each part: nothing from the archive decides where a file is written.
            (Path(tmp) / f"boundary{suffix}").write_bytes(archive.read(info))
        frame = _read(Path(tmp) / "boundary.shp", name)
    _require_crs(frame, name, "the shapefile's .prj names no coordinate reference system that can be used")
    return frame, ""


def _require_crs(frame: gpd.GeoDataFrame, name: str, message: str) -> None:
    if frame.crs is None:
        raise UploadError(f"{name}: {message}; set it in your GIS (British National Grid is EPSG:27700)")


def _reprojected(frame: gpd.GeoDataFrame, name: str, what: str) -> gpd.GeoDataFrame:
    """The frame in EPSG:27700, refused if the declared CRS puts it far from London."""
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.empty:
        raise UploadError(f"{name}: the file holds no geometry (every feature is empty)")
    declared = frame.crs.to_string()
    try:
        bng = frame.to_crs(settings.CRS_STORE)
    except Exception:
        raise UploadError(f"{name}: its CRS ({declared[:60]}) cannot be converted to British National Grid") from None
    minx, miny, maxx, maxy = bng.total_bounds
    x0, y0, x1, y1 = LONDON_BNG
    if not (x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1):
        raw = frame.total_bounds
        looks = None
        if 0 <= raw[0] and raw[2] <= 700_000 and 0 <= raw[1] and raw[3] <= 1_300_000 and raw[2] > 1000:
            looks = (settings.CRS_STORE, "British National Grid metres")
        elif -180 <= raw[0] and raw[2] <= 180 and -90 <= raw[1] and raw[3] <= 90:
            looks = (settings.CRS_WEB, "longitude/latitude degrees")
        if looks and frame.crs.equals(looks[0]):
            return bng  # the CRS fits the numbers: the place itself is far away (the site check says how far)
        hint = f" The coordinates look like {looks[1]} ({looks[0]})." if looks else ""
        raise UploadError(f"{name}: in its declared CRS ({declared[:60]}) the {what} is not in London, so the CRS "
                          f"is probably wrong.{hint} Fix the CRS in your GIS and upload it again.")
    return bng


def _polygons(frame: gpd.GeoDataFrame, name: str, params) -> tuple[object, tuple[str, ...]]:
    """The union of the frame's polygons; points and lines are refused."""
    if len(frame) > params.limit("max_upload_features"):
        raise UploadError(f"{name}: the file holds {len(frame):,} features; a red-line boundary needs one polygon")
    parts, other = [], set()
    for geom in frame.geometry:
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type == "Polygon":
                parts.append(part)
            elif not part.is_empty:
                other.add(part.geom_type.lower())
    if not parts:
        kinds = ", ".join(sorted(other)) or "no geometry"
        raise UploadError(f"{name}: the file holds {kinds}, not a red-line boundary polygon")
    invalid = [p for p in parts if not p.is_valid]
    if invalid:
        raise UploadError(f"{name}: not a valid polygon ({validity_reason(invalid[0])}); repair it in your GIS and "
                          "upload it again")
    warnings = ()
    if other:
        warnings = (f"{name} also holds {', '.join(sorted(other))}: only its polygons are used.",)
    union = shapely.union_all(parts)
    if len(parts) > 1:
        warnings += (f"{name} holds {len(parts)} polygons: they are taken together as one site.",)
    return union, warnings
