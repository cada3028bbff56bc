"""End to end at a phone's and a desktop's width (issue 11): every page photographed and audited for accessibility
(axe-core), the map usable at 390 px, a copied URL reproducing the view, and the place search.

Screenshots go to artifacts/screenshots/<page>-<width>.png. axe-core is fetched once from the npm registry
(:func:`webapp.browser.axe_script`); the audit must find no serious or critical violation.
"""
from __future__ import annotations

import pytest
from webapp.browser import (SCREENSHOTS, WIDTHS, assert_no_error_text, axe_audit, axe_script, map_frame, new_page,
                            wait_for_app)

PAGES = {"borough_map": "", "my_locality": "my-locality", "export": "export", "data_and_sources": "data-and-sources",
         "development_impact": "development-impact", "your_data": "your-data",
         "borough_map_found": "?q=E14+0XA&level=ward&overlays=gp_practices,s106"}
HEIGHTS = {390: 844, 1440: 900}


@pytest.fixture(scope="module")
def axe():
    return axe_script()  # the audit must not be skipped: a missing npm fails the tests


def open_page(browser, url: str, width: int):
    page = new_page(browser, width, HEIGHTS[width])
    page.goto(url)
    wait_for_app(page, timeout=120_000)
    page.wait_for_timeout(1500)
    wait_for_app(page, timeout=120_000)
    return page


def settle_map(page):
    """Wait for the map frame and its choropleth (names are placed once the map is fitted)."""
    frame = map_frame(page)
    frame.locator("path.thmaps-area").first.wait_for(state="attached", timeout=60_000)
    page.wait_for_timeout(800)
    return frame


def map_rect(page) -> dict:
    """The frame's box, and inside it the box of everything drawn by the choropleth (CSS pixels)."""
    handle = page.locator("iframe[title^='Interactive map']").first.element_handle()
    frame = handle.content_frame()
    drawn = frame.evaluate("""() => {
        const boxes = [...document.querySelectorAll('path.thmaps-area')].map(p => p.getBoundingClientRect());
        return {left: Math.min(...boxes.map(b => b.left)), right: Math.max(...boxes.map(b => b.right)),
                width: innerWidth, height: innerHeight};
    }""")
    return drawn


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", tuple(PAGES))
def test_every_page_at_phone_and_desktop_width(app_url, browser, axe, name, width):
    page = open_page(browser, f"{app_url}/{PAGES[name]}", width)
    if name.startswith("borough") or name == "my_locality":
        frame = settle_map(page)
        # The legend and the layer list never overlap (the legend scrolls within the room left to it).
        legend = frame.locator(".thmaps-legend").evaluate("e => e.getBoundingClientRect().toJSON()")
        layers = frame.locator(".leaflet-control-layers").evaluate("e => e.getBoundingClientRect().toJSON()")
        assert legend["top"] >= layers["bottom"] or legend["right"] <= layers["left"], (legend, layers)
    if name == "export":
        page.locator("[data-testid='stImage'] img").first.wait_for(timeout=90_000)
        alt = page.locator("[data-testid='stImage'] img").first.get_attribute("alt")
        assert alt and alt.startswith("Print preview, A4 landscape: map of ")
    assert_no_error_text(page)
    # Nothing wider than the screen: no sideways scrolling of the page itself.
    overflow = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth - innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"
    # Every image has alternative text; every frame a title.
    assert page.evaluate("() => [...document.images].filter(i => !i.alt).length") == 0
    assert page.evaluate("() => [...document.querySelectorAll('iframe')].filter(f => !f.title).length") == 0
    violations = axe_audit(page, axe)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 3000})  # the whole page in one picture
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
    assert violations == [], violations
    assert page.outside_requests == []
    page.context.close()


def test_the_map_is_usable_on_a_phone(app_url, browser):
    page = open_page(browser, f"{app_url}/", 390)
    frame = settle_map(page)
    drawn = map_rect(page)
    assert drawn["right"] - drawn["left"] > 0.8 * drawn["width"]  # the borough fills the width (was 80 px)
    # Names are placed at this zoom too: the localities at least, and wards where they fit.
    assert frame.locator(".thmaps-label.locality").count() >= 3
    assert frame.locator(".thmaps-label.ward").count() >= 5
    # The legend starts closed and the layer list collapsed; both open on demand (keyboard too).
    assert frame.locator(".thmaps-legend details").get_attribute("open") is None
    assert frame.locator(".leaflet-control-layers-expanded").count() == 0
    frame.locator(".thmaps-legend summary").focus()
    page.keyboard.press("Enter")
    assert frame.locator(".thmaps-legend details").get_attribute("open") is not None
    # A tooltip wraps within the map, whichever side of the pointer it opens.
    for x in (0.15, 0.5, 0.85):
        box = page.locator("iframe[title^='Interactive map']").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * 0.45)
        page.wait_for_timeout(300)
        tip = frame.locator(".leaflet-tooltip").first
        if tip.count():
            rect = tip.evaluate("t => t.getBoundingClientRect().toJSON()")
            assert rect["left"] >= 0 and rect["right"] <= drawn["width"] + 1, rect
    page.context.close()


