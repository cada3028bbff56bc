"""Borough map: any catalogue indicator by LSOA, ward or locality, with overlays.

Thin page: widgets -> thmaps.maps (what to draw) -> thmaps.maps.web (how to draw it).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from thmaps import settings
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
    """Latest borough, London and England values of indicators that have no sub-borough figure."""
    values = ui.layer("indicators", version)
    rows = []
    for iid in indicator_ids:
        ind = CATALOGUE[iid]
        sel = values[(values["indicator_id"] == iid) & (values["period"] == ind.periods[-1])].set_index("level")["value"]
        rows.append({"indicator": ind.title, "period": ind.periods[-1], "unit": ind.unit,
                     "Tower Hamlets": sel.get("borough"), "London": sel.get("london"), "England": sel.get("england"),
                     "why not mapped": ind.method,
                     "source": "; ".join(f"{get_source(s).publisher}, {get_source(s).vintage}" for s in ind.source_ids)})
    return pd.DataFrame(rows)


BOROUGH_ONLY = [i for i in CATALOGUE if not levels_of(i, PAGE_LEVELS)]

# --------------------------------------------------------------------------- choices
with st.sidebar:
    st.header("Map settings")
    ids = list(CATALOGUE)
    indicator_id = st.selectbox(
        "Indicator", ids, index=ids.index("imd_decile"), key="indicator",
        format_func=lambda i: CATALOGUE[i].title + (" — borough only, not mappable" if i in BOROUGH_ONLY else ""))
    levels = levels_of(indicator_id, PAGE_LEVELS)
    level = st.selectbox("Geography", levels or ["borough"], key="level", disabled=not levels,
                         format_func=lambda lvl: LEVEL_LABELS[lvl])

if indicator_id in BOROUGH_ONLY:
    ind = CATALOGUE[indicator_id]
    st.title(ind.title)
    st.warning(f"**{ind.title}** is published for the borough as a whole only, so it cannot be mapped by LSOA, "
               f"ward or locality. {ind.method} The borough's latest figure against London and England is below.")
    st.dataframe(borough_only_table([indicator_id]), hide_index=True, width="stretch")
    st.caption("  \n".join(dict.fromkeys(get_source(s).attribution for s in ind.source_ids)))
    prepared = None
else:
    try:
        resolved = resolve(MapDescription(indicator_id, level=level))
    except ThmapsError as exc:
        ui.problem("this map", exc)
        st.stop()
    effective = CATALOGUE[resolved.indicator]
    with st.sidebar:
        period = st.selectbox("Period", list(effective.periods)[::-1], key="period")
        schemes = [s for s in SCHEMES if s != "national_deciles" or effective.national_deciles]
        scheme = st.selectbox("Classification", schemes, format_func=SCHEMES.get, key="scheme",
                              index=schemes.index(default_scheme(effective.id)))
        k = st.slider("Number of classes", 3, 9, 5, key="k", disabled=scheme == "national_deciles",
                      help="National IMD deciles always have 10 classes.")
        st.subheader("Overlays")
        overlays = tuple(key for key, overlay in OVERLAYS.items()
                         if st.checkbox(overlay.label, value=key == "gp_practices", key=f"overlay_{key}"))
        tube_year = st.selectbox("NO2 diffusion tube year", list(settings.TUBE_YEARS)[::-1], key="tube_year",
                                 disabled="no2_tubes" not in overlays,
                                 help="Tubes are coloured by their bias-adjusted annual mean against the "
                                      "40 µg/m³ objective.")

    description = MapDescription(indicator_id, period=period, level=level, scheme=scheme, k=int(k),
                                         overlays=overlays, tube_year=int(tube_year),
                                         extent="london" if level == "london_lsoa11" else "borough")
    try:
        prepared = ui.prepared_map(description, version)
    except Exception as exc:  # a plain message rather than a traceback for the user
        ui.problem("this map", exc)
        prepared = None

    if prepared is not None:
        st.title(escape_markdown(prepared.title))
        st.caption(escape_markdown(prepared.subtitle))
        if prepared.description.indicator != indicator_id:
            st.info(escape_markdown(next(n for n in prepared.notes if "summarised as" in n)))
        try:
            ui.show_map(description, version, height=640)
        except Exception as exc:  # a plain message rather than a traceback for the user
            ui.problem("the interactive map", exc)
        ui.footer(prepared)

with st.expander("Indicators not available at sub-borough level", expanded=indicator_id in BOROUGH_ONLY):
    st.write("These come from OHID Fingertips, which publishes them for local authorities only. thmaps shows "
             "them as published and does not invent ward or locality figures, so they cannot be mapped by area.")
    st.dataframe(borough_only_table(BOROUGH_ONLY), hide_index=True, width="stretch")
