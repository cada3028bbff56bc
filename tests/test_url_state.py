"""Shareable views (issue 11, item 4): every page keeps its state in the URL, so a copied link opens the same view."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {name: str(ROOT / "app_pages" / f) for name, f in (("map", "1_Borough_map.py"), ("locality", "2_My_locality.py"),
                                                      ("export", "3_Export.py"))}


def run(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGES[page], default_timeout=180)
    at.query_params.update(params or {})
    return at.run()


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def url(at: AppTest) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}


def map_page(at: AppTest) -> str:
    return at.get("iframe")[0].proto.srcdoc


def test_a_copied_borough_map_url_reproduces_the_view():
    at = run("map")
    at.selectbox(key="indicator").select("laei_no2").run()
    at.selectbox(key="level").select("ward").run()
    at.selectbox(key="scheme").select("natural_breaks").run()
    at.slider(key="k").set_value(4).run()
    at.checkbox(key="overlay_no2_tubes").check().run()
    at.selectbox(key="tube_year").select(2018).run()
    at.text_input(key="map_q").input("Lansbury").run()
    clean(at)
    copied = url(at)
    assert copied == {"indicator": "laei_no2", "level": "ward", "period": "2019", "scheme": "natural_breaks", "k": "4",
                      "overlays": "gp_practices,no2_tubes", "tube_year": "2018", "q": "Lansbury",
                      "focus": "ward:E05009325"}
    again = run("map", copied)  # a new session opened on the copied link
    clean(again)
    assert url(again) == copied
    assert map_page(again) == map_page(at)
    assert [t.value for t in again.title] == [t.value for t in at.title]


def test_print_this_view_opens_the_export_page_on_the_same_map():
    at = run("map", {"indicator": "pct_65_plus", "level": "ward", "scheme": "equal_interval", "k": "6",
                     "overlays": "s106", "q": "E14 0XA"})
    clean(at)
    link = next(m.value for m in at.markdown if "Print this view" in m.value)
    params = dict(parse_qsl(urlsplit(link.split("](", 1)[1].rstrip(")")).query))
    assert params["indicator"] == "pct_65_plus" and params["focus"] == "postcode:E14 0XA"
    export = run("export", params)
    clean(export)
    assert export.selectbox(key="export_indicator").value == "pct_65_plus"
    assert export.selectbox(key="export_level").value == "ward"
    assert export.selectbox(key="export_scheme").value == "equal_interval"
    assert export.slider(key="export_k").value == 6
    assert export.multiselect(key="export_overlays").value == ["s106"]
    assert export.selectbox(key="export_focus").value == "postcode:E14 0XA"
    # The same map: the values table under the preview is the Borough map's.
    table = [d.value for d in export.dataframe if "Class" in d.value.columns][0]
    original = [d.value for d in at.dataframe if "Class" in d.value.columns][0]
    assert table.equals(original)


def test_the_export_page_keeps_extent_paper_and_format():
    params = {"level": "lsoa11", "indicator": "imd_decile", "extent": "locality:SE", "paper": "A3",
              "orientation": "portrait", "format": "svg", "title": "Committee map"}
    at = run("export", params)
    clean(at)
    assert at.radio(key="export_extent_kind").value == "Locality"
    assert at.selectbox(key="export_locality").value == "South East"
    assert (at.radio(key="export_paper").value, at.radio(key="export_orientation").value,
            at.radio(key="export_format").value) == ("A3", "portrait", "svg")
    assert at.text_input(key="export_title").value == "Committee map"
    assert {k: url(at)[k] for k in params} == params


def test_my_locality_keeps_its_choices():
    at = run("locality", {"locality": "South West", "indicator": "laei_no2", "tube_year": "2019",
                          "rank": "pct_65_plus"})
    clean(at)
    assert at.selectbox(key="locality").value == "South West"
    assert at.selectbox(key="map_indicator").value == "laei_no2"
    assert at.selectbox(key="tube_year").value == 2019
    assert at.selectbox(key="ranking_indicator").value == "pct_65_plus"
    at.selectbox(key="locality").select("North East").run()
    assert url(at)["locality"] == "North East"


@pytest.mark.parametrize("params", [
    {"indicator": "<script>alert(1)</script>", "k": "lots", "level": "nowhere", "tube_year": "1066"},
    {"overlays": "gp_practices,<b>bold</b>", "focus": "ward:E00000000", "q": "{{ 7*7 }}"},
])
def test_a_bad_url_falls_back_to_the_defaults(params):
    at = run("map", params)
    clean(at)
    assert at.selectbox(key="indicator").value in ("imd_decile",) or "indicator" not in params
    assert "<script>" not in " ".join(url(at).values())
    assert "focus" not in url(at)
