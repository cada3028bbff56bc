"""Streamlit glue shared by the pages: cached loaders, the map iframe, plain-language errors.

The library never imports this module; only ``app.py`` and ``pages/`` do.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

import thmaps
from thmaps import settings, store
from thmaps.errors import StoreMissingError, StoreOutdatedError, ThmapsError
from thmaps.indicators import CATALOGUE, levels_of
from thmaps.maps import MapDescription, PreparedMap
from thmaps.maps import web
from thmaps.safetext import escape_markdown

#: Where Streamlit serves static files from (``server.enableStaticServing``): ``static/`` beside app.py.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "leaflet"


def require_store() -> None:
    """Stop the page with a clear message if the store has not been built, or was built by an older thmaps."""
    try:
        store.check_format()
    except StoreMissingError:
        st.error(
            "The data store has not been built yet. Run `thmaps build` with "
            f"`{settings.SOURCE_DIR_ENV}` pointing at the Tower Hamlets data bundle (the README's app command does this)."
        )
        st.stop()
    except StoreOutdatedError as exc:
        st.error(str(exc))
        st.stop()


def store_version() -> tuple[float, int]:
    """Changes whenever the store is rebuilt or user data change (an upload, an edit): part of every cache
    key, so a rebuild or an upload refreshes the app."""
    return store.version(), store.user_version()


@st.cache_data(show_spinner=False, max_entries=64)
def layer(name: str, store_version: float | None = None):
    """A store layer, cached across reruns and sessions (``store_version`` keys the cache: a rebuild refreshes it)."""
    return store.load_layer(name)


@st.cache_resource(show_spinner=False, max_entries=64)
def prepared_map(description: MapDescription, store_version: float | None = None) -> PreparedMap:
    """The prepared map for a description, shared by every session (treat as read-only)."""
    return thmaps.prepare(description)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=32)
def map_html(description: MapDescription, store_version: float | None = None) -> str:
    """The interactive map's HTML page, rendered once per description and store version for every session."""
    return web.to_html(prepared_map(description, store_version))


def show_map(description: MapDescription, store_version: float, height: int) -> PreparedMap:
    """Draw the interactive map of ``description`` and return its prepared map.

    The map is our own HTML (every piece of data text escaped by :mod:`thmaps.maps.web`) in an iframe,
    rendered once and cached: a rerun sends the same page, which the browser does not reload, and
    panning or clicking the map never reruns the script. streamlit-folium re-renders the folium object on
    every rerun (1.7 s for the London-wide map) and renames its elements as it goes, which breaks a map
    object shared between sessions.

    Raises
    ------
    ThmapsError
        If the description cannot be met.
    """
    prepared = prepared_map(description, store_version)
    st.iframe(map_html(description, store_version), height=height, alt=f"Interactive map: {prepared.title}")
    return prepared


def indicator_options(level: str | None = None) -> dict[str, str]:
    """Indicator id -> title, for a select box (those mappable at ``level`` if given)."""
    return {ind.id: ind.title for ind in CATALOGUE.values() if level is None or levels_of(ind.id, [level])}


def footer(prepared: PreparedMap) -> None:
    """Source, vintage, method, notes and attribution lines under a map (escaped for Markdown)."""
    lines = [prepared.source_line] + prepared.notes + prepared.attributions
    st.caption("  \n".join(escape_markdown(line) for line in lines))


def problem(what: str, exc: Exception) -> None:
    """A plain message instead of a traceback: the error's own words for a :class:`ThmapsError`."""
    if isinstance(exc, ThmapsError):
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    else:
        message = f"an unexpected problem ({type(exc).__name__}); please report it"
    st.error(f"Could not show {what}: {escape_markdown(message)}")


@st.cache_resource(show_spinner=False)
def serve_leaflet() -> str:
    """Copy Leaflet into the app's static folder once per server (the maps load it from there)."""
    return str(web.ensure_static_assets(STATIC_DIR))
