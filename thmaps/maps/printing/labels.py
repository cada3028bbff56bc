"""Names on the printed map: placed inside their areas without colliding, and the focus marker.

The names and their candidate points come from :func:`thmaps.maps.labels.map_labels`; this
module measures each name at the page's scale, keeps the first candidate (and one- or two-line
form) that fits inside the area, inside the map frame and clear of every name already written,
and draws it as text over a white halo (the text stays text in PDF and SVG).
"""
from __future__ import annotations

from dataclasses import dataclass

import shapely
from matplotlib import patheffects

from ..labels import fits, map_labels, text_variants
from ..prepare import PreparedMap
from .text import MUTED_TEXT, PT_MM, TEXT_COLOUR, line_mm, put_text, text_width_mm, wrap_text

#: The focus marker (a place found by search): a ring, and its name in a white box.
FOCUS_EDGE = "#d7301f"
WARD_TEXT = "#262626"


@dataclass
class PlacedLabel:
    """A name written on the map: its text (lines joined by a newline), kind and box in metres."""

    name: str
    kind: str
    text: str
    x: float
    y: float
    box: tuple[float, float, float, float]


def _style(kind: str, selected: bool, extent_kind: str, scale: float) -> tuple[float, str, str, str]:
    """Size (pt), weight, style and colour of a name."""
    if kind == "ward":
        return (8.5 if selected else 7.0) * scale, "bold" if selected else "normal", "italic", WARD_TEXT
    colour = TEXT_COLOUR if (extent_kind in ("borough", "london") or selected) else MUTED_TEXT
    return (10.5 if selected else 9.5) * scale, "bold", "normal", colour


def _box(x, y, text, size, weight, mm_per_metre, pad_mm):
    width = max(text_width_mm(line, size, weight) for line in text.split("\n")) + 2 * pad_mm
    height = len(text.split("\n")) * line_mm(size, 1.15) + 2 * pad_mm
    half_w, half_h = width / 2 / mm_per_metre, height / 2 / mm_per_metre
    return (x - half_w, y - half_h, x + half_w, y + half_h)


def _clear(box, taken) -> bool:
    return all(box[2] <= t[0] or t[2] <= box[0] or box[3] <= t[1] or t[3] <= box[1] for t in taken)


def place_names(prepared: PreparedMap, scale: float, xlim, ylim, mm_per_metre: float,
                taken=None) -> list[tuple[PlacedLabel, float, str, str, str]]:
    """Choose where each name goes: ``(label, size, weight, style, colour)`` for every name that fits.

    ``taken`` holds boxes (metres) already used on the map (the focus marker's name).
    """
    taken = list(taken or [])
    out = []
    extent_kind = prepared.extent.kind
    for label in map_labels(prepared).itertuples():
        size, weight, style, colour = _style(label.kind, label.selected, extent_kind, scale)
        shape = label.geometry if label.kind != "borough" else None
        placed = None
        for factor in (1.0, 0.85):
            for x, y in label.candidates:
                for text in text_variants(label.name):
                    box = _box(x, y, text, size * factor, weight, mm_per_metre, 0.6)
                    inside_frame = xlim[0] < box[0] and box[2] < xlim[1] and ylim[0] < box[1] and box[3] < ylim[1]
                    if inside_frame and _clear(box, taken) and fits(shapely.box(*box), shape):
                        placed = PlacedLabel(label.name, label.kind, text, x, y, box), size * factor
                        break
                if placed:
                    break
            if placed:
                break
        if placed:
            taken.append(placed[0].box)
            out.append((placed[0], placed[1], weight, style, colour))
    return out


def draw_names(ax, prepared: PreparedMap, scale: float, xlim, ylim, mm_per_metre: float,
               taken=None) -> list[PlacedLabel]:
    """Write the names on the map axes (halo as a path, the name as text on top); returns what was written."""
    halo = [patheffects.Stroke(linewidth=3.0 * scale, foreground="white")]
    written = []
    for label, size, weight, style, colour in place_names(prepared, scale, xlim, ylim, mm_per_metre, taken):
        # The halo alone is drawn as a path, then the name as plain text on top, so that names stay
        # selectable, searchable text in PDF and SVG (a path effect turns text into paths).
        for effects, z in ((halo, 12), (None, 12.1)):
            put_text(ax, label.x, label.y, label.text, size, ha="center", va="center", fontweight=weight,
                     fontstyle=style, color=colour, path_effects=effects, zorder=z, clip_on=True, linespacing=1.05)
        written.append(label)
    return written


def focus_style(scale: float) -> dict:
    """``scatter`` keywords of the focus ring (on the map and in the legend)."""
    return {"marker": "o", "s": (14 * scale) ** 2, "facecolors": "none", "edgecolors": FOCUS_EDGE,
            "linewidths": 2.4 * scale}


def draw_focus(ax, prepared: PreparedMap, scale: float, xlim, ylim, mm_per_metre: float):
    """Mark the place found by search (a ring and its name); returns the box its name takes, or None."""
    found = prepared.focus
    if found is None or not (xlim[0] < found.x < xlim[1] and ylim[0] < found.y < ylim[1]):
        return None
    ax.scatter([found.x], [found.y], zorder=13, gid="thmaps-focus", **focus_style(scale))
    size = 8.0 * scale
    text = found.name if len(found.name) <= 40 else found.name[:39] + "…"
    width = (text_width_mm(text, size, "bold") + 2.0) / mm_per_metre
    height = (size * PT_MM * 1.3 + 1.2) / mm_per_metre
    offset = 9.0 * scale / mm_per_metre
    x = min(max(found.x, xlim[0] + width / 2), xlim[1] - width / 2)
    y = found.y + offset + height / 2
    if y + height / 2 > ylim[1]:
        y = found.y - offset - height / 2
    put_text(ax, x, y, text, size, ha="center", va="center", fontweight="bold", color=TEXT_COLOUR, zorder=13.2,
             clip_on=True, bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": FOCUS_EDGE,
                                 "linewidth": 0.8 * scale})
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def furniture(xlim, ylim, mm_per_metre: float, scale: float) -> list[tuple[float, float, float, float]]:
    """The map's own furniture no name may cover (metres): scale bar (bottom left), north arrow (top right)
    and the CRS line (bottom right), as :func:`thmaps.maps.printing.page.draw` places them."""
    w, h = xlim[1] - xlim[0], ylim[1] - ylim[0]

    def box(fx0, fy0, fx1, fy1):
        return (xlim[0] + fx0 * w, ylim[0] + fy0 * h, xlim[0] + fx1 * w, ylim[0] + fy1 * h)

    mm_h = h * mm_per_metre
    return [box(0, 0, 0.30, 15.0 * scale / mm_h), box(0.90, 0.80, 1, 1), box(0.62, 0, 1, 4.5 * scale / mm_h)]


def draw_map_note(ax, text: str | None, scale: float, width_mm: float) -> tuple[float, float] | None:
    """A short note in a white box at the top left of the map (a single-area map says so here).

    Returns the share of the map's width and height it covers (for the names to keep clear of), or None.
    """
    if not text:
        return None
    size = 8.0 * scale
    lines = wrap_text(text, min(width_mm * 0.55, 95.0 * scale), size)
    put_text(ax, 0.012, 0.985, "\n".join(lines), size, transform=ax.transAxes, ha="left", va="top", zorder=20,
             linespacing=1.2, bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "#7f7f7f",
                                    "linewidth": 0.6, "alpha": 0.95}, gid="thmaps-map-note")
    width = max(text_width_mm(line, size) for line in lines) + 4.0
    return width, len(lines) * line_mm(size, 1.2) + 4.0
