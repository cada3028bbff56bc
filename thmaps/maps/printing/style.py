"""Colours, line widths and overlay symbols of the printed page (overlays take theirs from the registry)."""
from __future__ import annotations

from matplotlib.colors import to_rgba

from ...overlays import Symbol

WATER_COLOUR = "#cfe3f1"
CONTEXT_COLOUR = "#efefef"
AREA_EDGE = "#ffffff"
#: Width (points) of the white lines between areas, by map level: thinner for small areas (default 0.6).
AREA_LINE_WIDTHS = {"oa21": 0.2, "lsoa11": 0.35, "lsoa21": 0.35, "msoa21": 0.5}
LOCALITY_EDGE = "#383838"
BOROUGH_EDGE = "#000000"
EXTENT_EDGE = "#08306b"
LOCALITY_WIDTH, BOROUGH_WIDTH, EXTENT_WIDTH = 1.0, 1.9, 2.6
#: Ward boundaries over maps finer than wards (thin, dark: they carry the ward names).
WARD_EDGE, WARD_WIDTH = "#595959", 0.45

#: The registry's shapes as matplotlib markers.
MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^", "star": "*", "cross": "P"}
#: matplotlib draws "*" and "P" smaller than their nominal size: scaled up so they fill the same box as on screen.
MARKER_SCALE = {"star": 1.35, "cross": 1.1}


def scatter_style(symbol: Symbol, sizes, scale: float = 1.0) -> dict:
    """``Axes.scatter`` keywords drawing ``symbol`` ``sizes`` points wide (one size or one per point)."""
    factor = MARKER_SCALE.get(symbol.marker, 1.0) * scale
    try:
        area = [(float(s) * factor) ** 2 for s in sizes]
    except TypeError:
        area = (float(sizes) * factor) ** 2
    face = "none" if symbol.fill == "none" else to_rgba(symbol.fill, symbol.fill_opacity)
    return dict(marker=MARKERS[symbol.marker], s=area, c=[face] if face != "none" else "none",
                edgecolors=symbol.edge, linewidths=symbol.edge_width * scale,
                linestyles=(0, (2, 1.5)) if symbol.dashed else "solid")


def area_style(symbol: Symbol, scale: float = 1.0) -> dict:
    """Patch keywords drawing an area ``symbol`` (fill with its opacity, outline dashed if it says so)."""
    return dict(facecolor=to_rgba(symbol.fill, symbol.fill_opacity), edgecolor=symbol.edge,
                linewidth=symbol.edge_width * 0.6 * scale, linestyle=(0, (4, 2)) if symbol.dashed else "solid")
