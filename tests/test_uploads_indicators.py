"""Uploaded indicators: levels, aggregation like the built-in ones, the catalogue and sources, the CLI,
and property-based tests of the table and row validators. Whatever saves runs on both store backends
(fixture ``user_store``); the validators, which write nothing, on the GeoPackage only."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from thmaps import cli, store
from thmaps.errors import ThmapsError
from thmaps.indicators import CATALOGUE, get
from thmaps.sources.registry import get as get_source
from thmaps.uploads import IndicatorSpec, preview_indicator, save_indicator
from thmaps.uploads.userdata import export_user_data, list_user_data, remove_user_data, undo


def _csv(codes, values, header="area code,value,period", period="2022") -> bytes:
    return (header + "\n" + "".join(f"{c},{v},{period}\n" for c, v in zip(codes, values))).encode()


def test_lsoa11_count_reaches_every_level_and_keeps_totals(user_store):
    codes = list(store.load_layer("lsoa11")["code"])
    preview = preview_indicator(_csv(codes, range(len(codes))), "lsoa.csv", IndicatorSpec("LSOA count", "people", "count"))
    assert preview.level == "lsoa11" and preview.rejected.empty
    save_indicator(preview, "tester")
    table = store.load_layer("indicators")
    mine = table[table["indicator_id"] == "user_lsoa_count"]
    totals = mine.groupby("level")["value"].sum()
    assert set(totals.index) == {"lsoa11", "ward", "locality", "borough"}
    for level in ("ward", "locality", "borough"):
        assert totals[level] == pytest.approx(totals["lsoa11"])
    indicator = CATALOGUE["user_lsoa_count"]
    assert "user_lsoa_count" in list(CATALOGUE) and get("user_lsoa_count") is indicator
    assert indicator.levels == ("lsoa11", "ward", "locality", "borough")
    source = get_source(indicator.source_ids[0])
    assert source.title.startswith("Provided by the user: lsoa.csv, uploaded ")
    assert "user_lsoa_count" not in set(store.load_layer("indicator_catalogue")["id"])


def test_ward_share_aggregates_numerators_and_denominators(user_store):
    wards = store.load_layer("wards")
    body = "ward name,numerator,denominator\n" + "".join(f"{n},{i + 1},{10 * (i + 1)}\n" for i, n in
                                                         enumerate(wards["name"]))
    preview = preview_indicator(body.encode(), "w.csv", IndicatorSpec("Ward share", "%", "share", True, period="2023"))
    save_indicator(preview)
    mine = store.load_layer("indicators").query("indicator_id == 'user_ward_share'")
    borough = mine[mine["level"] == "borough"].iloc[0]
    assert borough["value"] == pytest.approx(10.0) and borough["denominator"] == pytest.approx(10 * 210)
    assert set(mine["level"]) == {"ward", "locality", "borough"}


def test_lsoa21_rate_shared_by_residents_and_value_only_stays_at_its_level(user_store):
    members = store.load_layer("oa_ward_lookup")
    lsoas = sorted(set(members["lsoa21cd"]))
    body = "lsoa21cd,value,denominator\n" + "".join(f"{c},50,1000\n" for c in lsoas)
    spec = IndicatorSpec("Rate", "per 1,000", "rate", per=1000, level="lsoa21", period="2024")
    save_indicator(preview_indicator(body.encode(), "r.csv", spec))
    mine = store.load_layer("indicators").query("indicator_id == 'user_rate'")
    assert set(mine["level"]) == {"lsoa21", "msoa21", "ward", "locality", "borough"}
    assert mine["value"].round(6).eq(50).all()
    body = "lsoa21cd,value\n" + "".join(f"{c},5\n" for c in lsoas[:10])
    preview = preview_indicator(body.encode(), "v.csv", IndicatorSpec("Value only", "%", "share", level="lsoa21"))
    assert preview.aggregation == "none" and any("shown as given" in w for w in preview.warnings)
    save_indicator(preview)
    assert set(store.load_layer("indicators").query("indicator_id == 'user_value_only'")["level"]) == {"lsoa21"}


def test_partial_coverage_is_not_summed_up(user_store):
    codes = list(store.load_layer("oa21")["code"])[:50]
    save_indicator(preview_indicator(_csv(codes, [1] * 50), "oa.csv", IndicatorSpec("Some OAs", "", "count")))
    assert set(store.load_layer("indicators").query("indicator_id == 'user_some_oas'")["level"]) == {"oa21"}


def test_periods_from_the_file_are_short_printable_text(user_store):
    """A period column's cell becomes a period on every page: over 20 characters or unprintable, the row is refused."""
    people = store.load_layer("indicators").query("indicator_id == 'population' and level == 'ward' and "
                                                  "period == '2020'").set_index("area_code")["value"]
    codes = list(people.index[:3])
    periods = ["<script>alert(1)</script>", "2020\x1b[31m", "  2020 \t"]
    body = "ward code,value,period\n" + "".join(f"{c},{people[c]:.0f},{p}\n" for c, p in zip(codes, periods))
    preview = preview_indicator(body.encode(), "p.csv", IndicatorSpec("Periods", "people", "count"))
    assert list(preview.used["period"]) == ["2020"]
    assert list(preview.rejected["row"]) == [2, 3]
    assert all(r.startswith("period longer than 20 characters or not printable") for r in preview.rejected["reason"])


