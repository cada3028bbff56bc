"""Borough map: any catalogue indicator by LSOA, ward or locality, with overlays.

Thin page: widgets -> thmaps.mapspec (what to draw) -> thmaps.webmap (how to draw it).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from thmaps import mapspec, ui
from thmaps.indicators import CATALOGUE, LEVEL_LABELS
from thmaps.sources import get as get_source

ui.require_store()
version = ui.store_version()

#: London LSOAs give national deciles London-wide context (IMD and its domains only).
PAGE_LEVELS = ("lsoa11", "ward", "locality", "london_lsoa11")


def mappable_levels(indicator_id: str) -> list[str]:
    """Levels of this page at which the indicator, or the share summarising it, is published."""
    ind = CATALOGUE[indicator_id]
    return [lvl for lvl in PAGE_LEVELS
            if lvl in ind.levels or any(s.summary_of == ind.id and lvl in s.levels for s in CATALOGUE.values())]


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


BOROUGH_ONLY = [i for i in CATALOGUE if not mappable_levels(i)]

# --------------------------------------------------------------------------- choices
with st.sidebar:
    st.header("Map settings")
    ids = list(CATALOGUE)
    indicator_id = st.selectbox(
        "Indicator", ids, index=ids.index("imd_decile"), key="indicator",
        format_func=lambda i: CATALOGUE[i].title + (" — borough only, not mappable" if i in BOROUGH_ONLY else ""))
    levels = mappable_levels(indicator_id)
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
        resolved = mapspec.resolve(mapspec.MapDescription(indicator_id, level=level))
    except mapspec.MapRequestError as exc:
        st.error(str(exc))
        st.stop()
    effective = CATALOGUE[resolved.indicator]
    with st.sidebar:
        period = st.selectbox("Period", list(effective.periods)[::-1], key="period")
        schemes = [s for s in mapspec.SCHEMES if s != "national_deciles" or effective.national_deciles]
        scheme = st.selectbox("Classification", schemes, format_func=mapspec.SCHEMES.get, key="scheme",
                              index=schemes.index("national_deciles") if effective.national_deciles else 0)
        k = st.slider("Number of classes", 3, 9, 5, key="k", disabled=scheme == "national_deciles",
                      help="National IMD deciles always have 10 classes.")
        st.subheader("Overlays")
        overlays = tuple(key for key, label in mapspec.OVERLAYS.items()
                         if st.checkbox(label, value=key == "gp_practices", key=f"overlay_{key}"))
        tube_year = st.selectbox("NO2 diffusion tube year", list(mapspec.TUBE_YEARS)[::-1], key="tube_year",
                                 disabled="no2_tubes" not in overlays,
                                 help="Tubes are coloured by their bias-adjusted annual mean against the "
                                      "40 µg/m³ objective.")

    description = mapspec.MapDescription(indicator_id, period=period, level=level, scheme=scheme, k=int(k),
                                         overlays=overlays, tube_year=int(tube_year),
                                         extent="london" if level == "london_lsoa11" else "borough")
    try:
        prepared = ui.prepared_map(description, version)
    except mapspec.MapRequestError as exc:
        st.error(f"This map cannot be drawn: {exc}")
        prepared = None
    except Exception as exc:  # a plain message rather than a traceback for the user
        st.error(f"The map could not be drawn ({type(exc).__name__}: {exc}).")
        prepared = None

    if prepared is not None:
        st.title(prepared.title)
        st.caption(prepared.subtitle)
        if prepared.description.indicator != indicator_id:
            st.info(next(n for n in prepared.notes if "summarised as" in n))
        try:
            ui.show_map(description, version, height=640)
        except Exception as exc:  # a plain message rather than a traceback for the user
            st.error(f"The interactive map could not be drawn ({type(exc).__name__}: {exc}).")
        ui.footer(prepared)

with st.expander("Indicators not available at sub-borough level", expanded=indicator_id in BOROUGH_ONLY):
    st.write("These come from OHID Fingertips, which publishes them for local authorities only. thmaps shows "
             "them as published and does not invent ward or locality figures, so they cannot be mapped by area.")
    st.dataframe(borough_only_table(BOROUGH_ONLY), hide_index=True, width="stretch")
