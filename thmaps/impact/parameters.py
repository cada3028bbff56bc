"""The parameters of the development impact estimate: one versioned file, each value with its basis and source.

Every number the estimate uses comes from ``thmaps/data/impact_parameters.yaml`` (or from the data,
where its basis is ``data-derived``). A planner may change the editable ones for one assessment
(:meth:`Parameters.with_overrides`); a changed value keeps its source line and is marked as changed.

Examples
--------
>>> p = load_parameters()
>>> p["patients_per_gp"]
1800
>>> p.item("floorspace_per_gp_m2").basis
'local assumption'
>>> p.with_overrides({"patients_per_gp": 2000})["patients_per_gp"]
2000
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .. import settings
from .._util import is_missing
from ..errors import ImpactInputError, SourceError

#: The parameter file that ships with thmaps.
PARAMETERS_FILE = settings.PACKAGE_DATA / "impact_parameters.yaml"
#: What a parameter's value rests on.
BASES = ("cited standard", "published figure", "data-derived", "local assumption")
#: Bedroom sizes of a scheme, and the parameter giving each one's residents per home.
BEDROOMS = ("1", "2", "3", "4+")
OCCUPANCY_KEYS = {"1": "occupancy_1_bed", "2": "occupancy_2_bed", "3": "occupancy_3_bed", "4+": "occupancy_4plus_bed"}


@dataclass(frozen=True)
class Parameter:
    """One parameter: its value, unit, basis (see :data:`BASES`), source and note."""

    key: str
    label: str
    value: object
    unit: str
    basis: str
    source: str
    note: str = ""
    editable: bool = False
    min: float | None = None
    max: float | None = None
    changed: bool = False
    default: object = None

    @property
    def basis_shown(self) -> str:
        """The basis as shown beside the value: ``"local assumption"``, ``"changed by the planner (was 1,800)"``."""
        if self.changed:
            return f"changed for this assessment (default {_plain(self.default)}, {self.basis})"
        return self.basis


@dataclass(frozen=True)
class Parameters:
    """The parameter set of one assessment: the file's values with the planner's changes."""

    version: str
    updated: str
    items: Mapping[str, Parameter]
    limits: Mapping[str, float] = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.item(key).value

    def item(self, key: str) -> Parameter:
        try:
            return self.items[key]
        except KeyError:
            raise ImpactInputError(f"unknown parameter {str(key)[:60]!r}; parameters: {', '.join(self.items)}") from None

    def limit(self, key: str) -> float:
        return self.limits[key]

    def editable(self) -> list[Parameter]:
        """The parameters a planner may change, in file order."""
        return [p for p in self.items.values() if p.editable]

    def overrides(self) -> dict[str, object]:
        """Key -> value of every parameter changed from the file (what an assessment file stores)."""
        return {k: p.value for k, p in self.items.items() if p.changed}

    def with_overrides(self, overrides: Mapping[str, object] | None) -> "Parameters":
        """A copy with some editable values changed.

        Parameters
        ----------
        overrides : mapping
            Parameter key -> number. ``None`` (or a value equal to the file's) keeps the file's value.

        Raises
        ------
        ImpactInputError
            For an unknown or non-editable parameter, or a value that is not a number within its limits.
        """
        items = dict(self.items)
        for key, value in (overrides or {}).items():
            base = self.item(key)
            if not base.editable:
                raise ImpactInputError(f"{base.label} cannot be changed for one assessment")
            if is_missing(value) or value == "":
                continue
            number = _number(value, base)
            if number == base.value:
                continue
            items[key] = replace(base, value=number, changed=True, default=base.value)
        return replace(self, items=items)

    def table(self) -> pd.DataFrame:
        """Every parameter as a table: parameter, value, unit, basis, source, note (for pages and reports)."""
        rows = [{"key": p.key, "parameter": p.label, "value": _plain(p.value), "unit": p.unit,
                 "basis": p.basis_shown, "source": p.source, "note": p.note} for p in self.items.values()]
        return pd.DataFrame(rows)


def _plain(value) -> str:
    """A parameter value as text: ``1,800``, ``1.16``, ``400, 800, 2,000``, ``from the data``."""
    if value is None:
        return "from the data"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def as_number(value, error: type[Exception], message: str) -> float:
    """A finite number from a number or text (``"1,800"`` too); otherwise ``error(message)``.

    >>> as_number(" 1,800 ", ValueError, "no")
    1800.0
    """
    try:
        number = float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise error(message) from None
    if not math.isfinite(number):
        raise error(message)
    return number


def _number(value, parameter: Parameter) -> float | int:
    number = as_number(value, ImpactInputError, f"{parameter.label}: {str(value)[:30]!r} is not a number")
    low, high = parameter.min, parameter.max
    if (low is not None and number < low) or (high is not None and number > high):
        raise ImpactInputError(f"{parameter.label} must be between {_plain(low)} and {_plain(high)} "
                               f"{parameter.unit}, not {_plain(number)}")
    return int(number) if number.is_integer() else number


def load_parameters(path: Path | str | None = None) -> Parameters:
    """The parameter file (default: the one that ships with thmaps), read once and checked.

    Raises
    ------
    SourceError
        If the file lacks a field, gives an unknown basis, or has no source for a value.
    """
    return _load(str(Path(path) if path else PARAMETERS_FILE))


@lru_cache(maxsize=4)
def _load(path: str) -> Parameters:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(f"impact parameters {path}: cannot be read ({exc})") from None
    items = {}
    for key, entry in (raw.get("parameters") or {}).items():
        missing = [f for f in ("label", "unit", "basis", "source") if not entry.get(f)]
        if missing or "value" not in entry:
            raise SourceError(f"impact parameters: {key} lacks {', '.join(missing or ['value'])}")
        if entry["basis"] not in BASES:
            raise SourceError(f"impact parameters: {key} has basis {entry['basis']!r}; use one of {', '.join(BASES)}")
        items[key] = Parameter(key=key, label=entry["label"], value=entry["value"], unit=entry["unit"],
                               basis=entry["basis"], source=" ".join(str(entry["source"]).split()),
                               note=" ".join(str(entry.get("note") or "").split()),
                               editable=bool(entry.get("editable")), min=entry.get("min"), max=entry.get("max"))
    return Parameters(version=str(raw.get("version", "")), updated=str(raw.get("updated", "")), items=items,
                      limits=dict(raw.get("limits") or {}))
