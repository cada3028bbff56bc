"""The Your data page runs, previews a hostile upload as text, and lists user data."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "6_Your_data.py")


def test_page_runs_without_exception():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Your data"
