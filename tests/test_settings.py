"""Settings are read when functions run: changing one changes the next map, on both ends."""
from __future__ import annotations

import re

import numpy as np
import pytest
from pyproj import Transformer

from thmaps import maps, settings, store
from thmaps.maps import web


@pytest.mark.parametrize("digits", [4, 5, 6])
def test_coordinate_precision_round_trips_through_the_page(monkeypatch, digits):
    """Encoder and the page's decoder read the same precision: coordinates decode to within a metre."""
    monkeypatch.setattr(settings, "WEB_COORD_PRECISION", digits)
    prepared = maps.prepare(maps.MapDescription("laei_no2", level="ward"))
    page = web.to_html(prepared)
    factor = float(re.search(r"out\.push\(\[lng / (1e\d+), lat / \1\]\)", page).group(1))
    assert factor == 10 ** digits
    # Decode one ward the way the page does, and compare with the stored polygon in metres.
    feature = web.area_features(page)[0]
    lonlat = np.array(feature["geometry"]["coordinates"][0][0])
    to_bng = Transformer.from_crs(settings.CRS_WEB, settings.CRS_STORE, always_xy=True)
    x, y = to_bng.transform(lonlat[:, 0], lonlat[:, 1])
    ward = store.load_layer("wards").set_index("code").loc[feature["properties"]["code"], "geometry"]
    from shapely import points
    distances = ward.boundary.distance(points(np.c_[x, y]))
    assert distances.max() < settings.WEB_SIMPLIFY_METRES + (1.5 if digits >= 5 else 12.0)
    assert abs(x.mean() - ward.centroid.x) < 2000  # not ten times too large, as a stale decoder gave


def test_store_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.STORE_ENV, str(tmp_path / "x.gpkg"))
    assert settings.store_path() == tmp_path / "x.gpkg"
    monkeypatch.delenv(settings.STORE_ENV)
    monkeypatch.setenv(settings.HOME_ENV, str(tmp_path))
    assert settings.store_path() == tmp_path / "store" / "thmaps.gpkg"
