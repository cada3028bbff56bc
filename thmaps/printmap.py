"""Print-ready maps: one :class:`~thmaps.mapspec.PreparedMap` drawn on an exact A4/A3 page.

The printed map draws the same prepared object as the interactive map, so every area keeps
the class and colour :func:`thmaps.mapspec.prepare` gave it (nothing is reclassified here).

Page layout (all measured in millimetres on the page):

* title and subtitle at the top (wrapped if long);
* the map, drawn in EPSG:27700 and zoomed to the extent, with a scale bar in metres and a
  north arrow; water (Thames and docks) in light blue, the borough outline, locality outlines
  and labels, the chosen overlays; areas outside the extent in light grey for context;
* the legend beside the map (landscape) or under it (portrait): class breaks with the legend
  title, "No data" when an area in the extent lacks a value, then the overlays and base
  features; it flows into a second column when it does not fit;
* a footer with the source line, notes, attribution lines and "Made with thmaps on <date>",
  wrapped to the page width by measuring the text, so it never runs into the map.

Text stays text in PDF (TrueType, ``pdf.fonttype`` 42) and SVG (``svg.fonttype`` "none"), so
it can be searched, copied and read by screen readers.  Rendering uses the object-oriented
:class:`matplotlib.figure.Figure` (Agg), never pyplot's global state.
"""
from __future__ import annotations

import io
import os
import tempfile
import textwrap
import threading
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextToPath
from matplotlib import patheffects
from matplotlib_scalebar.scalebar import ScaleBar
from shapely.geometry.polygon import orient

from . import settings
from .mapspec import NO_DATA_COLOUR, OVERLAYS, PreparedMap, parse_extent, place_labels

#: Paper sizes in millimetres (short side, long side).
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("landscape", "portrait")
FORMATS = ("pdf", "png", "svg")
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml"}
DEFAULT_DPI = 300

WATER_COLOUR = "#cfe3f1"
CONTEXT_COLOUR = "#efefef"
AREA_EDGE = "#ffffff"
LOCALITY_EDGE = "#383838"
BOROUGH_EDGE = "#000000"
EXTENT_EDGE = "#08306b"
LOCALITY_WIDTH, BOROUGH_WIDTH, EXTENT_WIDTH = 1.0, 1.9, 2.6
TEXT_COLOUR = "#1a1a1a"
MUTED_TEXT = "#4d4d4d"

#: Overlay point styles (matplotlib scatter keywords); sizes in points² at A4.
POINT_STYLES = {
    "hospitals": dict(marker="P", s=120, c="#08306b", edgecolors="white", linewidths=0.8),
    "pharmacies": dict(marker="D", s=22, c="#252525", edgecolors="white", linewidths=0.5),
    "clinics": dict(marker="s", s=34, c="white", edgecolors="#252525", linewidths=1.1),
    "s106": dict(marker="*", s=260, c="#e7298a", edgecolors="black", linewidths=0.7),
    "monitoring_sites": dict(marker="^", s=90, c="black", edgecolors="white", linewidths=0.8),
}
GP_STYLE = dict(marker="o", c="#2b8cbe", edgecolors="#08306b", linewidths=0.6, alpha=0.8)
#: GP practice symbol area (points²) per registered patient: 10,000 patients -> 70 pt².
GP_AREA_PER_PATIENT = 70 / 10_000
GP_LEGEND_SIZES = (5_000, 10_000, 20_000)
TUBE_ABOVE, TUBE_BELOW, TUBE_UNKNOWN = "#40004b", "#5aae61", "#bdbdbd"
TUBE_STYLE = dict(marker="o", s=26, edgecolors="#1a1a1a", linewidths=0.5)
LIVEABLE_STYLE = dict(facecolor="none", edgecolor="#3f007d", hatch="///", linewidth=0.9, linestyle=(0, (4, 2)))

