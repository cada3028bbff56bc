"""Your data: upload an indicator or a boundary, edit the S106/CIL register, list, export, remove, undo.

Every name from a file is shown through st.dataframe (text, never markup) or escaped for Markdown.
"""
import json

import pandas as pd
import streamlit as st

from thmaps import store
from thmaps.errors import ConflictError, ThmapsError
from thmaps.safetext import escape_markdown
from thmaps.uploads import IndicatorSpec, preview_indicator, save_indicator
from thmaps.uploads.geometry import save_geometry
from thmaps.uploads.s106 import FIELDS, KIND as S106_KIND, save_edit
from thmaps.uploads.userdata import list_user_data, remove_user_data, undo
from webapp import ui

ui.require_store()
st.title("Your data")
st.caption("Indicators, boundaries and register edits you add are kept apart from the built data: a rebuild "
           "keeps them, and every change can be undone.")
tab_ind, tab_geo, tab_s106, tab_list = st.tabs(["Upload an indicator", "Upload areas or points", "S106/CIL register",
                                                 "Your data"])

with tab_ind:
    upload = st.file_uploader("CSV, Excel (.xlsx) or Fingertips export", type=["csv", "txt", "xlsx"])
    title = st.text_input("Title", max_chars=120)
    unit = st.text_input("Unit", max_chars=20)
    measure = st.radio("It is", ["count", "share", "rate"], horizontal=True)
    per = st.selectbox("Rate per", [1_000, 10_000, 100_000], index=2) if measure == "rate" else 100
    direction = st.radio("A higher value is", ["worse", "better", "neither"], index=2, horizontal=True)
    if upload is not None and title:
        spec = IndicatorSpec(title, unit, measure, {"worse": True, "better": False}.get(direction), per)
        try:
            preview = preview_indicator(upload.getvalue(), upload.name, spec)
        except ThmapsError as exc:
            ui.problem("The file cannot be used", exc)
        else:
            st.write(escape_markdown(preview.summary()))
            for warning in preview.warnings:
                st.info(escape_markdown(warning))
            st.subheader("Rows to be used")
            st.dataframe(preview.used.head(500), hide_index=True)
            st.subheader("Rows rejected, and why")
            st.dataframe(preview.rejected.head(500), hide_index=True)
            replace = st.checkbox("Replace an uploaded indicator of the same title")
            if st.button("Save the indicator", disabled=preview.used.empty):
                try:
                    save_indicator(preview, replace=replace)
                except ThmapsError as exc:
                    ui.problem("The indicator was not saved", exc)
                else:
                    st.success("Saved: it now appears on every page.")

with tab_geo:
    st.caption("GeoJSON, GeoPackage or a zipped shapefile, in British National Grid or longitude/latitude (WGS84): "
               "shown on the maps as your own overlay, or in place of a Liveable Streets approximation.")
    shapes = st.file_uploader("Vector file", type=["geojson", "json", "gpkg", "zip"], key="geometry_file")
    geo_title = st.text_input("Title of the areas or points", max_chars=120, key="geometry_title")
    schemes = list(store.load_layer("liveable_streets")["area"])
    use = st.radio("Use it as", ["an overlay on the maps", "the boundary of a Liveable Streets scheme"],
                   key="geometry_use")
    scheme = st.selectbox("Scheme it replaces", schemes, key="geometry_area") if use.startswith("the boundary") \
        else None
    replace_geo = st.checkbox("Replace an upload of the same title", key="geometry_replace")
    if st.button("Check and save", disabled=shapes is None or not geo_title, key="geometry_save"):
        try:
            _, notes = save_geometry(shapes.getvalue(), shapes.name, geo_title,
                                     "liveable_streets" if scheme else "overlay", scheme, replace=replace_geo)
        except ThmapsError as exc:
            ui.problem("The file was not saved", exc)
        else:
            for note in notes:
                st.info(escape_markdown(note))
            st.success("Saved: choose \"Your uploaded areas\" or \"Your uploaded points\" among the overlays of "
                       "the Borough map or Export." if scheme is None else
                       "Saved: the Liveable Streets overlay now draws this boundary for the scheme.")

with tab_s106:
    projects = list(store.load_layer("s106_projects")["project"])
    chosen = st.selectbox("Project", ["(a new project)"] + projects, key="s106_choice")
    # Optimistic locking: a save goes over the version of the edit read when the project was chosen, so a
    # colleague's save in between is refused with what they changed, never silently overwritten.
    read = st.session_state.setdefault("s106_read", {})
    current = store.record(S106_KIND, chosen) if chosen != "(a new project)" else None
    read.setdefault(chosen, current.version if current else None)
    if chosen != "(a new project)":
        shown_now = store.load_layer("s106_projects").drop(columns="geometry")
        shown_now = shown_now[shown_now["project"] == chosen][[f for f in FIELDS if f in shown_now.columns]]
        st.caption("The project as it stands" + (" with your edits" if current is not None else "")
                   + ": fill in only what changes; blank fields keep their value.")
        ui.show_table(pd.DataFrame({"field": [c.replace("_", " ") for c in shown_now.columns], "value": [
            "" if pd.isna(v) else f"{v:,.0f}" if isinstance(v, float) else str(v)
            for v in shown_now.iloc[0]]}), wrap=True)
    with st.form("s106"):
        fields = {"project": st.text_input("Project name", value="" if chosen == "(a new project)" else chosen)}
        for name in FIELDS[1:]:
            fields[name] = st.text_input(name.replace("_", " "), key=f"s106_{name}")
        if st.form_submit_button("Save the edit"):
            key = " ".join(fields["project"].split())
            edited = store.record(S106_KIND, key) if key else None
            base = read[key] if key in read else (edited.version if edited else None)
            merged = {**(edited.data if edited else {}), **{k: v for k, v in fields.items() if v}}
            try:
                version = save_edit(merged, base)
            except ConflictError as exc:
                read[key] = exc.current.version if exc.current is not None else None
                ui.problem("The edit was not saved", exc)
                st.info("Check their change above; press Save again to put your values over it.")
            except ThmapsError as exc:
                ui.problem("The edit was not saved", exc)
            else:
                read[key] = version
                st.success("Saved; the previous value is kept in the history.")

with tab_list:
    mine = list_user_data()
    st.dataframe(mine, hide_index=True)
    if not mine.empty:
        pick = st.selectbox("Record", [f"{k}|{key}" for k, key in zip(mine["kind"], mine["key"])])
        kind, key = pick.split("|", 1)
        record = store.record(kind, key)
        st.download_button("Export (JSON)", data=json.dumps(record.data if record else {}, indent=1),
                           file_name=f"{kind}.json", mime="application/json")
        left, right = st.columns(2)
        for column, label, func in ((left, "Remove", remove_user_data), (right, "Undo the last change", undo)):
            if column.button(label):
                try:
                    func(kind, key)
                except ThmapsError as exc:
                    ui.problem(f"{label}: not done", exc)
                else:
                    st.rerun()
