"""Development impact: a site and a scheme -> catchment, local evidence, health infrastructure need, Rapid HIA, report.

Thin page: widgets -> thmaps.impact; every figure comes from the store or the parameter file.
"""
from __future__ import annotations

import streamlit as st

from thmaps.errors import ThmapsError
from thmaps.impact import (JUDGEMENTS, Assessment, load_parameters, locate, make_scheme, parse_radii,
                           schemes_from_csv, site_from_lat_lon, site_from_upload, themes)
from thmaps.impact.export import FORMATS, file_name
from thmaps.impact.hia import NOT_RECORDED, matrix, tool
from thmaps.impact.parameters import BEDROOMS
from thmaps.impact.report import summary_section
from thmaps.safetext import escape_markdown
from webapp import impact_ui, ui

ui.require_store()
version = ui.store_version()
PARAMS = load_parameters()
MODES = ("Postcode", "Easting and northing", "Latitude and longitude", "Click on the map", "Red-line boundary file",
         "Several schemes (CSV)", "Saved assessment file")
ss = st.session_state

st.title("Development impact")
st.caption("For planners: where a development is, what is around it, the local health evidence, an open estimate of "
           "the health infrastructure it needs, the pressure on nearby GP practices, and a Rapid HIA matrix, with a "
           "report for the planning file. An open estimate in the spirit of the London HUDU Planning Contributions "
           "Model, not the HUDU model (licensed; defaults not public).")

# --------------------------------------------------------------------------- reload a saved assessment
with st.expander("Revise a saved assessment (load its .json file)"):
    saved = st.file_uploader("Assessment file", type=["json"], key="impact_load")
    if saved is not None and ss.get("impact_loaded_id") != saved.file_id:
        try:
            loaded = Assessment.from_json(saved.getvalue())
            ss["impact_loaded"] = loaded
            ss["impact_loaded_id"] = saved.file_id
            ss["impact_mode"] = "Saved assessment file"
            ss["impact_rings"] = ", ".join(str(r) for r in (loaded.rings_m or PARAMS["default_rings_m"]))
            for p in PARAMS.editable():
                ss[f"impact_param_{p.key}"] = loaded.parameters.get(p.key, p.value)
            for theme in themes():
                entry = loaded.hia.get(theme.id, {})
                ss[f"impact_hia_{theme.id}"] = entry.get("judgement", NOT_RECORDED)
                ss[f"impact_mit_{theme.id}"] = entry.get("mitigation", "")
            ss["impact_title"], ss["impact_planner"], ss["impact_notes"] = loaded.title, loaded.planner, loaded.notes
            st.success(f"Loaded {len(loaded.schemes)} scheme(s) from {escape_markdown(saved.name)}.")
        except ThmapsError as exc:
            ui.problem("the assessment file", exc)

# --------------------------------------------------------------------------- site and scheme
st.header("1. Site and scheme")
mode = st.radio("How to give the site", MODES, horizontal=True, key="impact_mode")
left, right = st.columns(2)
pairs, site_problem = [], None
with left:
    if mode == "Postcode":
        postcode = st.text_input("Postcode", key="impact_postcode", placeholder="E14 0XA")
    elif mode == "Easting and northing":
        easting = st.text_input("Easting (m, British National Grid)", key="impact_easting", placeholder="538513")
        northing = st.text_input("Northing (m)", key="impact_northing", placeholder="181187")
    elif mode == "Latitude and longitude":
        lat = st.text_input("Latitude (WGS84)", key="impact_lat", placeholder="51.5126")
        lon = st.text_input("Longitude", key="impact_lon", placeholder="-0.0053")
    elif mode == "Click on the map":
        st.write("Click the map below (section 2) to place the site." if not ss.get("impact_click") else
                 "Site at latitude {:.5f}, longitude {:.5f}. Click the map again to move it.".format(*ss["impact_click"]))
    elif mode == "Red-line boundary file":
        upload = st.file_uploader("Red-line boundary: GeoJSON, GeoPackage or zipped shapefile (any declared CRS)",
                                  type=["geojson", "json", "gpkg", "zip"], key="impact_upload")
    elif mode == "Several schemes (CSV)":
        csv = st.file_uploader("Schemes (CSV: name, postcode or easting,northing or lat,lon, homes, beds_1, beds_2, "
                               "beds_3, beds_4plus, affordable, existing_residents)", type=["csv"], key="impact_csv")
    else:
        loaded = ss.get("impact_loaded")
        st.write(f"{len(loaded.schemes)} scheme(s) from the loaded file." if loaded else
                 "Load a saved assessment file above.")
