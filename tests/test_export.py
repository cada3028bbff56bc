"""The data behind a map: CSV, GeoJSON (EPSG:4326) and GeoPackage (EPSG:27700) with attribution."""
from __future__ import annotations

import io
import json

import pandas as pd
import pyogrio
import pytest

from thmaps.maps import printing
from thmaps import maps
from thmaps.maps import export


@pytest.fixture(scope="module")
def prepared():
    return maps.prepare(maps.MapDescription("laei_no2", extent="locality:North West",
                                                  overlays=("gp_practices", "no2_tubes")))


def test_data_frame_matches_the_map(prepared):
    frame = export.data_frame(prepared)
    inside = prepared.areas[prepared.areas["in_extent"]].set_index("code")
    assert sorted(frame["code"]) == sorted(inside.index)
    merged = frame.set_index("code")
    assert (merged["colour"] == inside.loc[merged.index, "colour"]).all()
    assert (merged["class_index"] == inside.loc[merged.index, "class_index"]).all()
    assert str(frame.crs.to_epsg()) == "27700"


def test_csv_carries_values_and_attribution(prepared):
    data = export.to_csv(prepared)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    inside = prepared.areas[prepared.areas["in_extent"]].set_index("code")
    assert len(frame) == len(inside)
    assert frame.set_index("code")["value"].sub(inside.loc[frame["code"], "value"].values).abs().max() < 1e-9
    assert (frame["attribution"] == " | ".join(prepared.attributions)).all()
    assert frame["unit"].iloc[0] == "µg/m³"
    assert set(frame["class_label"]) <= set(prepared.labels) | {"No data"}


def test_geojson_is_wgs84_with_metadata(prepared):
    collection = json.loads(export.to_geojson(prepared))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == int(prepared.areas["in_extent"].sum())
    assert collection["metadata"]["attribution"] == prepared.attributions
    assert collection["metadata"]["source"] == prepared.source_line
    props = collection["features"][0]["properties"]
    assert props["attribution"] and "colour" in props
    geom = collection["features"][0]["geometry"]
    coords = geom["coordinates"][0][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0][0]
    lon, lat = coords
    assert -0.1 < lon < 0.0 and 51.48 < lat < 51.56  # Tower Hamlets in degrees


def test_geopackage_layers_crs_and_readme(prepared, tmp_path):
    path = tmp_path / "export.gpkg"
    path.write_bytes(export.to_geopackage(prepared))
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"map_data", "legend", "README", "overlay_gp_practices", "overlay_no2_tubes"} <= layers
    assert pyogrio.read_info(path, layer="map_data")["crs"] == "EPSG:27700"
    data = pyogrio.read_dataframe(path, layer="map_data")
    assert len(data) == int(prepared.areas["in_extent"].sum())
    readme = pyogrio.read_dataframe(path, layer="README")
    assert list(readme.loc[readme["key"] == "attribution", "value"]) == prepared.attributions
    legend = pyogrio.read_dataframe(path, layer="legend")
    assert list(legend["colour"]) == prepared.colours


def test_file_stem_is_safe(prepared):
    stem = printing.file_stem(prepared)
    assert stem == "laei-no2-north-west-2019-lsoa11"
