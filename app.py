"""thmaps: Tower Hamlets locality health-needs maps (Streamlit entry point).

Run with ``streamlit run app.py`` (see README).  Pages are thin: they wire widgets to thmaps.
"""
import streamlit as st

from thmaps.errors import StoreUnavailableError
from webapp import ui

# No page_icon: a material-icon favicon is fetched from a font CDN, and the app must work offline.
st.set_page_config(page_title="thmaps · Tower Hamlets health needs", layout="wide")
ui.serve_leaflet()
PAGES = [
    st.Page("app_pages/1_Borough_map.py", title="Borough map", default=True),
    st.Page("app_pages/2_My_locality.py", title="My locality", url_path="my-locality"),
    st.Page("app_pages/3_Export.py", title="Print and export", url_path="export"),
    st.Page("app_pages/4_Data_and_sources.py", title="Data and sources", url_path="data-and-sources"),
    st.Page("app_pages/5_Development_impact.py", title="Development impact", url_path="development-impact"),
    st.Page("app_pages/6_Your_data.py", title="Your data", url_path="your-data"),
]
try:
    st.navigation(PAGES).run()
except StoreUnavailableError as exc:  # the database went away during a run (each page checks it first)
    ui.store_unavailable(exc)
