"""My locality: one locality's map, key indicators, wards, practices, S106/CIL projects and air quality.

Thin page: widgets -> thmaps.profile / thmaps.maps; every figure comes from the store.
"""
from __future__ import annotations

import datetime as _dt

import altair as alt
import pandas as pd
import streamlit as st

from thmaps import display, profile, settings
from thmaps.display import VERDICT_COLOURS, VERDICT_FILLS, VERDICT_LABELS
from thmaps.geo import LOCALITY_NOTE, Locality
from thmaps.indicators import COMPARISON_NOTE
from thmaps.maps import MapDescription
from thmaps.reports.locality_profile import locality_profile, profile_file_name
from thmaps.safetext import escape_markdown
from thmaps.sources import get as get_source
from webapp import ui

ui.require_store()

VERSUS = ["vs borough", "vs London", "vs England"]


@st.cache_data(show_spinner=False, max_entries=8)
def profile_pdf(code: str, tube_year: int, made_on: str, store_version: float | None = None) -> bytes:
    """The locality profile PDF, made once per locality, tube year, day and store."""
    return locality_profile(code, tube_year=tube_year, made_on=made_on).pdf


ui.url_begin()
st.title("My locality")
names = [loc.name for loc in Locality.all()]
ui.url_value("locality", "locality", names[0], options=names)
name = st.selectbox("Locality", names, key="locality",
                    help="The four Tower Hamlets Together localities (thmaps default ward lists).")
locality = Locality.parse(name)
code = locality.code
version = ui.store_version()
try:
    wards = ui.locality_wards(code, version)
    st.caption(f"**{name}** ({code}) covers {len(wards)} wards: "
               f"{escape_markdown(', '.join(wards['name']))}. {escape_markdown(LOCALITY_NOTE)}")
except Exception as exc:
    ui.problem("the locality's wards", exc)

years = list(reversed(settings.TUBE_YEARS))
ui.url_value("tube_year", "tube_year", years[0], options=years, parse=int)
today = _dt.date.today().isoformat()
chosen_year = int(st.session_state["tube_year"])
# Made when clicked (a few seconds), in a thread of its own: everything it needs is taken now.
st.download_button(f"Download the {name} locality profile (PDF, about 8 pages)",
                   lambda: profile_pdf(code, chosen_year, today, version),
                   file_name=profile_file_name(name, today), mime="application/pdf", key="download_profile",
                   type="primary", on_click="ignore",
                   help="A printable profile for the committee: the locality map with its wards named, key indicators "
                        "against the borough, London and England, the wards ranked, Census 2021 health, GP practices, "
                        "S106/CIL projects, air quality, and every source and licence. Takes a few seconds.")

# --------------------------------------------------------------------------- map
st.header("Map")
map_options = ui.indicator_options("lsoa11", version)
map_ids = list(map_options)
ui.url_value("indicator", "map_indicator", "imd_decile", options=map_ids)
map_indicator = st.selectbox("Indicator on the map", map_ids, format_func=map_options.get, key="map_indicator")
tube_year = st.selectbox("NO2 diffusion tube year (map, air quality section and profile)", years, key="tube_year")
try:
    desc = MapDescription(map_indicator, level="lsoa11", extent=locality,
                          overlays=("gp_practices", "s106", "no2_tubes"), tube_year=int(tube_year))
    prepared = ui.show_map(desc, version, height=520)
    st.caption(escape_markdown(prepared.subtitle))
    ui.footer(prepared)
    ui.map_values(prepared, "locality", version)
except Exception as exc:
    ui.problem("the map", exc)

