"""The store's backend interface: built layers plus versioned user data, in a GeoPackage or in PostGIS.

A backend holds two things that live apart:

* the **built store**: every layer :mod:`thmaps.builder` writes, replaced whole by each build
  (:meth:`Backend.write_all`, atomic for readers) and read with :meth:`Backend.read` (cached per
  :meth:`Backend.version`, which changes with every build);
* **user data** (uploads, register edits...): JSON records addressed by ``kind`` and ``key``, each with an
  integer version. :meth:`Backend.put_record` saves only if the caller read the version now stored
  (optimistic locking): a second person saving over an edit they have not seen gets a
  :class:`~thmaps.errors.ConflictError` saying what changed, never a silent overwrite. Every save and delete is
  kept in the history (what, when, by whom, the value before and after). Builds never touch user data, and
  :meth:`Backend.user_version` changes with every user-data write, for the app's caches.

:class:`SqlUserData` implements the user-data half once for both SQL engines (SQLite beside the GeoPackage,
PostgreSQL for PostGIS): each write runs in one transaction that first takes the write lock (a counter row),
so writes are serialised and the check-then-write cannot race.
"""
from __future__ import annotations

import abc
import contextlib
import datetime as _dt
import json
import math
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from ..errors import ConflictError, ThmapsError

#: Longest ``kind`` or ``key`` of a user-data record.
MAX_NAME = 200


@dataclass(frozen=True)
class Record:
    """One user-data record as it now stands."""
    kind: str
    key: str
    version: int
    data: dict
    saved_at: str  # ISO 8601, UTC
    saved_by: str


@dataclass(frozen=True)
class Change:
    """One entry of the user-data history: a record created, updated or deleted.

    ``version`` is the record's version after the change (a delete also takes a new version, so a record
    created again later continues the numbering and every version names one value).
    """
    seq: int
    kind: str
    key: str
    version: int
    action: str  # "create", "update" or "delete"
    data: dict | None  # after (None when deleted)
    previous: dict | None  # before (None when created)
    saved_at: str
    saved_by: str


class Backend(abc.ABC):
    """Where one store lives: built layers (replaced whole by builds) and user data (kept across builds)."""

    # ---------------------------------------------------------------- the built store
    @abc.abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (a file path, or the database URL without its password)."""

    @abc.abstractmethod
    def exists(self) -> bool:
        """True if a store has been built here."""

    @abc.abstractmethod
    def read(self, layer: str, spatial: bool) -> pd.DataFrame:
        """One layer, cached per :meth:`version` (the cached object itself: copy before changing it).

        Raises :class:`~thmaps.errors.StoreMissingError` if no store has been built."""

    @abc.abstractmethod
    def write_all(self, layers: dict[str, pd.DataFrame], order) -> None:
        """Replace the whole built store with ``layers`` (written in ``order``), atomically for readers:
        they see the old store until the new one is complete, and a failure leaves the old one in use."""

    @abc.abstractmethod
    def version(self) -> float:
        """A cheap value that changes with every build (called on every app rerun): part of cache keys."""

    @abc.abstractmethod
    def layers(self) -> list[tuple[str, str | None]]:
        """Layer names and geometry types (``None`` for tables)."""

    @abc.abstractmethod
    def size(self) -> int:
        """Bytes the built store takes."""

    def clear_cache(self) -> None:
        """Forget cached layers."""

    # ---------------------------------------------------------------- user data
    @abc.abstractmethod
    def user_location(self) -> str:
        """Where the user data are, for messages and cache keys (the user-data file, or the database URL without
        its password and the user-data schema): one database may hold several user-data schemas."""

    @abc.abstractmethod
    def user_version(self) -> int:
        """A cheap counter that changes with every user-data write (0 before the first)."""

    @abc.abstractmethod
    def put_record(self, kind: str, key: str, data: dict, expected_version: int | None = None,
                   author: str = "") -> int:
        """Save ``data`` as record ``(kind, key)`` and return its new version.

        ``expected_version`` is the version the caller read (``None`` to create a new record). Raises
        :class:`~thmaps.errors.ConflictError` (nothing written) if the record is not at that version."""

    @abc.abstractmethod
    def delete_record(self, kind: str, key: str, expected_version: int, author: str = "") -> int:
        """Delete record ``(kind, key)`` if it is still at ``expected_version`` (the history keeps it)."""

    @abc.abstractmethod
    def record(self, kind: str, key: str) -> Record | None:
        """One record, or ``None``."""

    @abc.abstractmethod
    def records(self, kind: str) -> list[Record]:
        """Every current record of a kind, by key."""

    @abc.abstractmethod
    def history(self, kind: str | None = None, key: str | None = None) -> list[Change]:
        """The changes to user data, oldest first (of one kind, or one record)."""


# -------------------------------------------------------------------- shared helpers
def now() -> str:
    """The current time, ISO 8601 UTC to the millisecond."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def iso(value) -> str:
    """A timestamp from either engine (text, or a datetime from PostgreSQL) as ISO 8601 text."""
    return value.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds") if isinstance(value, _dt.datetime) \
        else str(value)


