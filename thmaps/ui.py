"""Streamlit glue shared by the pages: cached loaders and plain-language errors.

The library never imports this module; only ``app.py`` and ``pages/`` do.
"""
from __future__ import annotations

import html

import streamlit as st

from . import mapspec, settings, store, webmap
from .indicators import CATALOGUE


def require_store() -> None:
    """Stop the page with a clear message if the store has not been built, or was built by an older thmaps."""
    if not settings.store_path().exists():
        st.error(
            "The data store has not been built yet. Run `python -m thmaps build` with "
            f"`{settings.SOURCE_DIR_ENV}` pointing at the Tower Hamlets data bundle (the README's app command does this)."
        )
        st.stop()
    try:
        store.check_format()
    except store.StoreOutdatedError as exc:
        st.error(str(exc))
        st.stop()


def store_version() -> float:
    """The store's modification time: part of every cache key, so a rebuild refreshes the app."""
    return settings.store_path().stat().st_mtime


@st.cache_data(show_spinner=False, max_entries=64)
def layer(name: str, store_version: float | None = None):
    """A store layer, cached across reruns and sessions (``store_version`` keys the cache: a rebuild refreshes it)."""
    return store.load_layer(name)


@st.cache_resource(show_spinner=False, max_entries=64)
def prepared_map(description: mapspec.MapDescription, store_version: float | None = None) -> mapspec.PreparedMap:
    """The prepared map for a description, shared by every session (treat as read-only)."""
    return mapspec.prepare(description)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=32)
def map_html(description: mapspec.MapDescription, store_version: float | None = None) -> str:
    """The interactive map's HTML page, rendered once per description and store version for every session."""
    return webmap.to_html(prepared_map(description, store_version))


def show_map(description: mapspec.MapDescription, store_version: float, height: int) -> mapspec.PreparedMap:
    """Draw the interactive map of ``description`` and return its prepared map.

    The map is our own HTML (every piece of data text escaped by :mod:`thmaps.webmap`) in an iframe,
    rendered once and cached: a rerun sends the same page, which the browser does not reload, and
    panning or clicking the map never reruns the script. streamlit-folium re-renders the folium object on
    every rerun (1.7 s for the London-wide map) and renames its elements as it goes, which breaks a map
    object shared between sessions.

    Raises
    ------
    mapspec.MapRequestError
        If the description cannot be met.
    """
    prepared = prepared_map(description, store_version)
    st.iframe(map_html(description, store_version), height=height, alt=f"Interactive map: {prepared.title}")
    return prepared


def indicator_options(level: str | None = None) -> dict[str, str]:
    """Indicator id -> title, for a select box (those mappable at ``level`` if given)."""
    out = {}
    for ind in CATALOGUE.values():
        if level is None or level in ind.levels or any(s.summary_of == ind.id and level in s.levels for s in CATALOGUE.values()):
            out[ind.id] = ind.title
    return out


def footer(prepared: mapspec.PreparedMap) -> None:
    """Source, vintage, method, notes and attribution lines under a map (escaped)."""
    lines = [prepared.source_line] + prepared.notes + prepared.attributions
    st.caption("  \n".join(html.escape(line) for line in lines))