def test_a_popup_is_not_hidden_under_the_controls(app_url, browser):
    page = open_page(browser, f"{app_url}/", 1440)
    frame = settle_map(page)
    marker = frame.locator(".thmaps-point").nth(3)
    marker.focus()  # markers are reached and opened with the keyboard
    page.keyboard.press("Enter")
    popup = frame.locator(".leaflet-popup")
    popup.wait_for(timeout=10_000)
    box = popup.evaluate("p => p.getBoundingClientRect().toJSON()")
    for control in (".leaflet-control-layers-expanded", ".thmaps-legend details[open]"):
        for other in frame.locator(control).all():
            rect = other.evaluate("c => c.getBoundingClientRect().toJSON()")
            overlap = not (box["right"] < rect["left"] or rect["right"] < box["left"] or box["bottom"] < rect["top"]
                           or rect["bottom"] < box["top"])
            assert not overlap, control
    page.context.close()


def test_a_copied_url_reproduces_the_view(app_url, browser):
    page = open_page(browser, f"{app_url}/", 1440)
    settle_map(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Geography").click()
    page.get_by_role("option", name="Ward", exact=True).click()
    page.wait_for_url("**level=ward**", timeout=60_000)
    wait_for_app(page)
    page.get_by_role("textbox", name="Find a place").fill("Lansbury")
    page.keyboard.press("Enter")
    page.wait_for_url("**focus=ward%3AE05009325**", timeout=60_000)
    wait_for_app(page)
    page.wait_for_timeout(1500)
    settle_map(page)
    copied = page.url
    assert "level=ward" in copied and "focus=ward%3AE05009325" in copied
    srcdoc = page.locator("iframe[title^='Interactive map']").first.get_attribute("srcdoc")
    again = open_page(browser, copied, 1440)  # another session, as someone opening the shared link
    settle_map(again)
    assert again.url == copied
    assert again.locator("iframe[title^='Interactive map']").first.get_attribute("srcdoc") == srcdoc
    assert again.get_by_role("textbox", name="Find a place").input_value() == "Lansbury"
    # "Print this view" opens the Export page on the same map.
    again.get_by_text("Print this view").click()
    wait_for_app(again, timeout=120_000)
    again.locator("[data-testid='stImage'] img").first.wait_for(timeout=90_000)
    assert "/export?" in again.url and "level=ward" in again.url and "focus=ward%3AE05009325" in again.url
    page.context.close()
    again.context.close()


SEARCHES = [("E14 0XA", "E14 0XA", "postcode%3AE14+0XA"),
            ("Lansbury", "Lansbury", "ward%3AE05009325"),
            ("E01004243", "Tower Hamlets 020A", "lsoa11%3AE01004243"),
            ("Albion Health Centre", "Albion Health Centre", "gp_practice%3AF84012")]


def test_search_finds_zooms_and_marks(app_url, browser):
    page = open_page(browser, f"{app_url}/", 1440)
    settle_map(page)
    for text, found, key in SEARCHES:
        box = page.get_by_role("textbox", name="Find a place")
        box.fill(text)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**focus={key}**", timeout=60_000)
        wait_for_app(page)
        page.wait_for_timeout(1500)
        frame = settle_map(page)
        frame.locator(".thmaps-focus").wait_for(timeout=30_000)
        assert frame.locator(".thmaps-focus-label").inner_text() == found, text
        zoom = frame.locator(".leaflet-control-scale-line").first.inner_text()
        assert zoom.endswith(" m") and int(zoom.split()[0]) <= 500, (text, zoom)  # zoomed in from the borough's 1 km
    page.context.close()


def test_the_locality_profile_downloads_from_my_locality(app_url, browser, tmp_path):
    # A server's very first session, opened on a page other than the main one, shows Streamlit's "Page not
    # found" over the right page (the pages are registered by that first run): open the main page first.
    open_page(browser, f"{app_url}/", 1440).context.close()
    page = open_page(browser, f"{app_url}/my-locality?locality=South+East", 1440)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the South East locality profile").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("locality-profile-south-east-") and path.suffix == ".pdf"
    assert path.read_bytes()[:5] == b"%PDF-" and b"South East locality profile" in path.read_bytes()
    page.context.close()
