"""Both store backends: the GeoPackage (default) and PostGIS (``THMAPS_DATABASE_URL``), with the same tests.

The PostGIS tests run on a throwaway database of the server at ``THMAPS_DATABASE_URL_TEST`` (`scripts/test.sh`
starts one); the store is built into it once per session from the real bundle.
"""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from thmaps import builder, errors, settings, store
from thmaps.store.geopackage import GeoPackageStore

ROOT = Path(__file__).resolve().parent.parent
BUILD_STAMP = ("built_at",)  # differs between any two builds


def postgis(url, **kw):
    from thmaps.store.postgis import PostGISStore

    return PostGISStore(url, **kw)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


# ---------------------------------------------------------------------------------------------- built layers
@pytest.mark.parametrize("layer", store.LAYERS)
def test_postgis_layers_are_the_geopackage_layers(layer, postgis_store):
    """Same rows in the same order, same columns and dtypes, same values, same CRS, geometries within 1 mm."""
    gpkg = store.load_layer(layer)
    pg = store.load_layer(layer, postgis_store)
    assert type(pg) is type(gpkg)
    assert list(pg.columns) == list(gpkg.columns)
    assert dict(pg.dtypes.astype(str)) == dict(gpkg.dtypes.astype(str))
    attributes = [c for c in gpkg.columns if c != "geometry" and c not in BUILD_STAMP]
    pd.testing.assert_frame_equal(pd.DataFrame(pg[attributes]), pd.DataFrame(gpkg[attributes]))
    if "geometry" in gpkg.columns:
        assert pg.crs == gpkg.crs and pg.crs.to_epsg() == 27700
        a, b = np.asarray(gpkg.geometry.values), np.asarray(pg.geometry.values)
        missing = shapely.is_missing(a)
        assert (missing == shapely.is_missing(b)).all()
        assert (shapely.get_type_id(a[~missing]) == shapely.get_type_id(b[~missing])).all()
        assert shapely.equals_exact(a[~missing], b[~missing], tolerance=0.001).all()


def test_postgis_lists_the_same_layers(postgis_store):
    assert store.list_layers(postgis_store) == store.list_layers()


def test_postgis_tables_have_spatial_indexes_in_bng(postgis_store):
    import psycopg

    with psycopg.connect(postgis_store) as conn:
        srids = dict(conn.execute("SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = 'thmaps'"))
        gist = {r[0] for r in conn.execute("SELECT tablename FROM pg_indexes WHERE schemaname = 'thmaps' "
                                           "AND indexdef LIKE '%USING gist%'")}
    assert set(srids) == set(store.SPATIAL_LAYERS) == gist
    assert set(srids.values()) == {27700}


def test_database_url_selects_postgis(postgis_store, monkeypatch):
    monkeypatch.setenv(settings.DATABASE_URL_ENV, postgis_store)
    assert type(store.backend()).__name__ == "PostGISStore"
    assert len(store.load_layer("wards")) == 20
    store.check_format()
    assert "***" not in store.location() and "schema thmaps" in store.location()
    monkeypatch.delenv(settings.DATABASE_URL_ENV)
    assert isinstance(store.backend(), GeoPackageStore)


