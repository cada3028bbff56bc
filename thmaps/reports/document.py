"""A printed document of flowing text and tables on A4 pages, drawn with matplotlib and saved as one PDF.

Headings, paragraphs and tables flow down the page and onto the next; a table that continues
repeats its header row. Every line of text is measured and wrapped to the width it has
(:func:`thmaps.maps.printing.wrap_text`), a word too long for its cell is cut rather than allowed
to run over, and each line is placed by itself, so nothing is written outside the page. Text stays
text in the PDF (TrueType, ``pdf.fonttype`` 42): it can be searched, copied and read aloud. Whole
pages drawn elsewhere (a print-ready map from :func:`thmaps.maps.printing.draw`) are added as they
are. Every page gets the running head and a footer with the date and "page n of N"; the PDF gets
bookmarks for the sections and its title, subject and keywords.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from pypdf import PdfReader, PdfWriter

from ..maps.printing import page_size_mm, wrap_text
from ..maps.printing.text import MUTED_TEXT, TEXT_COLOUR, line_mm, put_text, text_width_mm

HEADER_FILL = "#e7e7e7"
ZEBRA_FILL = "#f6f6f6"
RULE_COLOUR = "#bdbdbd"
#: Space between a table cell's edge and its text, mm.
PAD = 1.2


@dataclass
class Section:
    """A numbered part of the document and the page (1-based) it starts on."""

    title: str
    page: int


@dataclass
class Document:
    """Pages of flowing content. Add headings, paragraphs, tables and whole pages, then :meth:`to_pdf`.

    Parameters
    ----------
    running_head : str
        Written at the top of every page but the first.
    made_on : str
        The date in every footer.
    paper, orientation : str
        Page size (:func:`thmaps.maps.printing.page_size_mm`).
    margin : float
        Margins in millimetres.
    """

    running_head: str
    made_on: str
    paper: str = "A4"
    orientation: str = "portrait"
    margin: float = 15.0
    pages: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    y: float = 0.0

    def __post_init__(self):
        self.width, self.height = page_size_mm(self.paper, self.orientation)
        self.content_width = self.width - 2 * self.margin
        self._ax = None

    # ----------------------------------------------------------------- pages

    @property
    def axes(self):
        """The current page's axes, in millimetres from the bottom left."""
        return self._ax

    @property
    def page_number(self) -> int:
        return len(self.pages)

    def new_page(self) -> None:
        """Start a page: content begins under the running head."""
        fig = Figure(figsize=(self.width / 25.4, self.height / 25.4), dpi=100, facecolor="white")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, self.width)
        ax.set_ylim(0, self.height)
        ax.axis("off")
        self.pages.append(fig)
        self._ax = ax
        self.y = self.height - self.margin - 8.0

    def add_page(self, figure: Figure, section: str | None = None) -> None:
        """Add a page drawn elsewhere, optionally starting a section.

        Its size must be the document's, and its first axes must span the page in millimetres
        (as those of :func:`thmaps.maps.printing.draw` do): the footer is written on them.
        """
        figure.thmaps_full_page = True
        self.pages.append(figure)
        if section:
            self.sections.append(Section(section, self.page_number))
        self._ax = None

    @property
    def bottom(self) -> float:
        return self.margin + 6.0

    def ensure(self, height: float) -> None:
        """Move to a new page unless ``height`` millimetres fit above the footer."""
        if self._ax is None or self.y - height < self.bottom:
            self.new_page()

    # ----------------------------------------------------------------- text

    def lines(self, x: float, y: float, lines: list[str], size: float, **kw) -> float:
        """Write lines one under another from ``y`` down (one text object: matplotlib steps a line by exactly
        ``size × linespacing``); returns the y under the last."""
        if lines:
            put_text(self._ax, x, y, "\n".join(lines), size, va="top", linespacing=1.25, **kw)
        return y - len(lines) * line_mm(size, 1.25)

    def heading(self, text: str, level: int = 1, new_page: bool = False, keep: float = 30.0) -> None:
        """A section heading (level 1: a bookmark; on a new page if asked, or if little room is left)
        or a sub-heading (level 2), kept with the ``keep`` millimetres that follow it."""
        size = 15.0 if level == 1 else 11.0
        wrapped = wrap_text(text, self.content_width, size, "bold")
        height = len(wrapped) * line_mm(size, 1.25)
        if level == 1:
            if new_page or self._ax is None or self.y - height - max(60.0, keep) < self.bottom:
                self.new_page()
            elif self.y < self.height - self.margin - 8.0:  # not at the top: a gap and a rule above
                self.y -= 6.0
                self._ax.add_line(Line2D([self.margin, self.width - self.margin], [self.y, self.y],
                                         color=RULE_COLOUR, linewidth=0.8))
                self.y -= 5.0
            self.sections.append(Section(text, self.page_number))
        else:
            self.ensure(height + 2.0 + min(keep, self.height - 2 * self.margin - 30.0))
            self.y -= 2.0
        self.y = self.lines(self.margin, self.y, wrapped, size, fontweight="bold") - (3.0 if level == 1 else 1.5)

    def paragraph(self, text: str, size: float = 8.5, colour: str = TEXT_COLOUR, gap: float = 2.5,
                  weight: str = "normal", indent: float = 0.0) -> None:
        """A paragraph wrapped to the page width, continued on the next page if need be."""
        wrapped = wrap_text(text, self.content_width - indent, size, weight)
        step = line_mm(size, 1.25)
        if len(wrapped) <= 4 or self.y - self.bottom < 2 * step:
            self.ensure(len(wrapped) * step if len(wrapped) <= 4 else 2 * step)  # no lone line at a page's foot
        while wrapped:
            self.ensure(step)
            fit = max(1, int((self.y - self.bottom) // step))  # the lines that fit on this page
            self.y = self.lines(self.margin + indent, self.y, wrapped[:fit], size, color=colour, fontweight=weight)
            wrapped = wrapped[fit:]
        self.y -= gap

    def bullets(self, items, size: float = 8.5) -> None:
        """A list of short paragraphs, each after a bullet."""
        for item in items:
            wrapped = wrap_text(item, self.content_width - 5.0, size)
            self.ensure(len(wrapped) * line_mm(size, 1.25))  # a bullet is never split
            put_text(self._ax, self.margin + 1.0, self.y, "•", size, va="top")
            self.y = self.lines(self.margin + 5.0, self.y, wrapped, size) - 1.0
        self.y -= 1.5

    # ----------------------------------------------------------------- tables

    def table(self, rows: list[list[str]], header: list[str], widths: list[float], align: list[str] | None = None,
              size: float = 7.5, fills: list[list[str | None]] | None = None) -> None:
        """A table of text cells, wrapped within its columns, continued with its header on the next page.

        Parameters
        ----------
        rows : list of list of str
            Cell text (already formatted: rounded, units, blanks for missing).
        header : list of str
            Column headings.
        widths : list of float
            Column widths as shares of the page's content width (scaled to fill it).
        align : list of {"left", "right"}, optional
            Per column (default left).
        fills : list of list of str or None, optional
            Background colour of each cell (None: the row's own).
        """
        widths, head, head_h, cells, heights = self._layout(rows, header, widths, size)
        align = align or ["left"] * len(widths)
        body = self.height - 2 * self.margin - 14.0
        if head_h + sum(heights) <= 0.45 * body and self.y - head_h - sum(heights) < self.bottom:
            self.new_page()  # a short table is kept on one page
        elif self.y - head_h - sum(heights[:3]) < self.bottom:
            self.new_page()  # at least three rows under the header

        def draw_header():
            self._row(head, widths, align, size, head_h, HEADER_FILL, [None] * len(widths), "bold")

        draw_header()
        for i, (row_cells, height) in enumerate(zip(cells, heights)):
            left = heights[i:]
            if self.y - height < self.bottom or (len(left) <= 2 < len(heights) and self.y - sum(left) < self.bottom):
                self.new_page()  # never one or two rows alone on a page
                draw_header()
            self._row(row_cells, widths, align, size, height, ZEBRA_FILL if i % 2 else None,
                      fills[i] if fills else [None] * len(widths), "normal")
        self._ax.add_line(Line2D([self.margin, self.width - self.margin], [self.y, self.y], color=RULE_COLOUR,
                                 linewidth=0.6))
        self.y -= 4.0

    def table_height(self, rows, header, widths, size: float = 7.5) -> float:
        """How tall :meth:`table` would draw these rows (mm, header included, on one page)."""
        _, _, head_h, _, heights = self._layout(rows, header, widths, size)
        return head_h + sum(heights)

    def _layout(self, rows, header, widths, size):
        """Column widths, wrapped header and cells, and the header's and each row's height (mm)."""
        widths = self._fit_columns(rows, header, widths, size, PAD)
        step = line_mm(size, 1.2)
        head = [wrap_text(h, w - 2 * PAD, size, "bold") for h, w in zip(header, widths)]
        cells = [[wrap_text(str(c), w - 2 * PAD, size) if str(c) else [""] for c, w in zip(row, widths)]
                 for row in rows]
        heights = [max(len(c) for c in row) * step + 2 * PAD for row in cells]
        return widths, head, max(len(c) for c in head) * step + 2 * PAD, cells, heights

    def _fit_columns(self, rows, header, widths, size, pad) -> list[float]:
        """Column widths (mm) filling the page in the given proportions, widened where a word would not fit
        whole (a number or a short heading must not break), the room taken from columns that have some."""
        total = sum(widths)
        widths = [w * self.content_width / total for w in widths]
        need = []
        for i, head in enumerate(header):
            words = str(head).split() + [w for row in rows for w in str(row[i]).split()]
            widest = max([text_width_mm(w, size, "bold" if j < len(str(head).split()) else "normal")
                          for j, w in enumerate(words)] or [0.0])
            need.append(min(widest + 2 * pad + 0.3, self.content_width / 3))
        short = sum(max(0.0, n - w) for n, w in zip(need, widths))
        spare = sum(max(0.0, w - n) for n, w in zip(need, widths))
        if short <= 0 or spare <= 0:
            return widths
        take = min(1.0, short / spare)
        return [n if w < n else w - (w - n) * take for n, w in zip(need, widths)]

    def _row(self, cells, widths, align, size, height, fill, cell_fills, weight) -> None:
        x = self.margin
        for lines, w, a, cell_fill in zip(cells, widths, align, cell_fills):
            colour = cell_fill or fill
            if colour:
                self._ax.add_patch(Rectangle((x, self.y - height), w, height, facecolor=colour, edgecolor="none",
                                             zorder=0))
            if any(lines):  # one text object a cell, lines exactly ``step`` apart
                put_text(self._ax, x + (w - PAD if a == "right" else PAD), self.y - PAD, "\n".join(lines), size,
                         va="top", ha=a, multialignment=a, fontweight=weight, linespacing=1.2)
            x += w
        self.y -= height

    # ----------------------------------------------------------------- output

    def _decorate(self) -> None:
        """Running head (not on the cover) and footer on every page."""
        n = len(self.pages)
        for i, fig in enumerate(self.pages, start=1):
            ax = fig.axes[0]  # every page's first axes spans it in millimetres (as printing.draw's do)
            if i > 1 and not getattr(fig, "thmaps_full_page", False):
                head = wrap_text(self.running_head, self.content_width, 7.5)[0]
                put_text(ax, self.margin, self.height - self.margin + 4.0, head, 7.5, color=MUTED_TEXT, va="top")
            put_text(ax, self.margin, 5.0, f"Made with thmaps on {self.made_on}", 7.0, color=MUTED_TEXT, va="bottom")
            put_text(ax, self.width - self.margin, 5.0, f"Page {i} of {n}", 7.0, color=MUTED_TEXT, va="bottom",
                     ha="right")

    def to_pdf(self, title: str, subject: str = "", keywords: str = "") -> bytes:
        """The document as PDF bytes: every page, footers, metadata and a bookmark per section.

        Build the whole document inside ``with LOCK, matplotlib.rc_context(RC)``
        (:mod:`thmaps.maps.printing.text`): rcParams are global, and the PDF must be written with them.
        """
        self._decorate()
        buffer = io.BytesIO()
        with PdfPages(buffer, metadata={"Title": title, "Subject": subject, "Keywords": keywords,
                                        "Creator": "thmaps", "Author": "thmaps"}) as pdf:
            for fig in self.pages:
                pdf.savefig(fig, facecolor="white")
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
        for section in self.sections:
            writer.add_outline_item(section.title, section.page - 1)
        writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
