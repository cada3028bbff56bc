"""The locality profile: one printable PDF per locality for its Health and Wellbeing Committee.

Pages, in order: a cover (the wards, four headline figures and the contents); the locality map
with its wards named; key indicators with 95% intervals against the borough, London and England;
the wards ranked; Census 2021 health; GP practices; S106/CIL health projects; air quality; and the
sources, licences and methods. Every figure comes from the store through :mod:`thmaps.profile`,
rounded by its unit, with full indicator names; every page carries the date.

The Census 2021 health section is driven by :data:`HEALTH_INDICATORS` alone: an id the catalogue
does not (yet) hold is listed as "not yet in this store", never filled in.

Examples
--------
>>> report = locality_profile("South East")           # doctest: +SKIP
>>> report.pages, [s.title for s in report.sections][:2]  # doctest: +SKIP
(8, ['Map: deprivation, GP practices and projects', 'Key indicators'])
"""
from __future__ import annotations

import datetime as _dt
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import matplotlib
import pandas as pd

from .. import settings
from .._util import atomic_write, format_value, slugify
from ..display import VERDICT_FILLS, VERDICT_LABELS, cell
from ..errors import MapPackError, ThmapsError
from ..geo.places import LOCALITY_NOTE, Extent, Locality
from ..indicators.catalogue import CATALOGUE, get as get_indicator
from ..indicators.compare import COMPARISON_NOTE
from ..maps import MapDescription, prepare, printing
from ..maps.printing.text import LOCK, MUTED_TEXT, RC, line_mm, put_text, wrap_text
from ..profile import (KEY_INDICATORS, air_quality, key_indicators, locality_wards, practices, s106_projects, s106_unassigned,
                       source_ids_for, tube_headline, ward_ranking)
from ..sources.registry import attribution_lines, get as get_source
from ..profile.health import HEALTH_INDICATORS as HEALTH_IDS
from .document import Document, Section

#: Census 2021 health indicators of the profile, ``(indicator id, period)``: those of the My locality health
#: section (:data:`thmaps.profile.health.HEALTH_INDICATORS`, their one home), each at its latest period; ids not
#: in the catalogue are listed as "not yet in this store".
HEALTH_INDICATORS: tuple[tuple[str, str], ...] = tuple(
    (i, CATALOGUE[i].latest_period if i in CATALOGUE else "2021") for i in HEALTH_IDS)
#: The indicators the wards are ranked on, one table each.
RANKING_INDICATORS = ("imd_share_q1", "pct_65_plus", "laei_no2")
#: The map of the profile (the extent is the locality).
PROFILE_MAP = MapDescription("imd_decile", level="lsoa11", scheme="national_deciles", overlays=("gp_practices", "s106"))
#: Sources every profile rests on besides its indicators: boundaries, the OA lookup and the services listed.
BASE_SOURCES = ("wards", "lsoa11", "oa21", "oa21_ward_lookup", "gp_practices", "s106_health", "no2_tubes",
                "laei_lsoa11", "laei_boroughs")
NOT_IN_STORE = "not yet in this store"
MAP_SECTION = "deprivation, GP practices and projects"


@dataclass
class ProfileReport:
    """A rendered profile: the PDF, its page count and where each section starts."""

    locality: str
    pdf: bytes
    pages: int
    sections: list[Section] = field(default_factory=list)
    seconds: float = 0.0
    missing_health: list[str] = field(default_factory=list)


def profile_file_name(locality, made_on: str | None = None) -> str:
    """``locality-profile-south-east-2026-11-23.pdf``."""
    name = Locality.parse(locality).name
    return f"locality-profile-{slugify(name)}-{made_on or _dt.date.today().isoformat()}.pdf"


# --------------------------------------------------------------------------- sections

def _key_rows(table: pd.DataFrame) -> tuple[list[list[str]], list[list[str | None]]]:
    """Rows of a key-indicators table as printed text, and the verdict cells' colours."""
    rows, fills = [], []
    for _, r in table.iterrows():
        unit = r["unit"]
        interval = "" if pd.isna(r["lower 95%"]) else f"{cell(r['lower 95%'], unit)}–{cell(r['upper 95%'], unit)}"
        verdicts = [r["vs borough"], r["vs London"], r["vs England"]]
        rows.append([f"{r['indicator']} ({unit})", r["period"], cell(r["locality value"], unit), interval,
                     cell(r["borough value"], unit), cell(r["London value"], unit), cell(r["England value"], unit)]
                    + [VERDICT_LABELS.get(v, v) for v in verdicts])
        fills.append([None] * 7 + [VERDICT_FILLS.get(v) for v in verdicts])
    return rows, fills


