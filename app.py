"""thmaps: Tower Hamlets locality health-needs maps (Streamlit entry point).

Run with ``streamlit run app.py`` (see README).  Pages are thin: they wire widgets to thmaps.
"""
import streamlit as st

from thmaps import webmap

st.set_page_config(page_title="thmaps · Tower Hamlets health needs", page_icon=":material/map:", layout="wide")


@st.cache_resource(show_spinner=False)
def _leaflet_served() -> str:
    """Copy Leaflet into static/ once per server, whichever page is opened first (the maps load it from there)."""
    return str(webmap.ensure_static_assets())


_leaflet_served()
PAGES = [
    st.Page("pages/1_Borough_map.py", title="Borough map", icon=":material/map:", default=True),
    st.Page("pages/2_My_locality.py", title="My locality", icon=":material/location_on:"),
    st.Page("pages/3_Export.py", title="Print and export", icon=":material/print:"),
    st.Page("pages/4_Data_and_sources.py", title="Data and sources", icon=":material/menu_book:"),
]
st.navigation(PAGES).run()
