"""What the development impact report says, in order, whatever it is written as (HTML or PDF).

:func:`blocks` turns an assessment and its result into a list of :class:`Block`: headings,
paragraphs, warnings and :class:`~thmaps.impact.tables.Section` tables. :mod:`.report_html` and
:mod:`.report_pdf` only lay them out, so the two files say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..sources.registry import attribution_lines
from .analysis import ImpactResult
from .assessment import Assessment
from .catchment import distance_text
from .hia import HiaRow, matrix_frame, tool
from .tables import Section, source_lines

DISCLAIMER = ("An open estimate in the spirit of the London Healthy Urban Development Unit (HUDU) Planning "
              "Contributions Model and Rapid HIA tool; it is not the HUDU model, whose defaults are licensed and not "
              "public. Figures rest on the data named under Sources and on the parameters under Assumptions, each "
              "with its basis: a cited standard, a published figure, the data, or a local assumption.")
#: The sections of each scheme, in report order.
SCHEME_SECTIONS = ("location", "catchment", "practices", "other_facilities", "s106", "imd", "census", "census_more",
                   "air", "tubes", "liveable_streets", "estimate", "pressure")


@dataclass(frozen=True)
class Block:
    """One piece of the report: ``kind`` is heading, subheading, text, warning, section or map."""

    kind: str
    text: str = ""
    section: Section | None = None


def summary_section(result: ImpactResult) -> Section:
    """The headline figures of every scheme, in total and per home (and the sum over schemes)."""
    rows = []
    for r in result.results:
        e = r.estimate
        t = r.pressure_totals
        rows.append({"scheme": r.scheme.name, "site": r.site.label, "homes": r.scheme.homes,
                     "net new residents": e.net_residents, "per home": e.net_residents / r.scheme.homes,
                     "GP need (FTE)": e.gp_fte, "floorspace (m²)": e.floorspace_m2, "cost (£)": e.cost_gbp,
                     "cost per home (£)": e.cost_gbp / r.scheme.homes,
                     "practice lists +%": t["increase_pct"]})
    if len(result.results) > 1:
        tot = result.totals()
        rows.append({"scheme": "All schemes", "site": "", "homes": tot["homes"],
                     "net new residents": tot["net_residents"], "per home": tot["net_residents"] / tot["homes"],
                     "GP need (FTE)": tot["gp_fte"], "floorspace (m²)": tot["floorspace_m2"],
                     "cost (£)": tot["cost_gbp"], "cost per home (£)": tot["cost_gbp"] / tot["homes"],
                     "practice lists +%": (result.cumulative_totals or {}).get("increase_pct")})
    radius = distance_text(result.parameters["practice_radius_m"])
    notes = [f"Practice lists +%: the combined list of the GP practices within {radius}, after the new residents are "
             "shared among them in proportion to their lists (an assumption)."
             + (" The last row shares every scheme's residents at once (cumulative)." if len(rows) > 1 else ""),
             "GP need at 1 full-time GP per 1,800 patients (cited standard); floorspace and cost rest on local "
             "assumptions (see Assumptions)."]
    formats = {"homes": "count", "net new residents": "count", "per home": "2dp", "GP need (FTE)": "2dp",
               "floorspace (m²)": "count", "cost (£)": "gbp", "cost per home (£)": "gbp", "practice lists +%": "1dp"}
    return Section("summary", "Summary", pd.DataFrame(rows), notes, (), formats)


def assumptions_section(result: ImpactResult) -> Section:
    """Every parameter with its value, unit, basis and source (and whether it was changed)."""
    p = result.parameters
    table = p.table().drop(columns="key")
    table["note"] = [("As above." if i and note and note == table["note"].iloc[i - 1] else note)
                     for i, note in enumerate(table["note"])]
    notes = [f"Parameter file version {p.version} ({p.updated}), thmaps/data/impact_parameters.yaml. 'Local assumption' "
             "means no public source in the data: replace it with your own figure where you have one."]
    return Section("assumptions", "Assumptions", table, notes,
                   widths={"parameter": 16, "value": 7, "unit": 10, "basis": 10, "source": 25, "note": 32})


def hia_section(rows: list[HiaRow]) -> Section:
    notes = [f"Themes of the {tool()}. Each row quotes the local evidence the data support, and says what the data "
             "lack; the judgement and mitigation are the planner's."]
    return Section("hia", "Rapid HIA matrix", matrix_frame(rows), notes,
                   widths={"theme": 14, "local evidence": 44, "not in the data": 18, "judgement": 9, "mitigation": 15})


def blocks(result: ImpactResult, assessment: Assessment, hia_rows: list[HiaRow]) -> list[Block]:
    """The report, in order."""
    out = [Block("heading", assessment.title or "Development health impact assessment")]
    meta = [f"Made with thmaps {result.thmaps_version} on {result.made_on}",
            f"parameters version {result.parameters.version}"]
    if assessment.planner:
        meta.append(f"planner: {assessment.planner}")
    out.append(Block("text", "; ".join(meta) + "."))
    if assessment.notes:
        out.append(Block("text", assessment.notes))
    out.append(Block("text", DISCLAIMER))
    warnings = list(dict.fromkeys(w for r in result.results for w in r.warnings))
    out += [Block("warning", w) for w in warnings]
    out.append(Block("section", section=summary_section(result)))
    out.append(Block("map"))
    for r in result.results:
        out.append(Block("heading", f"{r.scheme.name}: {r.site.label}"))
        out.append(Block("text", f"{r.site.describe()}. {r.scheme.describe()}. Rings: "
                                 f"{', '.join(distance_text(x) for x in result.radii)} (straight line)."))
        out += [Block("section", section=r.sections[key]) for key in SCHEME_SECTIONS]
    if result.cumulative is not None:
        out.append(Block("heading", "Cumulative impact of all schemes"))
        out.append(Block("section", section=result.cumulative))
    out.append(Block("heading", "Rapid Health Impact Assessment"))
    out.append(Block("section", section=hia_section(hia_rows)))
    out.append(Block("heading", "Assumptions and sources"))
    out.append(Block("section", section=assumptions_section(result)))
    out.append(Block("subheading", "Sources and licences"))
    out += [Block("text", line) for line in source_lines(result.sources())]
    out.append(Block("subheading", "Attribution"))
    out += [Block("text", line) for line in attribution_lines(result.sources())]
    return out
