"""thmaps: Tower Hamlets locality health-needs maps (Streamlit entry point).

Run with ``streamlit run app.py`` (see README).  Pages are thin: they wire widgets to thmaps.
"""
import streamlit as st

st.set_page_config(page_title="thmaps · Tower Hamlets health needs", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/1_Borough_map.py", title="Borough map", icon="🗺️", default=True),
    st.Page("pages/2_My_locality.py", title="My locality", icon="📍"),
    st.Page("pages/3_Export.py", title="Print and export", icon="🖨️"),
    st.Page("pages/4_Data_and_sources.py", title="Data and sources", icon="📚"),
]
st.navigation(PAGES).run()
