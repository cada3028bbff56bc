"""End to end: names full of markup, uploaded through the Your data page, show as text on every page.

A person uploads (in Chromium, on the real app) an indicator CSV whose file name, title, unit, an extra column
header and a rejected row hold script tags, an image with an error handler, Markdown and a Jinja expression,
and adds an S106/CIL project whose name holds the same. The Borough map (indicator and S106 overlay from the
URL) and My locality are then opened: no dialog opens, no handler runs (``window.__pwned`` stays undefined in
the page and in the map's frame), no element is made from the text, and the text is on the page as typed,
``{{7*7}}`` included (not 49). The print map and the locality profile PDF then carry the title as typed
(``$x$`` not set as mathematics), read back with pdftotext; a page is kept as a PNG in artifacts/.

The app runs with user data of its own (a temporary file), so the uploads reach no other test. Every value
uploaded is a ward's population from the store; the project's postcode is one in the store.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse

import pytest

from thmaps import settings, store
from thmaps.uploads import IndicatorSpec
from webapp.browser import ROOT, new_page, running_app, wait_for_app

#: Markup that would run (two ways), render (Markdown bold and link, KaTeX) or be evaluated (Jinja) if not escaped.
TITLE = "<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>**bold** [link](http://x) {{7*7}} $x$"
UNIT = "$u$<b>bold</b>"
FILE_NAME = "<img src=x onerror=window.__pwned=3>**bold** {{7*7}} $x$.csv"
HEADER = "<script>window.__pwned=4</script>**bold** {{7*7}}"
ROW = "<img src=x onerror=window.__pwned=5>"
PROJECT = "<img src=x onerror=window.__pwned=6>**bold** [link](http://x) {{7*7}} $x$ clinic"
ARTIFACTS = ROOT / "artifacts"

#: In a page or frame: everything the text could have made or run.
PROBE = """() => ({
    pwned: typeof window.__pwned,
    images: document.querySelectorAll('img[src="x"], [onerror]').length,
    // A script made from the text holds only it (the map's own scripts carry the text inside JSON strings).
    scripts: Array.from(document.scripts).filter(s => s.textContent.trim().startsWith("window.__pwned")).length,
    bold: Array.from(document.querySelectorAll("strong, b")).filter(e => e.textContent.trim() === "bold").length,
    links: document.querySelectorAll('a[href="http://x"], a[href="http://x/"]').length,
    maths: document.querySelectorAll(".katex, math").length,
    text: document.body ? document.body.innerText : ""
})"""


@pytest.fixture(scope="module")
def app(tmp_path_factory, built_store):
    """The app on loopback with user data of its own; this process reads the same user data."""
    user_data = tmp_path_factory.mktemp("e2e-safety") / "user.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.USER_DATA_ENV, str(user_data))
        with running_app(env=dict(os.environ)) as url:
            yield url


def _settle(page, timeout: int = 90_000) -> None:
    page.wait_for_timeout(800)
    wait_for_app(page, timeout)
    if page.get_by_text("Page not found").count():  # Streamlit's notice on a deep link's first load
        page.keyboard.press("Escape")


def _probe_all(page) -> list[dict]:
    """The probe in the page and in each of its frames (the map is an iframe of its own)."""
    found = []
    for frame in page.frames:
        try:
            found.append(frame.evaluate(PROBE) | {"url": frame.url[:40]})
        except Exception:  # a frame being replaced by a rerun
            continue
    return found


def _assert_inert(page, dialogs: list[str]) -> str:
    """Nothing ran or rendered, in the page or any frame; returns all the text shown."""
    probes = _probe_all(page)
    assert dialogs == []
    for probe in probes:
        assert probe["pwned"] == "undefined", probe["url"]
        assert (probe["images"], probe["scripts"], probe["bold"], probe["links"], probe["maths"]) == (0, 0, 0, 0, 0), \
            probe["url"]
    return "\n".join(p["text"] for p in probes)


def _upload_csv() -> bytes:
    people = store.load_layer("indicators").query("indicator_id == 'population' and level == 'ward' and "
                                                  "period == '2020'")
    rows = [f"{code},{value:.0f},2020,ok" for code, value in zip(people["area_code"], people["value"])]
    rows.append(f"{ROW},{people['value'].iloc[0]:.0f},2020,rejected: not an area")
    return ("ward code,value,period," + HEADER + "\n" + "\n".join(rows) + "\n").encode()


def test_uploaded_markup_shows_as_text_everywhere(app, browser, tmp_path):
    dialogs: list[str] = []
    page = new_page(browser, 1400, 2000)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The server's first session opens on the main page (a deep link first shows "Page not found").
    page.goto(app + "/")
    _settle(page)

    # ------------------------------------------------------------ upload the indicator
    page.goto(app + "/your-data")
    _settle(page)
    page.locator("input[type='file']").first.set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": _upload_csv()}])
    page.get_by_role("textbox", name="Title").fill(TITLE)
    page.get_by_role("textbox", name="Title").press("Enter")
    page.get_by_role("textbox", name="Unit").fill(UNIT)
    page.get_by_role("textbox", name="Unit").press("Enter")
    page.get_by_text("Rows rejected, and why").wait_for(timeout=60_000)
    _settle(page)
    text = _assert_inert(page, dialogs)
    assert f"{FILE_NAME}: 20 row(s) used at Ward, 1 rejected (1 unknown code)." in text
    page.get_by_role("button", name="Save the indicator").click()
    page.get_by_text("Saved: it now appears on every page.").wait_for(timeout=60_000)

    # ------------------------------------------------------------ add the S106/CIL project
    postcode = store.load_layer("postcodes").query("in_borough").iloc[0]
    page.get_by_role("tab", name="S106/CIL register").click()
    page.get_by_role("textbox", name="Project name").fill(PROJECT)
    page.get_by_role("textbox", name="decision type", exact=True).fill(f"Decision on {PROJECT}")
    page.get_by_role("textbox", name="postcode", exact=True).fill(postcode["postcode"])
    page.get_by_role("button", name="Save the edit").click()
    page.get_by_text("Saved; the previous value is kept in the history.").wait_for(timeout=60_000)
    _assert_inert(page, dialogs)

    # ------------------------------------------------------------ the Borough map, from the URL
    indicator = IndicatorSpec(TITLE, UNIT, "count").checked().indicator_id
    page.goto(f"{app}/?" + urllib.parse.urlencode({"indicator": indicator, "level": "ward", "overlays": "s106"}))
    _settle(page)
    page.wait_for_selector("iframe[title^='Interactive map']", timeout=60_000)
    frame = page.frame_locator("iframe[title^='Interactive map']").first
    frame.locator("path.thmaps-area").first.wait_for(timeout=60_000)
    frame.locator(".thmaps-legend").first.wait_for(timeout=30_000)
    text = _assert_inert(page, dialogs)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert TITLE in main.splitlines()  # the page's title, as typed
    assert page.get_by_role("combobox", name="Indicator").input_value() == TITLE  # the choice, as typed
    assert FILE_NAME in main  # the source line under the map names the file
    legend = frame.locator(".thmaps-legend").inner_text()
    assert TITLE.split("://")[0].split(" (")[0][:60] in legend and UNIT in legend
    assert frame.locator("h1").first.text_content() == TITLE
    assert frame.locator(".leaflet-control-layers").inner_text().count(TITLE) == 1
    titles = frame.locator(".leaflet-marker-icon").evaluate_all("els => els.map(e => e.title)")
    marker = [t for t in titles if PROJECT in t]
    assert marker == [f"S106/CIL-funded health projects: {PROJECT}"]
    frame.locator(f".leaflet-marker-icon[title='{marker[0]}']").click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert PROJECT in popup.inner_text() and f"Decision on {PROJECT}" in popup.inner_text()
    text = _assert_inert(page, dialogs)
    for literal in ("**bold**", "{{7*7}}", "$x$", "[link](http://x)"):
        assert literal in text
    assert "{{7*7}}" in main and "bold** [link](http://x) 49" not in text
    assert page.outside_requests == []

    # ------------------------------------------------------------ My locality
    page.goto(f"{app}/my-locality?" + urllib.parse.urlencode({"locality": postcode["locality"], "rank": indicator}))
    _settle(page, 120_000)
    page.wait_for_selector("iframe[title^='Interactive map']", timeout=60_000)
    frame = page.frame_locator("iframe[title^='Interactive map']").first
    frame.locator("path.thmaps-area").first.wait_for(timeout=60_000)
    text = _assert_inert(page, dialogs)
    assert page.get_by_role("combobox", name="Rank the wards on").input_value() == TITLE
    titles = frame.locator(".leaflet-marker-icon").evaluate_all("els => els.map(e => e.title)")
    assert f"S106/CIL-funded health projects: {PROJECT}" in titles
    assert page.outside_requests == []
    page.context.close()

    # ------------------------------------------------------------ the print map and the profile, as PDF
    import thmaps
    from thmaps.maps import MapDescription, printing
    from thmaps.reports.locality_profile import locality_profile

    prepared = thmaps.prepare(MapDescription(indicator, level="ward", overlays=("s106",)))
    print_pdf = tmp_path / "print.pdf"
    print_pdf.write_bytes(printing.render(prepared, "A4", "landscape", "pdf", 150))
    profile_pdf = tmp_path / "profile.pdf"
    profile_pdf.write_bytes(locality_profile(postcode["locality"], made_on="2026-01-01").pdf)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    printed = " ".join(subprocess.run(["pdftotext", str(print_pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())
    assert TITLE in printed  # wrapped on the page; "$x$" as three characters, not set as mathematics
    profile = " ".join(subprocess.run(["pdftotext", str(profile_pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())
    assert "<img src=x onerror=window.__pwned=6>**bold**" in profile and "{{7*7}} $x$ clinic" in profile
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(print_pdf),
                    str(ARTIFACTS / "upload_safety_print")], check=True)
    assert (ARTIFACTS / "upload_safety_print.png").stat().st_size > 10_000