KEY_HEADER = ["Indicator (unit)", "Period", "Locality", "95% interval", "Tower Hamlets", "London", "England",
              "vs borough", "vs London", "vs England"]
KEY_WIDTHS = [44, 13, 13, 17, 14, 13, 13, 16, 16, 16]
KEY_ALIGN = ["left", "left"] + ["right"] * 5 + ["left"] * 3


def _key_section(doc: Document, code: str, name: str) -> None:
    doc.heading("Key indicators", new_page=True)
    doc.paragraph(f"{name} beside Tower Hamlets, London and England: better, similar or worse (see the note "
                  "under the table for how they are compared).", size=8)
    table = key_indicators(code)
    rows, fills = _key_rows(table)
    doc.table(rows, KEY_HEADER, KEY_WIDTHS, KEY_ALIGN, fills=fills)
    notes = [n for n in dict.fromkeys(table["note"]) if n]
    doc.paragraph(f"How compared: {COMPARISON_NOTE}", size=7.5, colour=MUTED_TEXT)
    doc.paragraph("Notes: " + " ".join(notes) + " London and England are blank where the store holds no such "
                  "comparator.", size=7.5, colour=MUTED_TEXT)


def _ranking_section(doc: Document, code: str) -> None:
    doc.heading("Wards ranked")
    wards = locality_wards(code)
    doc.paragraph(f"The locality's {len(wards)} wards ranked on {len(RANKING_INDICATORS)} indicators: rank 1 is the "
                  "ward with the highest need (or the highest value where higher is neither better nor worse); the "
                  "borough rank is among all the borough's wards.", size=8)
    for indicator_id in RANKING_INDICATORS:
        ranking = ward_ranking(code, indicator_id)
        unit = ranking["unit"].iloc[0]
        rows = [[cell(r["locality rank"]), r["ward"], cell(r["value"], unit),
                 "" if pd.isna(r["lower 95%"]) else f"{cell(r['lower 95%'], unit)}–{cell(r['upper 95%'], unit)}",
                 f"{cell(r['borough rank'])} of {cell(r['wards in borough'])}", VERDICT_LABELS.get(r["vs borough"], "")]
                for _, r in ranking.iterrows()]
        fills = [[None] * 5 + [VERDICT_FILLS.get(r["vs borough"])] for _, r in ranking.iterrows()]
        header = ["Rank in locality", "Ward", f"Value ({unit})", "95% interval", "Rank in borough", "vs borough"]
        widths = [14, 40, 16, 22, 18, 20]
        doc.heading(f"{ranking['indicator'].iloc[0]}, {ranking['period'].iloc[0]}", level=2,
                    keep=doc.table_height(rows, header, widths) + 8.0)
        doc.table(rows, header, widths, ["right", "left", "right", "right", "right", "left"], fills=fills)
        doc.paragraph(f"Tower Hamlets: {format_value(ranking['borough value'].iloc[0], unit)}. "
                      f"{ranking.attrs['rank_note']} Compared by: {ranking.attrs['comparison_method']}.",
                      size=7.5, colour=MUTED_TEXT)


def _health_section(doc: Document, code: str) -> list[str]:
    doc.heading("Census 2021 health")
    present = tuple((i, p) for i, p in HEALTH_INDICATORS if i in CATALOGUE)
    missing = [i for i, _ in HEALTH_INDICATORS if i not in CATALOGUE]
    doc.paragraph("Health, disability and unpaid care as residents described them at the Census of 21 March 2021 "
                  "(ONS). For Census 2021 indicators the national comparator is England and Wales.", size=8)
    if present:
        rows, fills = _key_rows(key_indicators(code, indicators=present))
        doc.table(rows, KEY_HEADER, KEY_WIDTHS, KEY_ALIGN, fills=fills)
    if missing:
        doc.paragraph(f"{len(missing)} of the {len(HEALTH_INDICATORS)} Census 2021 health indicators of this profile "
                      f"are {NOT_IN_STORE}: {', '.join(missing)}. They appear here once the store is built with "
                      "them; no figure is shown in their place.", size=8.5, weight="bold")
    return missing