# --------------------------------------------------------------------------- key indicators
st.header("Key indicators")
try:
    table = ui.key_indicators(code, version)
    shown = profile.format_key_indicators(table)
    for column in VERSUS:
        shown[column] = table[column].map(VERDICT_LABELS)
    shown = shown[["indicator", "locality value", "lower 95%", "upper 95%", "borough value", "vs borough", "unit",
                   "period", "difference vs borough", "London value", "vs London", "England value", "vs England",
                   "% of borough total", "comparison method", "note", "source"]].rename(
        columns={"locality value": f"{name}", "borough value": "Tower Hamlets", "London value": "London",
                 "England value": "England"})
    colours = {VERDICT_LABELS[k]: v for k, v in VERDICT_FILLS.items() if v}
    styled = shown.style.map(lambda v: f"background-color: {colours.get(v, 'white')}", subset=VERSUS)
    ui.show_table(styled, wrap=True, height=70 * len(shown) + 40, labels=False,
                  column_config={"indicator": st.column_config.TextColumn("Indicator", width="medium", pinned=True),
                                 "unit": st.column_config.TextColumn("Unit", width="small"),
                                 **ui.column_labels(shown.columns, skip=("indicator", "unit"))})
    st.caption(f"**Method:** {escape_markdown(COMPARISON_NOTE)} ▲ worse = shaded orange, ▼ better = purple, "
               "≈ similar = grey, ↑ higher / ↓ lower = blue. Lower / upper 95%: the locality's confidence limits "
               "(blank where no interval applies). London and England values are shown where the store has them.")
    st.download_button("Download the key indicators (CSV, with sources and licences)",
                       data=ui.key_indicators_csv(code, today, version), file_name=f"thmaps_{code}_key_indicators.csv",
                       mime="text/csv", key="download_csv")
except Exception as exc:
    ui.problem("the key indicators", exc)

# --------------------------------------------------------------------------- wards
st.header("Wards ranked")
COMPARATOR_CHOICES = {"borough": "Tower Hamlets", "london": "London", "england": "England"}
rank_options = profile.ranking_indicators()
rank_ids = list(rank_options)
left, right = st.columns([3, 2])
with left:
    ui.url_value("rank", "ranking_indicator", "imd_share_q1", options=rank_ids)
    rank_indicator = st.selectbox("Rank the wards on", rank_ids, format_func=rank_options.get, key="ranking_indicator")
with right:
    ui.url_value("vs", "comparator", "borough", options=list(COMPARATOR_CHOICES))
    comparator = st.radio("Compare with", list(COMPARATOR_CHOICES), format_func=COMPARATOR_CHOICES.get,
                          horizontal=True, key="comparator",
                          help="An area is better, similar or worse than the comparator by whether the comparator "
                               "lies inside the area's 95% interval (Fingertips' rule); without an interval, by a "
                               "labelled rule of thumb. For Census 2021 'England' is England and Wales.")
try:
    ranking = ui.ward_ranking(code, rank_indicator, comparator, version)
    verdict = f"vs {profile.COMPARATORS[comparator]}"
    comparator_value = ranking[f"{profile.COMPARATORS[comparator]} value"].iloc[0] \
        if comparator != "borough" else ranking["borough value"].iloc[0]
    unit = ranking["unit"].iloc[0]
    y = alt.Y("ward:N", sort=alt.EncodingSortField("locality rank", order="ascending"), title=None)
    bars = alt.Chart(ranking).mark_bar().encode(
        x=alt.X("value:Q", title=f"{ranking['indicator'].iloc[0]} ({unit}), {ranking['period'].iloc[0]}"), y=y,
        color=alt.Color(f"{verdict}:N", title=verdict,
                        scale=alt.Scale(domain=list(VERDICT_COLOURS), range=list(VERDICT_COLOURS.values()))),
        tooltip=[alt.Tooltip("ward"), alt.Tooltip("value:Q", format=",.2f"), alt.Tooltip("lower 95%:Q", format=",.2f"),
                 alt.Tooltip("upper 95%:Q", format=",.2f"), alt.Tooltip("borough rank"),
                 alt.Tooltip("wards in borough"), alt.Tooltip(verdict)],
    )
    # 95% confidence intervals as error bars (absent where no interval applies).
    errors = alt.Chart(ranking.dropna(subset=["lower 95%", "upper 95%"])).mark_rule(color="#252525").encode(
        x=alt.X("lower 95%:Q"), x2=alt.X2("upper 95%:Q"), y=y)
    layers = bars + errors
    if pd.notna(comparator_value):
        layers += alt.Chart(pd.DataFrame({"comparator": [comparator_value]})).mark_rule(
            color="black", strokeDash=[4, 3]).encode(x=alt.X("comparator:Q"))
    st.altair_chart(layers.properties(description=f"Bar chart with 95% intervals: {name}'s wards ranked on "
                                                  f"{ranking['indicator'].iloc[0]}; the same values are in the "
                                                  "table below."), width="stretch")
    st.caption(escape_markdown(
        f"Black lines: each ward's 95% confidence interval (where one applies). Dashed line: "
        f"{COMPARATOR_CHOICES[comparator]} value{'' if pd.notna(comparator_value) else ' (not in the store)'}. "
        f"{ranking.attrs['rank_note']} Borough rank is out of {int(ranking['wards in borough'].iloc[0])} wards. "
        f"Method: {ranking.attrs['method']} Compared with {COMPARATOR_CHOICES[comparator]}: "
        f"{ranking.attrs['comparison_method']}."))
    ui.show_table(ranking[["ward", "value", "lower 95%", "upper 95%", "unit", "period", "locality rank",
                           "borough rank", verdict]],
                  column_config={c: st.column_config.NumberColumn(display.label(c), format=display.number_format(unit))
                                 for c in ("value", "lower 95%", "upper 95%")})
