"""The report as plain text, for the command line (the same blocks as the HTML and PDF reports)."""
from __future__ import annotations

import textwrap

from .report import Block

WIDTH = 110


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent)) or indent


def to_text(blocks: list[Block]) -> str:
    """Headings underlined, tables as aligned columns (long cells shortened), notes indented."""
    out = []
    for block in blocks:
        if block.kind in ("heading", "subheading"):
            out += ["", block.text, ("=" if block.kind == "heading" else "-") * min(len(block.text), WIDTH)]
        elif block.kind == "text":
            out.append(_wrap(block.text))
        elif block.kind == "warning":
            out.append(_wrap("WARNING: " + block.text))
        elif block.kind == "section":
            section = block.section
            out += ["", f"## {section.title}"]
            table = section.display()
            if table.empty:
                out.append(_wrap(section.empty, "  "))
            else:
                shown = table.map(lambda v: v if len(v) <= 60 else v[:57] + "...")
                out.append(shown.to_string(index=False))
            out += [_wrap(note, "  ") for note in section.notes]
    return "\n".join(out).strip() + "\n"
