"""Maps whose areas do not nest in the area shown, or that show one area only: what the map says about it.

Small areas (LSOAs, MSOAs, Output Areas) do not nest in wards, so a locality or ward map counts each
in the place of its main ward and draws it whole, with its own value: some reach beyond the outline,
and parts of the outline are covered by areas counted next door (drawn grey, for context). Clipping
them to the outline would draw a value where it was not measured, so thmaps draws them whole and
says so in a note, the same note under the web map and on the printed page.

A map of one ward by ward (or one locality by locality) is a single area of one colour; its note
says so and names the finer level to choose (:func:`finer_level`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._util import format_value
from ..indicators.catalogue import LEVEL_LABELS, at_level, get as get_indicator

if TYPE_CHECKING:  # pragma: no cover
    from .prepare import PreparedMap

#: Small-area levels, as the notes name them.
SMALL_AREAS = {"lsoa11": "LSOAs 2011", "lsoa21": "LSOAs 2021", "msoa21": "MSOAs 2021", "oa21": "Output Areas 2021"}
#: An area counts as straddling the outline when more than this share of it lies on the other side.
STRADDLE_SHARE = 0.05
#: The levels offered, finest first, instead of a single-area map.
FINER = {"ward": ("oa21", "lsoa11", "lsoa21"), "locality": ("ward",)}


def finer_level(indicator_id: str, level: str, extent_kind: str) -> str | None:
    """The level to offer instead of a single-area map (one ward by ward, one locality by locality).

    None when the map is not a single area, or the indicator has no finer level.

    Examples
    --------
    >>> finer_level("pct_65_plus", "ward", "ward")
    'lsoa11'
    >>> finer_level("pct_65_plus", "lsoa11", "ward") is None
    True
    """
    if level != extent_kind or level not in FINER:
        return None
    return next((finer for finer in FINER[level] if at_level(indicator_id, finer) is not None), None)


def straddling(prepared: PreparedMap) -> tuple[list[str], list[str]]:
    """Codes of the extent's areas reaching beyond its outline, and of neighbours' areas reaching into it."""
    if prepared.extent.kind not in ("locality", "ward") or prepared.description.level not in SMALL_AREAS:
        return [], []
    outline = prepared.extent_geometry.geometry.union_all()
    areas = prepared.areas
    size = areas.geometry.area
    inside = areas.geometry.intersection(outline).area / size
    counted = areas["in_extent"].astype(bool)
    out = areas.loc[counted & (1 - inside > STRADDLE_SHARE), "code"].tolist()
    into = areas.loc[~counted & (inside > STRADDLE_SHARE), "code"].tolist()
    return out, into


def single_area_note(prepared: PreparedMap) -> str | None:
    """What a map of one ward by ward (one locality by locality) says about itself, with its value; else None.

    Written on the map itself (both renderers), as well as among the notes.
    """
    d = prepared.description
    kind = prepared.extent.kind
    if d.level != kind or kind not in FINER:
        return None
    area = prepared.areas[prepared.areas["in_extent"]]
    value = ""
    if len(area) == 1:
        unit = get_indicator(d.indicator).unit
        value = f" ({format_value(area['value'].iloc[0], unit)})"
    finer = finer_level(d.indicator, d.level, kind)
    offer = f" Map it by {LEVEL_LABELS[finer]} to see the areas inside it." if finer else ""
    return (f"{prepared.extent_name}{value} is one area at {LEVEL_LABELS[d.level].lower()} level, so the map "
            f"has one colour.{offer}")


def nesting_notes(prepared: PreparedMap) -> list[str]:
    """The sentences a map needs about areas that do not nest in its extent, or about a single-area map."""
    notes = [note] if (note := single_area_note(prepared)) else []
    out, into = straddling(prepared)
    if out or into:
        parts = []
        if out:
            parts.append(f"{_count(out)} counted in {prepared.extent_name} (by main ward) "
                         f"{'reaches' if len(out) == 1 else 'reach'} beyond its outline")
        if into:
            parts.append(f"{_count(into)} counted in a neighbouring {prepared.extent.kind} "
                         f"{'reaches' if len(into) == 1 else 'reach'} into it (drawn grey)")
        notes.append(f"{SMALL_AREAS[prepared.description.level]} do not nest in wards: {' and '.join(parts)}. "
                     "Each is drawn whole with its own value; the thick line is the outline.")
    return notes


def _count(codes) -> str:
    return "one" if len(codes) == 1 else str(len(codes))
