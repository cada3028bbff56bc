"""The unit of every result: a :class:`Section` (a titled table with its notes and sources).

Pages show a section's table, reports print it; both show its notes and the source, vintage and
licence of each source it names, so every figure travels with where it came from.

Examples
--------
>>> s = Section("x", "Example", pd.DataFrame({"n": [1234.0], "share": [12.34]}), formats={"n": "count", "share": "%"})
>>> s.display().iloc[0].tolist()
['1,234', '12.3%']
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .._util import format_value, is_missing
from ..sources.registry import get as get_source

#: How a column is written (:meth:`Section.display`): counts whole; shares, concentrations, distances...
FORMATS = {
    "count": lambda v: format_value(v, with_unit=False, digits=0, missing=""),
    "%": lambda v: format_value(v, "%", missing=""),
    "ug": lambda v: format_value(v, "µg/m³", with_unit=False, digits=1, missing=""),
    "m": lambda v: "" if is_missing(v) else f"{float(v):,.0f} m",
    "gbp": lambda v: "" if is_missing(v) else f"£{float(v):,.0f}",
    "1dp": lambda v: format_value(v, with_unit=False, digits=1, missing=""),
    "2dp": lambda v: format_value(v, with_unit=False, digits=2, missing=""),
    "3dp": lambda v: format_value(v, with_unit=False, digits=3, missing=""),
    "int": lambda v: "" if is_missing(v) else f"{int(v)}",
    "share": lambda v: "" if is_missing(v) else f"{100 * float(v):.0f}%",
}


@dataclass
class Section:
    """A titled table with its notes and sources.

    Parameters
    ----------
    key : str
        Identifier (``"practices"``, ``"census"``...).
    title : str
        Heading.
    table : DataFrame
        Numbers as numbers (formatted only by :meth:`display`).
    notes : list of str
        Method, assumptions and gaps, in plain sentences.
    sources : tuple of str
        Source registry ids behind the figures.
    formats : dict
        Column -> a key of :data:`FORMATS`, or ``"row"`` for a column whose rows differ in kind.
    empty : str
        What to say when the table has no rows.
    row_formats : str, optional
        The column holding each row's format key (for the ``"row"`` columns); not shown.
    widths : dict
        Column -> relative width on paper, for tables of long text (default: measured from the content).
    """

    key: str
    title: str
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    sources: tuple[str, ...] = ()
    formats: dict[str, str] = field(default_factory=dict)
    empty: str = "None."
    row_formats: str | None = None
    widths: dict[str, float] = field(default_factory=dict)

    def display(self) -> pd.DataFrame:
        """The table with every number written as a person reads it (strings)."""
        out = self.table.copy()
        kinds = out.pop(self.row_formats) if self.row_formats else None
        for column in out.columns:
            kind = self.formats.get(column)
            if kind == "row":
                out[column] = [FORMATS[k](v) for k, v in zip(kinds, out[column])]
            elif kind:
                out[column] = out[column].map(FORMATS[kind])
            else:
                out[column] = out[column].map(lambda v: "" if is_missing(v) else str(v))
        return out

    def source_lines(self) -> list[str]:
        """``Title (publisher, vintage). Licence.`` for each source of the section."""
        return source_lines(self.sources)


def source_lines(source_ids) -> list[str]:
    """One line per source id, in first-seen order: title, publisher, vintage and licence."""
    lines = []
    for sid in dict.fromkeys(source_ids):
        s = get_source(sid)
        lines.append(f"{s.title} ({s.publisher}; {s.vintage}). Licence: {s.licence}.")
    return lines


def plural(n: int, noun: str) -> str:
    """``"1 practice"``, ``"3 practices"``, ``"2 pharmacies"``.

    >>> plural(2, "pharmacy"), plural(1, "clinic")
    ('2 pharmacies', '1 clinic')
    """
    if n == 1:
        return f"{n:,} {noun}"
    return f"{n:,} {noun[:-1]}ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else f"{n:,} {noun}s"
