"""The Your data page's forms: two people editing one S106/CIL project, and vector files shown on the maps."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from thmaps import settings, store
from thmaps.uploads.s106 import KIND

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "6_Your_data.py")


@pytest.fixture()
def user_file(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.USER_DATA_ENV, str(tmp_path / "user.sqlite"))


def _open_on(project: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="s106_choice").select(project).run()
    return at


def _save(at: AppTest, **fields) -> AppTest:
    for name, value in fields.items():
        at.text_input(key=f"s106_{name}").input(value)
    next(b for b in at.button if b.label == "Save the edit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_two_people_editing_one_project_the_second_save_is_refused_with_what_changed(user_file):
    project = store.load_layer("s106_projects")["project"].iloc[1]
    ana, ben = _open_on(project), _open_on(project)  # both read the project before either saves
    _save(ana, total_gbp="1,500,000")
    assert [s.value for s in ana.success] == ["Saved; the previous value is kept in the history."]
    _save(ben, total_gbp="900000")
    errors = [e.value.replace("\\", "") for e in ben.error]  # shown Markdown-escaped
    assert len(errors) == 1 and errors[0].startswith("The edit was not saved:"), errors
    assert "total_gbp: (none) → 1500000.0. Your save was not applied" in errors[0]
    assert store.record(KIND, project).data["total_gbp"] == 1_500_000  # ana's save stands
    # Having seen ana's change, ben saves again on purpose: now over the version he has seen.
    _save(ben, total_gbp="900000")
    assert [s.value for s in ben.success] == ["Saved; the previous value is kept in the history."]
    assert store.record(KIND, project).data["total_gbp"] == 900_000
    assert [c.data.get("total_gbp") for c in store.history(KIND, project)] == [1_500_000, 900_000]


OUTLINE = "reference/lbth_liveable_streets_bethnal_green_outline_approx_wgs84.geojson"


def test_a_vector_file_uploaded_through_the_page_is_offered_and_drawn_on_the_borough_map(
        tmp_path, browser, source_dir):
    """The real browser: upload the bundle's Bethnal Green outline as an overlay on Your data, then the
    Borough map offers "Your uploaded areas", draws the area and names the file among its sources."""
    import os

    from webapp.browser import SCREENSHOTS, assert_no_error_text, map_frame, new_page, running_app, wait_for_app

    env = dict(os.environ, **{settings.USER_DATA_ENV: str(tmp_path / "user.sqlite")})
    upload = tmp_path / "bethnal green outline.geojson"
    upload.write_bytes((source_dir / OUTLINE).read_bytes())
    with running_app(env=env) as url:
        page = new_page(browser)
        page.goto(f"{url}/your-data")  # a shared deep link opens the page itself
        wait_for_app(page)
        assert page.get_by_text("Page not found").count() == 0
        page.get_by_role("tab", name="Upload areas or points").click()
        page.locator("[data-testid='stFileUploader'] input[type=file]").last.set_input_files(str(upload))
        page.get_by_label("Title of the areas or points").fill("Bethnal Green scheme outline")
        page.get_by_label("Title of the areas or points").press("Enter")
        wait_for_app(page)
        page.get_by_role("button", name="Check and save").click()
        page.get_by_text("Saved: choose").wait_for(timeout=60_000)
        page.goto(f"{url}/?overlays=user_areas")
        wait_for_app(page)
        assert page.get_by_role("checkbox", name="Your uploaded areas").is_checked()
        frame = map_frame(page)
        frame.locator("path.thmaps-user_areas").first.wait_for(timeout=60_000)
        assert frame.locator("path.thmaps-user_areas").count() == 1
        legend = frame.locator(".thmaps-legend").inner_text()
        assert "Your uploaded areas (1)" in legend
        attribution = frame.locator("body").inner_text()
        assert "Provided by the user: bethnal green outline.geojson" in attribution
        assert_no_error_text(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "borough_map_user_areas.png"))
        page.context.close()
