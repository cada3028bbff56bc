"""Print-ready maps: one :class:`~thmaps.maps.prepare.PreparedMap` drawn on an exact A4/A3 page.

The printed map draws the same prepared object as the interactive map, so every area keeps the
class and colour :func:`thmaps.maps.prepare` gave it and every overlay the symbol the registry gives
it (nothing is reclassified or restyled here).

Page layout (all measured in millimetres on the page):

* title and subtitle at the top (wrapped if long);
* the map, drawn in EPSG:27700 and zoomed to the extent, with a scale bar in metres and a
  north arrow; water (Thames and docks) in light blue, the borough outline, locality outlines
  and labels, the chosen overlays; areas outside the extent in light grey for context;
* the legend beside the map (landscape) or under it (portrait) (:mod:`.legend`);
* a footer with the source line, notes, attribution lines and "Made with thmaps on <date>",
  wrapped to the page width by measuring the text, so it never runs into the map.

Text stays text in PDF (TrueType) and SVG, so it can be searched, copied and read by screen
readers. Rendering uses the object-oriented :class:`matplotlib.figure.Figure` (Agg), never pyplot.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib_scalebar.scalebar import ScaleBar
from shapely.geometry.polygon import orient

from ..._util import atomic_write, slugify
from ...errors import PrintError
from ...overlays import OVERLAYS, symbol_sizes
from ..labels import ward_lines
from ..prepare import PreparedMap
from ..nesting import single_area_note
from .labels import draw_focus, draw_map_note, draw_names, furniture
from .legend import Swatch, draw_block, layout_columns, legend_blocks, measure_blocks
from .style import (AREA_EDGE, AREA_LINE_WIDTHS, BOROUGH_EDGE, BOROUGH_WIDTH, CONTEXT_COLOUR, EXTENT_EDGE,
                    EXTENT_WIDTH, LOCALITY_EDGE, LOCALITY_WIDTH, WARD_EDGE, WARD_WIDTH, WATER_COLOUR, area_style,
                    scatter_style)
from .text import LOCK, MUTED_TEXT, RC, line_mm, put_text, wrap_text

#: Paper sizes in millimetres (short side, long side).
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("landscape", "portrait")
FORMATS = ("pdf", "png", "svg")
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml"}
DEFAULT_DPI = 300


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
    labels: list = field(default_factory=list)     # names written on the map (:class:`.labels.PlacedLabel`)


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


def _draw_map(ax, prepared: PreparedMap, scale: float, layout: PrintLayout) -> None:
    areas = prepared.areas
    ax.set_facecolor("white")
    water = prepared.water
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
                                        linewidth=AREA_LINE_WIDTHS.get(prepared.description.level, 0.6), zorder=3)
    area_pc.set_gid("thmaps-areas")
    ax.add_collection(area_pc)
    layout.area_codes = [inside["code"].iloc[i] for i in kept]
    layout.area_collection = area_pc

    borough = prepared.borough
    ax.add_collection(_polygon_collection(borough.geometry, facecolor="none", edgecolor=BOROUGH_EDGE,
                                          linewidth=BOROUGH_WIDTH * scale, zorder=7)[0])
    wards = ward_lines(prepared)
    if wards is not None:
        pc = _polygon_collection(wards.geometry, facecolor="none", edgecolor=WARD_EDGE, linewidth=WARD_WIDTH * scale,
                                 zorder=5)[0]
        pc.set_gid("thmaps-wards")
        ax.add_collection(pc)
    localities = prepared.localities
    ax.add_collection(_polygon_collection(localities.geometry, facecolor="none", edgecolor=LOCALITY_EDGE,
                                          linewidth=LOCALITY_WIDTH * scale, zorder=6)[0])
    if prepared.extent.kind != "borough":
        ax.add_collection(_polygon_collection(prepared.extent_geometry.geometry, facecolor="none",
                                              edgecolor=EXTENT_EDGE, linewidth=EXTENT_WIDTH * scale, zorder=7.5)[0])

    _draw_overlays(ax, prepared, scale, water)


def _draw_overlays(ax, prepared: PreparedMap, scale: float, water) -> None:
    """Every overlay with its registry symbols: areas under points, larger symbols under smaller ones."""
    for key, frame in prepared.overlays.items():
        overlay = OVERLAYS[key]
        if frame.empty:
            continue
        if overlay.is_area:
            # Wards reach the middle of the Thames: draw approximate areas on the land only.
            shapes = frame.geometry.difference(water.geometry.union_all()) if overlay.land_only else frame.geometry
            categories = overlay.categories(frame)
            lines = shapes.geom_type.isin(["LineString", "MultiLineString"]).to_numpy()
            for category, symbol in overlay.symbols.items():
                chosen = (categories == category).to_numpy()
                if (chosen & ~lines).any():
                    pc, _ = _polygon_collection(shapes[chosen & ~lines], zorder=4, **area_style(symbol, scale))
                    pc.set_gid(f"thmaps-{key}-{category}")
                    ax.add_collection(pc)
                if (chosen & lines).any():
                    style = area_style(symbol, scale)
                    lc = LineCollection([np.asarray(part.coords)[:, :2] for geom in shapes[chosen & lines]
                                         for part in getattr(geom, "geoms", [geom])], zorder=4,
                                        colors=style["edgecolor"], linewidths=style["linewidth"] * 1.5,
                                        linestyles=style["linestyle"])
                    lc.set_gid(f"thmaps-{key}-{category}-lines")
                    ax.add_collection(lc)
            continue
        pts = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        categories = overlay.categories(pts).to_numpy()
        sizes = symbol_sizes(overlay, pts)
        order = np.argsort(-sizes, kind="stable")
        x, y = pts.geometry.x.to_numpy()[order], pts.geometry.y.to_numpy()[order]
        for category, symbol in overlay.symbols.items():
            chosen = categories[order] == category
            if not chosen.any():
                continue
            sc = ax.scatter(x[chosen], y[chosen], zorder=9 + (1 if sizes.max() < 10 else 0),
                            **scatter_style(symbol, sizes[order][chosen], scale))
            sc.set_gid(f"thmaps-{key}-{category.replace(' ', '-')}")


def _draw_labels(ax, prepared: PreparedMap, scale: float, xlim, ylim, mm_per_metre: float) -> list:
    """The focus marker, then ward and locality names placed inside their areas (:mod:`.labels`)."""
    taken = furniture(xlim, ylim, mm_per_metre, scale)
    focus_box = draw_focus(ax, prepared, scale, xlim, ylim, mm_per_metre)
    if focus_box:
        taken.append(focus_box)
    note = draw_map_note(ax, single_area_note(prepared), scale, (xlim[1] - xlim[0]) * mm_per_metre)
    if note:  # its width and height in mm, from the top left corner
        taken.append((xlim[0], ylim[1] - (note[1] + 3.0) / mm_per_metre, xlim[0] + (note[0] + 3.0) / mm_per_metre,
                      ylim[1]))
    return draw_names(ax, prepared, scale, xlim, ylim, mm_per_metre, taken)


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
    put_text(page, margin, y, "\n".join(title_lines), title_size, fontweight="bold", va="top", ha="left", linespacing=1.15)
    y -= len(title_lines) * line_mm(title_size, 1.15) + 1.8 * scale
    sub_lines = wrap_text(prepared.subtitle, content_w, subtitle_size)
    put_text(page, margin, y, "\n".join(sub_lines), subtitle_size, color=MUTED_TEXT, va="top", ha="left", linespacing=1.2)
    y -= len(sub_lines) * line_mm(subtitle_size, 1.2)
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
    foot_h = len(foot_lines) * line_mm(foot_size, 1.25)
    put_text(page, margin, margin, "\n".join(foot_lines), foot_size, color=MUTED_TEXT, va="bottom", ha="left",
          linespacing=1.25)
    footer_top = margin + foot_h
    page.add_line(Line2D([margin, page_w - margin], [footer_top + 2.0 * scale] * 2, color="#bdbdbd", linewidth=0.5))
    layout.footer_top_mm = footer_top + 2.0 * scale
    body_bottom = footer_top + 5.0 * scale
    body_h = body_top - body_bottom

    # Legend blocks: beside the map (landscape) or under it (portrait).
    blocks = legend_blocks(prepared, scale)
    ext = prepared.extent_geometry.total_bounds
    ext_aspect = max(ext[2] - ext[0], 1.0) / max(ext[3] - ext[1], 1.0)
    gap = 6.0 * scale
    if orientation == "landscape":
        col_w = 60.0 * scale
        measure_blocks(blocks, col_w, scale)
        columns = layout_columns(blocks, body_h)
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
                draw_block(page, block, legend_x0 + i * (col_w + 5.0 * scale), yy, scale, layout.class_swatches,
                           page_w, page_h)
                yy -= block.height + 5.0 * scale
        layout.legend_box_mm = (legend_x0, body_bottom, legend_x0 + legend_w, body_top)
    else:
        # Up to three columns under the map, blocks flowing top to bottom and balanced in height.
        n = min(3, len(blocks))
        col_gap = 6.0 * scale
        col_w = (content_w - (n - 1) * col_gap) / n
        measure_blocks(blocks, col_w, scale)
        legend_h = max(max(b.height for b in blocks), sum(b.height + 5.0 * scale for b in blocks) / n)
        columns = layout_columns(blocks, legend_h)
        while len(columns) > n:
            legend_h *= 1.05
            columns = layout_columns(blocks, legend_h)
        legend_h = max(sum(b.height for b in col) + 5.0 * scale * (len(col) - 1) for col in columns)
        map_h = min(body_h - legend_h - gap, content_w / ext_aspect * 1.06)
        map_w = content_w
        group_h = map_h + gap + legend_h
        map_x0 = margin
        map_y0 = body_top - (body_h - group_h) / 2 - map_h
        legend_top = map_y0 - gap
        for i, column in enumerate(columns):
            yy = legend_top
            for block in column:
                draw_block(page, block, margin + i * (col_w + col_gap), yy, scale, layout.class_swatches, page_w, page_h)
                yy -= block.height + 5.0 * scale
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
    layout.labels = _draw_labels(ax, prepared, scale, xlim, ylim, map_w / (xlim[1] - xlim[0]))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#7f7f7f")
    ax.add_artist(ScaleBar(1, "m", dimension="si-length", location="lower left", length_fraction=0.22,
                           box_alpha=0.85, border_pad=0.6, pad=0.5,
                           font_properties={"size": 8 * scale, "family": "DejaVu Sans"}))
    _draw_north_arrow(ax, scale)
    put_text(ax, 0.995, 0.004, "British National Grid (EPSG:27700)", 6.0 * scale, color=MUTED_TEXT,
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
    with LOCK, matplotlib.rc_context(RC):
        layout = draw(prepared, paper, orientation)
        buffer = io.BytesIO()
        layout.figure.savefig(buffer, format=fmt, dpi=int(dpi), metadata=metadata, facecolor="white")
    return buffer.getvalue()


def save(prepared: PreparedMap, path, paper: str = "A4", orientation: str = "landscape", fmt: str | None = None,
         dpi: int = DEFAULT_DPI) -> Path:
    """Render and write the map atomically; the format defaults to the file's suffix. Returns the path."""
    path = Path(path)
    fmt = _check_format(fmt or path.suffix or "pdf")
    return atomic_write(path, render(prepared, paper, orientation, fmt, dpi))


def file_name(prepared: PreparedMap, fmt: str = "pdf") -> str:
    """A descriptive file name: ``<indicator>-<extent>-<period>-<level>.<fmt>``."""
    return f"{file_stem(prepared)}.{_check_format(fmt)}"


def file_stem(prepared: PreparedMap) -> str:
    """``<indicator>-<extent>-<period>-<level>``, safe as a file name (shared by every export of a map)."""
    d = prepared.description
    extent = {"borough": "tower-hamlets", "london": "london"}.get(d.extent.kind) or (
        d.extent.locality.name if d.extent.locality else d.extent.code)
    return slugify("-".join([d.indicator, extent, str(d.period), d.level]), limit=200)
