"""Geometry uploads: CRS, repair said, refusals with reasons, and replacing a Liveable Streets approximation
(on both store backends, fixture ``user_store``; the checks, which write nothing, on the GeoPackage only)."""
from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import pytest
import shapely
from hypothesis import given, settings as hsettings, strategies as st

from thmaps import store
from thmaps.errors import ThmapsError, UploadError
from thmaps.uploads.geometry import check_geometry, save_geometry


def _geojson(coords, kind="Polygon") -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "<script>x</script>"}, "geometry": {"type": kind, "coordinates": coords}}]}).encode()


SQUARE = [[[-0.06, 51.52], [-0.05, 51.52], [-0.05, 51.53], [-0.06, 51.53], [-0.06, 51.52]]]
BOWTIE = [[[-0.06, 51.52], [-0.05, 51.53], [-0.05, 51.52], [-0.06, 51.53], [-0.06, 51.52]]]


def test_bowtie_is_repaired_and_said_so():
    frame, notes = check_geometry(_geojson(BOWTIE), "bow.geojson")
    assert frame.geometry.is_valid.all()
    assert any("WGS84" in n for n in notes) and any("repaired" in n for n in notes)


@pytest.mark.parametrize("data, name, words", [
    (b"", "e.geojson", "the file is empty"),
    (b"\x00\x01junk", "j.geojson", "not GeoJSON"),
    (_geojson([[[10.0, 10.0], [10.1, 10.0], [10.1, 10.1], [10.0, 10.0]]]), "far.geojson", "outside Greater London"),
    (_geojson([[[500.0, 95.0], [501, 95], [501, 96], [500, 95]]]), "range.geojson", "the CRS is probably wrong"),
])
def test_refusals(data, name, words):
    with pytest.raises(UploadError, match=words):
        check_geometry(data, name)


@pytest.mark.parametrize("purpose, noun", [("overlay", "an overlay"), ("liveable_streets", "a scheme boundary")])
def test_messages_name_what_was_uploaded(monkeypatch, purpose, noun):
    """The reader is shared with the impact page's red-line boundaries: its messages say what this upload is."""
    from thmaps.impact import upload

    area = "Bow" if purpose == "liveable_streets" else None
    wrong_crs = _geojson([[[500.0, 95.0], [501, 95], [501, 96], [500, 95]]])
    with pytest.raises(UploadError) as caught:
        save_geometry(wrong_crs, "range.geojson", "Range", purpose, area)
    assert f"the {noun.split(' ', 1)[1]} is not in London" in str(caught.value)
    params = upload.load_parameters()
    small = dataclasses.replace(params, limits={**params.limits, "max_upload_bytes": 100})
    monkeypatch.setattr(upload, "load_parameters", lambda: small)
    with pytest.raises(UploadError) as caught:
        save_geometry(_geojson(SQUARE), "square.geojson", "Square", purpose, area)
    assert str(caught.value).startswith("square.geojson: the file is") and str(caught.value).endswith(f"MB for {noun}")
    for words in ("site", "red line", "red-line"):
        assert words not in str(caught.value)


def test_zip_whose_paths_leave_its_folder():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.shp", b"x")
    with pytest.raises(UploadError, match="unsafe path"):
        check_geometry(buffer.getvalue(), "evil.zip")


@pytest.mark.parametrize("n, words", [(1_000_000, "huge.geojson: the file is 2"), (300_000, "300,000 vertices; at most")])
def test_million_vertex_polygon_refused(n, words):
    import numpy as np

    angle = np.linspace(0, 2 * np.pi, n - 1)
    ring = np.column_stack([-0.05 + 0.005 * np.cos(angle), 51.52 + 0.003 * np.sin(angle)]).round(7).tolist()
    ring.append(ring[0])
    data = _geojson([ring])
    with pytest.raises(UploadError, match=words):
        check_geometry(data, "huge.geojson")


def test_replace_liveable_streets_approximation(user_store):
    before = store.load_layer("liveable_streets").set_index("area")
    version, notes = save_geometry(_geojson(SQUARE), "bow <b>real</b>.geojson", "Bow real boundary",
                                   "liveable_streets", "Bow")
    after = store.load_layer("liveable_streets").set_index("area")
    assert version == 1 and after.loc["Bow", "approximation"].startswith("Boundary provided by the user")
    assert after.loc["Bow", "geometry"].area != before.loc["Bow", "geometry"].area
    with pytest.raises(ThmapsError, match="unknown Liveable Streets area"):
        save_geometry(_geojson(SQUARE), "x.geojson", "Other", "liveable_streets", "Atlantis")


@hsettings(max_examples=40, deadline=None)
@given(coords=st.lists(st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False)),
                       min_size=0, max_size=8))
def test_random_polygons_accepted_or_refused_plainly(coords):
    ring = [list(c) for c in coords] + ([list(coords[0])] if coords else [])
    try:
        frame, _ = check_geometry(_geojson([ring]), "random.geojson")
    except ThmapsError as exc:
        assert str(exc).startswith("random.geojson")
        return
    assert frame.geometry.is_valid.all()
