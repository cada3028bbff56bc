"""Print and export: a print-ready map (PDF/PNG/SVG) and the data behind it (CSV, GeoJSON, GeoPackage)."""
from __future__ import annotations

import streamlit as st

from thmaps import settings
from thmaps.geo import Locality
from thmaps.indicators import CATALOGUE, LEVEL_LABELS
from thmaps.maps import MAP_LEVELS, SCHEMES, MapDescription, default_scheme, export, printing, resolve, web
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
left, right = st.columns([1, 1])
with left:
    level = st.selectbox("Geography", MAP_LEVELS, format_func=lambda l: LEVEL_LABELS[l], key="export_level")
    options = ui.indicator_options(level)
    default = list(options).index("imd_decile") if "imd_decile" in options else 0
    indicator_id = st.selectbox("Indicator", list(options), index=default, format_func=options.get,
                                key="export_indicator")
    try:
        resolved = resolve(MapDescription(indicator_id, level=level))
    except Exception as exc:
        ui.problem("this map", exc)
        st.stop()
    periods = list(CATALOGUE[resolved.indicator].periods)
    period = st.selectbox("Period", periods[::-1], key="export_period")
    scheme = st.selectbox("Classification", list(SCHEMES), format_func=SCHEMES.get,
                          index=list(SCHEMES).index(default_scheme(resolved.indicator)), key="export_scheme")
    k = st.slider("Number of classes", 3, 9, 5, key="export_k",
                  disabled=scheme == "national_deciles", help="National IMD deciles always have 10 classes.")
    overlays = st.multiselect("Overlays", list(OVERLAYS), format_func=lambda key: OVERLAYS[key].label,
                              key="export_overlays")
    tube_year = settings.TUBE_YEARS[-1]
    if "no2_tubes" in overlays:
        tube_year = st.selectbox("Diffusion tube year", settings.TUBE_YEARS[::-1], key="export_tube_year")
with right:
    # London LSOAs can be shown London-wide or for the borough only (mapspec.resolve says why).
    extent_kinds = ["London", "Borough"] if level == "london_lsoa11" else ["Borough", "Locality", "Ward"]
    extent_kind = st.radio("Area shown", extent_kinds, horizontal=True,
                           key="export_extent_london" if level == "london_lsoa11" else "export_extent_kind")
    extent = "borough"
    if extent_kind == "London":
        extent = "london"
    elif extent_kind == "Locality":
        extent = Locality.parse(st.selectbox("Locality", [loc.name for loc in Locality.all()], key="export_locality"))
    elif extent_kind == "Ward":
        wards = ui.layer("wards", version).sort_values("name")
        ward_names = dict(zip(wards["code"], wards["name"]))
        extent = "ward:" + st.selectbox("Ward", list(ward_names), format_func=ward_names.get, key="export_ward")
    title = st.text_input("Title (optional)", "", key="export_title",
                          help="Leave empty to use the indicator's title.").strip() or None
    paper = st.radio("Paper", list(printing.PAPERS), horizontal=True, key="export_paper")
    orientation = st.radio("Orientation", list(printing.ORIENTATIONS), horizontal=True, key="export_orientation")
    fmt = st.radio("Format", list(printing.FORMATS), horizontal=True, key="export_format",
                   format_func=lambda f: {"pdf": "PDF (print)", "png": "PNG (300 dpi)", "svg": "SVG (editable)"}[f])

description = MapDescription(indicator_id, period=period, level=level, scheme=scheme, k=k,
                                     overlays=tuple(overlays), tube_year=int(tube_year), extent=extent, title=title)
try:
    prepared = ui.prepared_map(description, version)
except Exception as exc:  # a plain message, never a traceback
    ui.problem("this map", exc)
    st.stop()
description = prepared.description  # resolved: period and summary indicator filled in
stem = printing.file_stem(prepared)

# --------------------------------------------------------------------------- print map
st.subheader("Print-ready map")
try:
    with st.spinner("Drawing the page…"):
        preview = _print_bytes(description, paper, orientation, "png", 110, version)
        output = _print_bytes(description, paper, orientation, fmt, printing.DEFAULT_DPI, version)
except Exception as exc:
    ui.problem("the print map", exc)
    st.stop()
width_mm, height_mm = printing.page_size_mm(paper, orientation)
st.image(preview, caption=f"Preview of the {paper} {orientation} page ({width_mm:.0f} × {height_mm:.0f} mm)",
         width="stretch")
st.download_button(f"Download the map ({fmt.upper()}, {paper} {orientation})", output,
                   file_name=f"{stem}-{paper.lower()}-{orientation}.{fmt}", mime=printing.MIME_TYPES[fmt],
                   key="download_print", type="primary", on_click="ignore")

# --------------------------------------------------------------------------- interactive map and data
st.subheader("Interactive map and data")
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
