"""Borough map: any catalogue indicator by LSOA, ward or locality, with overlays.

Thin page: widgets -> thmaps.maps (what to draw) -> thmaps.maps.web (how to draw it).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from thmaps import display, settings
from thmaps.errors import ThmapsError
from thmaps.indicators import CATALOGUE, LEVEL_LABELS, levels_of
from thmaps.maps import MAP_LEVELS, SCHEMES, MapDescription, default_scheme, resolve
from thmaps.overlays import OVERLAYS
from thmaps.safetext import escape_markdown
from thmaps.sources import get as get_source
from webapp import ui

ui.require_store()
version = ui.store_version()

#: Every map level; London LSOAs give national deciles London-wide context (IMD and its domains only).
PAGE_LEVELS = MAP_LEVELS


def borough_only_table(indicator_ids) -> pd.DataFrame:
    """Latest borough, London and England values of indicators that have no sub-borough figure (rounded by unit)."""
    values = ui.layer("indicators", version)
    rows = []
    for iid in indicator_ids:
        ind = CATALOGUE[iid]
        sel = values[(values["indicator_id"] == iid) & (values["period"] == ind.periods[-1])].set_index("level")["value"]
        rows.append({"indicator": ind.title, "period": ind.periods[-1], "unit": ind.unit,
                     **{name: display.cell(sel.get(level), ind.unit)
                        for name, level in (("Tower Hamlets", "borough"), ("London", "london"), ("England", "england"))},
                     "why not mapped": ind.method,
                     "source": "; ".join(f"{get_source(s).publisher}, {get_source(s).vintage}" for s in ind.source_ids)})
    return pd.DataFrame(rows)


BOROUGH_ONLY = [i for i in CATALOGUE if not levels_of(i, PAGE_LEVELS)]

# --------------------------------------------------------------------------- choices
ui.url_begin()
with st.sidebar:
    st.header("Map settings")
    ids = list(CATALOGUE)
    ui.url_value("indicator", "indicator", "imd_decile", options=ids)
    indicator_id = st.selectbox(
        "Indicator", ids, key="indicator",
        format_func=lambda i: CATALOGUE[i].title + (" — borough only, not mappable" if i in BOROUGH_ONLY else ""))
    levels = levels_of(indicator_id, PAGE_LEVELS) or ["borough"]
    ui.url_value("level", "level", levels[0], options=levels)
    level = st.selectbox("Geography", levels, key="level", disabled=levels == ["borough"],
                         format_func=lambda lvl: LEVEL_LABELS[lvl])

if indicator_id in BOROUGH_ONLY:
    ind = CATALOGUE[indicator_id]
    st.title(escape_markdown(ind.title))
    st.warning(f"**{escape_markdown(ind.title)}** is published for the borough as a whole only, so it cannot be "
               f"mapped by LSOA, ward or locality. {escape_markdown(ind.method)} The borough's latest figure against "
               "London and England is below.")
    ui.show_table(borough_only_table([indicator_id]), wrap=True)
    st.caption("  \n".join(escape_markdown(line)
                           for line in dict.fromkeys(get_source(s).attribution for s in ind.source_ids)))
    prepared = None
else:
    try:
        resolved = resolve(MapDescription(indicator_id, level=level))
    except ThmapsError as exc:
        ui.problem("this map", exc)
        st.stop()
    effective = CATALOGUE[resolved.indicator]
    with st.sidebar:
        periods = list(effective.periods)[::-1]
        ui.url_value("period", "period", periods[0], options=periods)
        period = st.selectbox("Period", periods, key="period")
        schemes = [s for s in SCHEMES if s != "national_deciles" or effective.national_deciles]
        ui.url_value("scheme", "scheme", default_scheme(effective.id), options=schemes)
        scheme = st.selectbox("Classification", schemes, format_func=SCHEMES.get, key="scheme")
        k = ui.class_count("k", scheme)
        st.subheader("Overlays")
        choices = ui.overlay_options(version)
        ui.url_flags("overlays", {key: f"overlay_{key}" for key in choices}, default=("gp_practices",))
        overlays = tuple(key for key in choices if st.checkbox(OVERLAYS[key].label, key=f"overlay_{key}"))
        tube_year = ui.tube_year_choice("tube_year", "no2_tubes" in overlays)

    head = st.container()  # the title goes above the search box, once the map is known
    focus = ui.place_search("map")
    description = MapDescription(indicator_id, period=period, level=level, scheme=scheme, k=int(k),
                                 overlays=overlays, tube_year=int(tube_year),
                                 extent="london" if level == "london_lsoa11" else "borough", focus=focus)
    try:
        prepared = ui.prepared_map(description, version)
    except Exception as exc:  # a plain message rather than a traceback for the user
        ui.problem("this map", exc)
        prepared = None

    if prepared is not None:
        with head:
            st.title(escape_markdown(prepared.title))
            st.caption(escape_markdown(prepared.subtitle))
            if prepared.description.indicator != indicator_id:
                st.info(escape_markdown(next(n for n in prepared.notes if "summarised as" in n)))
        try:
            ui.show_map(description, version, height=640)
        except Exception as exc:  # a plain message rather than a traceback for the user
            ui.problem("the interactive map", exc)
        ui.page_link("app_pages/3_Export.py", "export", "Print this view (PDF, PNG or SVG) and download its data",
                     ui.url_params())
        ui.footer(prepared)
        ui.map_values(prepared, "borough", version)
ui.url_end()

with st.expander("Indicators not available at sub-borough level", expanded=indicator_id in BOROUGH_ONLY):
    st.write("These come from OHID Fingertips, which publishes them for local authorities only. thmaps shows "
             "them as published and does not invent ward or locality figures, so they cannot be mapped by area.")
    ui.show_table(borough_only_table(BOROUGH_ONLY), wrap=True)
