"""Print-ready maps (PDF, PNG, SVG on exact A4/A3 pages), drawn with matplotlib in EPSG:27700."""
from .legend import Swatch
from .page import (DEFAULT_DPI, FORMATS, MIME_TYPES, ORIENTATIONS, PAPERS, PrintLayout, draw, file_name, file_stem,
                   page_size_mm, render, save)
from .text import wrap_text

__all__ = ["DEFAULT_DPI", "FORMATS", "MIME_TYPES", "ORIENTATIONS", "PAPERS", "PrintLayout", "Swatch", "draw",
           "file_name", "file_stem", "page_size_mm", "render", "save", "wrap_text"]
