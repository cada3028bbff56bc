"""The Rapid HIA matrix: the eleven themes of the HUDU Rapid HIA tool, pre-filled with local evidence.

Each row quotes the figures the data support for its theme (:data:`EVIDENCE`) and says plainly what
the data lack (the theme's ``gaps``); the planner records a judgement (:data:`JUDGEMENTS`) and the
mitigation. The themes live in ``thmaps/data/rapid_hia_themes.yaml``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import yaml

from .. import settings, store
from .._util import format_value, is_missing
from ..errors import ImpactInputError
from .catchment import distance_text

THEMES_FILE = settings.PACKAGE_DATA / "rapid_hia_themes.yaml"
NOT_RECORDED = "not yet recorded"
MAX_MITIGATION = 4000


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    asks: str
    evidence: tuple[str, ...]
    gaps: str


@dataclass(frozen=True)
class HiaRow:
    """One row of the matrix: the theme, its pre-filled evidence, and the planner's judgement and mitigation."""

    theme: Theme
    evidence: tuple[str, ...]
    judgement: str = NOT_RECORDED
    mitigation: str = ""

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence)


@lru_cache(maxsize=1)
def _themes() -> tuple[dict, tuple[Theme, ...]]:
    raw = yaml.safe_load(THEMES_FILE.read_text(encoding="utf-8"))
    themes = tuple(Theme(t["id"], t["title"], " ".join(t["asks"].split()), tuple(t.get("evidence") or ()),
                         " ".join(t["gaps"].split())) for t in raw["themes"])
    return {k: raw[k] for k in ("version", "tool", "tool_url", "judgements")}, themes


def themes() -> tuple[Theme, ...]:
    """The eleven themes, in the tool's order."""
    return _themes()[1]


def tool() -> str:
    """The tool the themes come from (name, edition, year)."""
    return _themes()[0]["tool"]


#: The judgements a planner can record for a theme.
JUDGEMENTS = ("positive", "neutral", "negative", "uncertain")


def check_judgements(judgements: Mapping | None) -> dict[str, dict[str, str]]:
    """Theme id -> ``{"judgement", "mitigation"}``, checked.

    Raises
    ------
    ImpactInputError
        For an unknown theme or judgement, or an over-long mitigation text.
    """
    ids = {t.id for t in themes()}
    out = {}
    for key, entry in (judgements or {}).items():
        if key not in ids:
            raise ImpactInputError(f"unknown Rapid HIA theme {str(key)[:40]!r}; themes: {', '.join(sorted(ids))}")
        entry = entry if isinstance(entry, Mapping) else {"judgement": entry}
        judgement = str(entry.get("judgement") or NOT_RECORDED).strip().lower()
        if judgement not in JUDGEMENTS + (NOT_RECORDED,):
            raise ImpactInputError(f"judgement {judgement[:20]!r} for {key}: use one of {', '.join(JUDGEMENTS)}")
        mitigation = str(entry.get("mitigation") or "").strip()
        if len(mitigation) > MAX_MITIGATION:
            raise ImpactInputError(f"the mitigation text for {key} is longer than {MAX_MITIGATION:,} characters")
        out[key] = {"judgement": judgement, "mitigation": mitigation}
    return out


# --------------------------------------------------------------------------- evidence lines

def _pct(value) -> str:
    return format_value(value, "%")


def _row(section, key_column: str, key: str) -> pd.Series | None:
    table = section.table
    hit = table[table[key_column] == key]
    return None if hit.empty else hit.iloc[0]


def _census_line(result, title: str, section: str = "census") -> str | None:
    ring = result.reference().ring.label
    row = _row(result.sections[section], "measure", title)
    if row is None or is_missing(row.get(ring)):
        return None
    return (f"{title} {ring}: {_pct(row[ring])} (Tower Hamlets {_pct(row['Tower Hamlets'])}, London "
            f"{_pct(row['London'])}, England and Wales {_pct(row['England and Wales'])}; Census 2021).")


