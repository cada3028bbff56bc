"""Text from users' files is shown as typed on every output: web maps, app pages, printed maps, PDFs, reports,
CSV exports and the command line (issue 12, item 6).

One set of hostile user data (an indicator by ward and one for the borough, an S106/CIL register edit and a
Liveable Streets boundary, each named with markup) is saved once for the module; each test sends it through
one output and checks that the text arrives literally, and that no markup it holds was interpreted. Every
value uploaded is taken from the store (ward and borough populations), every geometry is a real ward's.
"""
from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from thmaps import cli, settings, store
from thmaps.safetext import escape_html, escape_markdown, spreadsheet_frame, spreadsheet_text

#: Markup of every kind a name could carry: HTML, Markdown (bold, link), mathtext, a Jinja expression.
PAYLOAD = "<script>alert(1)</script>**bold** [link](http://x) $x^2$ {{ 7*7 }}"
#: A file name cannot hold "/" (it would be a folder), so its markup is an element with a handler.
FILE_NAME = "<img src=x onerror=alert(1)>**bold** {{7*7}} $x$.csv"
TITLE = f"Ward {PAYLOAD}"
BOROUGH_TITLE = f"Borough {PAYLOAD}"
FORMULA_TITLE = '=HYPERLINK("http://x","click") sum'
UNIT = "$u$ <b>u</b>"
PERIOD = "<b>{{7*7}}</b> $x$"  # 18 printable characters: a period the file's period column may give
PROJECT = f"Project {PAYLOAD}"
BOUNDARY_FILE = "<img src=x onerror=alert(1)>{{7*7}}.geojson"
ROOT = Path(__file__).resolve().parent.parent

#: Markup left live in Markdown: a marker not preceded by the backslash escape_markdown puts before it.
LIVE_MARKDOWN = [re.compile(p) for p in (r"(?<!\\)\*\*bold", r"(?<!\\)<(script|img|b>)", r"(?<!\\)\$x",
                                          r"(?<!\\)\[link", r"(?<!\\)\{\{")]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, built_store):
    """The module's own user data holding the hostile uploads; yields the ids and places they give."""
    from thmaps.uploads import IndicatorSpec, preview_indicator, save_indicator
    from thmaps.uploads.geometry import save_geometry
    from thmaps.uploads.s106 import save_edit

    path = tmp_path_factory.mktemp("hostile") / "user.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.USER_DATA_ENV, str(path))
        values = store.load_layer("indicators").query("indicator_id == 'population' and period == '2020'")
        wards = values[values["level"] == "ward"]
        body = "ward code,value,period\n" + "".join(f"{c},{v:.0f},{PERIOD}\n" for c, v in
                                                     zip(wards["area_code"], wards["value"]))
        ward = preview_indicator(body.encode(), FILE_NAME, IndicatorSpec(TITLE, UNIT, "count"))
        assert ward.rejected.empty and set(ward.used["period"]) == {PERIOD}
        save_indicator(ward)
        borough = values[values["level"] == "borough"]["value"].iloc[0]
        one = f"area code,value,period\n{settings.BOROUGH_CODE},{borough:.0f},2020\n".encode()
        save_indicator(preview_indicator(one, FILE_NAME, IndicatorSpec(BOROUGH_TITLE, UNIT, "count")))
        save_indicator(preview_indicator(body.encode(), "formula.csv", IndicatorSpec(FORMULA_TITLE, "", "count")))
        postcode = store.load_layer("postcodes").query("in_borough").iloc[0]
        save_edit({"project": PROJECT, "location": f"Location {PAYLOAD}", "postcode": postcode["postcode"]})
        area = store.load_layer("liveable_streets").query("area == 'Shadwell'").iloc[0]
        shadwell = store.load_layer("wards").query("name == @area.ward_names")
        save_geometry(shadwell[["geometry"]].to_json(to_wgs84=True).encode(), BOUNDARY_FILE, f"Boundary {PAYLOAD}",
                      "liveable_streets", "Shadwell")
        from thmaps.indicators import CATALOGUE

        ids = {CATALOGUE[i].title: i for i in CATALOGUE if i.startswith("user_")}
        yield {"ward": ids[TITLE], "borough": ids[BOROUGH_TITLE], "formula": ids[FORMULA_TITLE],
               "locality": postcode["locality"], "postcode": postcode["postcode"]}


