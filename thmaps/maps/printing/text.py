"""Text on the printed page: measured wrapping, and the settings every print render uses."""
from __future__ import annotations

import threading

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

TEXT_COLOUR = "#1a1a1a"
MUTED_TEXT = "#4d4d4d"
FONT = "DejaVu Sans"

PT_MM = 25.4 / 72.0
#: rcParams are global: one render at a time per process.
LOCK = threading.Lock()
RC = {
    "pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "thmaps",
    "font.family": FONT, "hatch.linewidth": 0.55, "path.simplify": False,
    # Lines are wrapped by measuring the unhinted glyph outlines; hinted raster text is wider at some
    # resolutions (at 150 dpi the footer ran 1.5% past the page edge), so PNGs are drawn unhinted too.
    "text.hinting": "no_hinting",
}
_TEXT_TO_PATH = TextToPath()


def text_width_mm(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of text on the page, millimetres (measured from the glyph outlines)."""
    prop = FontProperties(family=FONT, size=size, weight=weight)
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=False)
    return width * PT_MM


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
            if text_width_mm(candidate, size, weight) <= width_mm:
                line = candidate
            else:
                lines.append(line)
                line = word
        # A single word longer than the line (a URL, say) is cut hard rather than overflowing.
        while text_width_mm(line, size, weight) > width_mm and len(line) > 8:
            cut = max(8, int(len(line) * width_mm / text_width_mm(line, size, weight)) - 1)
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def line_mm(size: float, spacing: float = 1.22) -> float:
    return size * spacing * PT_MM


def put_text(ax, x, y, text, size, **kw):
    kw.setdefault("color", TEXT_COLOUR)
    return ax.text(x, y, text, fontsize=size, parse_math=False, **kw)