def _imd_line(result, label: str) -> str | None:
    ring = result.reference().ring.label
    row = _row(result.sections["imd"], "measure", label)
    if row is None:
        return None
    decile = "no decile (outside the borough)" if is_missing(row["site LSOA decile"]) else \
        f"national decile {int(row['site LSOA decile'])}"
    return (f"IMD 2019 {label} domain: the site's LSOA is in {decile}; {_pct(row[ring])} of residents {ring} live in "
            f"the most deprived 20% nationally (Tower Hamlets {_pct(row['Tower Hamlets'])}).")


def _scheme_mix(result, impact) -> list[str]:
    s = result.scheme
    lines = [f"Scheme: {s.describe()}."]
    if not s.bedrooms:
        lines.append("No bedroom mix given.")
    if s.tenure:
        lines.append(f"Affordable homes: {s.affordable_share:.0%} of the scheme (London Plan 2021 policy H5 threshold "
                     "for the fast-track route: 35%, 50% on public land).")
    else:
        lines.append("No tenure split given.")
    return lines


def _gp_need(result, impact) -> list[str]:
    e = result.estimate
    return [f"Estimated GP need: {e.gp_fte:.2f} full-time GPs for {max(e.net_residents, 0):,.0f} net new residents "
            f"(1 GP per {impact.parameters['patients_per_gp']:,} patients, {impact.parameters.item('patients_per_gp').basis}); "
            f"{e.floorspace_m2:,.0f} m² of clinical floorspace and £{e.cost_gbp:,.0f} (local assumptions)."]


def _gp_pressure(result, impact) -> list[str]:
    t = result.pressure_totals
    radius = distance_text(impact.parameters["practice_radius_m"])
    if not t["practices"]:
        return [f"No GP practice within {radius} of the site in the data."]
    lines = [f"{t['practices']} GP practices within {radius}: combined list {t['list_before']:,.0f} before and "
             f"{t['list_after']:,.0f} after the scheme (+{t['increase_pct']:.1f}%; new residents shared in proportion "
             "to list sizes, an assumption)."]
    c = impact.cumulative_totals
    if c and c.get("list_before"):
        lines.append(f"All {len(impact.results)} schemes together: {c['practices']} practices, combined list "
                     f"{c['list_before']:,.0f} before and {c['list_after']:,.0f} after (+{c['increase_pct']:.1f}%).")
    return lines


def _gp_nearby(result, impact) -> list[str]:
    return [result.sections["practices"].notes[0]]


def _other_facilities(result, impact) -> list[str]:
    return [result.sections["other_facilities"].notes[0].replace("Within", "Hospitals, pharmacies and clinics within")
            + " (NHS Choices, 2014)"]


def _s106(result, impact) -> list[str]:
    table = result.sections["s106"].table
    if table.empty:
        return []
    return ["S106/CIL health projects nearby: " + "; ".join(
        f"{p} ({d:,.0f} m)" for p, d in zip(table["project"], table["distance_m"])) + "."]


def _air(result, column: str, where: str) -> list[str]:
    table = result.sections["air"].table
    parts = []
    for _, row in table.iterrows():
        value = row.get(column)
        if is_missing(value):
            continue
        parts.append(f"{row['pollutant']} {value:.1f} µg/m³ (UK standard {row['UK standard']:g}, WHO guideline "
                     f"{row['WHO 2021 guideline']:g})")
    return [f"LAEI 2019 {where}: " + "; ".join(parts) + "."] if parts else []


def _air_site(result, impact) -> list[str]:
    return _air(result, "site (LSOA 2021 mean)", "at the site's LSOA")


def _air_catchment(result, impact) -> list[str]:
    ring = result.reference().ring.label
    return _air(result, ring, f"{ring} (population-weighted)")


def _tubes(result, impact) -> list[str]:
    table = result.sections["tubes"].table
    if table.empty:
        return []
    column = next(c for c in table.columns if c.startswith("NO2 "))
    row = table.iloc[0]
    return [f"Nearest diffusion tube ({row['location']}, {row['distance_m']:,.0f} m): {column.split(' (')[0]} "
            f"{row[column]:.1f} µg/m³, {row['vs objective']} the {settings.NO2_OBJECTIVE:g} µg/m³ objective."]