@pytest.fixture(scope="module")
def ward_map(hostile):
    import thmaps
    from thmaps.maps import MapDescription

    return thmaps.prepare(MapDescription(hostile["ward"], level="ward", overlays=("s106", "liveable_streets")))


def _no_live_markup(page: str) -> None:
    """No element, handler or template the payload could have made, in an HTML page of ours."""
    for raw in ("<script>alert", "<img src=x", "onerror=alert(1)>", "<b>u</b>", "<b>{{", "{{ 7*7 }}", "{{7*7}}"):
        assert raw not in page, raw


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


# --------------------------------------------------------------------------- web map and HTML exports

def test_web_map_holds_the_text_escaped(ward_map):
    from thmaps.maps import web

    page = web.to_html(ward_map)
    _no_live_markup(page)
    for text in (TITLE, PROJECT, UNIT, PERIOD):
        assert escape_html(text) in page, text  # in the legend, layer names, popups and tooltips as text
    assert escape_html(FILE_NAME) in page  # the attribution line names the uploaded file


def test_standalone_html_holds_the_text_escaped(ward_map):
    from thmaps.maps import web

    page = web.to_standalone_html(ward_map)
    head = page.split('<div class="thmaps-head">', 1)[1].split("</div></div>", 1)[0]
    _no_live_markup(head)
    assert html.unescape(re.sub(r"<[^>]+>", "", head)).startswith(TITLE)
    assert f"<title>{escape_html(TITLE)}</title>" in page
    assert "<script>alert" not in page and "<img src=x" not in page


# --------------------------------------------------------------------------- printed map, PDFs

def test_print_map_draws_the_text_as_typed(ward_map):
    from thmaps.maps import printing

    svg = printing.render(ward_map, "A4", "landscape", "svg", 72)
    texts = " ".join(" ".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))
    assert TITLE in texts  # one text element, with "$x^2$" as four characters: not drawn as mathtext
    assert f"{PERIOD}" in texts
    pdf = _pdf_text(printing.render(ward_map, "A4", "landscape", "pdf", 72))
    assert TITLE in pdf and "$x^2$" in pdf


def test_locality_profile_prints_a_project_name_as_typed(hostile):
    from thmaps.reports.locality_profile import locality_profile

    text = _pdf_text(locality_profile(hostile["locality"], made_on="2026-01-01").pdf)
    for piece in ("Project <script>alert(1)</script>**bold**", "[link](http://x) $x^2$", "{{ 7*7 }}"):
        assert piece in text, piece