def check_record(kind, key, data=None, *, need_data: bool = False) -> str | None:
    """Validate a record's address and value; return the value as JSON text (or ``None``)."""
    for what, value in (("kind", kind), ("key", key)):
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
            raise ThmapsError(f"a user-data record's {what} must be a non-empty text of at most {MAX_NAME} "
                              f"characters, not {str(value)[:60]!r}")
    if not need_data:
        return None
    if not isinstance(data, dict):
        raise ThmapsError(f"a user-data record must be a mapping of fields to values, not {type(data).__name__}")
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=False)
    except (TypeError, ValueError) as exc:
        raise ThmapsError(f"record {kind}/{key} cannot be saved: {exc} (values must be text, numbers, "
                          "true/false, null, lists or mappings)") from None


def loads(value) -> Any:
    """A JSON value as stored by either engine (text in SQLite; PostgreSQL's jsonb arrives parsed)."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _shown(value, limit: int = 60) -> str:
    text = "(none)" if value is None else repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def changes(before: dict | None, after: dict | None) -> list[tuple[str, Any, Any]]:
    """The fields that differ between two values of a record, as ``(field, before, after)``.

    Examples
    --------
    >>> changes({"status": "planned", "gbp": 100}, {"status": "built", "gbp": 100, "note": "x"})
    [('status', 'planned', 'built'), ('note', None, 'x')]
    """
    before, after = before or {}, after or {}
    fields = list(before) + [f for f in after if f not in before]
    return [(f, before.get(f), after.get(f)) for f in fields if before.get(f) != after.get(f)
            and not (isinstance(before.get(f), float) and isinstance(after.get(f), float)
                     and math.isnan(before[f]) and math.isnan(after[f]))]


def conflict(kind: str, key: str, expected: int | None, current: Record | None, base: dict | None,
             deleted: Change | None = None) -> ConflictError:
    """The error for a refused save: who changed the record, when, and what changed since ``expected``.

    ``base`` is the value at the version the caller read; ``deleted`` the history entry if the record
    has been deleted since.
    """
    name = f"{kind} record {key!r}"
    if expected is None and current is not None:
        diff = changes(None, current.data)
        message = (f"{name} was saved by {current.saved_by or 'someone'} at {current.saved_at} (version "
                   f"{current.version}) after you opened it, with {_listed(diff)}. Your save was not applied: "
                   "check their values and save again.")
        return ConflictError(message, kind=kind, key=key, expected_version=None, current=current, changes=diff)
    if current is None:
        if deleted is None:
            message = f"{name} does not exist (you expected version {expected}); nothing was saved."
            return ConflictError(message, kind=kind, key=key, expected_version=expected)
        message = (f"{name} was deleted by {deleted.saved_by or 'someone'} at {deleted.saved_at} after you opened "
                   f"version {expected}; your change was not saved.")
        return ConflictError(message, kind=kind, key=key, expected_version=expected,
                             changes=changes(base, None))
    diff = changes(base, current.data)
    message = (f"{name} was changed by {current.saved_by or 'someone'} at {current.saved_at} while you were editing "
               f"it (you started from version {expected}; it is now version {current.version}). Their changes: "
               f"{_listed(diff)}. Your save was not applied: reload the record, check their changes and save again.")
    return ConflictError(message, kind=kind, key=key, expected_version=expected, current=current, changes=diff)


def _listed(diff: list) -> str:
    """Up to ten changes as ``field: before → after``."""
    what = "; ".join(f"{f}: {_shown(a)} → {_shown(b)}" for f, a, b in diff[:10]) or "no field values (saved again unchanged)"
    return what + (f"; and {len(diff) - 10} more" if len(diff) > 10 else "")


class SqlUserData:
    """User data in three SQL tables, for SQLite and PostgreSQL alike.

    Subclasses provide :meth:`_writing` and :meth:`_reading` (context managers yielding a query function
    ``q(sql, params) -> rows`` with ``%s`` placeholders) and :meth:`_table` (a qualified table name). The
    tables: ``records`` (kind, key, version, data, saved_at, saved_by), ``history`` (seq, kind, key,
    version, action, data, previous, saved_at, saved_by) and ``state`` (one row: ``n``, the write counter).
    :meth:`_writing` must run its block in one transaction; the block's first statement increments ``n``,
    which takes the write lock, so writers queue and the version check below cannot race.
    """

    def _writing(self) -> contextlib.AbstractContextManager[Callable]:
        raise NotImplementedError

    def _reading(self) -> contextlib.AbstractContextManager[Callable]:
        raise NotImplementedError

    def _table(self, name: str) -> str:
        raise NotImplementedError

    def _change(self, kind, key, data, expected_version, author, delete) -> int:
        text = check_record(kind, key, data, need_data=not delete)
        records, history, state = self._table("records"), self._table("history"), self._table("state")
        with self._writing() as q:
            seq = q(f"UPDATE {state} SET n = n + 1 RETURNING n")[0][0]
            current = self._current(q, kind, key)
            found = current.version if current else None
            if found != expected_version or (delete and current is None):
                raise self._conflict(q, kind, key, expected_version, current)
            version = (found or self._last_version(q, kind, key)) + 1
            stamp, author = now(), str(author or "")[:MAX_NAME]
            previous = json.dumps(current.data, ensure_ascii=False) if current else None
            if delete:
                q(f"DELETE FROM {records} WHERE kind = %s AND key = %s", (kind, key))
            elif current:
                q(f"UPDATE {records} SET version = %s, data = %s, saved_at = %s, saved_by = %s "
                  "WHERE kind = %s AND key = %s", (version, text, stamp, author, kind, key))
            else:
                q(f"INSERT INTO {records} (kind, key, version, data, saved_at, saved_by) VALUES (%s, %s, %s, %s, %s, %s)",
                  (kind, key, version, text, stamp, author))
            action = "delete" if delete else "update" if current else "create"
            q(f"INSERT INTO {history} (seq, kind, key, version, action, data, previous, saved_at, saved_by) "
              "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
              (seq, kind, key, version, action, None if delete else text, previous, stamp, author))
        return version

    def put_record(self, kind: str, key: str, data: dict, expected_version: int | None = None,
                   author: str = "") -> int:
        return self._change(kind, key, data, expected_version, author, delete=False)

    def delete_record(self, kind: str, key: str, expected_version: int, author: str = "") -> int:
        if not isinstance(expected_version, int):
            raise ThmapsError("deleting a record needs the version you read (an integer)")
        return self._change(kind, key, None, expected_version, author, delete=True)

    def _current(self, q, kind, key) -> Record | None:
        rows = q(f"SELECT kind, key, version, data, saved_at, saved_by FROM {self._table('records')} "
                 "WHERE kind = %s AND key = %s", (kind, key))
        return self._record(rows[0]) if rows else None

    def _last_version(self, q, kind, key) -> int:
        rows = q(f"SELECT max(version) FROM {self._table('history')} WHERE kind = %s AND key = %s", (kind, key))
        return int(rows[0][0] or 0)

    def _conflict(self, q, kind, key, expected, current) -> ConflictError:
        history = self._table("history")
        base = q(f"SELECT data FROM {history} WHERE kind = %s AND key = %s AND version = %s",
                 (kind, key, expected)) if expected is not None else []
        deleted = None
        if current is None:
            rows = q(f"SELECT {self._CHANGE_COLUMNS} FROM {history} WHERE kind = %s AND key = %s "
                     "ORDER BY seq DESC LIMIT 1", (kind, key))
            deleted = self._history_entry(rows[0]) if rows and rows[0][4] == "delete" else None
        return conflict(kind, key, expected, current, loads(base[0][0]) if base else None, deleted)

    @staticmethod
    def _record(row) -> Record:
        return Record(row[0], row[1], int(row[2]), loads(row[3]), iso(row[4]), row[5])

    _CHANGE_COLUMNS = "seq, kind, key, version, action, data, previous, saved_at, saved_by"

    @staticmethod
    def _history_entry(row) -> Change:
        data, previous = (None if v is None else loads(v) for v in (row[5], row[6]))
        return Change(int(row[0]), row[1], row[2], int(row[3]), row[4], data, previous, iso(row[7]), row[8])

    def record(self, kind: str, key: str) -> Record | None:
        check_record(kind, key)
        with self._reading() as q:
            return self._current(q, kind, key) if q else None

    def records(self, kind: str) -> list[Record]:
        check_record(kind, "-")
        with self._reading() as q:
            rows = q(f"SELECT kind, key, version, data, saved_at, saved_by FROM {self._table('records')} "
                     "WHERE kind = %s ORDER BY key", (kind,)) if q else []
        return [self._record(r) for r in rows]

    def history(self, kind: str | None = None, key: str | None = None) -> list[Change]:
        where, params = [], []
        for column, value in (("kind", kind), ("key", key)):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        sql = (f"SELECT {self._CHANGE_COLUMNS} FROM {self._table('history')}"
               + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY seq")
        with self._reading() as q:
            rows = q(sql, tuple(params)) if q else []
        return [self._history_entry(r) for r in rows]

