"""Development impact sites on the real store: real places, uploads in any declared CRS, and every bad input
refused with its own plain message (a ThmapsError, never a traceback)."""
from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point, Polygon, box

from thmaps.errors import SchemeError, SiteError, ThmapsError, UploadError
from thmaps.impact import (locate, make_scheme, schemes_from_csv, site_from_easting_northing, site_from_lat_lon,
                           site_from_postcode, site_from_upload)
from thmaps.impact.around import location

#: A small block on Aberfeldy (Poplar, South East), in British National Grid.
RED_LINE = box(538450, 181120, 538600, 181260)


def place(site) -> dict:
    return dict(zip(location(site).table["area"], location(site).table["name"]))


def test_royal_london_postcode_is_in_whitechapel():
    site = site_from_postcode("e1 1bb")
    assert site.label == "E1 1BB" and site.kind == "point" and not site.warnings
    where = place(site)
    assert where["Ward"] == "Whitechapel"
    assert where["Locality"] == "South West"
    assert where["LSOA 2011"].startswith("Tower Hamlets") and where["LSOA 2021"].startswith("Tower Hamlets")


def test_isle_of_dogs_site_is_in_the_south_east():
    # Mudchute / Millwall Park, Isle of Dogs, by latitude and longitude and by grid reference.
    for site in (site_from_lat_lon(51.4915, -0.0125), site_from_easting_northing(537900, 178850)):
        where = place(site)
        assert where["Locality"] == "South East"
        assert where["Ward"] in ("Island Gardens", "Blackwall & Cubitt Town", "Canary Wharf")


def test_every_area_of_the_site_is_reported():
    table = location(site_from_postcode("E14 0XA")).table
    assert list(table["area"]) == ["Ward", "LSOA 2011", "LSOA 2021", "MSOA 2021", "Output Area 2021", "Locality"]
    assert table.set_index("area").loc["Ward", "name"] == "Lansbury"
    assert table.set_index("area").loc["Output Area 2021", "code"].startswith("E00")


def test_site_just_outside_the_borough_gets_a_warning():
    # Hackney Marshes side of the Lea, a few hundred metres east of the borough edge.
    site = site_from_easting_northing(537500, 183800)
    assert 0 < site.outside_m <= 1000
    assert any("data stop at the borough edge" in w for w in site.warnings)
    assert "nearest" in place(site)["Ward"]


@pytest.mark.parametrize("call, message", [
    (lambda: site_from_postcode("XX1 1XX"), "is not in the Tower Hamlets postcode list"),
    (lambda: site_from_postcode("not a postcode"), "is not a valid UK postcode"),
    (lambda: site_from_postcode("SW1A 1AA"), "not in the Tower Hamlets postcode list"),
    (lambda: site_from_lat_lon(51.7, -0.02), "km outside Tower Hamlets"),
    (lambda: site_from_lat_lon(-0.02, 51.51), "latitude and longitude swapped"),
    (lambda: site_from_lat_lon(95, 0), "is not a latitude and longitude"),
    (lambda: site_from_lat_lon("north", 0), "is not a number"),
    (lambda: site_from_easting_northing(5e6, 181000), "not a British National Grid position"),
    (lambda: site_from_easting_northing(51.5, -0.02), "look like latitude and longitude"),
    (lambda: site_from_easting_northing(430000, 433000), "km outside Tower Hamlets"),
    (lambda: site_from_easting_northing("", 181000), "is not a number"),
    (lambda: locate(), "give one location"),
    (lambda: locate(postcode="E1 1BB", lat=51.5, lon=0), "give one location"),
])
def test_bad_sites_get_their_message(call, message):
    with pytest.raises(SiteError) as err:
        call()
    assert message in str(err.value)
    assert isinstance(err.value, ThmapsError)


# --------------------------------------------------------------------------- uploads

def geojson_bytes(geometry, crs: str | None = None) -> bytes:
    frame = gpd.GeoDataFrame({"name": ["red line"]}, geometry=[geometry], crs="EPSG:27700")
    if crs:
        frame = frame.to_crs(crs)
    doc = json.loads(frame.to_json(to_wgs84=False))
    if crs and crs != "EPSG:4326":
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{crs.replace(':', '::')}"}}
    return json.dumps(doc).encode()


def gpkg_bytes(frame: gpd.GeoDataFrame, tmp_path) -> bytes:
    path = tmp_path / "site.gpkg"
    pyogrio.write_dataframe(frame, path, layer="red_line", driver="GPKG")
    return path.read_bytes()


