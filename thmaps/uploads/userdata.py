"""User data as a whole: list it, export it, remove it, undo a change.

Removing keeps the record in the history, so it can be undone; nothing the user made is ever deleted for
good by thmaps. Exports are written atomically and never over an existing file.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import store
from .._util import atomic_path
from ..errors import UserDataError
from ..safetext import spreadsheet_frame
from ..sources.registry import Source
from .tables import shown

#: The kinds of user data, as people call them.
KINDS = {"indicator": "uploaded indicator", "geometry": "uploaded geometry", "s106_edit": "S106/CIL register edit"}


def file_source(sid: str, kind: str, geography: str = "", store_=None) -> Source:
    """The source registry entry of an uploaded file (``user:<id>``, ``user-geometry:<key>``): provided by the
    user, with the file name and upload date (a removed upload still names itself so)."""
    found = store.record(kind, sid.split(":", 1)[1], store_) if ":" in sid else None
    data = found.data if found else {}
    name, date = data.get("file_name", "(removed upload)"), data.get("uploaded", "")
    line = f"Provided by the user: {name}, uploaded {date}".strip(", ")
    return Source(sid, line, "provided by the user", "as provided by the user", line, date or "unknown",
                  geography(data) if callable(geography) else geography, name, "")


def list_user_data(store_=None) -> pd.DataFrame:
    """Every user-data record: kind, key, title, version, saved at, saved by."""
    rows = []
    for kind, label in KINDS.items():
        for rec in store.records(kind, store_):
            data = rec.data or {}
            title = data.get("title") or data.get("project") or data.get("name") or rec.key
            source = data.get("file_name", "")
            rows.append({"kind": kind, "what": label, "key": rec.key, "title": str(title), "file": source,
                         "version": rec.version, "saved_at": rec.saved_at, "saved_by": rec.saved_by})
    return pd.DataFrame(rows, columns=["kind", "what", "key", "title", "file", "version", "saved_at", "saved_by"])


def _get(kind: str, key: str, store_=None):
    if kind not in KINDS:
        raise UserDataError(f"unknown kind of user data {shown(kind)}; kinds: {', '.join(KINDS)}")
    found = store.record(kind, key, store_)
    if found is None:
        raise UserDataError(f"there is no {KINDS[kind]} {shown(key, 80)}; see `thmaps user-data list`")
    return found


def export_user_data(kind: str, key: str, target: Path, store_=None) -> Path:
    """Write one record to ``target``: an indicator's rows as CSV, anything else as JSON.

    Raises
    ------
    UserDataError
        If there is no such record, or ``target`` exists (nothing is overwritten).
    """
    found = _get(kind, key, store_)
    target = Path(target)
    if target.exists():
        raise UserDataError(f"{shown(str(target), 80)} exists; choose a new file name (nothing is overwritten)")
    with atomic_path(target, target.suffix or ".tmp") as tmp:
        if kind == "indicator" and target.suffix.lower() == ".csv":
            frame = pd.DataFrame(found.data.get("rows", []), columns=["level", "area_code", "period", "value",
                                                                      "numerator", "denominator"])
            frame.insert(0, "indicator", found.data.get("title", key))
            spreadsheet_frame(frame).to_csv(tmp, index=False)
        else:
            tmp.write_text(json.dumps({"kind": kind, "key": key, "version": found.version,
                                       "saved_at": found.saved_at, "saved_by": found.saved_by, "data": found.data},
                                      ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def remove_user_data(kind: str, key: str, author: str = "", store_=None) -> int:
    """Remove one record (its history keeps it: :func:`undo` brings it back); the new version."""
    found = _get(kind, key, store_)
    return store.delete_record(kind, key, found.version, author, store_)


def undo(kind: str, key: str, author: str = "", store_=None) -> int:
    """Undo the last change to a record: restore the value before it (or remove a record just created).

    Raises
    ------
    UserDataError
        If the record has no history.
    ConflictError
        If the record changed while undoing (nothing is written).
    """
    if kind not in KINDS:
        raise UserDataError(f"unknown kind of user data {shown(kind)}; kinds: {', '.join(KINDS)}")
    changes = store.history(kind, key, store_)
    if not changes:
        raise UserDataError(f"{KINDS[kind]} {shown(key, 80)} has no change to undo")
    last = changes[-1]
    current = store.record(kind, key, store_)
    expected = current.version if current else None
    if last.previous is None:
        if current is None:
            raise UserDataError(f"{KINDS[kind]} {shown(key, 80)} has no change to undo")
        return store.delete_record(kind, key, expected, author, store_)
    return store.put_record(kind, key, last.previous, expected, author, store_)
