"""End to end: the Development impact page in Chromium (Playwright) on the real app.

A planner enters a postcode and homes, changes an assumption, sees the map with its rings and downloads the
PDF report (saved to artifacts/ and opened with pdftoppm); a click on the map places a site. Nothing is
fetched from outside the machine.
"""
from __future__ import annotations

import shutil
import subprocess

from thmaps.impact import assess_site
from webapp.browser import ROOT, SCREENSHOTS

ARTIFACTS = ROOT / "artifacts"


def settle(pg, wait_ms: int = 1500, timeout: int = 120_000) -> None:
    pg.wait_for_timeout(wait_ms)
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


def open_page(pg, url: str) -> None:
    pg.goto(url + "/development-impact")
    pg.wait_for_selector("[data-testid='stMain'] h1", timeout=90_000)
    settle(pg, 2500)
    # A deep link opens its page directly (no "Page not found" notice: the pages live in app_pages/).
    assert pg.get_by_text("Page not found").count() == 0


def metric(pg, label: str) -> str:
    box = pg.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_postcode_homes_assumption_and_report_download(app_url, page, tmp_path):
    open_page(page, app_url)
    page.get_by_role("textbox", name="Postcode").fill("E14 0XA")
    page.get_by_role("textbox", name="Number of new homes").fill("250")
    page.get_by_role("textbox", name="Number of new homes").press("Enter")
    settle(page, 3000)
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=120_000)
    before = assess_site("E14 0XA", homes=250).main.estimate
    assert metric(page, "GP need") == f"{before.gp_fte:.2f}"
    frame = page.frame_locator("iframe[title^='Interactive map']").first
    frame.locator("path.thmaps-ring").first.wait_for(timeout=60_000)
    assert frame.locator("path.thmaps-ring").count() == 3
    assert frame.locator(".thmaps-site").count() == 1

    # Change an assumption: 2,000 patients per GP instead of 1,800.
    page.get_by_text("Assumptions: every parameter").click()
    field = page.get_by_label("Registered patients per full-time GP (patients per FTE GP)")
    field.fill("2000")
    field.press("Enter")
    settle(page, 3000)
    after = assess_site("E14 0XA", homes=250, parameters={"patients_per_gp": 2000}).main.estimate
    page.wait_for_function(f"() => document.body.innerText.includes('{after.gp_fte:.2f}')", timeout=60_000)
    assert metric(page, "GP need") == f"{after.gp_fte:.2f}"
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Traceback" not in main and "Rapid HIA matrix" in main

    with page.expect_download(timeout=120_000) as download:
        page.get_by_text("Download the report (PDF)").click()
    target = ARTIFACTS / "development_impact_report.pdf" if ARTIFACTS.is_dir() else tmp_path / "report.pdf"
    download.value.save_as(target)
    data = target.read_bytes()
    assert data[:5] == b"%PDF-" and len(data) > 100_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
        flat = " ".join(text.split())
        assert "changed for this assessment (default 1,800" in flat
        assert "Rapid HIA matrix" in flat and "Lansbury" in flat
    if shutil.which("pdftoppm"):
        out = (SCREENSHOTS if ARTIFACTS.is_dir() else tmp_path) / "development_impact_report"
        out.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["pdftoppm", "-r", "50", "-png", str(target), str(out)], capture_output=True)
        assert done.returncode == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "development_impact.png"), full_page=True)
    assert page.outside_requests == []


def test_a_click_on_the_map_places_the_site(app_url, page):
    open_page(page, app_url)
    page.get_by_text("Click on the map", exact=True).click()
    settle(page, 2000)
    page.get_by_role("textbox", name="Number of new homes").fill("100")
    page.get_by_role("textbox", name="Number of new homes").press("Enter")
    settle(page, 2000)
    frame = page.frame_locator("iframe[title^='Interactive map']").first
    frame.locator("path.thmaps-area").first.wait_for(timeout=60_000)
    # Click the middle of the map (the borough fills it).
    frame.locator(".folium-map").click(position={"x": 420, "y": 300})
    settle(page, 3000)
    page.wait_for_function("() => document.body.innerText.includes('Site at latitude')", timeout=60_000)
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=120_000)
    assert "Map click" in page.locator("[data-testid='stMain']").inner_text()
    assert page.outside_requests == []
