"""The Your data page runs, lists user data and removes a record, on both store backends (fixture ``user_store``)."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from thmaps import store
from thmaps.uploads.s106 import save_edit

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "6_Your_data.py")


def test_page_runs_without_exception(user_store):
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Your data"


def test_page_lists_and_removes_user_data(user_store):
    save_edit({"project": "Page test clinic", "total_gbp": "250000"}, None, "ana")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    listed = at.dataframe[-1].value
    assert list(listed["key"]) == ["Page test clinic"] and list(listed["saved_by"]) == ["ana"]
    next(b for b in at.button if b.label == "Remove").click().run()
    assert not at.exception
    assert store.records("s106_edit") == [] and [c.action for c in store.history("s106_edit")] == ["create", "delete"]
