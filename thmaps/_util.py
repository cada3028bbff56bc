"""Small helpers every part of thmaps shares: one slug, one atomic write, one value format, one period label."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

#: Units counted in whole numbers.
COUNT_UNITS = ("persons", "patients", "practices", "households", "people", "residents", "homes")


def slugify(text, limit: int | None = None, default: str = "map") -> str:
    """A lower-case, hyphenated name safe in file names and URLs.

    Examples
    --------
    >>> slugify("Locality profile: South West (2026)")
    'locality-profile-south-west-2026'
    >>> slugify("St Katharine's & Wapping", limit=10)
    'st-kathari'
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if limit:
        slug = slug[:limit].strip("-")
    return slug or default


@contextlib.contextmanager
def atomic_path(target, suffix: str = ".tmp"):
    """Yield a temporary path beside ``target``; move it onto ``target`` only if the block succeeds.

    Readers never see a half-written file: the new file replaces the old one in a single
    :func:`os.replace`. On any error the temporary path is removed and ``target`` is untouched.

    Examples
    --------
    >>> import pyogrio  # doctest: +SKIP
    >>> with atomic_path("store.gpkg", ".gpkg") as tmp:  # doctest: +SKIP
    ...     pyogrio.write_dataframe(frame, tmp, layer="wards")
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:60]}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)


def atomic_write(target, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically (see :func:`atomic_path`) and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def is_missing(value) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def table_decimals(unit: str) -> int:
    """Decimal places a unit's values are shown with in tables: none for counts, deciles and pounds,
    two for concentrations (µg/m³), one for shares and everything else.

    Examples
    --------
    >>> table_decimals("persons"), table_decimals("%"), table_decimals("µg/m³"), table_decimals("£")
    (0, 1, 2, 0)
    """
    if unit in COUNT_UNITS or unit in ("decile", "£"):
        return 0
    return 2 if unit == "µg/m³" else 1


def format_value(value, unit: str = "", *, with_unit: bool = True, digits: int | None = None,
                 missing: str = "no data") -> str:
    """A value as a person reads it: counts whole, shares and concentrations to one decimal.

    Parameters
    ----------
    value : float or None
    unit : str
        The catalogue unit (``"%"``, ``"µg/m³"``, ``"persons"``, ``"decile"``...).
    with_unit : bool
        Append the unit (``"12.0%"``, ``"35.2 µg/m³"``, ``"decile 3"``, ``"1,234 persons"``).
    digits : int, optional
        Decimal places; default 0 for counts and deciles, 1 otherwise.
    missing : str
        What a missing value reads as.

    Examples
    --------
    >>> format_value(12.04, "%")
    '12.0%'
    >>> format_value(96303.88, "persons")
    '96,304 persons'
    >>> format_value(3, "decile")
    'decile 3'
    >>> format_value(35.249, "µg/m³", with_unit=False, digits=2)
    '35.25'
    >>> format_value(None, "%")
    'no data'
    """
    if is_missing(value):
        return missing
    x = float(value)
    whole = unit in COUNT_UNITS or unit == "decile"
    places = (0 if whole else 1) if digits is None else digits
    text = f"{x:,.{places}f}"
    if not with_unit or not unit:
        return text
    if unit == "decile":
        return f"decile {text}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def period_label(period, kind: str = "year") -> str:
    """A period as a reader says it.

    Parameters
    ----------
    period : str
        ``"2020"``, ``"2026-04"``, ``"2021-03-21"``...
    kind : {"year", "mid-year", "month", "census"}
        How the indicator's periods are dated (the catalogue says).

    Examples
    --------
    >>> period_label("2020", "mid-year")
    'mid-2020'
    >>> period_label("2026-04", "month")
    'April 2026'
    >>> period_label("2021", "census")
    'Census 2021'
    """
    text = str(period)
    if kind == "mid-year":
        return f"mid-{text}"
    if kind == "census":
        return f"Census {text[:4]}"
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if kind == "month" and match:
        months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
        return f"{months[int(match.group(2)) - 1]} {match.group(1)}"
    return text


def first_line(exc: BaseException, limit: int = 200) -> str:
    """The first line of an exception's message (or its class name), shortened: for plain messages."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:limit]


def as_float_array(values) -> np.ndarray:
    """Values as a float array (None -> NaN)."""
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
