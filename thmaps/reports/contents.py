"""The contents page of a map pack: each map's number, title, area, file name and page."""
from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure
from pypdf import PdfReader, PdfWriter

from ..maps import printing
from ..maps.printing.text import LOCK, MUTED_TEXT, PT_MM, RC, TEXT_COLOUR

CONTENTS_FILE = "00-contents.pdf"


def _contents_rows_per_page(pack) -> int:
    page_w, page_h = printing.page_size_mm(pack.paper, pack.orientation)
    scale = 1.0 if pack.paper == "A4" else 1.25
    return max(5, int((page_h - 2 * 15.0 * scale - 48.0 * scale) / (9.5 * scale)))


def contents_pages(pack) -> int:
    """How many contents pages the pack needs."""
    return max(1, -(-len(_entries(pack)) // _contents_rows_per_page(pack)))


def _entries(pack) -> list:
    """Everything the contents lists: the maps, then any locality profiles."""
    return list(pack.items) + list(getattr(pack, "profiles", []))


def assign_pages(pack) -> None:
    """Number the first page of each map and profile in the combined PDF (after the contents page(s))."""
    page = contents_pages(pack) + 1
    for item in _entries(pack):
        item.page = page
        page += getattr(item, "pages", 1)


def render_contents(pack, made_on: str) -> bytes:
    """The contents page(s) as PDF bytes: each map's number, title, area, file name and page."""
    page_w, page_h = printing.page_size_mm(pack.paper, pack.orientation)
    scale = 1.0 if pack.paper == "A4" else 1.25
    per_page = _contents_rows_per_page(pack)
    n_pages = contents_pages(pack)
    margin = 15.0 * scale
    writer = PdfWriter()
    with LOCK, matplotlib.rc_context(RC):
        for p in range(n_pages):
            fig = Figure(figsize=(page_w / 25.4, page_h / 25.4), facecolor="white")
            ax = fig.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, page_w)
            ax.set_ylim(0, page_h)
            ax.axis("off")
            y = page_h - margin
            title_lines = printing.wrap_text(pack.title, page_w - 2 * margin, 20 * scale, "bold")
            ax.text(margin, y, "\n".join(title_lines), fontsize=20 * scale, fontweight="bold", va="top",
                    parse_math=False, color=TEXT_COLOUR)
            y -= len(title_lines) * 20 * scale * 1.2 * PT_MM + 3 * scale
            profiles = len(_entries(pack)) - len(pack.items)
            what = f"{len(pack.items)} map(s)" + (f", {profiles} locality profile(s)" if profiles else "")
            sub = (f"Contents{' (continued)' if p else ''} · {what} · {pack.paper} {pack.orientation}"
                   f" · made with thmaps on {made_on}")
            ax.text(margin, y, sub, fontsize=11 * scale, va="top", color=MUTED_TEXT, parse_math=False)
            y -= 12 * scale
            cols = [margin, margin + 12 * scale, page_w - margin - 18 * scale]  # No. | map / area / file | page
            size = 9.5 * scale
            ax.text(cols[0], y, "No.", fontsize=size, fontweight="bold", va="top", parse_math=False)
            ax.text(cols[1], y, "Map · area · file", fontsize=size, fontweight="bold", va="top", parse_math=False)
            ax.text(page_w - margin, y, "Page", fontsize=size, fontweight="bold", va="top", ha="right", parse_math=False)
            y -= size * 1.5 * PT_MM
            ax.plot([margin, page_w - margin], [y, y], color="#7f7f7f", linewidth=0.6)
            y -= 1.5 * scale
            row_h = 9.5 * scale
            text_w = cols[2] - cols[1] - 4 * scale
            for item in _entries(pack)[p * per_page:(p + 1) * per_page]:
                line1 = printing.wrap_text(item.title, text_w, size)[0]
                ax.text(cols[0], y, f"{item.number}", fontsize=size, va="top", parse_math=False)
                ax.text(cols[1], y, line1, fontsize=size, va="top", parse_math=False, color=TEXT_COLOUR)
                ax.text(cols[1], y - size * 1.3 * PT_MM, f"{item.extent_label} · {item.file_name}",
                        fontsize=size * 0.85, va="top", parse_math=False, color=MUTED_TEXT)
                ax.text(page_w - margin, y, f"{item.page}", fontsize=size, va="top", ha="right", parse_math=False)
                y -= row_h
            ax.text(page_w - margin, margin * 0.6, f"Contents page {p + 1} of {n_pages}", fontsize=8 * scale,
                    ha="right", va="bottom", color=MUTED_TEXT, parse_math=False)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="pdf", metadata={"Title": f"{pack.title}: contents", "Creator": "thmaps"})
            writer.append(PdfReader(io.BytesIO(buffer.getvalue())))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
