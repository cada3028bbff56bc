"""Indicators from a user's table: read, check row by row, preview, and save as user data.

A file gives an area code or name column (Output Area, LSOA 2011 or 2021, MSOA 2021, ward code or name,
locality name), a value column and optionally period, numerator and denominator columns; or it is a
Fingertips export as downloaded (columns ``Indicator ID``, ``Area Code``, ``Time period``, ``Value``,
``Count``, ``Denominator``). The person states the title, unit, direction and whether the figure is a count,
a share (per cent) or a rate (per 1,000, 100,000...). :func:`preview_indicator` sorts every row into used or
rejected with the reason (unknown code, wrong level, not a number, duplicate...); :func:`save_indicator`
keeps the used rows as a user-data record of kind :data:`KIND` (apart from the built store, so a rebuild
keeps it). :mod:`thmaps.uploads.values` turns saved records into catalogue entries and long-table rows.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from .. import store
from ..errors import ConflictError, UserDataError
from ..indicators.catalogue import LEVEL_LABELS
from .areas import COMPARATORS, UPLOAD_LEVELS, areas, detect_level
from .tables import read_table, shown, shown_name

#: The user-data kind of uploaded indicators.
KIND = "indicator"
MEASURES = {"count": "a count (summed over areas)", "share": "a share in per cent (numerator / denominator)",
            "rate": "a rate per so many people (numerator / denominator)"}
RATE_BASES = (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)
MAX_TITLE, MAX_UNIT, MAX_PERIOD = 120, 20, 20
#: Column names recognised without being stated (compared lower-case, spaces collapsed).
GUESSES = {
    "code": ("area code", "area_code", "code", "areacode", "geography code", "oa21cd", "oa code", "lsoa11cd",
             "lsoa code", "lsoa21cd", "msoa21cd", "msoa code", "ward code", "wd22cd", "ward", "ward name",
             "locality", "locality name", "area name", "area", "name"),
    "value": ("value", "indicator value", "rate", "percentage", "percent", "share", "count", "number"),
    "period": ("period", "time period", "year", "date"),
    "numerator": ("numerator", "count"),
    "denominator": ("denominator", "population", "base"),
}
FINGERTIPS = {"code": "Area Code", "value": "Value", "period": "Time period", "numerator": "Count",
              "denominator": "Denominator"}


@dataclass(frozen=True)
class IndicatorSpec:
    """What the person says about an uploaded indicator.

    ``measure`` is ``"count"``, ``"share"`` or ``"rate"`` (``per`` people: 1,000, 100,000...);
    ``higher_is_worse`` is ``True``, ``False`` or ``None`` (neither). ``level`` (one of
    :data:`thmaps.uploads.areas.UPLOAD_LEVELS`) and ``columns`` (role -> column name) are found from the
    file unless given; ``period`` is used when the file has no period column.
    """

    title: str
    unit: str
    measure: str
    higher_is_worse: bool | None = None
    per: int = 100
    level: str | None = None
    columns: dict = field(default_factory=dict)
    period: str | None = None

    def checked(self) -> "IndicatorSpec":
        """The spec with its texts tidied, or a :class:`UserDataError` naming the field at fault."""
        title = " ".join(str(self.title or "").split())
        unit = " ".join(str(self.unit or "").split())
        if not title or not title.isprintable() or len(title) > MAX_TITLE:
            raise UserDataError(f"the title must be 1 to {MAX_TITLE} printable characters, not {shown(title, 60)}")
        if not unit.isprintable() or len(unit) > MAX_UNIT:
            raise UserDataError(f"the unit must be at most {MAX_UNIT} printable characters, not {shown(unit)}")
        if self.measure not in MEASURES:
            raise UserDataError(f"say whether the indicator is a count, a share or a rate, not {shown(self.measure)}")
        per = 100 if self.measure == "share" else 1 if self.measure == "count" else self.per
        if per not in RATE_BASES:
            raise UserDataError(f"a rate is per one of {', '.join(f'{b:,}' for b in RATE_BASES)}, not {shown(per)}")
        if self.higher_is_worse not in (True, False, None):
            raise UserDataError("say whether a higher value is worse, better or neither")
        if self.level is not None and self.level not in UPLOAD_LEVELS:
            raise UserDataError(f"unknown level {shown(self.level)}; levels: {', '.join(UPLOAD_LEVELS)}")
        period = None if self.period in (None, "") else " ".join(str(self.period).split())
        if period is not None and (len(period) > MAX_PERIOD or not period.isprintable()):
            raise UserDataError(f"the period must be at most {MAX_PERIOD} printable characters, not {shown(period)}")
        columns = {k: str(v) for k, v in (self.columns or {}).items() if v not in (None, "")}
        unknown = sorted(set(columns) - set(GUESSES))
        if unknown:
            raise UserDataError(f"unknown column role(s) {', '.join(shown(u) for u in unknown)}; roles: "
                                f"{', '.join(GUESSES)}")
        return IndicatorSpec(title, unit or ("%" if self.measure == "share" else ""), self.measure,
                             self.higher_is_worse, per, self.level, columns, period)

    @property
    def indicator_id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "_", self.title.lower()).strip("_")[:40] or "indicator"
        return f"user_{slug}"


@dataclass
class Preview:
    """The outcome of reading a file: the rows to be used, the rows rejected (with why), and warnings."""

    spec: IndicatorSpec
    file_name: str
    level: str | None
    used: pd.DataFrame      # row, level, area_code, area_name, period, value, numerator, denominator
    rejected: pd.DataFrame  # row, area, value, reason
    warnings: list[str]
    aggregation: str        # "sum", "share" or "none"

    @property
    def indicator_id(self) -> str:
        return self.spec.indicator_id

    def summary(self) -> str:
        """One sentence: how many rows are used and rejected, and why."""
        reasons = self.rejected["reason"].str.split(" \\(").str[0].value_counts() if len(self.rejected) else {}
        why = "; ".join(f"{n:,} {r}" for r, n in dict(reasons).items())
        level = LEVEL_LABELS.get(self.level, "no level") if self.level else "no recognised level"
        return (f"{self.file_name}: {len(self.used):,} row(s) used at {level}, {len(self.rejected):,} rejected"
                + (f" ({why})" if why else "") + ".")


def preview_indicator(data: bytes, filename: str, spec: IndicatorSpec, store_=None) -> Preview:
    """Read a user's indicator file and sort its rows into used and rejected.

    Parameters
    ----------
    data : bytes
        The file (CSV or .xlsx).
    filename : str
        Its name, as shown back.
    spec : IndicatorSpec
        Title, unit, measure and direction, and optionally level, columns and period.

    Returns
    -------
    Preview

    Raises
    ------
    UserDataError
        If the file cannot be read at all, or lacks an area or value column (each row's own problems are
        rejections in the preview, not errors).
    """
    spec = spec.checked()
    name = shown_name(filename)
    table, warnings = read_table(data, filename)
    table, columns, rejected = _columns(table, spec, name)
    code_col, value_col = columns["code"], columns.get("value")
    lookup = areas(store_)
    found = [lookup.find(text) for text in table[code_col]]
    level = spec.level
    if level is None:
        level, note = detect_level(found)
        if note:
            warnings.append(f"{name}: {note}.")
    if spec.period is None and "period" not in columns:
        spec = IndicatorSpec(**{**spec.__dict__, "period": str(_dt.date.today().year)})
        warnings.append(f"{name} has no period column: every row is taken as {spec.period}; state the period "
                        "if it is another.")
    used, seen = [], {}
    for i, (_, row) in enumerate(table.iterrows()):
        line = i + 2  # the header is row 1 of the file
        text = row[code_col]
        value_text = row[value_col] if value_col else ""
        reason, hit = _area(text, found[i], level)
        numbers = {}
        if reason is None:
            numbers, reason = _numbers(row, columns, spec)
        period = " ".join(str(row[columns["period"]]).split()) if "period" in columns else spec.period
        if reason is None and not period:
            reason = "no period"
        if reason is None and (len(period) > MAX_PERIOD or not period.isprintable()):
            reason = f"period longer than {MAX_PERIOD} characters or not printable ({shown(period, 20)})"
        if reason is None:
            key = (hit[0], hit[1], period)
            if key in seen:
                reason = f"duplicate (the same area and period as row {seen[key]})"
            else:
                seen[key] = line
        if reason is not None:
            rejected.append({"row": line, "area": shown(text)[1:-1], "value": shown(value_text, 20)[1:-1],
                             "reason": reason})
            continue
        used.append({"row": line, "level": hit[0], "area_code": hit[1], "area_name": lookup.names.get(hit[1], hit[1]),
                     "period": period, **numbers})
    used_frame = pd.DataFrame(used, columns=["row", "level", "area_code", "area_name", "period", "value",
                                             "numerator", "denominator"])
    aggregation = "sum" if spec.measure == "count" else "share"
    own = used_frame[used_frame["level"] == level]
    if aggregation == "share" and len(own) and own["denominator"].isna().any():
        aggregation = "none"
        warnings.append(f"{name}: some values have no numerator and denominator, so they are shown as given, at "
                        f"{LEVEL_LABELS.get(level, level)} only (ward, locality and borough figures cannot be "
                        "worked out from them).")
    return Preview(spec, name, level, used_frame, pd.DataFrame(rejected, columns=["row", "area", "value", "reason"]),
                   warnings, aggregation)


def _columns(table: pd.DataFrame, spec: IndicatorSpec, name: str) -> tuple[pd.DataFrame, dict, list]:
    """The columns playing each role, and rows a Fingertips export marks as breakdowns (rejected)."""
    rejected: list[dict] = []
    lowered = {c.lower(): c for c in table.columns}
    if not spec.columns and {"indicator id", "area code", "time period", "value"} <= set(lowered):
        ids = table[lowered["indicator id"]].replace("", pd.NA).dropna().unique()
        if len(ids) > 1:
            raise UserDataError(f"{name}: the Fingertips export holds {len(ids)} indicators (IDs "
                                f"{', '.join(shown(i, 12) for i in ids[:4])}); download one indicator per file")
        keep = pd.Series(True, index=table.index)
        for column, allowed, why in (("category type", ("",), "a breakdown by category, not the whole population"),
                                     ("sex", ("", "Persons", "Not applicable", "All"), "one sex only, not persons")):
            if column in lowered:
                bad = ~table[lowered[column]].str.strip().isin(allowed)
                for index in table.index[bad & keep]:
                    rejected.append({"row": int(table.index.get_loc(index)) + 2, "area": shown(table.at[index, "Area Code"])[1:-1],
                                     "value": shown(table.at[index, "Value"], 20)[1:-1], "reason": why})
                keep &= ~bad
        columns = {role: col for role, col in FINGERTIPS.items() if col.lower() in lowered}
        columns = {role: lowered[col.lower()] for role, col in columns.items()}
        return table[keep], columns, rejected
    columns = {}
    for role, wanted in spec.columns.items():
        if wanted not in table.columns:
            raise UserDataError(f"{name}: no column {shown(wanted)}; its columns are "
                                f"{', '.join(shown(c, 30) for c in list(table.columns)[:12])}")
        columns[role] = wanted
    for role, guesses in GUESSES.items():
        if role in columns:
            continue
        taken = set(columns.values())
        hit = next((lowered[g] for g in guesses if g in lowered and lowered[g] not in taken), None)
        if hit is not None:
            columns[role] = hit
    if "code" not in columns:
        raise UserDataError(f"{name}: no area code or name column found (name it 'area code', 'ward', "
                            "'lsoa11cd'... or say which it is)")
    if "value" not in columns and not {"numerator", "denominator"} <= set(columns) and \
            not (spec.measure == "count" and "numerator" in columns):
        raise UserDataError(f"{name}: no value column found (name it 'value' or say which it is)")
    return table, columns, rejected


def _area(text: str, found: dict, level: str | None) -> tuple[str | None, tuple | None]:
    if not str(text).strip():
        return "no area code", None
    if not found:
        return "unknown code (not an area of Tower Hamlets)", None
    if level in found:
        return None, (level, found[level])
    for other in ("borough", *COMPARATORS.values()):
        if other in found:
            return None, (other, found[other])
    first = next(iter(found))
    return (f"wrong level (a {LEVEL_LABELS.get(first, first)} in a file of "
            f"{LEVEL_LABELS.get(level, 'other areas')})"), None


def _number(text) -> float | None:
    """A number as people type it (``1,234``, ``12.5%``, `` 7 ``); ``None`` if blank; NaN if not a number."""
    clean = str(text).strip().replace(",", "").rstrip("%").strip()
    if not clean:
        return None
    try:
        value = float(clean)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _numbers(row, columns: dict, spec: IndicatorSpec) -> tuple[dict, str | None]:
    got = {}
    for role in ("value", "numerator", "denominator"):
        value = _number(row[columns[role]]) if role in columns else None
        if value is not None and math.isnan(value):
            return {}, f"not a number ({role} {shown(row[columns[role]], 20)})"
        if value is not None and value < 0:
            return {}, f"negative {role} ({value:g})"
        got[role] = value
    value, num, den = got["value"], got["numerator"], got["denominator"]
    if spec.measure == "count":
        value = value if value is not None else num
        if value is None:
            return {}, "no value"
        return {"value": value, "numerator": value, "denominator": math.nan}, None
    if den == 0:
        return {}, "denominator is zero"
    if value is None and num is not None and den is not None:
        value = spec.per * num / den
    if value is None:
        return {}, "no value"
    if num is None and den is not None:
        num = value * den / spec.per
    if num is not None and den is not None and num > den and spec.measure == "share":
        return {}, f"numerator above denominator ({num:g} > {den:g})"
    if spec.measure == "share" and value > 100:
        return {}, f"a share above 100% ({value:g})"
    return {"value": value, "numerator": math.nan if num is None or den is None else num,
            "denominator": math.nan if den is None or num is None else den}, None


def save_indicator(preview: Preview, author: str = "", replace: bool = False, store_=None) -> int:
    """Keep a previewed indicator's used rows as user data; returns the record's version.

    Raises
    ------
    UserDataError
        If no row can be used, or an indicator of the same title exists and ``replace`` is false.
    ConflictError
        If someone saved the same indicator meanwhile (nothing is written).
    """
    if preview.used.empty:
        raise UserDataError(f"{preview.summary()} Nothing was saved: no row can be used.")
    spec = preview.spec
    current = store.record(KIND, spec.indicator_id, store_)
    if current is not None and not replace:
        raise UserDataError(f"an uploaded indicator titled {shown(spec.title, 60)} exists (from "
                            f"{shown(current.data.get('file_name', ''), 60)}); replace it or choose another title")
    rows = [[r.level, r.area_code, r.period, _json(r.value), _json(r.numerator), _json(r.denominator)]
            for r in preview.used.itertuples(index=False)]
    data = {"title": spec.title, "unit": spec.unit, "measure": spec.measure, "per": spec.per,
            "higher_is_worse": spec.higher_is_worse, "level": preview.level, "aggregation": preview.aggregation,
            "file_name": preview.file_name, "uploaded": _dt.date.today().isoformat(),
            "rows_rejected": int(len(preview.rejected)), "rows": rows}
    return store.put_record(KIND, spec.indicator_id, data, current.version if current else None, author, store_)


def _json(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


__all__ = ["KIND", "MEASURES", "IndicatorSpec", "Preview", "ConflictError", "preview_indicator", "save_indicator"]
