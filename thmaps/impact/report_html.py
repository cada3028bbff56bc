"""The report as one self-contained HTML file (the map inlined as a PNG; every piece of text escaped)."""
from __future__ import annotations

import base64
import io

import matplotlib

from ..maps.printing.text import LOCK, RC
from ..safetext import escape_html
from .report import Block
from .tables import Section

CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;max-width:1100px;margin:24px auto;padding:0 16px;
font-size:14px;line-height:1.4}
h1{font-size:24px;margin:0 0 6px}h2{font-size:19px;margin:28px 0 6px;border-bottom:1px solid #ccc}
h3{font-size:15px;margin:18px 0 4px}
table{border-collapse:collapse;margin:6px 0;font-size:12px;width:100%}
th,td{border:1px solid #d0d0d0;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;white-space:nowrap}
.note{color:#444;font-size:12px;margin:2px 0}.src{color:#555;font-size:11px}
.warn{background:#fff4e5;border-left:4px solid #e08214;padding:6px 10px;margin:8px 0}
img.map{width:100%;max-width:800px;border:1px solid #ccc}
@media print{h2{page-break-after:avoid}table{page-break-inside:auto}tr{page-break-inside:avoid}}
"""


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace("£", "").replace("%", "").replace(" m", "").strip()
    try:
        float(stripped)
        return True
    except ValueError:
        return False


def section_html(section: Section) -> str:
    """A section as HTML: its title, table (or what its absence means), notes and sources."""
    parts = [f"<h3>{escape_html(section.title)}</h3>"]
    table = section.display()
    if table.empty:
        parts.append(f"<p>{escape_html(section.empty)}</p>")
    else:
        head = "".join(f"<th>{escape_html(c)}</th>" for c in table.columns)
        body = []
        for row in table.itertuples(index=False):
            cells = "".join(f'<td class="n">{escape_html(v)}</td>' if _looks_numeric(str(v)) and str(v)
                            else f"<td>{escape_html(v)}</td>" for v in row)
            body.append(f"<tr>{cells}</tr>")
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    parts += [f'<p class="note">{escape_html(n)}</p>' for n in section.notes]
    lines = section.source_lines()
    if lines:
        parts.append('<p class="src">Sources: ' + " ".join(escape_html(s) for s in lines) + "</p>")
    return "\n".join(parts)


def _map_png(figure) -> str:
    buffer = io.BytesIO()
    with LOCK, matplotlib.rc_context(RC):
        figure.savefig(buffer, format="png", dpi=110, facecolor="white")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def to_html(blocks: list[Block], map_figure=None) -> str:
    """The report as an HTML document.

    Parameters
    ----------
    blocks : list of Block
        From :func:`thmaps.impact.report.blocks`.
    map_figure : matplotlib Figure, optional
        The printed site map (:func:`thmaps.impact.sitemap.print_page`), inlined as a PNG.
    """
    title = next((b.text for b in blocks if b.kind == "heading"), "Development impact")
    body, first = [], True
    for block in blocks:
        if block.kind == "heading":
            body.append(f"<h{1 if first else 2}>{escape_html(block.text)}</h{1 if first else 2}>")
            first = False
        elif block.kind == "subheading":
            body.append(f"<h3>{escape_html(block.text)}</h3>")
        elif block.kind == "text":
            body.append(f"<p>{escape_html(block.text)}</p>")
        elif block.kind == "warning":
            body.append(f'<div class="warn">{escape_html(block.text)}</div>')
        elif block.kind == "section":
            body.append(section_html(block.section))
        elif block.kind == "map" and map_figure is not None:
            body.append(f'<h3>Map</h3><img class="map" alt="Map of the sites and their catchment rings" '
                        f'src="data:image/png;base64,{_map_png(map_figure)}">')
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape_html(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
