"""Text on the printed page: measured wrapping, and the settings every print render uses."""
from __future__ import annotations

import threading
from functools import lru_cache

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
    # Text from data is drawn as typed: "$x$" in an uploaded title is not mathtext (put_text says so per
    # text object too; this covers any other text drawn under these settings).
    "text.parse_math": False,
}
_TEXT_TO_PATH = TextToPath()


def text_width_mm(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of text on the page, millimetres (measured from the glyph outlines).

    Measured word by word (each word once, then remembered) and added up with the spaces between:
    wrapping a report measures thousands of candidate lines made of the same few hundred words.
    """
    words = str(text).split(" ")
    spaces = (len(words) - 1) * _width(" ", size, weight)
    return sum(_width(word, size, weight) for word in words if word) + spaces


@lru_cache(maxsize=65536)
def _width(word: str, size: float, weight: str) -> float:
    prop = FontProperties(family=FONT, size=size, weight=weight)
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(word, prop, ismath=False)
    return width * PT_MM


def wrap_text(text: str, width_mm: float, size: float, weight: str = "normal") -> list[str]:
    """Wrap ``text`` at spaces so that every line fits ``width_mm`` at ``size`` points (measured).

    A word longer than a whole line (a URL, a long name) is cut into pieces that each fit,
    wherever it falls, rather than run past the edge.
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if text_width_mm(candidate, size, weight) <= width_mm:
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _cut(word, width_mm, size, weight)
            lines.extend(pieces[:-1])
            line = pieces[-1]
        lines.append(line)
    return lines


def _cut(word: str, width_mm: float, size: float, weight: str) -> list[str]:
    """A word in pieces that each fit ``width_mm`` (at least one character a piece)."""
    pieces = []
    while (total := text_width_mm(word, size, weight)) > width_mm and len(word) > 1:
        cut = min(len(word), int(len(word) * width_mm / total) + 2)  # a guess just too long, then back off
        while cut > 1 and text_width_mm(word[:cut], size, weight) > width_mm:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces + [word]


def line_mm(size: float, spacing: float = 1.22) -> float:
    return size * spacing * PT_MM


def put_text(ax, x, y, text, size, **kw):
    kw.setdefault("color", TEXT_COLOUR)
    return ax.text(x, y, text, fontsize=size, parse_math=False, **kw)