with right:
    single = mode not in ("Several schemes (CSV)", "Saved assessment file")
    if single:
        homes = st.text_input("Number of new homes", key="impact_homes", placeholder="250")
        name = st.text_input("Scheme name (for the report)", "Scheme", key="impact_name")
        with st.expander("Bedrooms, tenure and existing residents (optional)"):
            cols = st.columns(4)
            beds = {b: cols[i].text_input(f"{b} bed", key=f"impact_beds_{i}") for i, b in enumerate(BEDROOMS)}
            affordable = st.text_input("Affordable homes (the rest are market homes)", key="impact_affordable")
            existing = st.text_input("Residents living on the site now", "0", key="impact_existing")
rings_text = st.text_input("Catchment rings, metres (straight line)", key="impact_rings",
                           value=", ".join(str(r) for r in PARAMS["default_rings_m"]))

# --------------------------------------------------------------------------- assumptions
with st.expander("Assumptions: every parameter, its source, and the ones you can change", expanded=False):
    st.caption("Change a value for this assessment only; the report marks it as changed. 'Local assumption' means "
               "no public source in the data: use your own figure where you have one.")
    overrides = {}
    for p in PARAMS.editable():
        c1, c2 = st.columns([1, 2])
        value = c1.number_input(f"{p.label} ({p.unit})", min_value=float(p.min), max_value=float(p.max),
                                value=None if p.value is None else float(p.value), key=f"impact_param_{p.key}",
                                placeholder="from the data" if p.value is None else None, format="%g")
        c2.caption(f"**{escape_markdown(p.basis)}**: {escape_markdown(p.source)} {escape_markdown(p.note)}")
        if value is not None and value != p.value:
            overrides[p.key] = value
    st.dataframe(PARAMS.table().drop(columns="key"), hide_index=True, width="stretch")

# --------------------------------------------------------------------------- build the inputs
params = PARAMS.with_overrides(overrides)
try:
    radii = parse_radii(rings_text, params)
    if mode == "Several schemes (CSV)":
        pairs = schemes_from_csv(csv.getvalue(), params) if csv is not None else []
    elif mode == "Saved assessment file":
        pairs = ss["impact_loaded"].pairs() if ss.get("impact_loaded") else []
    else:
        if mode == "Postcode":
            site = locate(postcode=postcode, parameters=params) if postcode.strip() else None
        elif mode == "Easting and northing":
            site = locate(easting=easting, northing=northing, parameters=params) if easting or northing else None
        elif mode == "Latitude and longitude":
            site = locate(lat=lat, lon=lon, parameters=params) if lat or lon else None
        elif mode == "Click on the map":
            site = site_from_lat_lon(*ss["impact_click"], params, how="map click") if ss.get("impact_click") else None
        else:
            site = site_from_upload(upload.getvalue(), upload.name, params) if upload is not None else None
        if site is not None and homes.strip():
            scheme = make_scheme(homes, {b: v for b, v in beds.items() if v.strip()} or None,
                                 {"affordable": affordable} if affordable.strip() else None, existing or 0, name,
                                 params)
            pairs = [(site, scheme)]
except ThmapsError as exc:
    site_problem = exc
    ui.problem("this site or scheme", exc)

indicator = st.selectbox("Map", list(ui.indicator_options("lsoa11")), format_func=ui.indicator_options("lsoa11").get,
                         index=list(ui.indicator_options("lsoa11")).index("imd_decile"), key="impact_indicator")
assessment = Assessment.from_pairs(pairs, rings_m=list(radii) if site_problem is None else None,
                                   parameters=overrides) if pairs else None
result = None
if assessment is not None:
    try:
        result = impact_ui.run(impact_ui.run_key(assessment), version)
    except ThmapsError as exc:
        ui.problem("the assessment", exc)

# --------------------------------------------------------------------------- map (and clicks)
st.header("2. Where it is and what is around it")
clickable = mode == "Click on the map"
try:
    st.iframe(impact_ui.map_html(indicator, impact_ui.run_key(assessment) if result else None, version, clickable),
              height=640, alt="Interactive map: development site and catchment rings")
    st.caption("Dashed circles: straight-line distance from the site, not walking distance. "
               + ("Click to place the site. " if clickable else "") + "Layers as on the borough map.")