def shapefile_zip(frame: gpd.GeoDataFrame, tmp_path, keep_prj: bool = True, extra: dict | None = None) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    pyogrio.write_dataframe(frame, folder / "site.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for part in folder.iterdir():
            if keep_prj or part.suffix != ".prj":
                zf.write(part, f"red_line/{part.name}")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_geojson_without_crs_is_read_as_wgs84():
    site = site_from_upload(geojson_bytes(RED_LINE, "EPSG:4326"), "site.geojson")
    assert site.kind == "polygon" and site.how == "boundary file"
    assert site.geometry.symmetric_difference(RED_LINE).area < 5  # square metres, after two reprojections
    assert any("declares no CRS" in w for w in site.warnings)
    assert place(site)["Ward"] == "Lansbury"


def test_geopackage_and_zipped_shapefile_in_other_crs_are_reprojected(tmp_path):
    frame = gpd.GeoDataFrame({"id": [1]}, geometry=[RED_LINE], crs="EPSG:27700")
    gpkg = site_from_upload(gpkg_bytes(frame.to_crs("EPSG:3857"), tmp_path), "Site.GPKG")
    shp = site_from_upload(shapefile_zip(frame.to_crs("EPSG:4326"), tmp_path), "site.zip")
    for site in (gpkg, shp):
        assert site.geometry.symmetric_difference(RED_LINE).area < 5
        assert abs(site.area_ha - 2.1) < 0.01
        assert not any("declares no CRS" in w for w in site.warnings)


def test_polygon_rings_are_buffers_of_the_boundary():
    from thmaps.impact.catchment import make_rings
    site = site_from_upload(geojson_bytes(RED_LINE, "EPSG:4326"), "site.geojson")
    ring = make_rings(site, [400])[0]
    assert ring.geometry.contains(site.geometry)
    assert abs(ring.geometry.exterior.distance(site.geometry) - 400) < 1


BOWTIE = Polygon([(538450, 181120), (538600, 181260), (538600, 181120), (538450, 181260)])


@pytest.mark.parametrize("make, name, message", [
    (lambda t: b'{"type": "FeatureCollection", "features": []}', "site.geojson", "holds no geometry"),
    (lambda t: b"", "site.geojson", "the file is empty"),
    (lambda t: b"this is not json", "site.geojson", "not valid JSON"),
    (lambda t: b'{"hello": 1}', "site.geojson", "JSON but not GeoJSON"),
    (lambda t: b"PK\x03\x04 fake", "site.geojson", "is a zip archive, not GeoJSON"),
    (lambda t: b'{"type": "FeatureCollection", "features": []}', "site.gpkg", "not a GeoPackage"),
    (lambda t: b'{"type": "FeatureCollection", "features": []}', "site.zip", "not a zip archive"),
    (lambda t: b"PK\x03\x04 truncated", "site.zip", "damaged or not a zip archive"),
    (lambda t: b"x", "site.kml", "upload a GeoJSON"),
    (lambda t: geojson_bytes(BOWTIE, "EPSG:27700"), "bowtie.geojson", "not a valid polygon (self-intersection at E 538,525"),
    (lambda t: geojson_bytes(Point(538500, 181200), "EPSG:27700"), "point.geojson", "holds point, not a red-line"),
    (lambda t: geojson_bytes(box(338450, 381120, 338600, 381260), "EPSG:27700"), "leeds.geojson", "km outside"),
    (lambda t: geojson_bytes(box(0, 0, 30000, 30000), "EPSG:27700"), "huge.geojson", "not plausible"),
    (lambda t: geojson_bytes(RED_LINE, "EPSG:27700").replace(b"27700", b"3857"), "mercator.geojson",
     "the red-line boundary is not in London, so the CRS is probably wrong. The coordinates look like British National Grid"),
    (lambda t: geojson_bytes(box(520000, 170000, 560000, 200000), "EPSG:27700"), "big.geojson", "not plausible"),
    # Declares WGS84 (by saying nothing) but holds British National Grid metres: the wrong CRS.
    (lambda t: json.dumps(json.loads(geojson_bytes(RED_LINE, "EPSG:27700")) | {"crs": None}).replace(
        ', "crs": null', "").encode(), "wrong.geojson", "look like British National Grid metres"),
])
def test_bad_uploads_get_their_message(make, name, message, tmp_path):
    with pytest.raises(SiteError) as err:
        site_from_upload(make(tmp_path), name)
    assert message in str(err.value)


def test_shapefile_without_prj_is_refused_for_its_missing_crs(tmp_path):
    frame = gpd.GeoDataFrame({"id": [1]}, geometry=[RED_LINE], crs="EPSG:27700")
    with pytest.raises(UploadError, match="no .prj file, so its coordinate reference system is missing"):
        site_from_upload(shapefile_zip(frame, tmp_path, keep_prj=False), "site.zip")


def test_geopackage_without_crs_is_refused(tmp_path):
    frame = gpd.GeoDataFrame({"id": [1]}, geometry=[RED_LINE], crs=None)
    with pytest.raises(UploadError, match="no coordinate reference system"):
        site_from_upload(gpkg_bytes(frame, tmp_path), "site.gpkg")


def test_zip_slip_and_zip_bombs_are_not_opened(tmp_path):
    frame = gpd.GeoDataFrame({"id": [1]}, geometry=[RED_LINE], crs="EPSG:27700")
    evil = shapefile_zip(frame, tmp_path, extra={"../../evil.txt": "x"})
    with pytest.raises(UploadError, match="unsafe path"):
        site_from_upload(evil, "site.zip")
    assert not (tmp_path.parent / "evil.txt").exists()
    absolute = shapefile_zip(frame, tmp_path, extra={"/tmp/evil.shp": "x"})
    with pytest.raises(UploadError, match="unsafe path"):
        site_from_upload(absolute, "site.zip")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.dbf", b"\0" * 120_000_000)
    with pytest.raises(UploadError, match="unpacks to more than"):
        site_from_upload(bomb.getvalue(), "site.zip")
    two = shapefile_zip(frame, tmp_path, extra={"other/b.shp": "x"})
    with pytest.raises(UploadError, match="holds 2 shapefiles"):
        site_from_upload(two, "site.zip")


# --------------------------------------------------------------------------- schemes

@pytest.mark.parametrize("kwargs, message", [
    ({"homes": -5}, "cannot be negative"),
    ({"homes": 0}, "at least one home"),
    ({"homes": 2.5}, "must be a whole number"),
    ({"homes": "lots"}, "is not a number"),
    ({"homes": 10**9}, "more than thmaps accepts"),
    ({"homes": float("nan")}, "a number is needed"),
    ({"homes": 10, "bedrooms": {"1": 5}}, "adds up to 5 homes, not the 10"),
    ({"homes": 10, "bedrooms": {"5": 10}}, "unknown categories"),
    ({"homes": 10, "bedrooms": {"1": -2, "2": 12}}, "cannot be negative"),
    ({"homes": 10, "tenure": {"affordable": 12}}, "more than the 10 homes"),
    ({"homes": 10, "existing_residents": -1}, "cannot be negative"),
    ({"homes": 10, "existing_residents": 10**7}, "more than thmaps accepts"),
])
def test_bad_schemes_get_their_message(kwargs, message):
    with pytest.raises(SchemeError) as err:
        make_scheme(**kwargs)
    assert message in str(err.value)


def test_tenure_from_affordable_alone():
    scheme = make_scheme(250, tenure={"affordable": 88})
    assert scheme.tenure_split == {"market": 162, "affordable": 88} and abs(scheme.affordable_share - 0.352) < 1e-9


def test_schemes_csv_reads_every_location_form_and_reports_bad_rows():
    text = ("name,postcode,easting,northing,lat,lon,homes,beds_1,beds_2,beds_3,beds_4plus,affordable\n"
            "Aberfeldy,E14 0XA,,,,,250,100,100,40,10,80\n"
            "Whitechapel,,534833,181799,,,120,,,,,\n"
            "Island,,,,51.4915,-0.0125,60,,,,,\n")
    pairs = schemes_from_csv(text)
    assert [s.name for _, s in pairs] == ["Aberfeldy", "Whitechapel", "Island"]
    assert pairs[0][1].bedroom_split == {"1": 100, "2": 100, "3": 40, "4+": 10}
    assert [site.how for site, _ in pairs] == ["postcode", "easting/northing", "latitude/longitude"]
    with pytest.raises(SchemeError, match="row 3 \\(B\\): Number of homes cannot be negative"):
        schemes_from_csv("name,postcode,homes\nA,E14 0XA,10\nB,E1 1BB,-4\n")
    with pytest.raises(SiteError, match="row 2 \\(A\\): give one location"):
        schemes_from_csv("name,postcode,lat,lon,homes\nA,E14 0XA,51.5,-0.02,10\n")
    with pytest.raises(SchemeError, match="unknown columns"):
        schemes_from_csv("name,postcode,homes,colour\nA,E14 0XA,10,red\n")
    with pytest.raises(SchemeError, match="needs a 'homes' column"):
        schemes_from_csv("just some text\n")