_PT_MM = 25.4 / 72.0
_LOCK = threading.Lock()  # rcParams are global: one render at a time per process
_RC = {
    "pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "thmaps",
    "font.family": "DejaVu Sans", "hatch.linewidth": 0.55, "path.simplify": False,
    # Lines are wrapped by measuring the unhinted glyph outlines; hinted raster text is wider at some
    # resolutions (at 150 dpi the footer ran 1.5% past the page edge), so PNGs are drawn unhinted too.
    "text.hinting": "no_hinting",
}
_TEXT_TO_PATH = TextToPath()


class PrintError(ValueError):
    """A print request that cannot be met (unknown paper, orientation or format)."""


@dataclass
class Swatch:
    """One legend symbol: its label, colour and position on the page (figure fraction, origin bottom left)."""

    label: str
    colour: str
    bbox: tuple[float, float, float, float]   # x0, y0, x1, y1 as fractions of the page


@dataclass
class PrintLayout:
    """What :func:`draw` drew, for callers and tests that need to find things on the page."""

    figure: Figure
    map_ax: object
    page_size_mm: tuple[float, float]
    area_codes: list[str] = field(default_factory=list)
    area_collection: object | None = None
    context_codes: list[str] = field(default_factory=list)
    class_swatches: list[Swatch] = field(default_factory=list)
    map_box_mm: tuple[float, float, float, float] = (0, 0, 0, 0)    # x0, y0, x1, y1
    legend_box_mm: tuple[float, float, float, float] = (0, 0, 0, 0)
    footer_top_mm: float = 0.0


# --------------------------------------------------------------------------- helpers

def page_size_mm(paper: str = "A4", orientation: str = "landscape") -> tuple[float, float]:
    """Width and height of the page in millimetres."""
    key = str(paper).upper()
    if key not in PAPERS:
        raise PrintError(f"unknown paper size {paper!r}; choose one of {', '.join(PAPERS)}")
    if orientation not in ORIENTATIONS:
        raise PrintError(f"unknown orientation {orientation!r}; choose landscape or portrait")
    short, long = PAPERS[key]
    return (long, short) if orientation == "landscape" else (short, long)


def _check_format(fmt: str) -> str:
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise PrintError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return fmt


def _text_width_mm(text: str, size: float, weight: str = "normal") -> float:
    prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=False)
    return width * _PT_MM