def _liveable(result, impact) -> list[str]:
    section = result.sections["liveable_streets"]
    if section.table.empty:
        return [section.empty]
    return ["Liveable Streets: " + "; ".join(f"{a} ({s}; approximate footprint)" for a, s in
                                             zip(section.table["area"], section.table["site"])) + "."]


def _fuel_poverty(result, impact) -> list[str]:
    values = store.load_layer("indicators")
    sel = values[(values["indicator_id"] == "fingertips_fuel_poverty") & (values["level"] == "borough")]
    if sel.empty:
        return []
    latest = sel.sort_values("period").iloc[-1]
    return [f"Households in fuel poverty, Tower Hamlets as a whole: {_pct(latest['value'])} ({latest['period']}, "
            "OHID Fingertips; no figure below borough level)."]


def _lines(func: Callable) -> Callable:
    return lambda result, impact: [line for line in [func(result)] if line]


#: Evidence key -> function(site_result, impact_result) -> sentences with figures.
EVIDENCE: dict[str, Callable] = {
    "scheme_mix": _scheme_mix,
    "overcrowding": _lines(lambda r: _census_line(r, "Overcrowded households (at least one bedroom fewer than needed)")),
    "imd_housing": _lines(lambda r: _imd_line(r, "Barriers to Housing and Services")),
    "gp_need": _gp_need,
    "gp_pressure": _gp_pressure,
    "gp_nearby": _gp_nearby,
    "other_facilities": _other_facilities,
    "s106": _s106,
    "census_health": lambda r, i: [x for x in (_census_line(r, "Residents in bad or very bad health"),
                                               _census_line(r, "Residents aged 5+ providing unpaid care")) if x],
    "air_site": _air_site,
    "air_catchment": _air_catchment,
    "tubes": _tubes,
    "imd_living": _lines(lambda r: _imd_line(r, "Living Environment")),
    "no_car": _lines(lambda r: _census_line(r, "Households with no car or van")),
    "liveable_streets": _liveable,
    "imd_crime": _lines(lambda r: _imd_line(r, "Crime")),
    "imd_employment": _lines(lambda r: _imd_line(r, "Employment")),
    "imd_education": _lines(lambda r: _imd_line(r, "Education, Skills and Training")),
    "census_work": lambda r, i: [x for x in (
        _census_line(r, "Residents aged 16+ who are unemployed (share of all aged 16+, not the unemployment rate)",
                     "census_more"),
        _census_line(r, "Residents aged 16+ with no qualifications", "census_more")) if x],
    "census_inclusion": lambda r, i: [x for x in (
        _census_line(r, "Residents disabled under the Equality Act"),
        _census_line(r, "Residents aged 3+ who cannot speak English well or at all", "census_more")) if x],
    "fuel_poverty": _fuel_poverty,
}


def matrix(impact, judgements: Mapping | None = None) -> list[HiaRow]:
    """The eleven rows for an assessment (evidence of its first scheme's site), with the planner's judgements.

    Parameters
    ----------
    impact : ImpactResult
    judgements : mapping, optional
        Theme id -> ``{"judgement": ..., "mitigation": ...}`` (checked by :func:`check_judgements`).
    """
    recorded = check_judgements(judgements)
    result = impact.main
    rows = []
    for theme in themes():
        lines = []
        for key in theme.evidence:
            lines += EVIDENCE[key](result, impact)
        entry = recorded.get(theme.id, {})
        rows.append(HiaRow(theme, tuple(lines), entry.get("judgement", NOT_RECORDED), entry.get("mitigation", "")))
    return rows


def matrix_frame(rows: list[HiaRow]) -> pd.DataFrame:
    """The matrix as a table: theme, local evidence (or what is lacking), gaps, judgement, mitigation."""
    return pd.DataFrame([{"theme": r.theme.title,
                          "local evidence": " ".join(r.evidence) if r.evidence else
                          "No local evidence in the data for this theme.",
                          "not in the data": r.theme.gaps, "judgement": r.judgement, "mitigation": r.mitigation}
                         for r in rows])
