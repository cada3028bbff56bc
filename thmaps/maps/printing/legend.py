"""The printed legend: class swatches, every overlay's symbols (from the registry) and the base features.

Rows are measured before they are drawn, so blocks flow into columns beside the map (landscape) or
under it (portrait) without overlapping.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from ...overlays import OVERLAYS, legend_entries
from ..classify import NO_DATA_COLOUR
from ..labels import ward_lines
from ..prepare import PreparedMap
from .labels import focus_style
from .style import (BOROUGH_EDGE, BOROUGH_WIDTH, CONTEXT_COLOUR, EXTENT_EDGE, EXTENT_WIDTH, LOCALITY_EDGE,
                    LOCALITY_WIDTH, WARD_EDGE, WARD_WIDTH, WATER_COLOUR, area_style, scatter_style)
from .text import PT_MM, line_mm, put_text, wrap_text


@dataclass
class Swatch:
    """One legend symbol: its label, colour and position on the page (figure fraction, origin bottom left)."""

    label: str
    colour: str
    bbox: tuple[float, float, float, float]   # x0, y0, x1, y1 as fractions of the page


@dataclass
class Row:
    kind: str            # heading | patch | marker | line
    label: str
    style: dict
    lines: list[str] = field(default_factory=list)
    height: float = 0.0
    size: float = 0.0    # marker width, points


@dataclass
class Block:
    title: str
    rows: list[Row]
    title_lines: list[str] = field(default_factory=list)
    height: float = 0.0


def legend_blocks(prepared: PreparedMap, scale: float) -> list[Block]:
    """The classes block, one block per overlay as drawn, then the base map (extent, boundaries, water)."""
    inside = prepared.areas[prepared.areas["in_extent"]]
    class_rows = [Row("patch", label, {"facecolor": colour, "edgecolor": "#7f7f7f"})
                  for label, colour in zip(prepared.labels, prepared.colours)]
    if (inside["class_index"] < 0).any() or inside["value"].isna().any():
        class_rows.append(Row("patch", "No data", {"facecolor": NO_DATA_COLOUR, "edgecolor": "#7f7f7f"}))
    blocks = [Block(prepared.legend_title, class_rows)]

    # One block per overlay, so a long legend flows into further columns instead of off the page.
    for key, frame in prepared.overlays.items():
        title, entries = legend_entries(OVERLAYS[key], frame, prepared.description.tube_year)
        rows = [Row("patch", label, area_style(symbol, scale)) if symbol.marker == "area"
                else Row("marker", label, scatter_style(symbol, size, scale), size=size * scale)
                for label, symbol, size in entries]
        blocks.append(Block(title, rows))
    rows = []
    if prepared.focus is not None:
        rows.append(Row("marker", f"Found: {prepared.focus.label}", focus_style(scale), size=14 * scale))
    kind = prepared.extent.kind
    if kind != "borough":
        rows.append(Row("line", prepared.extent_name, {"color": EXTENT_EDGE, "linewidth": EXTENT_WIDTH * scale}))
        if kind != "london":  # London-wide every area is mapped: there is no context to grey out
            rows.append(Row("patch", "Rest of the borough (context)", {"facecolor": CONTEXT_COLOUR,
                                                                       "edgecolor": "#bdbdbd"}))
    rows.append(Row("line", "Locality boundary", {"color": LOCALITY_EDGE, "linewidth": LOCALITY_WIDTH * scale}))
    if ward_lines(prepared) is not None:
        rows.append(Row("line", "Ward boundary (names in italics)", {"color": WARD_EDGE,
                                                                     "linewidth": WARD_WIDTH * scale}))
    rows.append(Row("line", "Borough boundary", {"color": BOROUGH_EDGE, "linewidth": BOROUGH_WIDTH * scale}))
    rows.append(Row("patch", "Water (Thames and docks)", {"facecolor": WATER_COLOUR, "edgecolor": "none"}))
    blocks.append(Block("Base map", rows))
    return blocks


def measure_blocks(blocks: list[Block], width: float, scale: float) -> None:
    """Wrap every title and label to ``width`` mm and record each row's and block's height."""
    title_size, label_size = 9.0 * scale, 8.0 * scale
    symbol_w = 9.0 * scale
    for block in blocks:
        block.title_lines = wrap_text(block.title, width, title_size, "bold")
        height = len(block.title_lines) * line_mm(title_size) + 1.5 * scale
        for row in block.rows:
            if row.kind == "heading":
                row.lines = wrap_text(row.label, width, label_size, "bold")
                row.height = len(row.lines) * line_mm(label_size) + 0.8 * scale
            else:
                row.lines = wrap_text(row.label, width - symbol_w - 1.5 * scale, label_size)
                symbol_h = max(4.2 * scale, row.size * PT_MM + 1.0)
                row.height = max(len(row.lines) * line_mm(label_size), symbol_h) + 1.2 * scale
            height += row.height
        block.height = height


def layout_columns(blocks: list[Block], max_height: float) -> list[list[Block]]:
    """Stack blocks into columns no taller than ``max_height`` (a block is never split)."""
    columns: list[list[Block]] = [[]]
    used = 0.0
    gap = 5.0
    for block in blocks:
        need = block.height + (gap if columns[-1] else 0)
        if columns[-1] and used + need > max_height:
            columns.append([block])
            used = block.height
        else:
            columns[-1].append(block)
            used += need
    return columns


def draw_block(page, block: Block, x: float, y_top: float, scale: float, swatches: list, page_w, page_h) -> None:
    """Draw one measured block with its top left at (``x``, ``y_top``) mm; class swatches go into ``swatches``."""
    title_size, label_size = 9.0 * scale, 8.0 * scale
    symbol_w = 9.0 * scale
    y = y_top
    put_text(page, x, y, "\n".join(block.title_lines), title_size, fontweight="bold", va="top", ha="left",
             linespacing=1.22)
    y -= len(block.title_lines) * line_mm(title_size) + 1.5 * scale
    for row in block.rows:
        centre = y - row.height / 2 + 0.6 * scale
        if row.kind == "heading":
            put_text(page, x, y, "\n".join(row.lines), label_size, fontweight="bold", va="top", ha="left",
                     linespacing=1.22)
            y -= row.height
            continue
        sx0, sx1 = x + 0.5 * scale, x + symbol_w - 1.5 * scale
        sy0, sy1 = centre - 2.0 * scale, centre + 2.0 * scale
        if row.kind == "patch":
            style = {"edgecolor": "none", "linewidth": 0.4, **row.style}
            page.add_patch(Rectangle((sx0, sy0), sx1 - sx0, sy1 - sy0, **style))
            if isinstance(row.style.get("facecolor"), str) and row.style["facecolor"] != WATER_COLOUR:
                swatches.append(Swatch(row.label, row.style["facecolor"],
                                       (sx0 / page_w, sy0 / page_h, sx1 / page_w, sy1 / page_h)))
        elif row.kind == "line":
            page.add_line(Line2D([sx0, sx1], [centre, centre], color=row.style["color"],
                                 linewidth=row.style["linewidth"], solid_capstyle="butt"))
        elif row.kind == "marker":
            page.scatter([(sx0 + sx1) / 2], [centre], **row.style, zorder=5, clip_on=False)
        put_text(page, x + symbol_w, centre, "\n".join(row.lines), label_size, va="center", ha="left",
                 linespacing=1.22)
        y -= row.height


__all__ = ["Block", "Row", "Swatch", "draw_block", "layout_columns", "legend_blocks", "measure_blocks"]