def wrap_text(text: str, width_mm: float, size: float, weight: str = "normal") -> list[str]:
    """Wrap ``text`` at spaces so that every line fits ``width_mm`` at ``size`` points (measured)."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        line = words[0]
        for word in words[1:]:
            candidate = f"{line} {word}"
            if _text_width_mm(candidate, size, weight) <= width_mm:
                line = candidate
            else:
                lines.append(line)
                line = word
        # A single word longer than the line (a URL, say) is cut hard rather than overflowing.
        while _text_width_mm(line, size, weight) > width_mm and len(line) > 8:
            cut = max(8, int(len(line) * width_mm / _text_width_mm(line, size, weight)) - 1)
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def _line_mm(size: float, spacing: float = 1.22) -> float:
    return size * spacing * _PT_MM


def _geom_path(geom) -> MplPath | None:
    """A compound matplotlib path for a (multi)polygon, rings oriented so holes stay holes."""
    if geom is None or geom.is_empty:
        return None
    polygons = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    vertices, codes = [], []
    for poly in polygons:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        poly = orient(poly, 1.0)
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            vertices.append(xy)
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), codes)


def _polygon_collection(geoms, **kwargs) -> tuple[PatchCollection, list[int]]:
    patches, kept = [], []
    for i, geom in enumerate(geoms):
        path = _geom_path(geom)
        if path is not None:
            patches.append(PathPatch(path))
            kept.append(i)
    return PatchCollection(patches, match_original=False, **kwargs), kept


def _extent_name(prepared: PreparedMap) -> str:
    kind, _ = parse_extent(prepared.description.extent)
    if kind == "borough":
        return settings.BOROUGH_NAME
    name = str(prepared.extent_geometry.iloc[0]["name"])
    return name if kind == "london" else f"{name} {kind}"


def _fit_bounds(bounds, box_w: float, box_h: float, pad: float = 0.05):
    """Data limits around ``bounds`` (padded) with the aspect of the box, so 1 m is 1 m both ways."""
    minx, miny, maxx, maxy = bounds
    w, h = maxx - minx, maxy - miny
    margin = max(w, h) * pad + 60.0
    minx, miny, maxx, maxy = minx - margin, miny - margin, maxx + margin, maxy + margin
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h < box_w / box_h:
        w = h * box_w / box_h
    else:
        h = w * box_h / box_w
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


# --------------------------------------------------------------------------- legend content

@dataclass
class _Row:
    kind: str            # patch | marker | line | hatch
    label: str
    style: dict
    lines: list[str] = field(default_factory=list)
    height: float = 0.0


@dataclass
class _Block:
    title: str
    rows: list[_Row]
    title_lines: list[str] = field(default_factory=list)
    height: float = 0.0


def _gp_sizes(frame) -> pd.Series:
    return pd.to_numeric(frame.get("list_size"), errors="coerce")


def _legend_blocks(prepared: PreparedMap, scale: float) -> list[_Block]:
    areas = prepared.areas
    inside = areas[areas["in_extent"]]
    class_rows = [_Row("patch", label, {"facecolor": colour, "edgecolor": "#7f7f7f"})
                  for label, colour in zip(prepared.labels, prepared.colours)]
    if (inside["class_index"] < 0).any() or inside["value"].isna().any():
        class_rows.append(_Row("patch", "No data", {"facecolor": NO_DATA_COLOUR, "edgecolor": "#7f7f7f"}))
    blocks = [_Block(prepared.legend_title, class_rows)]

    rows: list[_Row] = []
    for key, frame in prepared.overlays.items():
        label = OVERLAYS[key]
        if key == "gp_practices":
            rows.append(_Row("heading", f"GP practices, sized by registered patients ({len(frame)})", {}))
            for n in GP_LEGEND_SIZES:
                rows.append(_Row("marker", f"{n:,} patients", dict(GP_STYLE, s=n * GP_AREA_PER_PATIENT * scale)))
            if _gp_sizes(frame).isna().any():
                rows.append(_Row("marker", "List size not known", dict(GP_STYLE, s=20 * scale, c="white")))
        elif key == "no2_tubes":
            year = prepared.description.tube_year
            status = frame["objective_status"]
            rows.append(_Row("heading", f"NO₂ diffusion tubes, {year} annual mean ({len(frame)})", {}))
            rows.append(_Row("marker", f"Above {settings.NO2_OBJECTIVE:g} µg/m³ (UK objective)",
                             dict(TUBE_STYLE, s=TUBE_STYLE["s"] * scale, c=TUBE_ABOVE)))
            rows.append(_Row("marker", f"At or below {settings.NO2_OBJECTIVE:g} µg/m³",
                             dict(TUBE_STYLE, s=TUBE_STYLE["s"] * scale, c=TUBE_BELOW)))
            if (status == "not judged").any():
                rows.append(_Row("marker", "Not judged (no mean, or a suspect month)",
                                 dict(TUBE_STYLE, s=TUBE_STYLE["s"] * scale, c=TUBE_UNKNOWN)))
        elif key == "liveable_streets":
            rows.append(_Row("hatch", "Liveable Streets areas (approximate: whole wards)", dict(LIVEABLE_STYLE)))
        else:
            style = dict(POINT_STYLES[key])
            style["s"] = style["s"] * scale
            rows.append(_Row("marker", f"{label} ({len(frame)})", style))
    kind, _ = parse_extent(prepared.description.extent)
    if kind != "borough":
        rows.append(_Row("line", f"{_extent_name(prepared)}", {"color": EXTENT_EDGE, "linewidth": EXTENT_WIDTH * scale}))
        if kind != "london":  # London-wide every area is mapped: there is no context to grey out
            rows.append(_Row("patch", "Rest of the borough (context)", {"facecolor": CONTEXT_COLOUR,
                                                                        "edgecolor": "#bdbdbd"}))
    rows.append(_Row("line", "Locality boundary", {"color": LOCALITY_EDGE, "linewidth": LOCALITY_WIDTH * scale}))
    rows.append(_Row("line", "Borough boundary", {"color": BOROUGH_EDGE, "linewidth": BOROUGH_WIDTH * scale}))
    rows.append(_Row("patch", "Water (Thames and docks)", {"facecolor": WATER_COLOUR, "edgecolor": "none"}))
    blocks.append(_Block("Also on the map", rows))
    return blocks


def _measure_blocks(blocks: list[_Block], width: float, scale: float) -> None:
    title_size, label_size = 9.0 * scale, 8.0 * scale
    symbol_w = 9.0 * scale
    for block in blocks:
        block.title_lines = wrap_text(block.title, width, title_size, "bold")
        height = len(block.title_lines) * _line_mm(title_size) + 1.5 * scale
        for row in block.rows:
            if row.kind == "heading":
                row.lines = wrap_text(row.label, width, label_size, "bold")
                row.height = len(row.lines) * _line_mm(label_size) + 0.8 * scale
            else:
                row.lines = wrap_text(row.label, width - symbol_w - 1.5 * scale, label_size)
                symbol_h = 4.2 * scale
                if row.kind == "marker" and row.style.get("s"):
                    symbol_h = max(symbol_h, np.sqrt(row.style["s"]) * _PT_MM + 1.0)
                row.height = max(len(row.lines) * _line_mm(label_size), symbol_h) + 1.2 * scale
            height += row.height
        block.height = height


def _layout_columns(blocks: list[_Block], max_height: float) -> list[list[_Block]]:
    """Stack blocks into columns no taller than ``max_height`` (a block is never split)."""
    columns: list[list[_Block]] = [[]]
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


# --------------------------------------------------------------------------- drawing

def _text(ax, x, y, text, size, **kw):
    kw.setdefault("color", TEXT_COLOUR)
    return ax.text(x, y, text, fontsize=size, parse_math=False, **kw)


def _draw_block(page, block: _Block, x: float, y_top: float, width: float, scale: float, layout: PrintLayout, page_w, page_h):
    title_size, label_size = 9.0 * scale, 8.0 * scale
    symbol_w = 9.0 * scale
    y = y_top
    _text(page, x, y, "\n".join(block.title_lines), title_size, fontweight="bold", va="top", ha="left",
          linespacing=1.22)
    y -= len(block.title_lines) * _line_mm(title_size) + 1.5 * scale
    for row in block.rows:
        centre = y - row.height / 2 + 0.6 * scale
        if row.kind == "heading":
            _text(page, x, y, "\n".join(row.lines), label_size, fontweight="bold", va="top", ha="left", linespacing=1.22)
            y -= row.height
            continue
        sx0, sx1 = x + 0.5 * scale, x + symbol_w - 1.5 * scale
        sy0, sy1 = centre - 2.0 * scale, centre + 2.0 * scale
        if row.kind == "patch":
            rect = Rectangle((sx0, sy0), sx1 - sx0, sy1 - sy0, facecolor=row.style["facecolor"],
                             edgecolor=row.style.get("edgecolor", "none"), linewidth=0.4)
            page.add_patch(rect)
            if block is not None and row.style["facecolor"] != WATER_COLOUR:
                layout.class_swatches.append(Swatch(row.label, row.style["facecolor"],
                                                    (sx0 / page_w, sy0 / page_h, sx1 / page_w, sy1 / page_h)))
        elif row.kind == "hatch":
            page.add_patch(Rectangle((sx0, sy0), sx1 - sx0, sy1 - sy0, **row.style))
        elif row.kind == "line":
            page.add_line(Line2D([sx0, sx1], [centre, centre], color=row.style["color"],
                                 linewidth=row.style["linewidth"], solid_capstyle="butt"))
        elif row.kind == "marker":
            page.scatter([(sx0 + sx1) / 2], [centre], **row.style, zorder=5, clip_on=False)
        _text(page, x + symbol_w, centre, "\n".join(row.lines), label_size, va="center", ha="left", linespacing=1.22)
        y -= row.height


def _draw_map(ax, prepared: PreparedMap, scale: float, layout: PrintLayout) -> None:
    from . import store

    areas = prepared.areas
    ax.set_facecolor("white")
    water = store.load_layer("water")
    # Water goes above the areas: ward polygons reach the middle of the Thames, LSOAs stop at the bank.
    water_pc, _ = _polygon_collection(water.geometry, facecolor=WATER_COLOUR, edgecolor="none", linewidth=0, zorder=3.5)
    water_pc.set_gid("thmaps-water")
    ax.add_collection(water_pc)

    context = areas[~areas["in_extent"]]
    if len(context):
        ctx_pc, kept = _polygon_collection(context.geometry, facecolor=CONTEXT_COLOUR, edgecolor=AREA_EDGE,
                                           linewidth=0.3, zorder=2)
        ctx_pc.set_gid("thmaps-context")
        ax.add_collection(ctx_pc)
        layout.context_codes = [context["code"].iloc[i] for i in kept]

    inside = areas[areas["in_extent"]]
    area_pc, kept = _polygon_collection(inside.geometry, facecolors=list(inside["colour"]), edgecolor=AREA_EDGE,
                                        linewidth=0.35 if prepared.description.level == "lsoa11" else 0.6, zorder=3)
    area_pc.set_gid("thmaps-areas")
    ax.add_collection(area_pc)
    layout.area_codes = [inside["code"].iloc[i] for i in kept]
    layout.area_collection = area_pc

    if "liveable_streets" in prepared.overlays and len(prepared.overlays["liveable_streets"]):
        # Wards reach the middle of the Thames: hatch only the land.
        land = prepared.overlays["liveable_streets"].geometry.difference(water.geometry.union_all())
        ls_pc, _ = _polygon_collection(land, zorder=4, **LIVEABLE_STYLE)
        ls_pc.set_gid("thmaps-liveable-streets")
        ax.add_collection(ls_pc)

    borough = store.load_layer("borough")
    ax.add_collection(_polygon_collection(borough.geometry, facecolor="none", edgecolor=BOROUGH_EDGE,
                                          linewidth=BOROUGH_WIDTH * scale, zorder=7)[0])
    localities = prepared.localities
    ax.add_collection(_polygon_collection(localities.geometry, facecolor="none", edgecolor=LOCALITY_EDGE,
                                          linewidth=LOCALITY_WIDTH * scale, zorder=6)[0])
    kind, code = parse_extent(prepared.description.extent)
    if kind != "borough":
        ax.add_collection(_polygon_collection(prepared.extent_geometry.geometry, facecolor="none",
                                              edgecolor=EXTENT_EDGE, linewidth=EXTENT_WIDTH * scale, zorder=7.5)[0])

    # Overlay points above the areas, larger symbols underneath smaller ones.
    for key, frame in prepared.overlays.items():
        if key == "liveable_streets" or frame.empty:
            continue
        pts = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
        if key == "gp_practices":
            sizes = _gp_sizes(pts)
            s = np.where(sizes.notna(), sizes.fillna(0) * GP_AREA_PER_PATIENT * scale, 20 * scale)
            colours = np.where(sizes.notna(), GP_STYLE["c"], "white")
            order = np.argsort(-s)
            style = {k: v for k, v in GP_STYLE.items() if k != "c"}
            sc = ax.scatter(x[order], y[order], s=s[order], c=list(colours[order]), zorder=8, **style)
        elif key == "no2_tubes":
            status = pts["objective_status"].to_numpy()
            colours = np.where(status == "not judged", TUBE_UNKNOWN, np.where(status == "above", TUBE_ABOVE, TUBE_BELOW))
            style = dict(TUBE_STYLE, s=TUBE_STYLE["s"] * scale)
            sc = ax.scatter(x, y, c=list(colours), zorder=9, **style)
        else:
            style = dict(POINT_STYLES[key])
            style["s"] = style["s"] * scale
            sc = ax.scatter(x, y, zorder=10 if key in ("s106", "hospitals") else 9, **style)
        sc.set_gid(f"thmaps-{key}")

def _draw_labels(ax, prepared: PreparedMap, scale: float, xlim, ylim, mm_per_metre: float) -> None:
    """Locality labels (always) with a white halo; a label that would be cut by the frame is left out."""
    halo = [patheffects.Stroke(linewidth=3.0 * scale, foreground="white")]
    kind, code = parse_extent(prepared.description.extent)
    labels = []
    for label in place_labels(prepared).itertuples():
        selected = kind == "locality" and label.code == code
        size = (10.5 if selected else 9.5) * scale
        labels.append((label.geometry, str(label.name), size, "bold", "normal",
                       TEXT_COLOUR if (kind in ("borough", "london") or selected) else MUTED_TEXT))
    if kind == "ward":
        ward = prepared.extent_geometry.iloc[0]
        labels.append((ward.geometry.representative_point(), str(ward["name"]), 9.0 * scale, "normal", "italic",
                       TEXT_COLOUR))
    for point, text, size, weight, style, colour in labels:
        half_w = (_text_width_mm(text, size, weight) / 2 + 1.0) / mm_per_metre
        half_h = (size * _PT_MM / 2 + 1.0) / mm_per_metre
        if not (xlim[0] < point.x - half_w and point.x + half_w < xlim[1]
                and ylim[0] < point.y - half_h and point.y + half_h < ylim[1]):
            continue
        # The halo alone is drawn as a path, then the label as plain text on top, so that
        # labels stay selectable, searchable text in PDF and SVG (a path effect turns text into paths).
        for effects, z in ((halo, 12), (None, 12.1)):
            _text(ax, point.x, point.y, text, size, ha="center", va="center", fontweight=weight, fontstyle=style,
                  color=colour, path_effects=effects, zorder=z, clip_on=True)


def _draw_north_arrow(ax, scale: float) -> None:
    x, y_head, y_tail = 0.955, 0.93, 0.845
    ax.add_patch(FancyBboxPatch((x - 0.03, y_tail - 0.02), 0.06, (y_head - y_tail) + 0.065,
                                boxstyle="round,pad=0.004", transform=ax.transAxes, facecolor="white",
                                edgecolor="#bdbdbd", linewidth=0.5, alpha=0.9, zorder=20))
    ax.annotate("", xy=(x, y_head), xytext=(x, y_tail), xycoords="axes fraction", textcoords="axes fraction",
                arrowprops=dict(arrowstyle="-|>,head_length=0.8,head_width=0.45", color="black",
                                linewidth=2.0 * scale, shrinkA=0, shrinkB=0), zorder=21)
    ax.text(x, y_head + 0.004, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=11 * scale,
            fontweight="bold", color="black", zorder=21, parse_math=False)


def draw(prepared: PreparedMap, paper: str = "A4", orientation: str = "landscape") -> PrintLayout:
    """Draw the map page on a new :class:`~matplotlib.figure.Figure` (not saved).

    Returns
    -------
    PrintLayout
        The figure and where things are on it (area collection and codes, legend swatches).
    """
    page_w, page_h = page_size_mm(paper, orientation)
    scale = 1.0 if str(paper).upper() == "A4" else 1.25
    margin = 10.0 * scale
    fig = Figure(figsize=(page_w / 25.4, page_h / 25.4), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)  # Agg, never pyplot: safe in Streamlit's threads and headless servers
    page = fig.add_axes((0, 0, 1, 1), zorder=0)
    page.set_xlim(0, page_w)
    page.set_ylim(0, page_h)
    page.axis("off")
    layout = PrintLayout(figure=fig, map_ax=None, page_size_mm=(page_w, page_h))
    content_w = page_w - 2 * margin

    # Title and subtitle.
    title_size, subtitle_size = 17.0 * scale, 11.0 * scale
    y = page_h - margin
    title_lines = wrap_text(prepared.title, content_w, title_size, "bold")
    _text(page, margin, y, "\n".join(title_lines), title_size, fontweight="bold", va="top", ha="left", linespacing=1.15)
    y -= len(title_lines) * _line_mm(title_size, 1.15) + 1.8 * scale
    sub_lines = wrap_text(prepared.subtitle, content_w, subtitle_size)
    _text(page, margin, y, "\n".join(sub_lines), subtitle_size, color=MUTED_TEXT, va="top", ha="left", linespacing=1.2)
    y -= len(sub_lines) * _line_mm(subtitle_size, 1.2)
    body_top = y - 4.0 * scale

    # Footer: measured and wrapped to the page width, bottom up.
    foot_size = 7.0 * scale
    paragraphs = [prepared.source_line, " ".join(prepared.notes),
                  "Data: " + "  |  ".join(prepared.attributions) if prepared.attributions else "",
                  f"Made with thmaps on {prepared.made_on}."]
    foot_lines: list[str] = []
    for para in paragraphs:
        if para:
            foot_lines.extend(wrap_text(para, content_w, foot_size))
    foot_h = len(foot_lines) * _line_mm(foot_size, 1.25)
    _text(page, margin, margin, "\n".join(foot_lines), foot_size, color=MUTED_TEXT, va="bottom", ha="left",
          linespacing=1.25)
    footer_top = margin + foot_h
    page.add_line(Line2D([margin, page_w - margin], [footer_top + 2.0 * scale] * 2, color="#bdbdbd", linewidth=0.5))
    layout.footer_top_mm = footer_top + 2.0 * scale
    body_bottom = footer_top + 5.0 * scale
    body_h = body_top - body_bottom

    # Legend blocks: beside the map (landscape) or under it (portrait).
    blocks = _legend_blocks(prepared, scale)
    ext = prepared.extent_geometry.total_bounds
    ext_aspect = max(ext[2] - ext[0], 1.0) / max(ext[3] - ext[1], 1.0)
    gap = 6.0 * scale
    if orientation == "landscape":
        col_w = 60.0 * scale
        _measure_blocks(blocks, col_w, scale)
        columns = _layout_columns(blocks, body_h)
        legend_w = len(columns) * col_w + (len(columns) - 1) * 5.0 * scale
        map_w = min(content_w - legend_w - gap, body_h * ext_aspect * 1.06)
        map_h = body_h
        group_w = map_w + gap + legend_w
        map_x0 = margin + (content_w - group_w) / 2
        map_y0 = body_bottom
        legend_x0, legend_top = map_x0 + map_w + gap, body_top
        for i, column in enumerate(columns):
            yy = legend_top
            for block in column:
                _draw_block(page, block, legend_x0 + i * (col_w + 5.0 * scale), yy, col_w, scale, layout, page_w, page_h)
                yy -= block.height + 5.0 * scale
        layout.legend_box_mm = (legend_x0, body_bottom, legend_x0 + legend_w, body_top)
    else:
        n = len(blocks)
        col_w = (content_w - (n - 1) * 6.0 * scale) / n
        _measure_blocks(blocks, col_w, scale)
        legend_h = max(b.height for b in blocks)
        map_h = min(body_h - legend_h - gap, content_w / ext_aspect * 1.06)
        map_w = content_w
        group_h = map_h + gap + legend_h
        map_x0 = margin
        map_y0 = body_top - (body_h - group_h) / 2 - map_h
        legend_top = map_y0 - gap
        for i, block in enumerate(blocks):
            _draw_block(page, block, margin + i * (col_w + 6.0 * scale), legend_top, col_w, scale, layout, page_w, page_h)
        layout.legend_box_mm = (margin, legend_top - legend_h, page_w - margin, legend_top)

    # Keep only the class swatches (first block) in the layout record.
    class_labels = set(prepared.labels) | {"No data"}
    layout.class_swatches = [s for s in layout.class_swatches if s.label in class_labels][: len(prepared.labels) + 1]

    ax = fig.add_axes((map_x0 / page_w, map_y0 / page_h, map_w / page_w, map_h / page_h), zorder=1)
    layout.map_ax = ax
    layout.map_box_mm = (map_x0, map_y0, map_x0 + map_w, map_y0 + map_h)
    _draw_map(ax, prepared, scale, layout)
    xlim, ylim = _fit_bounds(ext, map_w, map_h)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="datalim")  # the limits already match the box: 1 m is 1 m both ways
    _draw_labels(ax, prepared, scale, xlim, ylim, map_w / (xlim[1] - xlim[0]))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#7f7f7f")
    ax.add_artist(ScaleBar(1, "m", dimension="si-length", location="lower left", length_fraction=0.22,
                           box_alpha=0.85, border_pad=0.6, pad=0.5,
                           font_properties={"size": 8 * scale, "family": "DejaVu Sans"}))
    _draw_north_arrow(ax, scale)
    _text(ax, 0.995, 0.004, "British National Grid (EPSG:27700)", 6.0 * scale, color=MUTED_TEXT,
          transform=ax.transAxes, ha="right", va="bottom", zorder=20)
    return layout


def render(prepared: PreparedMap, paper: str = "A4", orientation: str = "landscape", fmt: str = "pdf",
           dpi: int = DEFAULT_DPI) -> bytes:
    """The map page as PDF, PNG or SVG bytes, the page exactly ``paper`` in ``orientation``.

    ``dpi`` applies to PNG (the page is ``paper`` at ``dpi``; 300 for print, lower for previews)
    and to any raster parts of PDF/SVG.

    Raises
    ------
    PrintError
        For an unknown paper size, orientation or format, or a dpi outside 30-1200.
    """
    fmt = _check_format(fmt)
    page_size_mm(paper, orientation)
    if not 30 <= int(dpi) <= 1200:
        raise PrintError(f"dpi must be between 30 and 1200, not {dpi}")
    metadata = {
        "pdf": {"Title": prepared.title, "Subject": prepared.subtitle, "Creator": "thmaps",
                "Keywords": "; ".join(prepared.attributions)},
        "svg": {"Title": prepared.title, "Description": prepared.subtitle, "Creator": "thmaps"},
        "png": {"Title": prepared.title, "Description": prepared.subtitle, "Software": "thmaps"},
    }[fmt]
    with _LOCK, matplotlib.rc_context(_RC):
        layout = draw(prepared, paper, orientation)
        buffer = io.BytesIO()
        layout.figure.savefig(buffer, format=fmt, dpi=int(dpi), metadata=metadata, facecolor="white")
    return buffer.getvalue()


def save(prepared: PreparedMap, path, paper: str = "A4", orientation: str = "landscape", fmt: str | None = None,
         dpi: int = DEFAULT_DPI) -> Path:
    """Render and write the map atomically (a temporary file beside ``path``, then :func:`os.replace`).

    The format defaults to the file's suffix.  Returns the path written.
    """
    path = Path(path)
    fmt = _check_format(fmt or path.suffix or "pdf")
    data = render(prepared, paper, orientation, fmt, dpi)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def file_name(prepared: PreparedMap, fmt: str = "pdf") -> str:
    """A descriptive file name: ``<indicator>-<extent>-<period>.<fmt>``."""
    d = prepared.description
    extent = d.extent.replace("locality:", "").replace("ward:", "") if d.extent != "borough" else "tower-hamlets"
    stem = "-".join(textwrap.shorten(part, 60, placeholder="") for part in (d.indicator, extent, str(d.period), d.level))
    stem = "".join(ch.lower() if ch.isalnum() else "-" for ch in stem)
    while "--" in stem:
        stem = stem.replace("--", "-")
    return f"{stem.strip('-')}.{_check_format(fmt)}"