except Exception as exc:
    ui.problem("the ward ranking", exc)

# --------------------------------------------------------------------------- health
st.header("Residents' health (Census 2021)")
try:
    health = ui.ward_health(code, version)
    verdict = f"vs {profile.COMPARATORS[comparator]}"
    st.dataframe(profile.health_matrix(health, comparator), width="stretch")
    st.caption(escape_markdown(
        f"Share of residents (households for overcrowding). ▲ worse, ▼ better, "
        f"≈ similar than {COMPARATOR_CHOICES[comparator]} by each area's 95% Wilson interval (the last row); "
        "counts behind the shares are recovered from rounded OA percentages, so they are estimates. Unpaid care "
        "has no count in the bundle (a share of residents aged 5+): it is compared by the labelled rule of thumb. "
        "For Census 2021, 'England' is England and Wales as published. " + " ".join(profile.health_sources(health))))
    detail = health[["indicator", "area", "value", "lower 95%", "upper 95%", verdict, "method"]]
    with st.expander("Values with their 95% intervals"):
        st.dataframe(detail, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.2f")
                                    for c in ("value", "lower 95%", "upper 95%")})
except Exception as exc:
    ui.problem("residents' health", exc)

# --------------------------------------------------------------------------- practices
st.header("GP practices")
try:
    gp = ui.practices(code, version)
    c1, c2 = st.columns(2)
    c1.metric("GP practices in the locality", len(gp))
    gp_source = get_source("gp_practices")
    c2.metric(f"Registered patients ({gp_source.vintage.split(' (')[0]})", f"{int(gp['list_size'].sum()):,}")
    ui.show_table(gp, wrap=True, column_config={
        "list_size": st.column_config.NumberColumn(display.label("list_size"), format="%,d"),
        "practice": st.column_config.TextColumn(display.label("practice"), pinned=True)})
    st.caption("Practices standing in the locality (by postcode location). Names are the 2019 ODS names; "
               f"some are out of date (see note). {gp_source.publisher}, {gp_source.vintage}.")
except Exception as exc:
    ui.problem("the GP practices", exc)

# --------------------------------------------------------------------------- S106 / CIL
st.header("S106 / CIL health projects")
try:
    projects = ui.s106_projects(code, version)
    if projects.empty:
        st.info(f"No S106/CIL-funded health project in the compiled list is located in, or stated to be in, {name}.")
    else:
        ui.show_table(projects, wrap=True, column_config={
            c: st.column_config.NumberColumn(display.label(c), format=display.number_format("£"))
            for c in ("total_gbp", "cil_gbp", "s106_gbp")} | {
            "year": st.column_config.NumberColumn(display.label("year"), format="%d"),
            "project": st.column_config.TextColumn(display.label("project"), width="medium", pinned=True)})
    unassigned = ui.s106_unassigned(version)
    st.caption("A project counts here if it is located in the locality (at the postcode of the practice the "
               "source names) or, when it cannot be located, if its source gives this locality (*Why it counts "
               "here* says which; 'inferred' means the compiler inferred it). Blank amount = not stated in the "
               "source. "
               + (f"Not in any locality (no location, no locality in the source): "
                  f"{escape_markdown(', '.join(unassigned['project']))}."
                  if len(unassigned) else ""))
