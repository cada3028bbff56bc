"""The "Borough map" and "Data and sources" pages, run headless with Streamlit's AppTest on the real store."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from thmaps import maps
from thmaps.indicators import CATALOGUE
from thmaps.maps import web

ROOT = Path(__file__).resolve().parent.parent
MAP_PAGE = str(ROOT / "app_pages" / "1_Borough_map.py")
DATA_PAGE = str(ROOT / "app_pages" / "4_Data_and_sources.py")


def run(page: str) -> AppTest:
    return AppTest.from_file(page, default_timeout=120).run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def map_page(at: AppTest) -> str:
    """The HTML page of the one interactive map on the page (an iframe's srcdoc)."""
    frames = at.get("iframe")
    assert len(frames) == 1
    assert frames[0].proto.alt.startswith("Interactive map: ")
    return frames[0].proto.srcdoc


def features(page: str) -> list[dict]:
    """Features of the choropleth in the map page."""
    return web.area_features(page)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    matches = [d.value for d in at.dataframe if column in d.value.columns]
    assert matches, f"no table with a {column!r} column"
    return matches[0]


def test_app_opens_on_the_borough_map():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert_clean(at)
    assert [t.value for t in at.title] == ["Index of Multiple Deprivation: national decile (1 = most deprived 10%)"]


def test_default_map_is_imd_deciles_by_lsoa():
    at = run(MAP_PAGE)
    assert_clean(at)
    assert at.selectbox(key="indicator").value == "imd_decile"
    assert at.selectbox(key="scheme").value == "national_deciles"
    assert not [s for s in at.slider if s.key == "k"]  # national deciles: always 10 classes, no slider
    assert any("always have 10 classes" in c.value for c in at.caption)
    assert at.title[0].value.startswith("Index of Multiple Deprivation: national decile")
    assert any("by LSOA 2011 · 2019" in c.value for c in at.caption)
    script = map_page(at)
    # Leaflet from the app's own static folder, nothing else from anywhere.
    assert re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]*)"', script) == [
        f"{web.STATIC_URL}/leaflet.js", f"{web.STATIC_URL}/leaflet.css"]
    assert not re.search(r"https?://", script)
    assert len(features(script)) == 144
    assert script.count('class=\\"thmaps-gp_practices\\"') == 30   # GP practices are on by default
    assert "1 (most deprived 10%)" in script                # the legend
    footer = " ".join(c.value for c in at.caption)
    assert "English Indices of Deprivation 2019" in footer and "not an official boundary" in footer
    assert (ROOT / "static" / "vendor" / "leaflet" / "leaflet.js").exists()


def test_laei_no2_with_periods_classes_and_overlays():
    at = run(MAP_PAGE)
    at.selectbox(key="indicator").select("laei_no2").run()
    assert_clean(at)
    assert at.selectbox(key="period").options == ["2019", "2016", "2013"]
    assert "national_deciles" not in at.selectbox(key="scheme").options
    assert at.title[0].value == "Nitrogen dioxide (NO2), modelled annual mean (LAEI)"
    at.selectbox(key="period").select("2013").run()
    at.selectbox(key="scheme").select("natural_breaks").run()
    at.slider(key="k").set_value(7).run()
    at.checkbox(key="overlay_no2_tubes").check().run()
    at.selectbox(key="tube_year").select(2016).run()
    assert_clean(at)
    assert "· 2013" in at.caption[0].value
    expected = maps.prepare(maps.MapDescription("laei_no2", period="2013", scheme="natural_breaks", k=7,
                                                      overlays=("gp_practices", "no2_tubes"), tube_year=2016))
    script = map_page(at)
    shown = {f["properties"]["code"]: f["properties"]["fill"] for f in features(script)}
    assert shown == dict(zip(expected.areas["code"], expected.areas["colour"]))
    assert len(expected.labels) == 7 and all(json.dumps(label, ensure_ascii=False)[1:-1] in script
                                             for label in expected.labels)
    assert script.count('class=\\"thmaps-gp_practices\\"') == 30
    assert script.count('class=\\"thmaps-no2_tubes\\"') == len(expected.overlays["no2_tubes"])
    assert "NO2 diffusion tubes, 2016" in script