def test_cli_lists_postgis_layers(postgis_store):
    out = subprocess.run([sys.executable, "-m", "thmaps", "layers", "--store", postgis_store], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "london_lsoa11          MultiPolygon       4835" in out.stdout


def test_unreachable_database_message_hides_the_password():
    url = "postgresql://app:s3cret@127.0.0.1:9/nowhere?connect_timeout=3"
    with pytest.raises(errors.StoreUnavailableError) as caught:
        store.version(url)
    assert "s3cret" not in str(caught.value) and "app:***@127.0.0.1:9" in str(caught.value)


def test_missing_driver_says_what_to_install(monkeypatch):
    monkeypatch.delitem(sys.modules, "thmaps.store.postgis", raising=False)
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(errors.SettingsError, match=r"pip install 'thmaps\[postgis\]'"):
        store.backend(f"postgresql:///{unique('nodriver')}")


# ---------------------------------------------------------------------------------------------- both backends
def test_reads_the_store(backend):
    assert backend.exists()
    wards = backend.read("wards", True)
    assert len(wards) == 20 and wards.crs.to_epsg() == 27700
    version = backend.version()
    assert isinstance(version, float) and backend.version() == version
    store.check_format(backend)
    assert [n for n, _ in backend.layers()] == [n for n, _ in store.list_layers()]
    assert len(store.load_layer("indicators", backend)) == len(store.load_layer("indicators"))


def test_version_is_cheap(backend):
    backend.version()
    started = time.perf_counter()
    for _ in range(200):
        backend.version()
    assert (time.perf_counter() - started) / 200 < 0.005  # called on every app rerun


def test_missing_store_says_how_to_build(backend, tmp_path):
    empty = (GeoPackageStore(tmp_path / "none.gpkg") if isinstance(backend, GeoPackageStore)
             else postgis(backend.url, schema=unique("nothing")))
    assert not empty.exists()
    with pytest.raises(errors.StoreMissingError, match="`thmaps build`"):
        store.load_layer("wards", empty)
    with pytest.raises(errors.StoreMissingError):
        empty.version()


def fresh_store(backend, tmp_path):
    """An empty store of the same kind as ``backend`` (same user data), to build into."""
    if isinstance(backend, GeoPackageStore):
        return GeoPackageStore(tmp_path / "rebuilt.gpkg", user_data=backend.user_data)
    return postgis(backend.url, schema=unique("rebuilt"), user_schema=backend.user_schema)


def small_store(built_store, **changes) -> dict:
    """Every layer of the session's store (read back), with build_info changed: a rebuild without the sources."""
    layers = {name: store.load_layer(name, built_store) for name in store.LAYERS}
    for column, value in changes.items():
        layers["build_info"][column] = value
    return layers


def test_rebuild_keeps_user_data_and_changes_version(backend, built_store, tmp_path):
    target = fresh_store(backend, tmp_path)
    store.write_layers(small_store(built_store, built_at="first"), target)
    first = target.version()
    v = target.put_record("upload", "clinics.geojson", {"rows": 3}, None, author="ana")
    store.write_layers(small_store(built_store, built_at="second"), target)
    assert target.version() != first
    assert store.load_layer("build_info", target)["built_at"].iloc[0] == "second"
    assert target.record("upload", "clinics.geojson").data == {"rows": 3}
    assert target.record("upload", "clinics.geojson").version == v == 1


def test_failed_build_leaves_the_previous_store(backend, built_store, tmp_path):
    target = fresh_store(backend, tmp_path)
    store.write_layers(small_store(built_store, built_at="good"), target)
    before = target.version()
    layers = small_store(built_store, built_at="bad")
    layers["indicators"] = "not a layer"  # fails half-way through writing, after the boundaries
    with pytest.raises(Exception):
        store.write_layers(layers, target)
    assert target.version() == before
    target.clear_cache()
    assert store.load_layer("build_info", target)["built_at"].iloc[0] == "good"
    assert len(store.load_layer("london_lsoa11", target)) == 4835
    if not isinstance(target, GeoPackageStore):
        assert leftover_schemas(target.url) == []
    else:
        assert [p.name for p in tmp_path.iterdir() if p.suffix == ".gpkg"] == ["rebuilt.gpkg"]


def test_failed_build_through_the_builder_says_the_store_is_unchanged(backend, source_dir, monkeypatch):
    before = backend.version()

    def broken(*args, **kwargs):
        raise ValueError("broken on purpose")

    monkeypatch.setattr(builder, "locate_s106", broken)
    with pytest.raises(errors.BuildError, match="broken on purpose"):
        builder.build(source_dir, backend)
    assert backend.version() == before


# ---------------------------------------------------------------------------------------------- user data
def test_records_versions_and_history(backend):
    assert backend.user_version() == 0 and backend.records("s106_edit") == []
    v1 = backend.put_record("s106_edit", "PA/19/001", {"status": "planned", "gbp": 120000}, None, author="ana")
    v2 = backend.put_record("s106_edit", "PA/19/001", {"status": "built", "gbp": 120000}, v1, author="ben")
    assert (v1, v2) == (1, 2)
    record = backend.record("s106_edit", "PA/19/001")
    assert record.data == {"status": "built", "gbp": 120000} and record.version == 2 and record.saved_by == "ben"
    assert [r.key for r in backend.records("s106_edit")] == ["PA/19/001"]
    v3 = backend.delete_record("s106_edit", "PA/19/001", 2, author="cat")
    assert backend.record("s106_edit", "PA/19/001") is None and v3 == 3
    # Made again, it continues the numbering: every version names one value.
    assert backend.put_record("s106_edit", "PA/19/001", {"status": "planned"}, None, author="ana") == 4
    changes = backend.history("s106_edit", "PA/19/001")
    assert [(c.version, c.action, c.saved_by) for c in changes] == [
        (1, "create", "ana"), (2, "update", "ben"), (3, "delete", "cat"), (4, "create", "ana")]
    assert changes[1].previous == {"status": "planned", "gbp": 120000} and changes[1].data["status"] == "built"
    assert changes[2].data is None and changes[2].previous["status"] == "built"
    assert all(c.saved_at.endswith("+00:00") for c in changes)
    assert backend.user_version() == 4
    assert backend.records("upload") == []


def test_second_save_is_refused_with_what_changed(backend):
    v = backend.put_record("s106_edit", "PA/20/7", {"status": "planned", "gbp": 5000, "note": ""}, None, author="ana")
    # Ben and Cat both open version 1; Ben saves first.
    backend.put_record("s106_edit", "PA/20/7", {"status": "built", "gbp": 6500, "note": ""}, v, author="ben")
    with pytest.raises(errors.ConflictError) as caught:
        backend.put_record("s106_edit", "PA/20/7", {"status": "planned", "gbp": 5000, "note": "checked"}, v,
                           author="cat")
    exc = caught.value
    message = str(exc)
    assert "changed by ben" in message and "version 1" in message and "now version 2" in message
    assert "status: 'planned' → 'built'" in message and "gbp: 5000 → 6500" in message
    assert "not applied" in message and "note" not in message.split("Their changes:")[1].split(".")[0]
    assert exc.changes == [("status", "planned", "built"), ("gbp", 5000, 6500)]
    assert exc.current.data["status"] == "built" and exc.expected_version == 1
    # Nothing was written: Ben's value stands, and the history has two entries.
    assert backend.record("s106_edit", "PA/20/7").data["note"] == ""
    assert [c.saved_by for c in backend.history("s106_edit", "PA/20/7")] == ["ana", "ben"]


def test_creating_an_existing_record_or_editing_a_deleted_one_is_refused(backend):
    backend.put_record("upload", "a.csv", {"rows": 1}, None, author="ana")
    with pytest.raises(errors.ConflictError, match=r"was saved by ana .* with rows: \(none\) → 1\. Your save was not applied"):
        backend.put_record("upload", "a.csv", {"rows": 2}, None, author="ben")
    backend.delete_record("upload", "a.csv", 1, author="ana")
    with pytest.raises(errors.ConflictError, match="was deleted by ana"):
        backend.put_record("upload", "a.csv", {"rows": 3}, 1, author="ben")
    with pytest.raises(errors.ConflictError, match="does not exist"):
        backend.delete_record("upload", "never.csv", 1)
    with pytest.raises(errors.ThmapsError, match="mapping"):
        backend.put_record("upload", "b.csv", ["not", "a", "mapping"])
    with pytest.raises(errors.ThmapsError, match="cannot be saved"):
        backend.put_record("upload", "b.csv", {"x": float("nan")})
    assert backend.records("upload") == []


def race(backend_factory, n: int, key: str, expected: int):
    """``n`` threads save the same record from the same version at once; return their outcomes."""
    barrier, outcomes = threading.Barrier(n), []

    def save(i):
        target = backend_factory()
        barrier.wait()
        try:
            target.put_record("s106_edit", key, {"by": i}, expected, author=f"user{i}")
            outcomes.append(("won", i))
        except errors.ConflictError as exc:
            outcomes.append(("refused", exc.current.version))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_simultaneous_conflicting_edits_in_threads(backend):
    v = backend.put_record("s106_edit", "race", {"by": "start"}, None)
    outcomes = race(lambda: backend, 8, "race", v)
    won = [o for o in outcomes if o[0] == "won"]
    assert len(outcomes) == 8 and len(won) == 1
    assert all(o == ("refused", 2) for o in outcomes if o[0] == "refused")
    record = backend.record("s106_edit", "race")
    assert record.version == 2 and record.data == {"by": won[0][1]}
    assert [c.version for c in backend.history("s106_edit", "race")] == [1, 2]
    assert backend.user_version() == 2


def test_concurrent_uploads_of_different_files_all_land(backend):
    barrier = threading.Barrier(6)

    def upload(i):
        barrier.wait()
        backend.put_record("upload", f"file{i}.geojson", {"features": i}, None, author=f"user{i}")

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r.data["features"] for r in backend.records("upload")] == list(range(6))
    assert backend.user_version() == 6


