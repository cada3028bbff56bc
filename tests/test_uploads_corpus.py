"""A corpus of broken and hostile uploads (tests/corpus/uploads) and the plain message each must get."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from thmaps import store
from thmaps.errors import ThmapsError, UserDataError
from thmaps.uploads import IndicatorSpec, preview_indicator, save_indicator

CORPUS = Path(__file__).parent / "corpus" / "uploads"
COUNT = IndicatorSpec("Corpus count", "people", "count")

#: File -> the words its message must contain (a refusal of the whole file).
CASES = {
    "empty.csv": "empty.csv: the file is empty",
    "junk.csv": "junk.csv: the file is binary, not CSV text",
    "header_only.csv": "header_only.csv: the table has a header but no rows",
    "bad_utf16.csv": "bad_utf16.csv: the file says it is UTF-16 text but is not",
    "fake.xlsx": "fake.xlsx: the workbook is damaged",
    "wrong_suffix.pdf": "wrong_suffix.pdf: upload a CSV file (.csv) or an Excel workbook (.xlsx)",
    "no_code_column.csv": "no_code_column.csv: no area code or name column found",
    "no_value_column.csv": "no_value_column.csv: no value column found",
    "escape.zip": "escape.zip: upload a CSV file",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_broken_file_gets_its_message(name):
    with pytest.raises(UserDataError) as caught:
        preview_indicator((CORPUS / name).read_bytes(), name, COUNT)
    message = str(caught.value)
    assert CASES[name] in message
    assert "Traceback" not in message and "\n" not in message


def test_rows_are_rejected_each_with_its_reason():
    preview = preview_indicator((CORPUS / "rows_bad.csv").read_bytes(), "rows_bad.csv", COUNT)
    reasons = dict(zip(preview.rejected["row"], preview.rejected["reason"]))
    assert reasons[2].startswith("unknown code")
    assert reasons[3].startswith("wrong level")
    assert reasons[4].startswith("not a number")
    assert reasons[6].startswith("duplicate")
    assert reasons[7] == "no area code"
    assert reasons[8].startswith("negative value")
    assert list(preview.used["row"]) == [5]
    assert "1 unknown code" in preview.summary()


def test_latin1_file_is_read_with_a_warning():
    preview = preview_indicator((CORPUS / "latin1_values.csv").read_bytes(), "latin1_values.csv", COUNT)
    assert any("Windows-1252" in w for w in preview.warnings)
    assert preview.rejected["value"].iloc[0] == "café"


def test_hostile_names_are_quoted_not_interpreted():
    preview = preview_indicator((CORPUS / "hostile.csv").read_bytes(), "hostile.csv", COUNT)
    assert "<script>alert(1)</script>" in set(preview.rejected["area"])
    assert len(preview.used) == 1


def test_ten_thousand_columns_refused():
    data = (",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode()
    with pytest.raises(UserDataError, match="wide.csv: has 10,000 columns; thmaps reads tables of at most 500"):
        preview_indicator(data, "wide.csv", COUNT)


def test_too_large_and_too_long_refused(monkeypatch):
    from thmaps.uploads import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 10)
    data = ("lsoa11cd,value\n" + "E01004197,1\n" * 11).encode()
    with pytest.raises(UserDataError, match="long.csv: has more than 10 rows"):
        preview_indicator(data, "long.csv", COUNT)
    monkeypatch.setattr(tables, "MAX_TABLE_BYTES", 100)
    with pytest.raises(UserDataError, match="big.csv: the file is"):
        preview_indicator(data, "big.csv", COUNT)


def test_xlsx_zip_bomb_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (210 * 2**20))
    with pytest.raises(UserDataError, match="bomb.xlsx: the workbook unpacks to more than"):
        preview_indicator(buffer.getvalue(), "bomb.xlsx", COUNT)


def test_control_characters_and_long_names_are_cleaned():
    with pytest.raises(UserDataError) as caught:
        preview_indicator(b"", "a\x1b[31m\nb" + "x" * 300 + ".csv", COUNT)
    message = str(caught.value)
    assert "\x1b" not in message and "\n" not in message and len(message) < 140


@pytest.mark.parametrize("spec, words", [
    (IndicatorSpec("", "x", "count"), "the title must be"),
    (IndicatorSpec("t" * 500, "x", "count"), "the title must be"),
    (IndicatorSpec("ok", "x", "ratio"), "say whether the indicator is a count"),
    (IndicatorSpec("ok", "x", "rate", per=7), "a rate is per one of"),
    (IndicatorSpec("ok", "x", "count", level="county"), "unknown level"),
    (IndicatorSpec("ok", "x", "count", columns={"colour": "x"}), "unknown column role"),
])
def test_bad_statements_refused(spec, words):
    with pytest.raises(UserDataError, match=words):
        preview_indicator(b"lsoa11cd,value\nE01004197,1\n", "ok.csv", spec)


def test_failed_upload_changes_nothing(user_store):
    """Byte for byte on GeoPackage (store and user-data files); on PostGIS every user-data row (records, history,
    the write counter) and the store and user-data versions."""
    good = preview_indicator(b"ward,value\nWeavers,3\n", "first.csv", IndicatorSpec("Kept", "people", "count"))
    if user_store.kind == "postgis":
        assert not user_store.schema_exists()  # the user-data schema is made on first use
    save_indicator(good)
    if user_store.kind == "postgis":
        assert user_store.schema_exists()
    before = user_store.snapshot()
    assert store.user_version() == 1
    for name in CASES:
        with pytest.raises(ThmapsError):
            save_indicator(preview_indicator((CORPUS / name).read_bytes(), name, COUNT))
    nothing = preview_indicator((CORPUS / "rows_bad.csv").read_bytes(), "rows_bad.csv", COUNT)
    nothing.used = nothing.used.iloc[:0]
    with pytest.raises(UserDataError, match="Nothing was saved"):
        save_indicator(nothing)
    with pytest.raises(UserDataError, match="exists"):
        save_indicator(good)  # the same title again without replace
    assert user_store.snapshot() == before
    assert [r.key for r in store.records("indicator")] == ["user_kept"]
