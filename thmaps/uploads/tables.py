"""Tables from a user's file: CSV (any common encoding) or Excel (.xlsx), read safely as text.

The content decides what the file is and must agree with its name. Every cell is read as text so that
each row can later be accepted or rejected on its own, with the value that was wrong quoted back.
Limits: :data:`MAX_TABLE_BYTES`, :data:`MAX_ROWS`, :data:`thmaps.sources._common.MAX_COLUMNS`.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import PurePosixPath

import pandas as pd

from ..errors import UserDataError
from ..sources._common import MAX_COLUMNS

#: Largest table file accepted.
MAX_TABLE_BYTES = 20 * 1024 * 1024
#: Most data rows accepted.
MAX_ROWS = 200_000
#: Most bytes an .xlsx may unpack to (a zip bomb is refused before it is opened).
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls")


def shown_name(filename) -> str:
    """A file's name as echoed back: its last part, printable characters only, at most 80 characters."""
    base = PurePosixPath(str(filename or "upload").replace("\\", "/")).name
    clean = "".join(ch for ch in base if ch.isprintable()).strip()
    return (clean if len(clean) <= 80 else clean[:79] + "…") or "upload"


def shown(value, limit: int = 40) -> str:
    """A value from a file as quoted in a message: printable characters only, shortened, in quotes."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def read_table(data: bytes, filename: str) -> tuple[pd.DataFrame, list[str]]:
    """A CSV or Excel file's first table, every cell as text (empty cells as ``""``).

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name; the suffix (``.csv``, ``.txt``, ``.xlsx``) says what it claims to be.

    Returns
    -------
    tuple
        The table (column names stripped, made unique) and warnings (an encoding guessed, say).

    Raises
    ------
    UserDataError
        If the file is empty, too large, too wide or too long, binary, or not what its name says.
    """
    name = shown_name(filename)
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in TABLE_SUFFIXES:
        raise UserDataError(f"{name}: upload a CSV file (.csv) or an Excel workbook (.xlsx)")
    data = bytes(data or b"")
    if not data.strip():
        raise UserDataError(f"{name}: the file is empty")
    if len(data) > MAX_TABLE_BYTES:
        raise UserDataError(f"{name}: the file is {len(data) / 2**20:,.1f} MiB; the limit is "
                            f"{MAX_TABLE_BYTES // 2**20} MiB")
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UserDataError(f"{name}: old-style Excel (.xls) files are not read; save it as .xlsx or CSV")
    if suffix == ".xlsx":
        frame, warnings = _read_xlsx(data, name), []
    else:
        if data[:4] == b"PK\x03\x04":
            raise UserDataError(f"{name}: the file is a zip archive or an Excel workbook, not CSV text; "
                                "give it the right name (.xlsx) or save it as CSV")
        frame, warnings = _read_csv(data, name)
    return _tidy(frame, name), warnings


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise UserDataError(f"{name}: the file says it is UTF-16 text but is not; save it as CSV UTF-8") from None
    if b"\x00" in data[:65536]:
        raise UserDataError(f"{name}: the file is binary, not CSV text; save it as CSV UTF-8")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise UserDataError(f"{name}: the file is not text in UTF-8 or Windows-1252; save it as CSV UTF-8") from None
    return text, [f"{name} is not UTF-8: it was read as Windows-1252 (check accented names)."]


def _read_csv(data: bytes, name: str) -> tuple[pd.DataFrame, list[str]]:
    text, warnings = _decode(data, name)
    first = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first[:10000], delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    if first.count(sep) + 1 > MAX_COLUMNS:
        raise UserDataError(f"{name}: has {first.count(sep) + 1:,} columns; thmaps reads tables of at most "
                            f"{MAX_COLUMNS}")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1,
                            skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        reason = str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__
        raise UserDataError(f"{name}: cannot be read as CSV ({reason})") from None
    return frame, warnings


def _read_xlsx(data: bytes, name: str) -> pd.DataFrame:
    if data[:4] != b"PK\x03\x04":
        raise UserDataError(f"{name}: the file is not an Excel workbook, although its name ends in .xlsx")
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UserDataError(f"{name}: the workbook is damaged (not a readable zip archive)") from None
    if sum(m.file_size for m in members) > MAX_XLSX_UNPACKED or len(members) > 10_000:
        raise UserDataError(f"{name}: the workbook unpacks to more than {MAX_XLSX_UNPACKED // 2**20} MiB; "
                            "it was not opened")
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, keep_default_na=False,
                              nrows=MAX_ROWS + 1, engine="openpyxl")
    except Exception as exc:  # openpyxl's errors name its internals: say it plainly
        raise UserDataError(f"{name}: cannot be read as an Excel workbook ({type(exc).__name__})") from None
    return frame


def _tidy(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if frame.shape[1] > MAX_COLUMNS:
        raise UserDataError(f"{name}: has {frame.shape[1]:,} columns; thmaps reads tables of at most {MAX_COLUMNS}")
    if len(frame) > MAX_ROWS:
        raise UserDataError(f"{name}: has more than {MAX_ROWS:,} rows; thmaps reads tables of at most {MAX_ROWS:,}")
    if frame.empty:
        raise UserDataError(f"{name}: the table has a header but no rows")
    columns, seen = [], set()
    for i, col in enumerate(frame.columns):
        label = " ".join(str(col).split()) or f"column {i + 1}"
        while label in seen:
            label += " (again)"
        seen.add(label)
        columns.append(label)
    out = frame.copy()
    out.columns = columns
    return out.fillna("").astype(str)