def _edit_until_saved(spec, name, barrier, results):
    """A person in another process: read, wait for everyone, save; on a conflict reload and save again."""
    kind, location, user = spec
    target = GeoPackageStore(Path(location[0]), user_data=Path(location[1])) if kind == "geopackage" \
        else postgis(location[0], user_schema=location[1])
    current = target.record("s106_edit", "shared")
    barrier.wait()
    attempts, refused = 0, 0
    while True:
        attempts += 1
        data = dict(current.data)
        data[name] = "edited"
        try:
            target.put_record("s106_edit", "shared", data, current.version, author=name)
            break
        except errors.ConflictError as exc:
            refused += 1
            current = exc.current
    results.put((name, attempts, refused))


def test_simultaneous_edits_in_processes_one_wins_and_nothing_is_lost(backend):
    """Four processes edit one record from the same version: one save wins at once, the others are refused,
    reload and save again, so every person's edit is in the final record and in the history."""
    backend.put_record("s106_edit", "shared", {"status": "planned"}, None, author="setup")
    location = ((str(backend.path), str(backend.user_data)) if isinstance(backend, GeoPackageStore)
                else (backend.url, backend.user_schema))
    spec = ("geopackage" if isinstance(backend, GeoPackageStore) else "postgis", location, None)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    names = [f"person{i}" for i in range(4)]
    procs = [ctx.Process(target=_edit_until_saved, args=(spec, n, barrier, results)) for n in names]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    first_try = [o for o in outcomes if o[1] == 1]
    assert len(first_try) == 1  # exactly one of the simultaneous saves won
    final = backend.record("s106_edit", "shared")
    assert final.version == 5 and all(final.data[n] == "edited" for n in names)
    changes = backend.history("s106_edit", "shared")
    assert [c.version for c in changes] == [1, 2, 3, 4, 5]
    assert sorted(c.saved_by for c in changes[1:]) == names
    # Each save kept the earlier ones: every change adds exactly one person's edit.
    for before, after in zip(changes, changes[1:]):
        assert set(after.data) - set(before.data) == {after.saved_by}
    assert backend.user_version() == 5  # the refused saves wrote nothing


