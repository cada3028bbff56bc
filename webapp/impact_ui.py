"""Streamlit glue of the Development impact page: the map-click listener, cached runs and section display.

The library (:mod:`thmaps.impact`) never imports this module; only ``app_pages/5_Development_impact.py`` does.
"""
from __future__ import annotations

import json

import streamlit as st

from thmaps import maps
from thmaps.impact import Assessment, export, sitemap
from thmaps.impact.analysis import ImpactResult
from thmaps.impact.tables import Section
from thmaps.safetext import escape_markdown

#: Listens for the clicks the site map posts (``thmaps.impact.sitemap.CLICK_MESSAGE``) and hands them to Python.
_CLICK_JS = """
export default function (component) {
    const { setTriggerValue } = component;
    const handler = (event) => {
        const d = event.data;
        if (!d || d.type !== %s) { return; }
        const lat = Number(d.lat), lon = Number(d.lon);
        if (!Number.isFinite(lat) || !Number.isFinite(lon)) { return; }
        setTriggerValue("click", {lat: lat, lon: lon});
    };
    window.addEventListener("message", handler);
    return () => window.removeEventListener("message", handler);
}
""" % json.dumps(sitemap.CLICK_MESSAGE)
_click_listener = st.components.v2.component("thmaps_impact_site_click", js=_CLICK_JS)


def map_click(key: str = "impact_click_listener") -> tuple[float, float] | None:
    """The latitude and longitude of the last click on the site map, on the rerun it causes (else None)."""
    result = _click_listener(key=key, on_click_change=lambda: None, height=0)
    click = getattr(result, "click", None)
    if isinstance(click, dict) and "lat" in click and "lon" in click:
        return float(click["lat"]), float(click["lon"])
    return None


def run_key(assessment: Assessment) -> str:
    """What the figures depend on (schemes, rings, parameters), as text: the cache key of a run."""
    return json.dumps({"schemes": assessment.schemes, "rings_m": assessment.rings_m,
                       "parameters": assessment.parameters}, sort_keys=True, default=str)


@st.cache_resource(show_spinner="Assessing the site…", max_entries=16)
def run(key: str, store_version: float) -> ImpactResult:
    """The result of an assessment's schemes, rings and parameters (cached; treat as read-only)."""
    data = json.loads(key)
    return Assessment(schemes=data["schemes"], rings_m=data["rings_m"], parameters=data["parameters"]).run()


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def map_html(indicator: str, key: str | None, store_version: float, clickable: bool) -> str:
    """The site map page: the borough map with the sites and rings of run ``key`` (or the borough alone)."""
    prepared = prepared_map(indicator, False, store_version)
    return sitemap.web_html(prepared, run(key, store_version) if key else None, clickable=clickable)


@st.cache_resource(show_spinner=False, max_entries=8)
def prepared_map(indicator: str, paper: bool, store_version: float):
    """The borough map under the sites (screen or paper overlays), shared by every session."""
    return maps.prepare(sitemap.description(indicator, paper=paper))


def report_maker(assessment: Assessment, result: ImpactResult, fmt: str, indicator: str, store_version: float):
    """A callable writing the report when its download button is pressed (deferred: nothing is drawn before)."""
    def make() -> bytes:
        return export.report_bytes(result, assessment, fmt, prepared_map(indicator, True, store_version))
    return make


def show_section(section: Section, height: int | None = None) -> None:
    """A section: its table (or what an empty one means), then its notes and sources in small print."""
    st.subheader(escape_markdown(section.title))
    table = section.display()
    if table.empty:
        st.info(escape_markdown(section.empty))
    else:
        st.dataframe(table, hide_index=True, width="stretch",
                     height=height or min(36 * (len(table) + 1) + 3, 420))
    lines = list(section.notes)
    sources = section.source_lines()
    if sources:
        lines.append("Sources: " + " ".join(sources))
    st.caption("  \n".join(escape_markdown(line) for line in lines))
