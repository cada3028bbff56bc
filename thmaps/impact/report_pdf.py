"""The report as a PDF: the printed site map, then the figures, matrix, assumptions and sources on A4 pages.

Text is laid out in millimetres and wrapped by measuring it, so it never runs past the margins; long
tables continue on the next page under a repeated header row. The site map page is the printed map
(DejaVu Sans, embedded). The text pages use the PDF standard font Helvetica, which every PDF reader
has (not embedded; Liberation Sans or Arial stand in with the same widths): matplotlib lays out embedded
TrueType text glyph by glyph, and a report of 35,000 characters took over five seconds that way.
Text stays text, so the PDF can be searched and read aloud.
"""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib
import matplotlib.patches
from matplotlib import cbook
from matplotlib._afm import AFM
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..maps.printing.text import LOCK, MUTED_TEXT, PT_MM, RC, line_mm, put_text
from .report import Block
from .tables import Section

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 15.0
WIDTH = PAGE_W - 2 * MARGIN
SIZES = {"h1": 15.0, "h2": 12.0, "h3": 10.0, "text": 8.5, "note": 7.0, "table": 6.5}
WARN_COLOUR = "#a84700"
#: Helvetica's ascender (718/1000 em): from the top of a line box to its baseline.
ASCENT = 0.80
#: The text pages' settings: the PDF standard Helvetica (not embedded).
TEXT_RC = RC | {"pdf.use14corefonts": True, "font.family": "sans-serif", "font.sans-serif": ["Helvetica"]}
#: Characters outside the standard fonts' encoding (Windows-1252), written the nearest way it has.
_PLAIN = str.maketrans({"≈": "~", "≤": "<=", "≥": ">=", "→": "->", "←": "<-", "−": "-", "✓": "yes", "▲": "^",
                        "▼": "v", "↑": "^", "↓": "v", "\u2009": " ", "\u202f": " ", "\u00a0": " "})


@lru_cache(maxsize=2)
def _metrics(weight: str) -> AFM:
    name = "Helvetica-Bold.afm" if weight == "bold" else "Helvetica.afm"
    with open(cbook._get_data_path("fonts", "pdfcorefonts", name), "rb") as fh:
        return AFM(fh)


def plain(text) -> str:
    """Text as the standard fonts can write it (Windows-1252; anything else becomes '?')."""
    return str(text).translate(_PLAIN).encode("cp1252", "replace").decode("cp1252")


@lru_cache(maxsize=50_000)
def _word_mm(word: str, size: float, weight: str) -> float:
    """Width of ``word`` in Helvetica at ``size`` points, millimetres (the AFM metrics the PDF is drawn with)."""
    _, _, width, _, _ = _metrics("bold" if weight == "bold" else "normal").get_str_bbox_and_descent(word)
    return width / 1000 * size * PT_MM


def wrap(text: str, width_mm: float, size: float, weight: str = "normal") -> list[str]:
    """Wrap text to ``width_mm`` at ``size`` points; words measured once and cached (a long word is cut)."""
    space = _metrics("bold" if weight == "bold" else "normal").get_width_char(32) / 1000 * size * PT_MM
    limit = width_mm * 0.98
    lines: list[str] = []
    for paragraph in plain(text).split("\n"):
        line, used = "", 0.0
        for word in paragraph.split():
            w = _word_mm(word, size, weight)
            while w > limit and len(word) > 4:  # a URL or a code longer than the column: cut it
                cut = max(4, int(len(word) * limit / w) - 1)
                if line:
                    lines.append(line)
                lines.append(word[:cut])
                line, used, word = "", 0.0, word[cut:]
                w = _word_mm(word, size, weight)
            if line and used + space + w > limit:
                lines.append(line)
                line, used = word, w
            else:
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
        lines.append(line)
    return lines