def test_list_export_remove_undo(user_store, tmp_path):
    save_indicator(preview_indicator(b"ward,value\nWeavers,3\n", "one.csv", IndicatorSpec("One", "", "count")))
    assert list(list_user_data()["key"]) == ["user_one"]
    out = export_user_data("indicator", "user_one", tmp_path / "one.csv")
    assert "Weavers" not in out.read_text() and "E05" in out.read_text()
    with pytest.raises(ThmapsError, match="exists"):
        export_user_data("indicator", "user_one", out)
    remove_user_data("indicator", "user_one")
    assert "user_one" not in CATALOGUE and list_user_data().empty
    undo("indicator", "user_one")
    assert "user_one" in CATALOGUE
    assert [c.action for c in store.history("indicator", "user_one")] == ["create", "delete", "create"]


def test_uploads_follow_the_user_data_location(user_store):
    """Computed user rows are cached per user data, not per count of changes: another user-data file or schema
    at the same user version (1) has its own indicators (PostGIS once served the first schema's)."""
    save_indicator(preview_indicator(b"ward,value\nWeavers,3\n", "one.csv", IndicatorSpec("One", "", "count")))
    assert "user_one" in CATALOGUE
    user_store.move()
    save_indicator(preview_indicator(b"ward,value\nWeavers,4\n", "two.csv", IndicatorSpec("Two", "", "count")))
    assert store.user_version() == 1
    assert "user_two" in CATALOGUE and "user_one" not in CATALOGUE
    assert set(store.load_layer("indicators").query("indicator_id.str.startswith('user_')")["indicator_id"]) \
        == {"user_two"}


def test_cli_add_indicator_and_user_data(user_store, tmp_path, capsys):
    path = tmp_path / "cli.csv"
    path.write_bytes(b"ward,value\nWeavers,3\nNowhere,4\n")
    assert cli.main(["add-indicator", str(path), "--title", "CLI one", "--measure", "count"]) == 0
    out = capsys.readouterr().out
    assert "1 row(s) used at Ward, 1 rejected" in out and "rejected row 3: Nowhere unknown code" in out
    assert cli.main(["user-data", "list"]) == 0
    assert "user_cli_one" in capsys.readouterr().out
    assert cli.main(["add-indicator", str(tmp_path / "missing.csv"), "--title", "x", "--measure", "count"]) == 2
    assert "missing.csv: file not found" in capsys.readouterr().err
    assert cli.main(["user-data", "remove", "indicator", "nope"]) == 2


# ------------------------------------------------------------------ property-based
CELLS = st.one_of(st.text(max_size=12), st.sampled_from(["E01004197", "Weavers", "E05009317", "1", "-2", "1e400",
                                                           "nan", "12.5%", "1,234", "", "\x00", "{{x}}"]))


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(["area code", "value", "period", "numerator", "denominator", "x", ""]),
                       min_size=1, max_size=5),
       rows=st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=12),
       measure=st.sampled_from(["count", "share", "rate"]), sep=st.sampled_from([",", ";", "\t"]))
def test_random_tables_are_accepted_or_refused_plainly(header, rows, measure, sep):
    body = sep.join(header) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    try:
        preview = preview_indicator(body.encode("utf-8", "replace"), "random.csv",
                                    IndicatorSpec("Random", "", measure, per=1000))
    except ThmapsError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(("random.csv", "the ", "say ", "unknown"))
        return
    assert len(preview.used) + len(preview.rejected) <= len(rows)
    for value in preview.used["value"]:
        assert math.isfinite(value) and value >= 0
    assert preview.used[["level", "area_code", "period"]].duplicated().sum() == 0


@hsettings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "b.xlsx", "c.txt", "d.xls", "e"]))
def test_random_bytes_never_raise_anything_else(data, name):
    try:
        preview_indicator(data, name, IndicatorSpec("Bytes", "", "count"))
    except ThmapsError:
        pass


def test_fingertips_export_as_downloaded(user_store, source_dir):
    data = (source_dir / "fingertips" / "fingertips_93759_fuel_poverty_la.csv").read_bytes()
    preview = preview_indicator(data, "fp.csv", IndicatorSpec("Fuel poverty", "%", "share", True))
    assert set(preview.used["level"]) == {"borough", "london", "england"}
    assert preview.rejected["reason"].str.startswith("a breakdown").sum() == 88
    save_indicator(preview)
    built = store.load_layer("indicators").query("indicator_id == 'fingertips_fuel_poverty' and level == 'borough'")
    mine = store.load_layer("indicators").query("indicator_id == 'user_fuel_poverty' and level == 'borough'")
    merged = built.merge(mine, on="period")
    assert len(merged) and (merged["value_x"] - merged["value_y"]).abs().max() < 1e-9


def test_an_uploaded_title_with_a_colon_heads_the_legend_whole(user_store):
    from thmaps import maps

    people = store.load_layer("indicators").query("indicator_id == 'population' and level == 'ward' and "
                                                  "period == '2019'")
    body = "ward code,value\n" + "".join(f"{c},{float(v)!r}\n" for c, v in zip(people["area_code"], people["value"]))
    save_indicator(preview_indicator(body.encode(), "p.csv",
                                     IndicatorSpec("Residents: mid-2019 copy", "people", "count", period="2019")))
    prepared = maps.prepare(maps.MapDescription("user_residents_mid_2019_copy", level="ward"))
    assert prepared.legend_title == "Residents: mid-2019 copy (people), 2019"
    assert prepared.areas["value"].sum() == pytest.approx(people["value"].sum())
    built = maps.prepare(maps.MapDescription("imd_decile"))
    assert built.legend_title.startswith("Index of Multiple Deprivation (decile)")
