"""The "My locality" page, run headless with Streamlit's AppTest on the real store."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from thmaps import geo
from thmaps import maps, profile, settings
from thmaps.maps import web

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "2_My_locality.py")


def run_page(locality: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    if locality is not None:
        at.selectbox(key="locality").select(locality).run()
    return at


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    matches = [f for f in frames(at) if column in f.columns]
    assert matches, f"no table with a {column!r} column"
    return matches[0]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("name", tuple(geo.LOCALITIES))
def test_every_locality_renders(name):
    code = geo.LOCALITIES[name]
    at = run_page(name)
    assert_clean(at)
    assert at.selectbox(key="locality").value == name
    # Key indicators: one row per key indicator, the locality column named after it, verdicts shown.
    key = frame_with(at, "vs borough")
    assert len(key) == len(profile.KEY_INDICATORS)
    assert name in key.columns and "comparison method" in key.columns and "source" in key.columns
    expected = profile.key_indicators(code)["vs borough"].tolist()
    assert [v.split(" ", 1)[-1] for v in key["vs borough"]] == expected
    assert any("rule of thumb" in c.value for c in at.caption)
    assert any("not an official boundary" in c.value for c in at.caption)
    # Practices: the count and the patients for this locality.
    practices = profile.practices(code)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["GP practices in the locality"] == str(len(practices))
    assert metrics["Registered patients (April 2026)"] == f"{int(practices['list_size'].sum()):,}"
    listed = frame_with(at, "ods_code")
    assert sorted(listed["ods_code"]) == sorted(practices["ods_code"])
    # Ward ranking table, tubes table and tube trend.
    ranking = frame_with(at, "borough rank")
    assert sorted(ranking["ward"]) == sorted(profile.locality_wards(code)["name"])
    tubes = frame_with(at, "exceeds 40 µg/m³")
    assert tubes["location"].tolist() == profile.tubes(code, 2024)["location"].tolist()
    assert len(frame_with(at, "borough median")) == 10
    # S106 / CIL: a table where the locality has projects, a plain message where it has none.
    projects = profile.s106_projects(code)
    if projects.empty:
        assert any("No S106/CIL" in i.value for i in at.info)
    else:
        assert frame_with(at, "basis")["project"].tolist() == projects["project"].tolist()
    # Downloads: the locality profile (PDF), the map's values and the key indicators (CSV).
    buttons = {b.key: b.label for b in at.get("download_button")}
    assert buttons["download_profile"] == f"Download the {name} locality profile (PDF, about 8 pages)"
    assert "CSV" in buttons["download_csv"] and "CSV" in buttons["locality_values_csv"]
    # The map's values are in a table under it, one row per area of the locality.
    values = frame_with(at, "Class")
    assert len(values) == len(maps.prepare(maps.MapDescription("imd_decile", extent=f"locality:{code}")).areas
                              .query("in_extent"))


def test_ward_ranking_follows_the_chosen_indicator():
    at = run_page("South West")
    first = frame_with(at, "borough rank")
    # Most residents in the most deprived 20% (Census 2021 resident weights: 50.6% St Dunstan's, 47.2% Shadwell).
    assert first["ward"].iloc[0] == "St Dunstan's"
    for indicator in ("laei_no2", "health_share_q1", "pct_65_plus"):
        at.selectbox(key="ranking_indicator").select(indicator).run()
        assert_clean(at)
        shown = frame_with(at, "borough rank")
        expected = profile.ward_ranking("SW", indicator)
        assert shown["ward"].tolist() == expected["ward"].tolist()
        assert shown["value"].tolist() == pytest.approx(expected["value"].tolist())
    assert not shown["value"].equals(first["value"])


def test_tube_year_changes_the_tubes_table():
    at = run_page("North East")
    at.selectbox(key="tube_year").select(2016).run()
    assert_clean(at)
    tubes = frame_with(at, "exceeds 40 µg/m³")
    expected = profile.tubes("NE", 2016)
    assert tubes["location"].tolist() == expected["location"].tolist()
    assert len(tubes) != len(profile.tubes("NE", 2024))


def test_map_shows_the_locality_with_its_practices_projects_and_tubes():
    at = run_page("South East")
    assert_clean(at)
    frames_ = at.get("iframe")
    assert len(frames_) == 1 and frames_[0].proto.alt.startswith("Interactive map: Index of Multiple Deprivation")
    page = frames_[0].proto.srcdoc
    expected = maps.prepare(maps.MapDescription("imd_decile", level="lsoa11", scheme="national_deciles",
                                                      extent="locality:SE", overlays=("gp_practices", "s106", "no2_tubes"),
                                                      tube_year=2024))
    assert expected.extent_geometry["code"].tolist() == ["SE"]
    assert len(expected.overlays["gp_practices"]) == 8
    shown = web.area_features(page)
    inside = expected.areas[expected.areas["in_extent"]]
    assert len(inside) == 40  # the South East's LSOAs (by most residents), not all 144
    assert sorted(f["properties"]["code"] for f in shown) == sorted(inside["code"])
    for key in ("gp_practices", "s106", "no2_tubes"):
        assert page.count(f'class=\\"thmaps-{key}\\"') == len(expected.overlays[key]), key


def test_an_indicator_uploaded_after_the_page_ran_ranks_the_wards_at_once():
    """The page's tables are cached across sessions on the store and user-data versions: an upload made after
    they were filled is offered, and ranked, on the next run, and so is a replacement under the same title."""
    import uuid

    from thmaps import store
    from thmaps.uploads import IndicatorSpec, preview_indicator, save_indicator
    from thmaps.uploads.userdata import remove_user_data

    at = run_page("South East")
    assert_clean(at)
    values = store.load_layer("indicators")
    wards = profile.locality_wards("SE")
    spec = IndicatorSpec(f"Ward residents {uuid.uuid4().hex[:8]}", "people", "count")
    assert spec.indicator_id not in at.selectbox(key="ranking_indicator").options

    def upload(period: str, replace: bool) -> dict:
        """The store's ward populations of a mid-year (whole people) uploaded as the indicator; SE's by ward name."""
        population = values[(values["indicator_id"] == "population") & (values["level"] == "ward")
                            & (values["period"] == period)].set_index("area_code")["value"].round()
        body = "ward code,value,period\n" + "".join(f"{c},{v:.0f},{period}\n" for c, v in population.items())
        save_indicator(preview_indicator(body.encode(), f"wards_{period}.csv", spec), replace=replace)
        return population.reindex(wards["code"]).set_axis(wards["name"]).to_dict()

    try:
        for period, replace in (("2020", False), ("2019", True)):
            expected = upload(period, replace)
            at.run()
            at.selectbox(key="ranking_indicator").set_value(spec.indicator_id).run()
            assert_clean(at)
            ranking = frame_with(at, "locality rank")
            assert sorted(ranking["ward"]) == sorted(wards["name"])
            assert ranking.set_index("ward")["value"].to_dict() == pytest.approx(expected)
            assert set(ranking["period"]) == {period}
    finally:
        remove_user_data("indicator", spec.indicator_id)