# ---------------------------------------------------------------------------------------------- the PostGIS switch
def leftover_schemas(url) -> list[str]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_build\\_%' "
                                           "OR nspname LIKE '%\\_old\\_%'")]


def test_readers_see_the_old_store_until_the_switch(postgis_store, built_store):
    target = postgis(postgis_store, schema=unique("switch"))
    store.write_layers(small_store(built_store, built_at="old"), target)
    old = target.version()
    paused, release = threading.Event(), threading.Event()

    def hold():
        paused.set()
        assert release.wait(60)

    builder_thread = threading.Thread(target=target.write_all,
                                      args=(small_store(built_store, built_at="new"), store.LAYERS),
                                      kwargs={"before_switch": hold})
    builder_thread.start()
    assert paused.wait(120)  # every new layer written, not yet switched
    reader = postgis(postgis_store, schema=target.schema)
    assert reader.version() == old
    assert reader.read("build_info", False)["built_at"].iloc[0] == "old"
    assert len(reader.read("london_lsoa11", True)) == 4835
    assert leftover_schemas(postgis_store) == []  # the half-built schema is invisible to everyone else
    release.set()
    builder_thread.join(120)
    assert reader.version() != old
    assert reader.read("build_info", False)["built_at"].iloc[0] == "new"
    assert leftover_schemas(postgis_store) == []  # the old schema is dropped


