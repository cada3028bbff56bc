"""The Print and export page runs and offers its downloads."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "3_Export.py")


def _labels(at):
    return [button.proto.label for button in at.get("download_button")]


def test_export_page_runs_with_download_buttons():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert not at.error
    labels = _labels(at)
    assert any(label.startswith("Download the map (PDF") for label in labels)
    for label in ("Data (CSV)", "Data (GeoJSON, WGS 84)", "Data (GeoPackage, British National Grid)"):
        assert label in labels
    assert len(at.get("image")) == 1  # the preview of the page
    assert "Interactive map (HTML)" in labels and len(labels) == 6
    assert "Download these values (CSV, with sources and notes)" in labels  # the table under the preview


def test_export_page_locality_png_and_overlays():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.radio(key="export_extent_kind").set_value("Locality").run()
    at.selectbox(key="export_locality").set_value("South West").run()
    at.radio(key="export_format").set_value("png").run()
    at.multiselect(key="export_overlays").set_value(["gp_practices", "no2_tubes"]).run()
    assert not at.exception
    assert not at.error
    assert any(label.startswith("Download the map (PNG") for label in _labels(at))


def test_export_page_ward_svg_a3():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.radio(key="export_extent_kind").set_value("Ward").run()
    at.radio(key="export_paper").set_value("A3").run()
    at.radio(key="export_format").set_value("svg").run()
    assert not at.exception
    assert not at.error
    assert any(label.startswith("Download the map (SVG, A3") for label in _labels(at))


def test_export_page_london_wide():
    at = AppTest.from_file(PAGE, default_timeout=300).run()
    at.selectbox(key="export_level").set_value("london_lsoa11").run()
    assert at.radio(key="export_extent_london").options == ["London", "Borough"]
    assert at.radio(key="export_extent_london").value == "London"
    assert not at.exception
    assert not at.error
    assert any("4,835 LSOAs" in c.value for c in at.caption)  # the classification note
    assert any(label.startswith("Download the map (PDF") for label in _labels(at))
    at.radio(key="export_extent_london").set_value("Borough").run()
    assert not at.exception and not at.error
