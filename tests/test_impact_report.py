"""Development impact reports and files: the Rapid HIA matrix, the PDF and HTML reports (escaped, sourced,
wrapped inside the page), the assessment file's round trip, and ``thmaps impact`` on the command line."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from thmaps.errors import AssessmentFileError, ImpactInputError
from thmaps.impact import Assessment, assess_site, make_scheme, matrix, report_bytes, site_from_postcode, themes
from thmaps.impact.hia import NOT_RECORDED

ROOT = Path(__file__).resolve().parent.parent
CRAFTED = '<script>alert("x")</script> {{ 7*7 }} [link](http://x)'


@pytest.fixture(scope="module")
def assessment():
    pairs = [(site_from_postcode("E14 0XA"), make_scheme(250, bedrooms={"1": 100, "2": 100, "3": 40, "4+": 10},
                                                         tenure={"affordable": 88}, name="Aberfeldy block C"))]
    return Assessment.from_pairs(pairs, rings_m=[400, 800, 2000], parameters={"patients_per_gp": 1900},
                                 hia={"housing": {"judgement": "negative", "mitigation": CRAFTED},
                                      "air_noise": {"judgement": "uncertain", "mitigation": "Air quality assessment."}},
                                 title="Aberfeldy block C: health impact", planner="A. Planner")


@pytest.fixture(scope="module")
def result(assessment):
    return assessment.run()


def test_the_matrix_has_the_eleven_hudu_themes_prefilled(result, assessment):
    rows = assessment.hia_rows(result)
    assert [r.theme.title for r in rows] == [
        "Housing design and affordability",
        "Access to health and social care services and other social infrastructure",
        "Access to open space and nature", "Air quality, noise and neighbourhood amenity",
        "Accessibility and active travel", "Crime reduction and community safety", "Access to healthy food",
        "Access to work and training", "Social cohesion and inclusive design", "Minimising the use of resources",
        "Climate change"]
    by_id = {r.theme.id: r for r in rows}
    assert by_id["housing"].judgement == "negative" and by_id["housing"].mitigation == CRAFTED
    assert by_id["work"].judgement == NOT_RECORDED
    for theme in ("open_space", "food", "resources"):
        assert not by_id[theme].has_evidence and "no local evidence" in by_id[theme].theme.gaps
    assert any("GP need" in line for line in by_id["health_services"].evidence)
    assert any(line.startswith("Overcrowded households (at least one bedroom fewer than needed) within 800 m")
               for line in by_id["housing"].evidence)
    assert any("35% of the scheme" in line for line in by_id["housing"].evidence)
    assert any("NO2" in line for line in by_id["air_noise"].evidence)
    with pytest.raises(ImpactInputError, match="judgement 'great'"):
        matrix(result, {"housing": {"judgement": "great"}})
    with pytest.raises(ImpactInputError, match="unknown Rapid HIA theme"):
        matrix(result, {"parking": {"judgement": "positive"}})
    assert len(themes()) == 11


def test_pdf_report_has_the_map_figures_assumptions_sources_and_judgements(result, assessment, tmp_path):
    pdf = report_bytes(result, assessment, "pdf")
    assert pdf[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 5
    first = reader.pages[0]
    assert float(first.mediabox.width) == pytest.approx(595.3, abs=1)   # A4 portrait
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for expected in ("Development impact: Aberfeldy block C", "Aberfeldy block C: health impact", "A. Planner",
                     "Health infrastructure estimate", "Pressure on practices", "Rapid HIA matrix", "negative",
                     "Assumptions", "local assumption", "cited standard", "Sources and licences",
                     "Open Government Licence", "changed for this assessment", "Census 2021", "LAEI 2019",
                     "Dashed circles: straight-line distance", "not the HUDU model", result.made_on):
        assert expected in flat, expected
    # The planner's text is printed as typed, not interpreted.
    assert "alert(" in flat
    (tmp_path / "report.pdf").write_bytes(pdf)


def test_pdf_text_stays_inside_the_page(result, assessment):
    """Every character drawn on the text pages lies within the page's margins (measured by pypdf)."""
    reader = PdfReader(io.BytesIO(report_bytes(result, assessment, "pdf")))
    for page in reader.pages[1:]:
        width = float(page.mediabox.width)
        xs = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                xs.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=visit)
        assert xs and min(xs) >= 14 * 72 / 25.4 - 1 and max(xs) <= width - 14 * 72 / 25.4