def test_switching_level_maps_wards_and_localities():
    at = run(MAP_PAGE)
    at.selectbox(key="level").select("ward").run()
    assert_clean(at)
    assert len(features(map_page(at))) == 20
    # IMD deciles are LSOA figures: by ward the page maps the summary share, and says so.
    assert at.title[0].value == "Index of Multiple Deprivation: residents in the most deprived 20% nationally"
    assert any("summarised as" in i.value for i in at.info)
    assert any("summarised as" in c.value for c in at.caption)
    at.selectbox(key="level").select("locality").run()
    assert_clean(at)
    assert len(features(map_page(at))) == 4
    assert "by Locality" in at.caption[0].value


def test_borough_only_indicators_are_explained_not_mapped():
    at = run(MAP_PAGE)
    assert at.expander[0].label == "Indicators not available at sub-borough level"
    listed = frame_with(at, "why not mapped")
    assert sorted(listed["indicator"].str.extract(r"Fingertips (\d+)")[0]) == ["93759", "93867"]
    at.selectbox(key="indicator").select("fingertips_pm25").run()
    assert_clean(at)
    assert at.get("iframe") == []
    assert any("cannot be mapped by LSOA, ward or locality" in w.value for w in at.warning)
    table = frame_with(at, "Tower Hamlets")
    assert table["Tower Hamlets"].iloc[0] == "10.23"  # 10.22783 µg/m³, rounded by unit
    assert table["period"].iloc[0] == "2020"


def test_map_is_cached_between_reruns():
    at = run(MAP_PAGE)
    first = map_page(at)
    at.run()
    assert_clean(at)
    # The very same cached page: the browser keeps the map instead of reloading it.
    assert map_page(at) == first


def test_data_page_lists_sources_localities_and_methods():
    at = run(DATA_PAGE)
    assert_clean(at)
    sources = frame_with(at, "rows_in_store")
    assert len(sources) == 36
    assert {"publisher", "vintage", "licence", "attribution", "geography", "url"} <= set(sources.columns)
    assert sources.set_index("id").loc["lsoa11", "rows_in_store"] == 144
    assert sources.set_index("id").loc["gp_practices", "rows_in_store"] == 30
    localities = frame_with(at, "provenance")
    assert len(localities) == 20 and sorted(localities["locality"].unique()) == sorted(
        ["North West", "North East", "South West", "South East"])
    assert any("not an official boundary" in w.value and "thmaps/data/localities.csv" in w.value for w in at.warning)
    catalogue = frame_with(at, "aggregation")
    assert len(catalogue) == len(CATALOGUE) == 57 and {"kind", "method", "levels"} <= set(catalogue.columns)
    weights = frame_with(at, "weight")
    assert weights["lsoa11cd"].nunique() == 144
    assert weights.groupby("lsoa11cd")["weight"].sum().round(9).eq(1).all()
    assert len(frame_with(at, "approximation")) == 11
    assert len(frame_with(at, "location_precision")) == 5
    text = " ".join(m.value for m in at.markdown)
    assert "whole ward(s)" in text and "postcode" in text
    assert "within 25 m of another ward" in text and "RNJ83" in text


def test_london_lsoa_level_draws_all_london_with_national_deciles():
    at = run(MAP_PAGE)
    at.selectbox(key="level").set_value("london_lsoa11").run()
    assert_clean(at)
    assert "London · by London LSOA 2011 · 2019" in at.caption[0].value
    assert len(features(map_page(at))) == 4835
    # Only IMD and its domains have London-wide LSOA figures: NO2 offers no London LSOA level.
    at.selectbox(key="indicator").set_value("laei_no2").run()
    assert_clean(at)
    assert at.selectbox(key="level").options == ["LSOA 2011", "LSOA 2021", "MSOA 2021", "Ward", "Locality"]
