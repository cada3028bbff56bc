"""Streamlit glue shared by the pages: cached loaders, the map iframe, plain-language errors.

The library never imports this module; only ``app.py`` and ``app_pages/`` do.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import thmaps
from thmaps import display, profile, settings, store
from thmaps._util import first_line
from thmaps.errors import StoreMissingError, StoreOutdatedError, StoreUnavailableError, ThmapsError
from thmaps.geo import Extent, Locality
from thmaps.indicators import CATALOGUE, levels_of
from thmaps.maps import MapDescription, PreparedMap, export, printing, values_table
from thmaps.maps import web
from thmaps.overlays import offered
from thmaps.safetext import escape_markdown
from thmaps.search import find_place

#: Where Streamlit serves static files from (``server.enableStaticServing``): ``static/`` beside app.py.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "leaflet"


def require_store() -> None:
    """Stop the page with a clear message if the store has not been built, was built by an older thmaps, or its
    database cannot be reached (call it before anything else reads the store)."""
    try:
        store.check_format()
    except StoreUnavailableError as exc:
        store_unavailable(exc)
    except StoreMissingError:
        st.error(
            "The data store has not been built yet. Run `thmaps build` with "
            f"`{settings.SOURCE_DIR_ENV}` pointing at the Tower Hamlets data bundle (the README's app command does this)."
        )
        st.stop()
    except StoreOutdatedError as exc:
        st.error(str(exc))
        st.stop()


def store_unavailable(exc: StoreUnavailableError) -> None:
    """Say in one sentence that the store's database cannot be reached, and stop the page (no traceback).

    The error names the database without its password (:func:`thmaps.store.postgis.redact`)."""
    st.error(f"The data store cannot be reached: check that its database server is running and that "
             f"`{settings.DATABASE_URL_ENV}` names it, then reload the page "
             f"({escape_markdown(first_line(exc, limit=300))}).")
    st.stop()


def store_version() -> tuple[float, int]:
    """Changes whenever the store is rebuilt or user data change (an upload, an edit): part of every cache
    key, so a rebuild or an upload refreshes the app."""
    return store.version(), store.user_version()


@st.cache_data(show_spinner=False, max_entries=64)
def layer(name: str, store_version: float | None = None):
    """A store layer, cached across reruns and sessions (``store_version`` keys the cache: a rebuild refreshes it)."""
    return store.load_layer(name)


# --------------------------------------------------------------------------- locality profile tables
#
# Made once per locality (and choice) for every session, keyed on the store version and the user-data
# version (:func:`store_version`): a rebuild or an upload (which may add indicators) refreshes them.
# ``st.cache_data`` hands each run its own copy, so a page may change what it gets.

@st.cache_data(show_spinner=False, max_entries=16)
def locality_wards(code: str, store_version: tuple | None = None):
    """:func:`thmaps.profile.locality_wards`, cached."""
    return profile.locality_wards(code)


@st.cache_data(show_spinner=False, max_entries=16)
def key_indicators(code: str, store_version: tuple | None = None):
    """:func:`thmaps.profile.key_indicators`, cached."""
    return profile.key_indicators(code)


@st.cache_data(show_spinner=False, max_entries=16)
def key_indicators_csv(code: str, made_on: str, store_version: tuple | None = None) -> bytes:
    """:func:`thmaps.profile.locality_table_csv`, cached per day too (the file says the day it was made)."""
    return profile.locality_table_csv(code)


@st.cache_data(show_spinner=False, max_entries=256)
def ward_ranking(code: str, indicator_id: str, comparator: str, store_version: tuple | None = None):
    """:func:`thmaps.profile.ward_ranking` (latest period), cached."""
    return profile.ward_ranking(code, indicator_id, comparator=comparator)


@st.cache_data(show_spinner=False, max_entries=16)
def ward_health(code: str, store_version: tuple | None = None):
    """:func:`thmaps.profile.ward_health`, cached."""
    return profile.ward_health(code)


@st.cache_data(show_spinner=False, max_entries=16)
def practices(code: str, store_version: tuple | None = None):
    """:func:`thmaps.profile.practices`, cached."""
    return profile.practices(code)


@st.cache_data(show_spinner=False, max_entries=16)
def s106_projects(code: str, store_version: tuple | None = None):
    """:func:`thmaps.profile.s106_projects`, cached."""
    return profile.s106_projects(code)


@st.cache_data(show_spinner=False, max_entries=4)
def s106_unassigned(store_version: tuple | None = None):
    """:func:`thmaps.profile.s106_unassigned`, cached."""
    return profile.s106_unassigned()


@st.cache_data(show_spinner=False, max_entries=64)
def air_quality(code: str, tube_year: int, store_version: tuple | None = None):
    """:func:`thmaps.profile.air_quality`, cached."""
    return profile.air_quality(code, tube_year)


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
    st.iframe(map_html(description, store_version), height=height,
              alt=f"Interactive map: {prepared.title}, {prepared.subtitle}. Its values are in the table under it.")
    return prepared


@st.cache_resource(show_spinner=False, max_entries=32)
def _map_values_data(description: MapDescription, store_version, _prepared: PreparedMap) -> tuple:
    """The values table, its CSV and the file stem of a prepared map (shared by every session: read-only)."""
    return values_table(_prepared), export.to_csv(_prepared), printing.file_stem(_prepared)


def map_values(prepared: PreparedMap, key: str, store_version=None) -> None:
    """The table of the mapped values under a map (sortable, with its CSV download): nothing only by hovering.

    With ``store_version`` (that of :func:`prepared_map` which made ``prepared``) the table and the CSV are made
    once per map and store version for every session."""
    if store_version is None:
        table, csv, stem = values_table(prepared), export.to_csv(prepared), printing.file_stem(prepared)
    else:
        table, csv, stem = _map_values_data(prepared.description, store_version, prepared)
    column = table.attrs["value_column"]
    st.markdown(f"**Values on the map**: {escape_markdown(table.attrs['indicator'])}, {len(table)} areas. "
                f"{escape_markdown(table.attrs['rank_note'])} Click a column heading to sort.")
    show_table(table, height=min(36 * (len(table) + 1) + 3, 400), labels=False,
               column_config={table.columns[0]: st.column_config.TextColumn(pinned=True),
                              column: st.column_config.NumberColumn(format=table.attrs["number_format"]),
                              "Rank": st.column_config.NumberColumn(format="%d")})
    st.download_button("Download these values (CSV, with sources and notes)", csv,
                       file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_values_csv",
                       on_click="ignore")


@st.cache_data(show_spinner=False, max_entries=8)
def overlay_options(store_version: tuple | None = None) -> list[str]:
    """The overlays to offer (:func:`thmaps.overlays.offered`), cached per store and user-data version."""
    return offered()


def indicator_options(level: str | None = None, store_version=None) -> dict[str, str]:
    """Indicator id -> title, for a select box (those mappable at ``level`` if given); with ``store_version``
    (:func:`store_version`, which changes with an upload) made once for every session."""
    if store_version is None:
        return _indicator_options(level)
    return _cached_indicator_options(level, store_version)


def _indicator_options(level: str | None) -> dict[str, str]:
    return {ind.id: ind.title for ind in CATALOGUE.values() if level is None or levels_of(ind.id, [level])}


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_indicator_options(level: str | None, store_version) -> dict[str, str]:
    return _indicator_options(level)


def footer(prepared: PreparedMap) -> None:
    """Source, vintage, method, notes and attribution lines under a map (escaped for Markdown)."""
    lines = [prepared.source_line] + prepared.notes + prepared.attributions
    st.caption("  \n".join(escape_markdown(line) for line in lines))


def problem(what: str, exc: Exception) -> None:
    """A plain message instead of a traceback: the error's own words for a :class:`ThmapsError`.

    ``what`` is what could not be shown ("this map"), or a whole lead starting with a capital ("The edit was
    not saved")."""
    if isinstance(exc, ThmapsError):
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    else:
        message = f"an unexpected problem ({type(exc).__name__}); please report it"
    lead = what if what[:1].isupper() else f"Could not show {what}"
    st.error(f"{lead}: {escape_markdown(message)}")


@st.cache_resource(show_spinner=False)
def serve_leaflet() -> str:
    """Copy Leaflet into the app's static folder once per server (the maps load it from there)."""
    return str(web.ensure_static_assets(STATIC_DIR))


# --------------------------------------------------------------------------- state in the URL
#
# Every page keeps its state in the URL, so a copied link opens the same view. Each bound widget
# is read from the URL on the session's first run of the page (its key is not yet in the session
# state), and the URL is rewritten from the widgets at the end of every run. Values travel as ids
# (``indicator=imd_decile``, ``extent=locality:SE``), not as the labels people see, so a renamed
# label does not break a link; the map pages share parameter names, so a link from one to the
# other carries the map across.

_URL = "_thmaps_url_params"


def url_begin() -> None:
    """Start collecting this run's URL parameters (call first thing on a page)."""
    st.session_state[_URL] = {}


def url_value(param: str, key: str, default, options: Sequence | None = None,
              parse: Callable[[str], object] = str, dump: Callable[[object], str] = str):
    """Bind the widget ``key`` to the URL parameter ``param``; call just before creating the widget.

    The widget must then be created with ``key=key`` and without ``index``/``value`` (its value
    comes from the session state set here). On the session's first run the URL's value is used if
    it parses and is one of ``options``; otherwise ``default``. A value that is no longer among
    ``options`` (they changed with another choice) falls back to ``default``.

    Returns
    -------
    The widget's value for this run.
    """
    state = st.session_state
    if key not in state:
        value = default
        raw = st.query_params.get(param)
        if raw is not None:
            try:
                value = parse(raw)
            except (TypeError, ValueError):
                value = default
        state[key] = value
    if options is not None and state[key] not in options:
        state[key] = default if default in options else (options[0] if len(options) else None)
    url_set(param, None if state[key] is None else dump(state[key]))
    return state[key]


def url_flags(param: str, keys: Mapping[str, str], default: Iterable[str] = ()) -> None:
    """Bind several checkboxes to one comma-separated parameter (``overlays=gp_practices,s106``).

    ``keys`` maps each value to its checkbox's key; call before creating the checkboxes (without ``value``).
    """
    state = st.session_state
    if not all(key in state for key in keys.values()):
        raw = st.query_params.get(param)
        chosen = set(default) if raw is None else {v for v in raw.split(",") if v}
        for value, key in keys.items():
            state.setdefault(key, value in chosen)
    url_set(param, ",".join(value for value, key in keys.items() if state[key]))


def url_list(param: str, key: str, options: Sequence[str], default: Sequence[str] = ()) -> list[str]:
    """Bind a multiselect to one comma-separated parameter; call before creating it (without ``default``)."""
    state = st.session_state
    if key not in state:
        raw = st.query_params.get(param)
        state[key] = list(default) if raw is None else [v for v in raw.split(",") if v in options]
    state[key] = [v for v in state[key] if v in options]
    url_set(param, ",".join(state[key]))
    return state[key]


def url_set(param: str, text: str | None) -> None:
    """Put a computed value in this run's URL (None or "" leaves the parameter out)."""
    params = st.session_state.setdefault(_URL, {})
    if text not in (None, ""):
        params[param] = str(text)
    else:
        params.pop(param, None)


def url_params() -> dict[str, str]:
    """The parameters collected so far in this run (for a link carrying this view to another page)."""
    return dict(st.session_state.get(_URL, {}))


def page_link(page: str, url_path: str, label: str, params: Mapping[str, str]) -> None:
    """A link to another page of the app carrying ``params`` in its URL.

    Within the app it navigates in place (``st.page_link``); a page run on its own (tests) has no
    navigation, so the link is plain Markdown to the same address.
    """
    try:
        st.page_link(page, label=label, query_params=dict(params))
    except StreamlitPageNotFoundError:
        st.markdown(f"[{escape_markdown(label)}]({url_path}?{urlencode(dict(params), quote_via=quote)})")


def url_end() -> None:
    """Write this run's parameters to the URL (only if they changed), dropping any no widget bound."""
    wanted = url_params()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def class_count(key: str, scheme: str) -> int:
    """The number of classes (a slider kept in the URL as ``k``); national deciles always have 10, so
    then no slider is shown (a disabled one would be a control that does nothing, drawn faint)."""
    if scheme == "national_deciles":
        st.caption("National IMD deciles always have 10 classes.")
        return 5  # unused by that scheme; the description keeps its default
    url_value("k", key, 5, options=range(3, 10), parse=int)
    return int(st.slider("Number of classes", 3, 9, key=key))


def tube_year_choice(key: str, shown: bool) -> int:
    """The NO2 diffusion tube year (kept in the URL as ``tube_year``), offered only while tubes are shown."""
    years = list(settings.TUBE_YEARS)[::-1]
    if not shown:
        return years[0]
    url_value("tube_year", key, years[0], options=years, parse=int)
    return int(st.selectbox("NO2 diffusion tube year", years, key=key,
                            help="Tubes are coloured by their bias-adjusted annual mean against the 40 µg/m³ "
                                 "objective."))


def extent_choice(level: str, store_version: float) -> Extent:
    """The "Area shown" choice (borough, London, a locality or a ward), kept in the URL as ``extent``.

    London LSOAs can be shown London-wide or for the borough; other levels for the borough, a
    locality or a ward.
    """
    state = st.session_state
    if "extent" in st.query_params and "export_extent_kind" not in state and "export_extent_london" not in state:
        try:
            wanted = Extent.parse(st.query_params["extent"])
        except ThmapsError:
            wanted = None
        if wanted is not None:
            state["export_extent_london" if level == "london_lsoa11" else "export_extent_kind"] = (
                wanted.kind.capitalize())
            if wanted.kind == "locality":
                state["export_locality"] = wanted.locality.name
            if wanted.kind == "ward":
                state["export_ward"] = wanted.code
    kinds = ["London", "Borough"] if level == "london_lsoa11" else ["Borough", "Locality", "Ward"]
    key = "export_extent_london" if level == "london_lsoa11" else "export_extent_kind"
    if state.get(key) not in kinds:
        state[key] = kinds[0]
    kind = st.radio("Area shown", kinds, horizontal=True, key=key)
    extent = Extent("london" if kind == "London" else "borough")
    if kind == "Locality":
        names = [loc.name for loc in Locality.all()]
        if state.get("export_locality") not in names:
            state["export_locality"] = names[0]
        extent = Extent.parse(Locality.parse(st.selectbox("Locality", names, key="export_locality")))
    elif kind == "Ward":
        wards = layer("wards", store_version).sort_values("name")
        ward_names = dict(zip(wards["code"], wards["name"]))
        if state.get("export_ward") not in ward_names:
            state["export_ward"] = next(iter(ward_names))
        extent = Extent("ward", st.selectbox("Ward", list(ward_names), format_func=ward_names.get, key="export_ward"))
    url_set("extent", None if str(extent) == ("london" if level == "london_lsoa11" else "borough") else str(extent))
    return extent


def print_alt(prepared: PreparedMap, paper: str, orientation: str) -> str:
    """Alternative text of a print preview: what the page shows, in words."""
    legend = ", ".join(prepared.labels[:10])
    return (f"Print preview, {paper} {orientation}: map of {prepared.title}, {prepared.subtitle}. "
            f"Legend: {prepared.legend_title}: {legend}. The values are in the table below.")


# --------------------------------------------------------------------------- find a place

def place_search(prefix: str) -> str | None:
    """A "Find a place" box and, when the text matches, a choice of matches; returns the chosen place's key.

    The text and the chosen match are kept in the URL (``q`` and ``focus``), so a shared link
    shows the same place. Nothing found is said plainly.
    """
    left, right = st.columns([1, 1])
    with left:
        url_value("q", f"{prefix}_q", "")
        text = st.text_input("Find a place", key=f"{prefix}_q", max_chars=100,
                             placeholder="Postcode, ward, LSOA or OA code, GP practice…",
                             help="A postcode (E14 0XA), a ward (Lansbury), an LSOA or Output Area code (E01004243), "
                                  "a GP practice, pharmacy, hospital, tube site or project name. The map zooms "
                                  "to it and marks it.")
    if not (text or "").strip():
        url_set("focus", None)
        return None
    try:
        matches = find_place(text)
    except ThmapsError as exc:
        problem("the search", exc)
        return None
    if not matches:
        with right:
            st.info(f"No place found for “{escape_markdown(text.strip()[:60])}”. Try a postcode, a ward or a "
                    "practice name.")
        url_set("focus", None)
        return None
    labels = {m.key: m.label for m in matches}
    with right:
        url_value("focus", f"{prefix}_focus", matches[0].key, options=list(labels))
        return st.selectbox(f"{len(matches)} match{'es' if len(matches) > 1 else ''}", list(labels),
                            format_func=labels.get, key=f"{prefix}_focus")


# --------------------------------------------------------------------------- tables

def column_labels(columns, skip=()) -> dict:
    """Column settings naming each column in words (:func:`thmaps.display.label`)."""
    return {c: st.column_config.Column(display.label(c)) for c in columns if c not in skip}


def show_table(frame, *, wrap: bool = False, height: int | str = "auto", labels: bool = True,
               column_config: dict | None = None, **kwargs) -> None:
    """A readable table: columns named in words, blanks instead of "None", long text wrapped if ``wrap``.

    ``column_config`` entries (number formats, widths...) replace the plain label of their column.
    """
    data = getattr(frame, "data", frame)  # a DataFrame or a pandas Styler
    config = (column_labels(data.columns) if labels else {}) | dict(column_config or {})
    if height == "auto" and len(data) <= 25:
        height = "content"  # a short table shown whole, not in a ten-row window
    st.dataframe(frame, hide_index=True, width="stretch", placeholder="", height=height,
                 row_height=60 if wrap else None, column_config=config, **kwargs)