def _practices_section(doc: Document, code: str) -> None:
    doc.heading("GP practices")
    gp = practices(code)
    total = pd.to_numeric(gp["list_size"], errors="coerce").sum()
    doc.paragraph(f"{len(gp)} GP practices stand in the locality, with {cell(total, 'patients')} registered "
                  "patients (NHS Digital, April 2026). Practices are placed by their postcode; their patients may live "
                  "elsewhere. Names are the 2019 ODS names, some out of date (see notes).", size=8)
    rows = [[cell(r["practice"]), cell(r["ods_code"]), cell(r["list_size"], "patients"), cell(r["pcn"]),
             cell(r["ward"]), cell(r["note"])] for _, r in gp.iterrows()]
    doc.table(rows, ["Practice", "ODS code", "Registered patients", "Primary care network", "Ward", "Note"],
              [28, 12, 17, 29, 19, 45], ["left", "left", "right", "left", "left", "left"])


def _s106_section(doc: Document, code: str, name: str) -> None:
    doc.heading("S106 / CIL health projects")
    projects = s106_projects(code)
    doc.paragraph("Health projects funded by Section 106 agreements or the Community Infrastructure Levy. A project "
                  "counts here if it is located in the locality (at the postcode of the practice its source names) "
                  "or, when it cannot be located, if its source gives this locality. A blank amount is not stated in "
                  "the source.", size=8)
    if projects.empty:
        doc.paragraph(f"No S106/CIL-funded health project in the compiled list is located in, or stated to be in, "
                      f"{name}.", size=8.5)
    else:
        rows = [[cell(r["project"]), cell(r["total_gbp"], "£"), cell(r["year"]), cell(r["basis"]), cell(r["ward"]),
                 cell(r["decision_type"])] for _, r in projects.iterrows()]
        doc.table(rows, ["Project", "Total (£)", "Year", "Why it counts here", "Ward", "Decision"],
                  [42, 17, 9, 28, 16, 38], ["left", "right", "right", "left", "left", "left"])
    unassigned = s106_unassigned()
    if len(unassigned):
        doc.paragraph("In no locality (no location, no locality in the source): " + "; ".join(unassigned["project"])
                      + ".", size=7.5, colour=MUTED_TEXT)


def _air_section(doc: Document, code: str, name: str, tube_year: int) -> None:
    air = air_quality(code, tube_year)
    trend = air.laei_trend.pivot_table(index=["pollutant", "area", "level"], columns="year", values="value").reset_index()
    trend["order"] = trend["level"].map({"locality": 0, "borough": 1, "london": 2})
    trend = trend.sort_values(["pollutant", "order"])
    years = [c for c in trend.columns if isinstance(c, (int,)) or str(c).isdigit()]
    rows = [[r["pollutant"], r["area"]] + [cell(r[y], "µg/m³") for y in years] for _, r in trend.iterrows()]
    header, widths = ["Pollutant", "Area"] + [f"{y} (µg/m³)" for y in years], [16, 40] + [18] * len(years)
    keep = doc.table_height(rows, header, widths) + 8.0
    doc.heading("Air quality", keep=keep + 12.0)  # kept with its first table
    doc.heading("Modelled annual means (LAEI)", level=2, keep=keep)
    doc.table(rows, header, widths, ["left", "left"] + ["right"] * len(years))
    doc.heading(f"NO2 diffusion tubes in {name}, {tube_year}", level=2)
    if air.tubes.empty:
        doc.paragraph(f"No diffusion tube results in {name} for {tube_year}.", size=8.5)
    else:
        doc.paragraph(tube_headline(air.tubes), size=8.5)
        objective = f"exceeds {settings.NO2_OBJECTIVE:g} µg/m³"
        rows = [[cell(r["site_no"]), cell(r["location"]), cell(r["ward"]), cell(r["on boundary with"]),
                 cell(r["annual_mean_bias_adjusted"], "µg/m³"), cell(r[objective])] for _, r in air.tubes.iterrows()]
        doc.table(rows, ["Site", "Location", "Ward", "On the boundary with", "Bias-adjusted mean (µg/m³)",
                         f"Above {settings.NO2_OBJECTIVE:g} µg/m³"], [8, 44, 24, 24, 18, 16],
                  ["right", "left", "left", "left", "right", "left"])
    doc.heading("Tube trend", level=2)
    rows = [[cell(r["year"]), cell(r["tubes"]), cell(r["median"], "µg/m³"), cell(r["exceeding"]),
             cell(r["share exceeding"], "%"), cell(r["borough tubes"]), cell(r["borough median"], "µg/m³")]
            for _, r in air.tube_trend.iterrows()]
    doc.table(rows, ["Year", "Tubes", "Median (µg/m³)", "Above 40 µg/m³", "Share above (%)", "Borough tubes",
                     "Borough median (µg/m³)"], [10, 10, 16, 16, 16, 14, 18], ["right"] * 7)
    doc.bullets(air.notes, size=7.5)


