r"""Text from data made safe wherever it becomes HTML, a script, Markdown or a spreadsheet cell.

Every name, note or title read from a file can hold markup. These functions are the only
way thmaps puts such text into a page: :func:`escape_html` for HTML (including text that folium
places in JavaScript template literals, and that branca compiles again as a Jinja template),
:func:`script_json` for values written into a ``<script>``, and :func:`escape_markdown` for
Streamlit captions and Markdown. :func:`spreadsheet_text` (and :func:`spreadsheet_frame`) keep a
CSV cell from being read as a formula when the file is opened in a spreadsheet.

Printed pages need no escaping: matplotlib draws every text object with ``parse_math=False``
(:func:`thmaps.maps.printing.text.put_text`, and ``text.parse_math`` is off in the print settings), so
``$x$`` is printed as typed, not as mathtext.

Examples
--------
>>> escape_html('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> escape_html("{{ 7*7 }}")
'&#123;&#123; 7*7 &#125;&#125;'
>>> print(escape_markdown("[link](http://x) *bold* $x$: ok"))
\[link\](http\://x) \*bold\* \$x\$: ok
>>> spreadsheet_text("=HYPERLINK(\"http://x\")"), spreadsheet_text("-12.5"), spreadsheet_text("Bow")
('\'=HYPERLINK("http://x")', '-12.5', 'Bow')
"""
from __future__ import annotations

import json
import re

from ._util import is_missing

#: What :func:`escape_html` replaces: :func:`html.escape`'s five characters, the backtick, ``$`` and the
#: backslash (live inside JS template literals), and braces (Jinja markup), in one pass.
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                           "\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"})
#: Characters with a Markdown meaning anywhere in a line (``:`` only where it could open an emoji or a
#: Streamlit directive such as ``:red[...]``, i.e. followed by a non-space).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]|~<>$]|:(?=\S))")
#: Markers that mean something only at the start of a line (headings, lists, quotes, numbered lists).
_LINE_START = re.compile(r"^(\s*\d*)([#+\-=>.)])")


def escape_html(value) -> str:
    """Escape text from data for HTML, including inside a JS template literal or a Jinja template.

    ``None`` and NaN become an empty string.
    """
    if is_missing(value):
        return ""
    return str(value).translate(_ENTITIES)


#: The ``<`` that could end or derail a script element: before ``/``, ``!--`` or ``script`` (any case).
_SCRIPT_BREAKERS = re.compile(r"<(?=/|!--|script)", re.IGNORECASE)


def script_json(value) -> str:
    """``value`` as JSON safe inside a ``<script>`` element that branca compiles as a Jinja template.

    ``</`` would end the script, and ``<!--`` or ``<script`` confuse its parsing, so the ``<`` of each is
    written ``\\u003c`` (other ``<`` stay: a map writes thousands of ``<b>`` and ``<br>`` in its tooltips, and
    six bytes for each would make the Output Area map a fifth larger). ``{{``, ``{%`` and
    ``{#`` would open Jinja markup. Outside strings JSON has no ``<`` and puts a quote or a closing
    brace after ``{``, so these only occur inside strings, where a character can be a ``\\u`` escape.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = _SCRIPT_BREAKERS.sub(r"\\u003c", text)
    for pair, escaped in (("{{", "{\\u007b"), ("{%", "{\\u0025"), ("{#", "{\\u0023")):
        text = text.replace(pair, escaped)
    return text


def escape_markdown(value) -> str:
    """Escape text from data for Markdown (Streamlit captions, headers, ``st.markdown``): shown as typed.

    HTML-significant characters are escaped too, and line breaks become spaces, so a crafted
    name cannot add a link, an image, a heading, a formula or a tag.
    """
    if is_missing(value):
        return ""
    text = " ".join(str(value).split())
    text = _MARKDOWN.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


#: What a spreadsheet may take for the start of a formula in a CSV cell (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """Text from data as a CSV cell that a spreadsheet shows as typed, not as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe
    (the usual neutralisation: Excel and LibreOffice then show the cell as text), unless it is a plain
    number such as ``-12.5``. Anything that is not text is returned unchanged.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def spreadsheet_frame(frame):
    """A copy of a DataFrame whose text cells (and column names) went through :func:`spreadsheet_text`."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith(("string", "str")):
            out[column] = out[column].map(spreadsheet_text)
    out.columns = [spreadsheet_text(c) for c in out.columns]
    return out
