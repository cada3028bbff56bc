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
