"""Shared fixtures: every test runs on the real data bundle, through a store built once per session."""
from __future__ import annotations

import os
import urllib.parse
import uuid
from pathlib import Path

import pytest

from thmaps import builder, settings

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    if not os.environ.get(settings.SOURCE_DIR_ENV):
        raise pytest.UsageError(
            f"{settings.SOURCE_DIR_ENV} is not set: run the tests with the README command "
            f"(it points {settings.SOURCE_DIR_ENV} at ../shared/data)."
        )
    # The tests use the GeoPackage store they build, whatever the shell says; the PostGIS tests take their
    # database from THMAPS_DATABASE_URL_TEST (tests/test_store_backends.py).
    os.environ.pop(settings.DATABASE_URL_ENV, None)


@pytest.fixture(scope="session", autouse=True)
def user_data(tmp_path_factory) -> Path:
    """User data of the session's GeoPackage store in a temporary file, never in the checkout."""
    path = tmp_path_factory.mktemp("user") / "userdata.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.USER_DATA_ENV, str(path))
        yield path


@pytest.fixture(scope="session")
def source_dir() -> Path:
    return settings.source_dir()


@pytest.fixture(scope="session", autouse=True)
def built_store(tmp_path_factory, source_dir) -> Path:
    """Build the store from the real bundle into a temporary folder and point the library at it."""
    path = tmp_path_factory.mktemp("store") / "thmaps.gpkg"
    builder.build(source_dir, path)
    previous = os.environ.get(settings.STORE_ENV)
    os.environ[settings.STORE_ENV] = str(path)
    yield path
    if previous is None:
        os.environ.pop(settings.STORE_ENV, None)
    else:
        os.environ[settings.STORE_ENV] = previous


@pytest.fixture(scope="module")
def app_url():
    """The real app (`streamlit run`) on loopback, for the browser tests of one module."""
    from webapp.browser import running_app

    with running_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, for the browser tests of one module."""
    from playwright.sync_api import sync_playwright

    from webapp.browser import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh page that records any request leaving the machine (``page.outside_requests``)."""
    from webapp.browser import new_page

    pg = new_page(browser)
    yield pg
    pg.context.close()


# ------------------------------------------------------------------ the two store backends
#: The PostgreSQL server for the PostGIS tests (`scripts/test.sh` starts one with scripts/postgis.sh).
POSTGIS_TEST_ENV = "THMAPS_DATABASE_URL_TEST"


def database_url(base: str, name: str) -> str:
    """``base`` (a postgresql:// URL) with its database replaced by ``name``."""
    parts = urllib.parse.urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="session")
def postgis_url() -> str:
    """A fresh PostGIS database for this session on the server at ``THMAPS_DATABASE_URL_TEST``, dropped after.

    Without that variable the PostGIS tests are skipped, unless ``THMAPS_REQUIRE_POSTGIS=1`` (set by
    `scripts/test.sh`, so CI cannot skip them silently).
    """
    base = os.environ.get(POSTGIS_TEST_ENV)
    if not base:
        if os.environ.get("THMAPS_REQUIRE_POSTGIS") == "1":
            pytest.fail(f"{POSTGIS_TEST_ENV} is not set: start a cluster with `bash scripts/postgis.sh start`")
        pytest.skip(f"{POSTGIS_TEST_ENV} not set (bash scripts/test.sh starts a throwaway PostGIS cluster)")
    import psycopg
    from thmaps.store import postgis

    name = f"thmaps_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(base, name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    yield url
    postgis.close_pools()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgis_store(postgis_url, source_dir) -> str:
    """The store built from the real bundle into the session's PostGIS database (schema ``thmaps``)."""
    builder.build(source_dir, postgis_url)
    return postgis_url


@pytest.fixture(params=["geopackage", "postgis"])
def backend(request, built_store, tmp_path):
    """Each backend in turn, holding the session's built store and user data of this test's own."""
    from thmaps.store.geopackage import GeoPackageStore

    if request.param == "geopackage":
        return GeoPackageStore(built_store, user_data=tmp_path / "userdata.sqlite")
    from thmaps.store.postgis import PostGISStore

    return PostGISStore(request.getfixturevalue("postgis_store"), user_schema=f"user_{uuid.uuid4().hex[:10]}")


class UserStore:
    """The user-data store a test runs on (fixture ``user_store``): ``kind`` is "geopackage" or "postgis"."""

    def __init__(self, kind: str, store_file: Path, monkeypatch, user_file: Path | None = None,
                 url: str | None = None):
        self.kind, self.store_file, self.user_file, self.url = kind, store_file, user_file, url
        self.monkeypatch, self.schemas = monkeypatch, []
        self.move()

    def move(self) -> None:
        """Point the library at fresh, empty user data on the same backend: a new file, or a new schema."""
        if self.kind == "geopackage":
            self.user_file = self.user_file.with_name(f"user_{uuid.uuid4().hex[:6]}.sqlite")
            self.monkeypatch.setenv(settings.USER_DATA_ENV, str(self.user_file))
            return
        self.schema = f"user_{uuid.uuid4().hex[:10]}"
        self.schemas.append(self.schema)
        self.monkeypatch.setattr(settings, "POSTGIS_USER_SCHEMA", self.schema)
        assert not self.schema_exists()

    def drop(self) -> None:
        """Drop the PostGIS user-data schemas made for the test."""
        import psycopg
        from psycopg import sql

        if self.schemas:
            with psycopg.connect(self.url, autocommit=True) as conn:
                for schema in self.schemas:
                    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))

    def snapshot(self) -> dict:
        """Everything a failed upload must leave unchanged: on GeoPackage the bytes of the store and user-data
        files; on PostGIS every row of the user schema's tables, and the store and user-data versions."""
        from thmaps import store

        if self.kind == "geopackage":
            files = [self.store_file, self.user_file, self.user_file.with_name(self.user_file.name + "-wal")]
            return {p: p.read_bytes() for p in files if p.exists()}
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url) as conn:  # each row as PostgreSQL's text of it: the JSON as saved
            tables = {table: conn.execute(sql.SQL("SELECT t::text FROM {} t ORDER BY {}").format(
                sql.Identifier(self.schema, table), sql.SQL(order))).fetchall()
                for table, order in (("records", "kind, key"), ("history", "seq"), ("state", "id"))}
        return {"tables": tables, "version": store.version(), "user_version": store.user_version()}

    def schema_exists(self) -> bool:
        """On PostGIS, whether the user-data schema has been made."""
        return _schema_exists(self.url, self.schema)


def _schema_exists(url: str, schema: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone())


@pytest.fixture(params=["geopackage", "postgis"])
def user_store(request, built_store, tmp_path, monkeypatch):
    """The library's store selected through the environment, as the app and the CLI select it, on each backend
    in turn, with empty user data of this test's own: on GeoPackage the session's built store and a fresh
    user-data file (``THMAPS_USER_DATA``); on PostGIS the session's PostGIS store (``THMAPS_DATABASE_URL``) and a
    fresh user-data schema (:data:`thmaps.settings.POSTGIS_USER_SCHEMA`), made on first use and dropped after."""
    from thmaps import store

    if request.param == "geopackage":
        yield UserStore("geopackage", built_store, monkeypatch, user_file=tmp_path / "user.sqlite")
        return
    url = request.getfixturevalue("postgis_store")
    monkeypatch.setenv(settings.DATABASE_URL_ENV, url)
    found = UserStore("postgis", built_store, monkeypatch, url=url)
    assert store.backend().user_location().endswith(f"(schema {found.schema})")
    try:
        yield found
    finally:
        found.drop()
