"""Overlay symbols as SVG, drawn from the overlay registry's :class:`~thmaps.overlays.Symbol`.

The map's point markers and the legend's keys are the same SVG, so the legend shows exactly what
the map draws; the print renderer draws the same shapes with matplotlib markers.
"""
from __future__ import annotations

import math

from ...overlays import Symbol
from ...safetext import escape_html


def _shape_path(marker: str, w: float) -> str:
    """An SVG path of the shape inside a ``w`` × ``w`` box."""
    c = w / 2
    if marker == "circle":
        return f"M{0:.2f},{c:.2f}a{c:.2f},{c:.2f} 0 1,0 {w:.2f},0a{c:.2f},{c:.2f} 0 1,0 {-w:.2f},0Z"
    if marker == "square":
        return f"M0,0H{w:.2f}V{w:.2f}H0Z"
    if marker == "diamond":
        return f"M{c:.2f},0L{w:.2f},{c:.2f}L{c:.2f},{w:.2f}L0,{c:.2f}Z"
    if marker == "triangle":
        return f"M{c:.2f},0L{w:.2f},{w:.2f}L0,{w:.2f}Z"
    if marker == "cross":
        a, b = w / 3, 2 * w / 3
        return (f"M{a:.2f},0H{b:.2f}V{a:.2f}H{w:.2f}V{b:.2f}H{b:.2f}V{w:.2f}H{a:.2f}V{b:.2f}H0V{a:.2f}"
                f"H{a:.2f}Z")
    if marker == "star":
        points = []
        for i in range(10):
            r = c if i % 2 == 0 else c * 0.45
            angle = math.pi / 2 - i * math.pi / 5
            points.append(f"{c + r * math.cos(angle):.2f},{c - r * math.sin(angle):.2f}")
        return "M" + "L".join(points) + "Z"
    return f"M0,0H{w:.2f}V{w * 0.7:.2f}H0Z"  # an area: a flat box


def symbol_svg(symbol: Symbol, size: float, css_class: str = "") -> str:
    """The symbol as an inline SVG ``size`` pixels wide (its outline included)."""
    pad = symbol.edge_width / 2 + 0.5
    box = size + 2 * pad
    height = box * 0.7 if symbol.marker == "area" else box
    dash = ' stroke-dasharray="3 2"' if symbol.dashed else ""
    cls = f' class="{escape_html(css_class)}"' if css_class else ""
    return (f'<svg width="{box:.1f}" height="{height:.1f}" viewBox="{-pad:.2f} {-pad:.2f} {box:.2f} {height:.2f}" '
            f'aria-hidden="true"><path{cls} d="{_shape_path(symbol.marker, size)}" fill="{escape_html(symbol.fill)}" '
            f'fill-opacity="{symbol.fill_opacity:g}" stroke="{escape_html(symbol.edge)}" '
            f'stroke-width="{symbol.edge_width:g}"{dash}/></svg>')