def test_switch_waits_for_a_read_in_progress(postgis_store, built_store):
    """A reader's transaction pins one store: a switch waits for it, and the reader never sees a mix."""
    import psycopg

    target = postgis(postgis_store, schema=unique("pinned"))
    store.write_layers(small_store(built_store, built_at="old"), target)
    reached = threading.Event()
    with psycopg.connect(postgis_store) as conn:  # a transaction, as PostGISStore.read opens
        conn.execute(f'SELECT version FROM "{target.schema}"._store_meta').fetchone()
        switch = threading.Thread(target=target.write_all, args=(small_store(built_store, built_at="new"), store.LAYERS),
                                  kwargs={"before_switch": reached.set})
        switch.start()
        assert reached.wait(120)  # every layer written; now the switch asks for the live store
        with psycopg.connect(postgis_store, autocommit=True) as watcher:
            deadline = time.monotonic() + 60
            while not watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND query LIKE 'LOCK TABLE%'").fetchone()[0]:
                assert time.monotonic() < deadline and switch.is_alive()
                time.sleep(0.1)
        stamp = conn.execute(f'SELECT built_at FROM "{target.schema}".build_info').fetchone()[0]
        assert stamp == "old" and switch.is_alive()  # the switch waits for this reader
    switch.join(120)
    assert not switch.is_alive()
    assert store.load_layer("build_info", target)["built_at"].iloc[0] == "new"


# ---------------------------------------------------------------------------------------------- two app servers
def test_two_app_servers_on_one_database_see_each_others_changes(postgis_store, built_store):
    """Two `streamlit run` processes on one database: after a rebuild through another process, both show
    the new store on their next run, without a restart (their caches are keyed on the database's version)."""
    from webapp.browser import running_app
    from webapp.wsclient import Session

    env = dict(os.environ, **{settings.DATABASE_URL_ENV: postgis_store,
                              settings.STORE_ENV: str(ROOT / "no-such-store.gpkg")})
    built = store.load_layer("build_info", postgis_store)["built_at"].iloc[0]
    with running_app(env=env) as one, running_app(env=env) as two:
        with Session(one) as first, Session(two) as second:
            for session in (first, second):
                run = session.run("data-and-sources")
                assert not run.errors, run.errors
                assert any(t.replace("\\", "").startswith(f"Store built {built}") for t in run.texts), run.texts[:5]
            # Another process rebuilds the store in the database (here: this test process).
            store.write_layers(small_store(postgis_store, built_at="2099-01-01T00:00:00+00:00"), postgis_store)
            for session in (first, second):
                run = session.run("data-and-sources")
                assert not run.errors, run.errors
                assert any(t.replace("\\", "").startswith("Store built 2099-01-01") for t in run.texts), run.texts[:5]
            # User data written by one process are read by others at once (no cache in between).
            user = postgis(postgis_store)
            before = user.user_version()
            code = ("from thmaps import store; import sys; "
                    "print(store.put_record('upload', sys.argv[1], {'rows': 1}, None, author='other server'))")
            key = unique("file")
            written = subprocess.run([sys.executable, "-c", code, key], env=env, cwd=ROOT, capture_output=True,
                                     text=True, timeout=120)
            assert written.returncode == 0, written.stderr
            assert user.user_version() == before + 1 and user.record("upload", key).saved_by == "other server"


APP_PAGES = ("", "my-locality", "export", "data-and-sources", "development-impact", "your-data")


