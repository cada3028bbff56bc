"""The locality profile PDF (issue 11, item 1): its pages, its text, and nothing outside the page."""
from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from thmaps import geo, profile
from thmaps.cli import main
from thmaps.reports import locality_profile as report_module, mappack
from thmaps.reports.locality_profile import HEALTH_INDICATORS, NOT_IN_STORE, locality_profile

SECTIONS = ["Map: deprivation, GP practices and projects", "Key indicators", "Wards ranked", "Census 2021 health", "GP practices",
            "S106 / CIL health projects", "Air quality", "Sources, licences and methods"]


@pytest.fixture(scope="module")
def reports() -> dict:
    return {name: locality_profile(name, made_on="2026-01-31") for name in geo.LOCALITIES}


def words_outside(pdf: bytes, tmp_path: Path) -> tuple[int, list[str]]:
    """Pages, and every word pdftotext places outside its page (poppler, independent of our layout code)."""
    path = tmp_path / "profile.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    outside = []
    for width, height, body in pages:
        for m in re.finditer(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>',
                             body):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            if x0 < 0 or y0 < 0 or x1 > float(width) or y1 > float(height):
                outside.append(m.group(5))
    return len(pages), outside


@pytest.mark.parametrize("name", tuple(geo.LOCALITIES))
def test_each_profile_has_its_pages_names_and_nothing_outside(reports, name, tmp_path):
    report = reports[name]
    reader = PdfReader(io.BytesIO(report.pdf))
    assert len(reader.pages) == report.pages and 7 <= report.pages <= 12
    assert [s.title for s in report.sections] == SECTIONS
    assert [s.page for s in report.sections] == sorted(s.page for s in report.sections)
    assert [o.title for o in reader.outline] == SECTIONS  # bookmarks
    for page in reader.pages:  # A4 portrait
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = [p.extract_text() for p in reader.pages]
    assert f"{name} locality profile" in text[0] and "2026-01-31" in text[0] and "Contents" in text[0]
    for section in report.sections:  # each section's heading is on the page the contents give
        assert section.title.split(": ")[-1] in text[section.page - 1].replace("\n", " "), section.title
    map_page = text[1]
    for ward in profile.locality_wards(name)["name"]:
        assert ward.split(" ")[0] in map_page, ward  # the wards are named on the map, as text
    assert all(f"Page {i} of {report.pages}" in t for i, t in enumerate(text, start=1))
    assert all("2026-01-31" in t for t in text)  # the date on every page
    pages, outside = words_outside(report.pdf, tmp_path)
    assert pages == report.pages and outside == []
    everything = " ".join(text)
    assert "Open Government Licence" in everything and "96303.88" not in everything
    assert reader.metadata.title == f"{name} locality profile"


def test_census_health_ids_not_in_the_store_are_said_so(reports):
    report = reports["South East"]
    assert report.missing_health == [i for i, _ in HEALTH_INDICATORS if i not in report_module.CATALOGUE]
    page = PdfReader(io.BytesIO(report.pdf)).pages[report.sections[3].page - 1].extract_text().replace("\n", " ")
    if report.missing_health:
        assert NOT_IN_STORE in page and report.missing_health[0] in page


def test_key_figures_are_rounded_for_print(reports):
    text = PdfReader(io.BytesIO(reports["South East"].pdf)).pages[2].extract_text()
    population = profile.key_indicators("SE").set_index("indicator_id").loc["population", "locality value"]
    assert f"{population:,.0f}" in text and f"{population}" not in text


def test_command_line_writes_a_profile(tmp_path, capsys):
    out = tmp_path / "se.pdf"
    assert main(["profile", "--locality", "South East", "--out", str(out)]) == 0
    assert "South East locality profile" in capsys.readouterr().out
    assert len(PdfReader(out).pages) >= 7
    assert main(["profile", "--locality", "Middle", "--out", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()


def test_map_pack_includes_the_profiles(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("title: Committee pack\noutput: out\nextents: [locality:South East]\nprofiles: true\n"
                    "maps:\n  - indicator: imd_decile\n    scheme: national_deciles\n", encoding="utf-8")
    summary = mappack.run_pack(spec, progress=False)
    assert "02-profile-south-east.pdf" in summary["files"]
    combined = PdfReader(summary["combined_pdf"])
    profile_pages = len(PdfReader(tmp_path / "out" / "02-profile-south-east.pdf").pages)
    assert summary["pages"] == 1 + 1 + profile_pages  # contents, the map, the profile
    contents = combined.pages[0].extract_text()
    assert "South East locality profile" in contents and "1 locality profile(s)" in contents
    with pytest.raises(Exception, match="profiles"):
        mappack.plan(mappack.load_spec(spec) | {"profiles": 3}, tmp_path)