def test_impact_report_shows_names_as_typed(hostile):
    from thmaps.impact import Assessment, load_parameters, locate, make_scheme
    from thmaps.impact.export import report_bytes

    params = load_parameters()
    site = locate(postcode=hostile["postcode"], parameters=params)
    households = store.load_layer("indicators").query("indicator_id == 'census_households' and level == 'ward'")
    homes = str(int(households["value"].min() // 10))  # a tenth of the smallest ward's households (Census 2021)
    assessment = Assessment.from_pairs([(site, make_scheme(homes, None, None, 0, f"Scheme {PAYLOAD}", params))],
                                       rings_m=[500], parameters={})
    assessment.title, assessment.notes = f"Report {PAYLOAD}", f"Notes {PAYLOAD}"
    result = assessment.run()
    page = report_bytes(result, assessment, "html").decode("utf-8")
    _no_live_markup(page)
    for text in (f"Report {PAYLOAD}", f"Scheme {PAYLOAD}", f"Notes {PAYLOAD}", PROJECT):
        assert escape_html(text) in page, text
    pdf = _pdf_text(report_bytes(result, assessment, "pdf"))
    assert f"Report {PAYLOAD}" in pdf and "Project <script>alert(1)</script>**bold**" in pdf


def test_matplotlib_never_reads_mathtext_under_the_print_settings():
    import matplotlib
    from matplotlib.figure import Figure

    from thmaps.maps.printing.text import RC

    with matplotlib.rc_context(RC):
        assert not Figure().text(0, 0, "$x^2$").get_parse_math()


# --------------------------------------------------------------------------- CSV exports

def test_spreadsheet_text_neutralises_formulas_only():
    assert spreadsheet_text("=1+1") == "'=1+1" and spreadsheet_text("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_text("+44 20") == "'+44 20" and spreadsheet_text("\tx") == "'\tx"
    assert spreadsheet_text("-12.5") == "-12.5" and spreadsheet_text(-3.0) == -3.0 and spreadsheet_text(None) is None
    assert spreadsheet_text(PAYLOAD) == PAYLOAD


def test_map_csv_keeps_text_literal_and_formulas_inert(hostile, ward_map):
    import pandas as pd

    import thmaps
    from thmaps.maps import MapDescription, export

    table = pd.read_csv(io.BytesIO(export.to_csv(ward_map)), dtype=str, encoding="utf-8-sig")
    assert set(table["indicator"]) == {TITLE} and set(table["unit"]) == {UNIT} and set(table["period"]) == {PERIOD}
    formula = thmaps.prepare(MapDescription(hostile["formula"], level="ward"))
    table = pd.read_csv(io.BytesIO(export.to_csv(formula)), dtype=str, encoding="utf-8-sig")
    assert set(table["indicator"]) == {"'" + FORMULA_TITLE}


def test_user_data_csv_export_keeps_formulas_inert(hostile, tmp_path):
    import pandas as pd

    from thmaps.uploads.userdata import export_user_data

    out = export_user_data("indicator", hostile["formula"], tmp_path / "formula.csv")
    assert set(pd.read_csv(out, dtype=str)["indicator"]) == {"'" + FORMULA_TITLE}
    frame = spreadsheet_frame(pd.DataFrame({"=x": ["-1", "=2", PAYLOAD], "n": [-1.0, 2.0, 3.0]}))
    assert list(frame.columns) == ["'=x", "n"] and list(frame["'=x"]) == ["-1", "'=2", PAYLOAD]


# --------------------------------------------------------------------------- app pages (Markdown)

def _markdown_texts(at) -> list[str]:
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(el.value) for el in getattr(at, kind)]
    for kind in ("button", "checkbox", "radio", "expander", "tabs"):
        texts += [str(getattr(el, "label", "")) for el in getattr(at, kind)]
    return texts


def _page(name: str, params: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=240)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("which, name, params", [
    ("ward", "1_Borough_map.py", {"level": "ward", "overlays": "s106,liveable_streets"}),
    ("borough", "1_Borough_map.py", {}),
    ("ward", "2_My_locality.py", {"rank": None}),
    ("ward", "3_Export.py", {"level": "ward", "overlays": "s106"}),
    (None, "4_Data_and_sources.py", {}),
    (None, "6_Your_data.py", {}),
])
def test_pages_put_the_text_in_markdown_escaped(hostile, which, name, params):
    wanted = {"indicator": hostile[which]} if which else {}
    wanted.update({k: (v or hostile[which]) for k, v in params.items()})
    at = _page(name, wanted)
    texts = _markdown_texts(at)
    live = [t for t in texts if any(p.search(t) for p in LIVE_MARKDOWN)]
    assert not live, live
    if name == "1_Borough_map.py":
        title = TITLE if which == "ward" else BOROUGH_TITLE
        assert at.title[0].value == escape_markdown(title)


# --------------------------------------------------------------------------- command line

def test_cli_echoes_titles_as_plain_printable_text(hostile, capsys):
    assert cli.main(["indicators"]) == 0
    out = capsys.readouterr().out
    assert TITLE in out and "\x1b" not in out
    # A record changed behind thmaps' back (its checks refuse such a title) still cannot drive the terminal.
    record = store.record("indicator", hostile["ward"])
    store.put_record("indicator", hostile["ward"], {**record.data, "title": "Red \x1b[31mtext"}, record.version)
    try:
        assert cli.main(["indicators"]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "Red  [31mtext" in out
    finally:
        store.put_record("indicator", hostile["ward"], record.data, record.version + 1)