def test_every_page_says_plainly_when_the_database_cannot_be_reached():
    """With the database down (here: a socket folder that does not exist), every page shows one plain error
    naming the database without its password, and no traceback."""
    from webapp.browser import running_app
    from webapp.wsclient import Session

    url = "postgresql://app:s3cret@/thmaps?host=/tmp/thmaps-no-such-socket-dir"
    env = dict(os.environ, **{settings.DATABASE_URL_ENV: url, settings.STORE_ENV: str(ROOT / "no-such-store.gpkg")})
    with running_app(env=env) as app, Session(app) as session:
        for page in APP_PAGES:
            run = session.run(page)
            assert run.status == "FINISHED_SUCCESSFULLY", (page, run.status)
            assert len(run.errors) == 1, (page, run.errors)  # an exception would be listed here too
            message = run.texts[-1].replace("\\", "")
            assert run.errors[0] == run.texts[-1][:300] and message.startswith("The data store cannot be reached: "), message
            assert "THMAPS_DATABASE_URL" in message and "app:***@" in message, message
            assert not any("s3cret" in t or "Traceback" in t for t in run.texts), run.texts


def test_an_indicator_uploaded_in_the_browser_on_one_app_server_appears_on_the_other(postgis_store, browser):
    """Issue 13: two `streamlit run` processes on one database; an indicator uploaded through the Your data
    page of one (a real browser, a real file) is offered on the Borough map of the other at once, no restart."""

    from thmaps.indicators.catalogue import get as get_indicator
    from thmaps.uploads import IndicatorSpec
    from webapp.browser import assert_no_error_text, new_page, running_app, wait_for_app
    from webapp.wsclient import Session

    # A ward file of real figures: each ward's population as built in the store (latest period, whole people).
    period = get_indicator("population").latest_period
    values = store.load_layer("indicators", postgis_store)
    population = values[(values["indicator_id"] == "population") & (values["level"] == "ward")
                        & (values["period"] == period)].set_index("area_code")["value"]
    wards = store.load_layer("wards", postgis_store)["code"]
    body = "ward code,value,period\n" + "".join(f"{code},{population[code]:.0f},{period}\n" for code in wards)
    title = f"Ward residents {uuid.uuid4().hex[:8]}"
    indicator_id = IndicatorSpec(title, "people", "count").indicator_id
    query = f"indicator={indicator_id}&level=ward"

    env = dict(os.environ, **{settings.DATABASE_URL_ENV: postgis_store,
                              settings.STORE_ENV: str(ROOT / "no-such-store.gpkg")})
    with running_app(env=env) as one, running_app(env=env) as two:
        with Session(two) as before:  # server two has run its map (caches filled) before the upload
            run = before.run("", query)
            assert not run.errors, run.errors
            assert not any(title in t for t in run.texts)
        page = new_page(browser)
        try:
            page.goto(f"{one}/your-data")
            wait_for_app(page)
            assert page.get_by_text("Page not found").count() == 0  # a deep link opens its page
            page.locator("input[type='file']").first.set_input_files(
                files=[{"name": "ward_residents.csv", "mimeType": "text/csv", "buffer": body.encode()}])
            page.get_by_text("ward_residents.csv").wait_for(timeout=30_000)
            for label, text in (("Title", title), ("Unit", "people")):
                page.get_by_label(label, exact=True).fill(text)
                page.get_by_label(label, exact=True).press("Enter")
                wait_for_app(page)
            page.get_by_role("button", name="Save the indicator").click()
            page.get_by_text("Saved: it now appears on every page.").wait_for(timeout=60_000)
            assert_no_error_text(page)
        finally:
            page.context.close()
        try:
            with Session(two) as after:  # a new tab on server two, still running since before the upload
                run = after.run("", query)
                assert not run.errors, run.errors
                assert any(title in t for t in run.texts), run.texts[:5]
        finally:
            found = store.record("indicator", indicator_id, postgis_store)
            if found is not None:
                store.delete_record("indicator", indicator_id, found.version, store=postgis_store)