except Exception as exc:
    ui.problem("the map", exc)
if clickable:
    click = impact_ui.map_click()
    if click is not None and click != ss.get("impact_click"):
        ss["impact_click"] = click
        st.rerun()

if result is None:
    if site_problem is None:
        st.info("Give a site and the number of homes to see the assessment.")
    st.stop()

for warning in dict.fromkeys(w for r in result.results for w in r.warnings):
    st.warning(escape_markdown(warning))
impact_ui.show_section(summary_section(result))
for r in result.results:
    if len(result.results) > 1:
        st.header(escape_markdown(f"{r.scheme.name}: {r.site.label}"))
    st.caption(escape_markdown(f"{r.site.describe()}. {r.scheme.describe()}."))
    for key in ("location", "catchment", "practices", "other_facilities", "s106"):
        impact_ui.show_section(r.sections[key])
    st.header("3. Local evidence")
    for key in ("imd", "census", "census_more", "air", "tubes", "liveable_streets"):
        impact_ui.show_section(r.sections[key])
    st.header("4. Health infrastructure estimate")
    e = r.estimate
    m = st.columns(5)
    m[0].metric("Net new residents", f"{e.net_residents:,.0f}", help="homes x residents per home - existing residents")
    m[1].metric("GP need (full-time GPs)", f"{e.gp_fte:.2f}")
    m[2].metric("Clinical floorspace", f"{e.floorspace_m2:,.0f} m²")
    m[3].metric("Capital cost", f"£{e.cost_gbp:,.0f}")
    m[4].metric("Cost per home", f"£{e.cost_gbp / r.scheme.homes:,.0f}")
    impact_ui.show_section(r.sections["estimate"])
    st.header("5. Pressure on practices")
    impact_ui.show_section(r.sections["pressure"])
if result.cumulative is not None:
    st.subheader("All schemes together")
    impact_ui.show_section(result.cumulative)

# --------------------------------------------------------------------------- Rapid HIA
st.header("6. Rapid HIA matrix")
st.caption(escape_markdown(f"The eleven themes of the {tool()}. Each row quotes the local evidence the data support "
                           "and says what they lack; record your judgement and the mitigation."))
judgements = {}
for row in matrix(result):
    theme = row.theme
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(theme.title)}**")
        st.caption(escape_markdown(theme.asks))
        if row.evidence:
            st.markdown("\n".join(f"- {escape_markdown(line)}" for line in row.evidence))
        else:
            st.markdown("*No local evidence in the data for this theme.*")
        st.caption("Not in the data: " + escape_markdown(theme.gaps))
        c1, c2 = st.columns([1, 3])
        judgement = c1.selectbox("Judgement", (NOT_RECORDED,) + JUDGEMENTS, key=f"impact_hia_{theme.id}")
        mitigation = c2.text_area("Mitigation", key=f"impact_mit_{theme.id}", height=68)
        judgements[theme.id] = {"judgement": judgement, "mitigation": mitigation}

# --------------------------------------------------------------------------- report
st.header("7. Report and assessment file")
c1, c2 = st.columns(2)
title = c1.text_input("Report title", "Development health impact assessment", key="impact_title")
planner = c2.text_input("Planner (optional)", key="impact_planner")
notes = st.text_area("Notes for the report (optional)", key="impact_notes", height=68)
try:
    assessment.hia = judgements
    assessment.title, assessment.planner, assessment.notes = title, planner, notes
    cols = st.columns(3)
    for col, fmt, label in zip(cols, ("pdf", "html", "json"),
                               ("Download the report (PDF)", "Download the report (HTML)",
                                "Download the assessment file (JSON, to revise later)")):
        col.download_button(label, data=impact_ui.report_maker(assessment, result, fmt, indicator, version),
                            file_name=file_name(assessment, fmt), mime=FORMATS[fmt], key=f"impact_download_{fmt}",
                            on_click="ignore")
    st.caption("The report holds the map, every figure with its source, vintage and licence, the assumptions, the "
               "date and your Rapid HIA judgements. The assessment file holds your inputs, to load again above.")
except Exception as exc:
    ui.problem("the report", exc)