def test_html_report_escapes_everything_and_carries_sources(result, assessment):
    html = report_bytes(result, assessment, "html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "{{" not in html
    for expected in ("Aberfeldy block C: health impact", "Rapid HIA matrix", "Sources and licences",
                     "Open Government Licence v3.0", "local assumption", "Assumptions"):
        assert expected in html
    assert "http" not in html.split("<body>")[0]  # nothing fetched from outside


def test_assessment_file_round_trip_gives_the_same_figures(result, assessment):
    text = report_bytes(result, assessment, "json").decode("utf-8")
    again = Assessment.from_json(text)
    assert again.hia["housing"] == {"judgement": "negative", "mitigation": CRAFTED}
    assert again.parameters == {"patients_per_gp": 1900} and again.rings_m == [400, 800, 2000]
    rerun = again.run()
    assert rerun.main.estimate.gp_fte == pytest.approx(result.main.estimate.gp_fte)
    assert rerun.main.estimate.cost_gbp == pytest.approx(result.main.estimate.cost_gbp)
    assert json.loads(text)["kind"] == "thmaps development impact assessment"


@pytest.mark.parametrize("text, message", [
    (b"\xff\xfe\x00", "not text"),
    ("not json", "not valid JSON"),
    ('{"a": 1}', "not a thmaps development impact assessment"),
    ('{"kind": "thmaps development impact assessment", "version": 99}', "version 99"),
    ('{"kind": "thmaps development impact assessment", "version": 1, "schemes": []}', "holds no scheme"),
    ('{"kind": "thmaps development impact assessment", "version": 1, "schemes": [{}], "parameters": '
     '{"patients_per_gp": -1}}', "must be between"),
    ('{"kind": "thmaps development impact assessment", "version": 1, "schemes": [{}], "rings_m": [5]}',
     "between 50 m"),
])
def test_bad_assessment_files_get_their_message(text, message):
    with pytest.raises(AssessmentFileError, match=message):
        Assessment.from_json(text)


def test_assessment_with_a_bad_scheme_names_it():
    bad = Assessment(schemes=[{"site": {"how": "postcode", "postcode": "E14 0XA"}, "scheme": {"homes": -1}}])
    with pytest.raises(ImpactInputError, match="scheme 1: Number of homes cannot be negative"):
        bad.run()


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "thmaps", "impact", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env=os.environ.copy())


def test_cli_prints_the_figures_and_writes_the_report(tmp_path):
    out = tmp_path / "out.pdf"
    saved = tmp_path / "assessment.json"
    done = run_cli("--postcode", "E14 0XA", "--homes", "250", "--report", str(out), "--save", str(saved))
    assert done.returncode == 0, done.stderr
    expected = assess_site("E14 0XA", homes=250).main.estimate
    assert f"{expected.net_residents:,.0f}" in done.stdout and "Lansbury" in done.stdout
    assert "Health infrastructure estimate" in done.stdout and "Rapid HIA matrix" in done.stdout
    assert out.read_bytes()[:5] == b"%PDF-" and json.loads(saved.read_text())["schemes"][0]["scheme"]["homes"] == 250
    again = run_cli("--load", str(saved), "--set", "patients_per_gp=2000", "--report", str(tmp_path / "r.html"))
    assert again.returncode == 0, again.stderr
    assert "changed for this assessment" in again.stdout
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args, message", [
    (("--postcode", "XX1 1XX", "--homes", "10"), "not in the Tower Hamlets postcode list"),
    (("--postcode", "E14 0XA", "--homes", "-5"), "cannot be negative"),
    (("--postcode", "E14 0XA"), "give the number of homes"),
    (("--homes", "10"), "give one location"),
    (("--postcode", "E14 0XA", "--homes", "10", "--bedrooms", "one:10"), "size:homes pairs"),
    (("--postcode", "E14 0XA", "--homes", "10", "--set", "patients_per_gp"), "write KEY=VALUE"),
    (("--postcode", "E14 0XA", "--homes", "10", "--report", "x.docx"), "must end in .pdf or .html"),
    (("--boundary", "/nonexistent/site.geojson", "--homes", "10"), "no such file"),
])
def test_cli_bad_input_is_one_line_not_a_traceback(args, message, capsys):
    from thmaps.cli import main

    assert main(["impact", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
