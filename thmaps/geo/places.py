"""The places thmaps maps and profiles: the four localities, and map extents.

A :class:`Locality` is one of the four Tower Hamlets Together localities; an :class:`Extent` is
the area a map shows (the borough, London, a locality or a ward). Both are small immutable values
parsed once from whatever a person or a spec wrote (``"SE"``, ``"south east"``, ``"locality:SE"``,
``"ward:Lansbury"``) and passed around as themselves, so no other module parses place strings.

Examples
--------
>>> Locality.parse("south east")
Locality(code='SE')
>>> Locality.parse("SE").name
'South East'
>>> str(Extent.parse("locality:North West"))
'locality:NW'
>>> Extent.parse("borough").kind
'borough'
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import UnknownPlaceError

#: The four localities in display order, name -> code.
LOCALITIES: dict[str, str] = {"North West": "NW", "North East": "NE", "South West": "SW", "South East": "SE"}
#: What a locality is, in words shown wherever localities are drawn or tabulated.
LOCALITY_NOTE = ("Localities are the thmaps editable default (thmaps/data/localities.csv: ward lists mostly "
                 "inferred from GP practice locations), not an official boundary.")

EXTENT_KINDS = ("borough", "london", "locality", "ward")


@dataclass(frozen=True, order=True)
class Locality:
    """One of the four localities, by its two-letter code."""

    code: str

    def __post_init__(self):
        if self.code not in LOCALITIES.values():
            raise UnknownPlaceError(f"unknown locality code {self.code!r}; {_locality_choices()}")

    @classmethod
    def parse(cls, value) -> "Locality":
        """A locality from its code or name, any case (a :class:`Locality` passes through).

        Raises
        ------
        UnknownPlaceError
            If the value names no locality (the message lists the four).
        """
        if isinstance(value, Locality):
            return value
        text = " ".join(str(value or "").replace("_", " ").replace("-", " ").split())
        if text.upper() in LOCALITIES.values():
            return cls(text.upper())
        by_name = {name.lower(): code for name, code in LOCALITIES.items()}
        if text.lower() in by_name:
            return cls(by_name[text.lower()])
        raise UnknownPlaceError(f"unknown locality {_shorten(value)!r}; {_locality_choices()}")

    @classmethod
    def all(cls) -> tuple["Locality", ...]:
        """The four localities in display order (North West, North East, South West, South East)."""
        return tuple(cls(code) for code in LOCALITIES.values())

    @property
    def name(self) -> str:
        """``"North West"``..."""
        return {c: n for n, c in LOCALITIES.items()}[self.code]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Extent:
    """The area a map shows: ``kind`` is borough, london, locality or ward; ``code`` the locality or ward code.

    Written as text it is ``"borough"``, ``"london"``, ``"locality:NW"`` or ``"ward:E05009317"``
    (:meth:`parse` reads that form back, and names as well as codes).
    """

    kind: str = "borough"
    code: str | None = None

    def __post_init__(self):
        if self.kind not in EXTENT_KINDS:
            raise UnknownPlaceError(f"unknown extent kind {self.kind!r}; use {', '.join(EXTENT_KINDS)}")
        if self.kind in ("borough", "london") and self.code is not None:
            object.__setattr__(self, "code", None)
        if self.kind == "locality":
            object.__setattr__(self, "code", Locality.parse(self.code).code)
        if self.kind == "ward" and not self.code:
            raise UnknownPlaceError("a ward extent needs a ward code or name, for example ward:E05009317")

    @classmethod
    def parse(cls, value, wards: Mapping[str, str] | None = None) -> "Extent":
        """An extent from text: ``"borough"``, ``"london"``, ``"locality:NAME|CODE"``, ``"ward:NAME|CODE"``.

        Parameters
        ----------
        value : str or Extent or Locality
            An :class:`Extent` passes through (its ward checked if ``wards`` is given); a
            :class:`Locality` becomes that locality's extent; ``None`` or ``""`` is the borough.
        wards : mapping, optional
            Ward code -> name. When given, a ward is checked against it and a ward name becomes its code.

        Raises
        ------
        UnknownPlaceError
            For an unknown kind, locality or (with ``wards``) ward.
        """
        if isinstance(value, Locality):
            return cls("locality", value.code)
        if isinstance(value, Extent):
            extent = value
        else:
            text = str(value or "").strip()
            kind, sep, rest = text.partition(":")
            kind = kind.strip().lower() or "borough"
            if kind not in EXTENT_KINDS or (sep and kind in ("borough", "london")):
                raise UnknownPlaceError(f"unknown extent {_shorten(text)!r}; use 'borough', 'london', "
                                        "'locality:NAME' or 'ward:NAME'")
            if kind in ("locality", "ward") and not rest.strip():
                raise UnknownPlaceError(f"extent {_shorten(text)!r} names no {kind}; write {kind}:NAME")
            extent = cls(kind, rest.strip() or None)
        if extent.kind == "ward" and wards is not None:
            return cls("ward", ward_code(extent.code, wards))
        return extent

    @property
    def locality(self) -> Locality | None:
        """The locality of a locality extent (else None)."""
        return Locality(self.code) if self.kind == "locality" else None

    def __str__(self) -> str:
        return self.kind if self.code is None else f"{self.kind}:{self.code}"


def ward_code(value, wards: Mapping[str, str]) -> str:
    """The ward code for a ward code or 2022 name (any case).

    Raises
    ------
    UnknownPlaceError
        If no ward has that code or name.
    """
    text = str(value or "").strip()
    if text in wards:
        return text
    by_name = {str(name).lower(): code for code, name in wards.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise UnknownPlaceError(f"unknown ward {_shorten(text)!r}; use a 2022 ward name or a code such as E05009317")


def _locality_choices() -> str:
    return "choose one of " + ", ".join(f"{name} ({code})" for name, code in LOCALITIES.items())


def _shorten(value, limit: int = 60) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