except Exception as exc:
    ui.problem("the S106/CIL projects", exc)

# --------------------------------------------------------------------------- air quality
st.header("Air quality")
try:
    air = ui.air_quality(code, int(tube_year), version)
    st.subheader("Modelled annual means (LAEI 2013, 2016, 2019)")
    areas = list(dict.fromkeys(air.laei_trend.sort_values("level", key=lambda l: l.map(
        {"locality": 0, "borough": 1, "london": 2}))["area"]))
    # One chart per pollutant in columns (they stack on a phone); a faceted chart has a fixed width.
    for column, pollutant in zip(st.columns(len(profile.LAEI_INDICATORS)), profile.LAEI_INDICATORS):
        chart = alt.Chart(air.laei_trend[air.laei_trend["pollutant"] == pollutant]).mark_line(point=True).encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=f"{pollutant}, annual mean (µg/m³)", scale=alt.Scale(zero=False)),
            color=alt.Color("area:N", title=None, scale=alt.Scale(domain=areas, range=["#7a0177", "#737373", "#2171b5"]),
                            legend=alt.Legend(orient="bottom", labelLimit=400, direction="vertical")),
            tooltip=[alt.Tooltip("pollutant"), alt.Tooltip("area"), alt.Tooltip("year"),
                     alt.Tooltip("value:Q", format=".2f")],
        ).properties(height=200, title=pollutant,
                     description=f"Line chart: modelled {pollutant} annual means in {name}, Tower Hamlets and "
                                 "London, 2013, 2016 and 2019.")
        column.altair_chart(chart, width="stretch")
    st.subheader(f"NO2 diffusion tubes in {name}, {tube_year}")
    if air.tubes.empty:
        st.info(f"No diffusion tube results in {name} for {tube_year}.")
    else:
        st.write(escape_markdown(profile.tube_headline(air.tubes)))
        ui.show_table(air.tubes, column_config={
            c: st.column_config.NumberColumn(display.label(c), format="%.1f")
            for c in ("annual_mean_raw", "annual_mean_bias_adjusted")})
    st.subheader("Tube trend, 2015-2024")
    trend = air.tube_trend.melt(id_vars="year", value_vars=["median", "borough median"], var_name="series",
                                value_name="µg/m³")
    series = {"median": f"{name}: median of its tubes", "borough median": "Tower Hamlets: median of all tubes"}
    trend["series"] = trend["series"].map(series)
    line = alt.Chart(trend).mark_line(point=True).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("µg/m³:Q", title="NO2, bias-adjusted annual mean (µg/m³)"),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=list(series.values()), range=["#7a0177", "#737373"]),
                        legend=alt.Legend(orient="bottom", labelLimit=400)))
    objective = alt.Chart(pd.DataFrame({"y": [settings.NO2_OBJECTIVE]})).mark_rule(color="#b2182b", strokeDash=[4, 3]).encode(y=alt.Y("y:Q"))
    st.altair_chart((line + objective).properties(description=f"Line chart: median NO2 of {name}'s tubes and of all "
                                                            "the borough's tubes, 2015-2024; the values are in the "
                                                            "table below."), width="stretch")
    ui.show_table(air.tube_trend, column_config={
        "median": st.column_config.NumberColumn(display.label("median"), format="%.1f"),
        "share exceeding": st.column_config.NumberColumn(display.label("share exceeding"), format="%.0f"),
        "borough median": st.column_config.NumberColumn(display.label("borough median"), format="%.1f"),
        "year": st.column_config.NumberColumn(display.label("year"), format="%d")})
    st.caption(escape_markdown(" ".join(air.notes) + f" Red dashed line: the {settings.NO2_OBJECTIVE:g} µg/m³ objective."))
except Exception as exc:
    ui.problem("air quality", exc)

ui.url_end()
