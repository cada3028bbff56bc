"""S106/CIL register edits: checked like the sources, applied in one place, kept with history, undone; on
both store backends (fixture ``user_store``)."""
from __future__ import annotations

import pytest

from thmaps import cli, store
from thmaps.errors import ConflictError, UserDataError
from thmaps.uploads.s106 import save_edit
from thmaps.uploads.userdata import remove_user_data, undo


def _projects():
    return store.load_layer("s106_projects")


@pytest.mark.parametrize("fields, words", [
    ({"project": ""}, "the project name must be"),
    ({"project": "x" * 300}, "the project name must be"),
    ({"project": "A", "colour": "red"}, "unknown field 'colour'"),
    ({"project": "A", "total_gbp": "lots"}, "total amount is not a number: 'lots'"),
    ({"project": "A", "total_gbp": "-5"}, "total_gbp must be between £0"),
    ({"project": "A", "total_gbp": "1e12"}, "total_gbp must be between £0"),
    ({"project": "A", "total_gbp": "100", "cil_gbp": "80", "s106_gbp": "30"}, "exceed the total"),
    ({"project": "A", "decision_date": "10/04/2018"}, "decision date must be a date written YYYY-MM-DD"),
    ({"project": "A", "decision_date": "2999-01-01"}, "is not between 1990 and today"),
    ({"project": "A", "wards": "Atlantis"}, "unknown ward 'Atlantis'"),
    ({"project": "A", "postcode": "SW1A 1AA"}, "postcode:"),
    ({"project": "A", "source_urls": "javascript:alert(1)"}, "links must start with http"),
    ({"project": "A", "location": "a\x00b"}, "location must be at most"),
])
def test_bad_edits_refused_and_nothing_saved(fields, words, user_store):
    with pytest.raises(UserDataError, match=words):
        save_edit(fields)
    assert store.records("s106_edit") == [] and store.user_version() == 0


def test_correct_add_history_undo(user_store):
    built = _projects()
    name = built["project"].iloc[3]
    v1 = save_edit({"project": name, "total_gbp": "1,200,000", "postcode": "E1 4DG"}, None, "ana")
    save_edit({"project": "New <script>alert(1)</script> clinic", "total_gbp": 5e5, "decision_date": "2024-05-01",
               "postcode": "E14 0XA"}, None, "ana")
    now = _projects()
    assert len(now) == len(built) + 1
    fixed = now[now["project"] == name].iloc[0]
    assert fixed["total_gbp"] == 1_200_000 and fixed["locality_mapped"] == "North West"
    assert fixed["edited"].startswith("edited by the user")
    assert now.iloc[-1]["year"] == "2024" and not now.geometry.iloc[-1].is_empty
    with pytest.raises(ConflictError):
        save_edit({"project": name, "total_gbp": 1}, None, "ben")  # ben read no edit: ana's is there now
    v2 = save_edit({"project": name, "total_gbp": 1}, v1, "ben")
    change = store.history("s106_edit", name)[-1]
    assert change.previous["total_gbp"] == 1_200_000 and change.data["total_gbp"] == 1 and v2 == 2
    undo("s106_edit", name)
    assert _projects().set_index("project").loc[name, "total_gbp"] == 1_200_000
    undo("s106_edit", name)  # an undo is itself a change: undoing it again redoes
    assert _projects().set_index("project").loc[name, "total_gbp"] == 1
    remove_user_data("s106_edit", name)  # back to the built value, the edits kept in the history
    columns = [c for c in built.columns if c not in ("project", "geometry")]
    after = _projects().set_index("project").loc[name, columns]
    assert after.equals(built.set_index("project").loc[name, columns])


def test_cli_s106(capsys, user_store):
    assert cli.main(["s106", "CLI clinic", "--total-gbp", "250000", "--wards", "Weavers"]) == 0
    assert "Saved the register edit" in capsys.readouterr().out
    assert cli.main(["s106", "CLI clinic", "--decision-date", "2020-02-30"]) == 2
    assert "decision date must be a date" in capsys.readouterr().err
    assert cli.main(["s106", "CLI clinic", "--cil-gbp", "1000"]) == 0
    row = _projects().set_index("project").loc["CLI clinic"]
    assert row["total_gbp"] == 250000 and row["cil_gbp"] == 1000
