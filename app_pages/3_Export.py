"""Print and export: a print-ready map (PDF/PNG/SVG) and the data behind it (CSV, GeoJSON, GeoPackage)."""
from __future__ import annotations

import streamlit as st

from thmaps import settings
from thmaps.indicators import CATALOGUE, LEVEL_LABELS
from thmaps.maps import MAP_LEVELS, SCHEMES, MapDescription, default_scheme, export, printing, resolve, web
from thmaps.maps.nesting import finer_level, single_area_note
from thmaps.safetext import escape_markdown
from thmaps.overlays import OVERLAYS
from webapp import ui

ui.require_store()
version = ui.store_version()

st.title("Print and export")
st.caption("Make a print-ready map for a paper or committee report, and download the data behind it. "
           "The preview is the exact page that will be downloaded, at screen resolution.")


@st.cache_data(show_spinner=False, max_entries=32)
def _print_bytes(description: MapDescription, paper: str, orientation: str, fmt: str, dpi: int,
                 store_version: float | None = None) -> bytes:
    return printing.render(ui.prepared_map(description, store_version), paper, orientation, fmt, dpi)


@st.cache_data(show_spinner=False, max_entries=32)
def _data_bytes(description: MapDescription, kind: str, store_version: float | None = None) -> bytes:
    prepared = ui.prepared_map(description, store_version)
    return {"csv": export.to_csv, "geojson": export.to_geojson, "gpkg": export.to_geopackage}[kind](prepared)


@st.cache_data(show_spinner=False, max_entries=32)
def _standalone_html(description: MapDescription, store_version: float | None = None) -> bytes:
    return web.to_standalone_html(ui.prepared_map(description, store_version)).encode("utf-8")


# --------------------------------------------------------------------------- choices
# The parameters in the URL are those of the Borough map page, so its "Print this view" link opens this view.
ui.url_begin()
left, right = st.columns([1, 1])
with left:
    ui.url_value("level", "export_level", "lsoa11", options=MAP_LEVELS)
    level = st.selectbox("Geography", MAP_LEVELS, format_func=lambda l: LEVEL_LABELS[l], key="export_level")
    options = ui.indicator_options(level, version)
    ids = list(options)
    ui.url_value("indicator", "export_indicator", "imd_decile" if "imd_decile" in options else ids[0], options=ids)
    indicator_id = st.selectbox("Indicator", ids, format_func=options.get, key="export_indicator")
    try:
        resolved = resolve(MapDescription(indicator_id, level=level))
    except Exception as exc:
        ui.problem("this map", exc)
        st.stop()
    periods = list(CATALOGUE[resolved.indicator].periods)[::-1]
    ui.url_value("period", "export_period", periods[0], options=periods)
    period = st.selectbox("Period", periods, key="export_period")
    ui.url_value("scheme", "export_scheme", default_scheme(resolved.indicator), options=list(SCHEMES))
    scheme = st.selectbox("Classification", list(SCHEMES), format_func=SCHEMES.get, key="export_scheme")
    k = ui.class_count("export_k", scheme)
    choices = ui.overlay_options(version)
    ui.url_list("overlays", "export_overlays", choices)
    overlays = st.multiselect("Overlays", choices, format_func=lambda key: OVERLAYS[key].label,
                              key="export_overlays")
    tube_year = ui.tube_year_choice("export_tube_year", "no2_tubes" in overlays)
with right:
    extent = ui.extent_choice(level, version)
    ui.url_value("title", "export_title", "")
    title = st.text_input("Title (optional)", key="export_title", max_chars=200,
                          help="Leave empty to use the indicator's title.").strip() or None
    for param, key, label, choices, names in (
            ("paper", "export_paper", "Paper", list(printing.PAPERS), None),
            ("orientation", "export_orientation", "Orientation", list(printing.ORIENTATIONS), None),
            ("format", "export_format", "Format", list(printing.FORMATS),
             {"pdf": "PDF (print)", "png": "PNG (300 dpi)", "svg": "SVG (editable)"})):
        ui.url_value(param, key, choices[0], options=choices)
        st.radio(label, choices, horizontal=True, key=key, format_func=(names or {}).get if names else str)
    paper, orientation, fmt = (st.session_state[k] for k in ("export_paper", "export_orientation", "export_format"))

focus = ui.place_search("export")
description = MapDescription(indicator_id, period=period, level=level, scheme=scheme, k=k,
                             overlays=tuple(overlays), tube_year=int(tube_year), extent=extent, title=title,
                             focus=focus)
ui.url_end()
try:
    prepared = ui.prepared_map(description, version)
except Exception as exc:  # a plain message, never a traceback
    ui.problem("this map", exc)
    st.stop()
description = prepared.description  # resolved: period and summary indicator filled in
stem = printing.file_stem(prepared)
finer = finer_level(description.indicator, description.level, description.extent.kind)
if single_area_note(prepared):
    st.info(escape_markdown(single_area_note(prepared)))
    if finer:
        st.button(f"Map it by {LEVEL_LABELS[finer]} instead", key="export_finer",
                  on_click=lambda: st.session_state.update(export_level=finer))

# --------------------------------------------------------------------------- print map
st.header("Print-ready map")
try:
    with st.spinner("Drawing the page…"):
        preview = _print_bytes(description, paper, orientation, "png", 110, version)
        output = _print_bytes(description, paper, orientation, fmt, printing.DEFAULT_DPI, version)
except Exception as exc:
    ui.problem("the print map", exc)
    st.stop()
width_mm, height_mm = printing.page_size_mm(paper, orientation)
st.image(preview, caption=f"Preview of the {paper} {orientation} page ({width_mm:.0f} × {height_mm:.0f} mm)",
         width="stretch", alt=ui.print_alt(prepared, paper, orientation))
st.download_button(f"Download the map ({fmt.upper()}, {paper} {orientation})", output,
                   file_name=f"{stem}-{paper.lower()}-{orientation}.{fmt}", mime=printing.MIME_TYPES[fmt],
                   key="download_print", type="primary", on_click="ignore")

# --------------------------------------------------------------------------- interactive map and data
st.header("Interactive map and data")
cols = st.columns(4)
with cols[0]:
    try:
        st.download_button("Interactive map (HTML)", _standalone_html(description, version), file_name=f"{stem}.html",
                           mime="text/html", key="download_html", on_click="ignore")
    except Exception as exc:
        ui.problem("the interactive map export", exc)
for col, (kind, label) in zip(cols[1:], (("csv", "Data (CSV)"), ("geojson", "Data (GeoJSON, WGS 84)"),
                                          ("gpkg", "Data (GeoPackage, British National Grid)"))):
    with col:
        try:
            data = _data_bytes(description, kind, version)
            st.download_button(label, data, file_name=f"{stem}.{kind}", mime=export.MIME_TYPES[kind],
                               key=f"download_{kind}", on_click="ignore")
        except Exception as exc:
            ui.problem(f"the {kind.upper()} export", exc)
st.caption("The data files hold the areas of the chosen extent with value, rank, class and colour as mapped, and carry "
           "the source, notes and attribution (columns in CSV, a `metadata` member in GeoJSON, a README table in "
           "the GeoPackage).")
ui.footer(prepared)
ui.map_values(prepared, "export", version)