def _sources_section(doc: Document, source_ids: list[str], map_attributions: list[str]) -> None:
    ids = list(dict.fromkeys(source_ids))
    rows = [[cell(get_source(s).title), cell(get_source(s).publisher), cell(get_source(s).vintage),
             cell(get_source(s).licence)] for s in ids]
    header, widths = ["Source", "Publisher", "Vintage", "Licence"], [60, 40, 30, 40]
    doc.heading("Sources, licences and methods", keep=min(doc.table_height(rows, header, widths), 120.0))
    doc.table(rows, header, widths)
    doc.heading("Attribution", level=2)
    for line in dict.fromkeys(attribution_lines(ids) + list(map_attributions)):
        doc.paragraph(line, size=8, gap=1.0)
    doc.heading("Methods", level=2, keep=45.0)
    doc.bullets([COMPARISON_NOTE, LOCALITY_NOTE,
                 "Values are rounded for print: whole numbers for counts, one decimal for shares, two for "
                 "concentrations (µg/m³). Downloads from the app keep full precision.",
                 "LSOA 2011 values reach wards through population-weighted apportionment; wards nest in "
                 "localities. See the app's Data and sources page for every method."], size=8)


# --------------------------------------------------------------------------- cover

def _headline(code: str) -> list[tuple[str, str]]:
    table = key_indicators(code).set_index("indicator_id")
    out = []
    for indicator_id, text in (("population", "residents (mid-2020)"),
                               ("imd_share_q1", "of residents in the most deprived 20% nationally (2019)"),
                               ("gp_practices", "GP practices"),
                               ("gp_registered_patients", "registered patients (April 2026)")):
        if indicator_id in table.index:
            row = table.loc[indicator_id]
            value = cell(row["locality value"], row["unit"])
            out.append((f"{value}%" if row["unit"] == "%" else value, text))
    return out


def _cover(doc: Document, page_ax, name: str, code: str, made_on: str) -> None:
    ax, margin, width = page_ax, doc.margin, doc.content_width
    y = doc.height - 40.0
    for text, size, weight, colour in ((f"{name} locality profile", 26, "bold", "#1a1a1a"),
                                       ("London Borough of Tower Hamlets · Locality Health and Wellbeing Committee",
                                        11.5, "normal", MUTED_TEXT),
                                       (f"Made on {made_on} from the thmaps store", 10, "normal", MUTED_TEXT)):
        for line in wrap_text(text, width, size, weight):
            put_text(ax, margin, y, line, size, fontweight=weight, color=colour, va="top")
            y -= line_mm(size, 1.25)
        y -= 3.0
    y -= 6.0
    for value, text in _headline(code):
        put_text(ax, margin, y, value, 20, fontweight="bold", va="top", color="#08306b")
        for line in wrap_text(text, width - 55.0, 10):
            put_text(ax, margin + 55.0, y - 2.0, line, 10, va="top")
            y -= line_mm(10, 1.25)
        y -= 8.0
    wards = ", ".join(locality_wards(code)["name"])
    y -= 2.0
    for line in wrap_text(f"Wards: {wards}.", width, 10):
        put_text(ax, margin, y, line, 10, va="top")
        y -= line_mm(10, 1.25)
    for line in wrap_text(LOCALITY_NOTE, width, 8.5):
        put_text(ax, margin, y - 1.5, line, 8.5, va="top", color=MUTED_TEXT)
        y -= line_mm(8.5, 1.25)
    y -= 10.0
    put_text(ax, margin, y, "Contents", 13, fontweight="bold", va="top")
    y -= line_mm(13, 1.4)
    for section in doc.sections:
        title = wrap_text(section.title, width - 20.0, 10)[0]
        put_text(ax, margin, y, title, 10, va="top")
        put_text(ax, margin + width, y, str(section.page), 10, va="top", ha="right")
        y -= line_mm(10, 1.5)


