"""A standalone HTML file of a map: opens offline, with Leaflet, title, legend and sources inlined."""
from __future__ import annotations

import re

from branca.element import Element

from ...safetext import escape_html
from ..prepare import PreparedMap
from .assets import inline_css, leaflet_source_dir, leaflet_version
from .render import page_head, render


def to_standalone_html(prepared: PreparedMap) -> str:
    """A complete HTML file of the map that opens offline: Leaflet JS and CSS inlined.

    The page carries the title, subtitle, legend, source line, notes and attribution lines.

    Parameters
    ----------
    prepared : PreparedMap

    Returns
    -------
    str
        The HTML document.
    """
    source = leaflet_source_dir()
    placeholder = "thmaps-inline://leaflet"
    m = render(prepared, static_url=placeholder)
    header = (f'<div class="thmaps-head"><h1>{escape_html(prepared.title)}</h1>'
              f'<div class="s">{escape_html(prepared.subtitle)}</div></div>')
    footer_lines = [prepared.source_line] + list(prepared.notes) + list(prepared.attributions) + [
        f"Made with thmaps on {prepared.made_on}."]
    footer = '<div class="thmaps-foot">' + "".join(f"<div>{escape_html(line)}</div>" for line in footer_lines) + "</div>"
    root = m.get_root()
    root.header.add_child(Element(
        f"<title>{escape_html(prepared.title)}</title>"
        "<style>html,body{height:auto!important}"
        ".folium-map{height:calc(100vh - 200px)!important;min-height:420px}"
        ".thmaps-head{font-family:Arial,sans-serif;padding:6px 10px}"
        ".thmaps-head h1{font-size:20px;margin:0}.thmaps-head .s{color:#444;font-size:13px}"
        ".thmaps-foot{font-family:Arial,sans-serif;font-size:11px;color:#333;padding:6px 10px}</style>"),
        name="thmaps_page_css")
    page = page_head(root.render(), prepared.title, heading=False)
    # Title above and sources below the map div (branca renders the map's div last, so insert in the text).
    page = page.replace("<body>", "<body>\n" + header, 1)
    page = _insert_before_last(page, "</body>", footer)
    js = (source / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    page = re.sub(rf'<script src="{re.escape(placeholder)}/leaflet\.js"></script>',
                  lambda _: f"<script>/* Leaflet {leaflet_version()} (BSD-2-Clause) */\n{js}</script>", page)
    page = re.sub(rf'<link rel="stylesheet" href="{re.escape(placeholder)}/leaflet\.css"/>',
                  lambda _: f"<style>{inline_css(source)}</style>", page)
    if placeholder in page:
        raise RuntimeError("Leaflet could not be inlined: the folium page template has changed")
    return page


def _insert_before_last(text: str, marker: str, insert: str) -> str:
    i = text.rfind(marker)
    return text + insert if i < 0 else text[:i] + insert + "\n" + text[i:]