class _Writer:
    """Pages of flowing text and tables."""

    def __init__(self, footer: str, first_number: int = 1):
        self.pages: list[Figure] = []
        self.footer = footer
        self.first_number = first_number
        self.ax = None
        self.y = 0.0

    def new_page(self) -> None:
        fig = Figure(figsize=(PAGE_W / 25.4, PAGE_H / 25.4), dpi=100, facecolor="white")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, PAGE_W)
        ax.set_ylim(0, PAGE_H)
        ax.axis("off")
        put_text(ax, MARGIN, MARGIN - 6, f"{self.footer} - page {len(self.pages) + self.first_number}", SIZES["note"],
                 color=MUTED_TEXT, va="bottom", ha="left")
        self.pages.append(fig)
        self.ax, self.y = ax, PAGE_H - MARGIN

    def put(self, x: float, top: float, text: str, size: float, weight: str = "normal", color: str = "#1a1a1a"):
        """One line of text whose line box starts at ``top`` (placed by its baseline, so every line sits alike)."""
        put_text(self.ax, x, top - ASCENT * size * PT_MM, text, size, fontweight=weight, color=color, va="baseline",
                 ha="left")

    def room(self, height: float) -> None:
        if self.ax is None or self.y - height < MARGIN:
            self.new_page()

    def lines(self, text: str, size: float, weight: str = "normal", color: str = "#1a1a1a", indent: float = 0.0,
              after: float = 1.5) -> None:
        step = line_mm(size, 1.25)
        for line in wrap(text, WIDTH - indent, size, weight):
            self.room(step)
            self.put(MARGIN + indent, self.y, line, size, weight, color)
            self.y -= step
        self.y -= after

    def table(self, section: Section) -> None:
        frame = section.display()
        if frame.empty:
            self.lines(section.empty, SIZES["text"])
            return
        size = SIZES["table"]
        headers = [plain(c) for c in frame.columns]
        rows = [[plain(v) for v in row] for row in frame.itertuples(index=False)]
        if section.widths and set(section.widths) >= set(frame.columns):
            total = sum(section.widths[c] for c in frame.columns)
            widths = [WIDTH * section.widths[c] / total for c in frame.columns]
        else:
            widths = _column_widths(headers, rows, size)
        step = line_mm(size, 1.2)

        def draw_row(cells, weight="normal", shade=False):
            wrapped = [wrap(c, w - 1.6, size, weight) for c, w in zip(cells, widths)]
            height = max(len(w) for w in wrapped) * step + 1.2
            return wrapped, height, weight, shade

        header = draw_row(headers, "bold", True)
        self.room(header[1] + step * 2)
        self._row(*header, widths)
        for cells in rows:
            row = draw_row(cells)
            if self.y - row[1] < MARGIN:
                self.new_page()
                self._row(*header, widths)
            self._row(*row, widths)
        self.y -= 1.5

    def _row(self, wrapped, height, weight, shade, widths) -> None:
        x = MARGIN
        if shade:
            self.ax.add_patch(matplotlib.patches.Rectangle((MARGIN, self.y - height), WIDTH, height,
                                                           facecolor="#eeeeee", edgecolor="none"))
        step = line_mm(SIZES["table"], 1.2)
        for lines, w in zip(wrapped, widths):
            for i, line in enumerate(lines):
                self.put(x + 0.8, self.y - 0.6 - i * step, line, SIZES["table"], weight)
            x += w
        self.ax.add_line(Line2D([MARGIN, MARGIN + WIDTH], [self.y - height] * 2, color="#cccccc", linewidth=0.4))
        self.y -= height


def _column_widths(headers, rows, size: float) -> list[float]:
    """Column widths (mm) summing to the page width: each column's natural width, the widest capped first."""
    natural = []
    for i, header in enumerate(headers):
        longest_word = max((_word_mm(w, size, "bold") for w in header.split()), default=5.0)
        cells = sorted((_word_mm(row[i], size, "normal") for row in rows if row[i]), reverse=True)
        typical = cells[len(cells) // 10] if cells else 0.0  # ignore the longest tenth when sizing
        natural.append(max(longest_word, typical, 6.0) + 2.0)
    low, high = 0.0, max(natural)
    if sum(natural) <= WIDTH:
        scale = WIDTH / sum(natural)
        return [n * scale for n in natural]
    for _ in range(40):  # the cap c with sum(min(natural, c)) == WIDTH
        c = (low + high) / 2
        low, high = (c, high) if sum(min(n, c) for n in natural) < WIDTH else (low, c)
    widths = [min(n, high) for n in natural]
    return [w * WIDTH / sum(widths) for w in widths]


def to_pdf(blocks: list[Block], map_figure=None, title: str = "Development impact", footer: str = "") -> bytes:
    """The report as PDF bytes: the site map page first (if given), then every block on A4 portrait pages."""
    writer = _Writer(plain(footer or title), 2 if map_figure is not None else 1)
    first = True
    with LOCK:
        with matplotlib.rc_context(TEXT_RC):
            for block in blocks:
                first = _write(writer, block, first)
        buffer = io.BytesIO()
        # Fonts are written when the file closes, under the settings then in force: the map's (TrueType).
        with matplotlib.rc_context(RC), PdfPages(buffer, metadata={"Title": title, "Creator": "thmaps"}) as pdf:
            if map_figure is not None:
                pdf.savefig(map_figure, facecolor="white")
            with matplotlib.rc_context(TEXT_RC):
                for page in writer.pages:
                    pdf.savefig(page, facecolor="white")
    return buffer.getvalue()


def _write(writer: _Writer, block: Block, first: bool) -> bool:
    """Lay out one block; returns whether the next heading is still the first."""
    if block.kind == "heading":
        size = SIZES["h1"] if first else SIZES["h2"]
        writer.room(line_mm(size) * 3)
        writer.y -= 0 if first else 3
        writer.lines(block.text, size, "bold", after=2)
        return False
    if block.kind == "subheading":
        writer.room(line_mm(SIZES["h3"]) * 3)
        writer.lines(block.text, SIZES["h3"], "bold")
    elif block.kind == "text":
        writer.lines(block.text, SIZES["text"])
    elif block.kind == "warning":
        writer.lines("Warning: " + block.text, SIZES["text"], "bold", WARN_COLOUR)
    elif block.kind == "section":
        section = block.section
        writer.room(line_mm(SIZES["h3"]) * 4)
        writer.lines(section.title, SIZES["h3"], "bold", after=1)
        writer.table(section)
        for note in section.notes:
            writer.lines(note, SIZES["note"], color=MUTED_TEXT, after=0.8)
        sources = section.source_lines()
        if sources:
            writer.lines("Sources: " + " ".join(sources), SIZES["note"], color=MUTED_TEXT, after=0.8)
        writer.y -= 3
    return first
