"""End to end: the real app (`streamlit run`) on loopback, driven by Debian's Chromium (Playwright).

Each page loads with no error text; the borough map draws one path per area; an overlay toggle adds its
markers; nothing is fetched from outside the machine. Screenshots of every page go to artifacts/screenshots/.
"""
from __future__ import annotations

import pytest
from webapp.browser import SCREENSHOTS, assert_no_error_text, map_frame, wait_for_app

PAGES = {"borough_map": "", "my_locality": "my-locality", "export": "export", "data_and_sources": "data-and-sources"}


def count(frame, selector: str) -> int:
    return frame.locator(selector).count()


def test_borough_map_draws_every_lsoa_and_toggles_overlays(app_url, page):
    page.goto(app_url + "/")
    wait_for_app(page)
    frame = map_frame(page)
    frame.locator("path.thmaps-area").first.wait_for(timeout=60_000)
    assert count(frame, "path.thmaps-area") == 144  # LSOA 2011 choropleth
    assert count(frame, "path.thmaps-gp_practices") == 30  # on by default
    assert "Tower Hamlets" in page.locator("[data-testid='stMain']").inner_text()
    assert count(frame, ".thmaps-legend") == 1
    for name in ("North West", "North East", "South West", "South East"):
        assert frame.get_by_text(name, exact=True).count() >= 1
    # Switch a toggle on: the pharmacies (48 in the 2014 list) appear.
    page.get_by_text("Pharmacies (NHS Choices 2014)").click()
    wait_for_app(page)
    frame = map_frame(page)
    frame.locator("path.thmaps-pharmacies").first.wait_for(timeout=60_000)
    assert count(frame, "path.thmaps-pharmacies") == 48
    assert count(frame, "path.thmaps-area") == 144
    assert_no_error_text(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "borough_map.png"), full_page=True)
    assert page.outside_requests == []


def test_borough_map_ward_level(app_url, page):
    page.goto(app_url + "/")
    wait_for_app(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Geography").click()
    page.get_by_role("option", name="Ward", exact=True).click()
    wait_for_app(page)
    frame = map_frame(page)
    page.wait_for_timeout(1000)
    frame.locator("path.thmaps-area").first.wait_for(timeout=60_000)
    assert count(frame, "path.thmaps-area") == 20
    assert_no_error_text(page)


def test_london_wide_map_decodes_every_lsoa(app_url, page):
    """The London map's 4,835 LSOAs travel as encoded polylines: the browser must draw them all."""
    page.goto(app_url + "/")
    wait_for_app(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Geography").click()
    page.get_by_role("option", name="London LSOA 2011", exact=True).click()
    wait_for_app(page, timeout=120_000)
    frame = page.frame_locator("iframe[title^='Interactive map']").first
    page.wait_for_function(
        """() => { const f = document.querySelector("iframe[title^='Interactive map']");
                   return f && f.contentDocument && f.contentDocument.querySelectorAll('path.thmaps-area').length > 4000; }""",
        timeout=120_000)
    assert count(frame, "path.thmaps-area") == 4835
    assert_no_error_text(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "london_lsoa.png"), full_page=True)
    assert page.outside_requests == []


@pytest.mark.parametrize("name", ["my_locality", "export", "data_and_sources"])
def test_page_loads_without_errors(app_url, page, name):
    page.goto(f"{app_url}/{PAGES[name]}")
    wait_for_app(page)
    page.wait_for_timeout(1500)
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    expected = {"my_locality": "My locality", "export": "Print", "data_and_sources": "Data and sources"}[name]
    assert expected in main
    if name == "export":
        # The preview is the exact page that is downloaded: wait for it and the download buttons.
        page.locator("[data-testid='stImage'] img").first.wait_for(timeout=90_000)
        page.locator("[data-testid='stDownloadButton']").nth(4).wait_for(timeout=90_000)
        assert page.locator("[data-testid='stDownloadButton']").count() >= 5  # map, HTML, CSV, GeoJSON, GeoPackage
    if name == "my_locality":
        frame = map_frame(page)
        frame.locator("path.thmaps-area").first.wait_for(timeout=60_000)
        # North West (the first locality): its own LSOAs only.
        assert count(frame, "path.thmaps-area") == 36
    assert_no_error_text(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert page.outside_requests == []