# --------------------------------------------------------------------------- the report

def locality_profile(locality, tube_year: int = settings.TUBE_YEARS[-1], made_on: str | None = None) -> ProfileReport:
    """The locality profile as a PDF.

    Parameters
    ----------
    locality : str or Locality
        ``"South East"``, ``"SE"``...
    tube_year : int
        Year of the diffusion tube results listed.
    made_on : str, optional
        The date printed (default today).

    Returns
    -------
    ProfileReport
        The PDF bytes, the number of pages and the page each section starts on.

    Raises
    ------
    ThmapsError
        For an unknown locality or a store without the tables the profile needs.
    """
    started = time.perf_counter()
    loc = Locality.parse(locality)
    made_on = made_on or _dt.date.today().isoformat()
    prepared = prepare(replace(PROFILE_MAP, extent=loc, title=f"{loc.name} locality: {MAP_SECTION}"))
    doc = Document(running_head=f"{loc.name} locality profile · London Borough of Tower Hamlets · {made_on}",
                   made_on=made_on)
    with LOCK, matplotlib.rc_context(RC):  # one print at a time: rcParams are global
        doc.new_page()
        cover_ax = doc.axes
        doc.add_page(printing.draw(prepared, doc.paper, doc.orientation).figure, section=f"Map: {MAP_SECTION}")
        _key_section(doc, loc.code, loc.name)
        _ranking_section(doc, loc.code)
        missing = _health_section(doc, loc.code)
        _practices_section(doc, loc.code)
        _s106_section(doc, loc.code, loc.name)
        _air_section(doc, loc.code, loc.name, tube_year)
        ids = []
        for indicator_id, period in KEY_INDICATORS + tuple((i, p) for i, p in HEALTH_INDICATORS if i in CATALOGUE):
            ids += source_ids_for(indicator_id, period)
        for indicator_id in RANKING_INDICATORS:
            ids += list(get_indicator(indicator_id).source_ids)
        _sources_section(doc, ids + list(BASE_SOURCES), prepared.attributions)
        _cover(doc, cover_ax, loc.name, loc.code, made_on)
        pdf = doc.to_pdf(title=f"{loc.name} locality profile", subject="London Borough of Tower Hamlets: locality "
                         f"health needs profile, {made_on}", keywords="; ".join(prepared.attributions))
    return ProfileReport(locality=loc.name, pdf=pdf, pages=doc.page_number, sections=list(doc.sections),
                         seconds=time.perf_counter() - started, missing_health=missing)


def save_profile(locality, path, **kwargs) -> Path:
    """Write the locality profile PDF to ``path`` atomically; returns the path."""
    return atomic_write(Path(path), locality_profile(locality, **kwargs).pdf)


def pack_profiles(value, extents) -> list[Locality]:
    """The localities a map pack's ``profiles`` setting asks for.

    ``true`` means one per locality among the pack's ``extents``; a list names localities;
    ``false`` or nothing, none.

    Raises
    ------
    MapPackError
        For a value that is neither true/false nor a list of localities.
    """
    if value in (None, False):
        return []
    if value is True:
        found = [Extent.parse(e) for e in extents]
        return list(dict.fromkeys(e.locality for e in found if e.kind == "locality"))
    if isinstance(value, (str, list, tuple)):
        try:
            return list(dict.fromkeys(Locality.parse(v) for v in ([value] if isinstance(value, str) else value)))
        except ThmapsError as exc:
            raise MapPackError(f"profiles: {exc}") from None
    raise MapPackError("profiles must be true, false or a list of localities")
