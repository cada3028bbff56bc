"""Shared fixtures: every test runs on the real data bundle, through a store built once per session."""
from __future__ import annotations

import os
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
