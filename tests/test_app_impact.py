"""The "Development impact" page, run headless with Streamlit's AppTest on the real store."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from thmaps.impact import assess_site

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "5_Development_impact.py")


@pytest.fixture(scope="module")
def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="impact_postcode").input("E14 0XA")
    at.text_input(key="impact_homes").input("250").run()
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_starts_by_asking_for_a_site():
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception and not at.error
    assert any("Give a site and the number of homes" in i.value for i in at.info)


def test_postcode_and_homes_give_the_figures(page):
    assert not page.exception, [e.value for e in page.exception]
    assert not page.error, [e.value for e in page.error]
    e = assess_site("E14 0XA", homes=250).main.estimate
    shown = metrics(page)
    assert shown["Net new residents"] == f"{e.net_residents:,.0f}"
    assert shown["GP need (full-time GPs)"] == f"{e.gp_fte:.2f}"
    assert shown["Capital cost"] == f"£{e.cost_gbp:,.0f}"
    headers = [h.value for h in page.header]
    for expected in ("1. Site and scheme", "2. Where it is and what is around it", "3. Local evidence",
                     "4. Health infrastructure estimate", "5. Pressure on practices", "6. Rapid HIA matrix",
                     "7. Report and assessment file"):
        assert expected in headers
    subheaders = [h.value for h in page.subheader]
    assert "GP practices within the rings" in subheaders and "Air quality: LAEI modelled concentrations" in subheaders
    tables = [d.value for d in page.dataframe]
    practices = next(t for t in tables if "pcn" in t.columns and "ring" in t.columns)
    assert len(practices) == 7
    assert len([s for s in page.selectbox if s.key and s.key.startswith("impact_hia_")]) == 11
    assert any("areal apportionment" in c.value for c in page.caption)


def test_changing_an_assumption_changes_the_estimate(page):
    page.number_input(key="impact_param_patients_per_gp").set_value(2000.0).run()
    e = assess_site("E14 0XA", homes=250, parameters={"patients_per_gp": 2000}).main.estimate
    assert metrics(page)["GP need (full-time GPs)"] == f"{e.gp_fte:.2f}"
    page.number_input(key="impact_param_patients_per_gp").set_value(1800.0).run()


@pytest.mark.parametrize("key, value, message", [
    ("impact_homes", "-3", "Number of homes cannot be negative"),
    ("impact_homes", "999999999", "more than thmaps accepts"),
    ("impact_postcode", "XX1 1XX", "not in the Tower Hamlets postcode list"),
    ("impact_rings", "5", "ring distances must be between"),
])
def test_bad_input_is_a_plain_message(key, value, message):
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    at.text_input(key="impact_postcode").input("E14 0XA")
    at.text_input(key="impact_homes").input("250")
    at.text_input(key=key).input(value).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_coordinates_and_a_site_just_outside(tmp_path):
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    at.radio(key="impact_mode").set_value("Easting and northing").run()
    at.text_input(key="impact_easting").input("537500")
    at.text_input(key="impact_northing").input("183800")
    at.text_input(key="impact_homes").input("40").run()
    assert not at.exception and not at.error
    assert any("data stop at the borough edge" in w.value for w in at.warning)
