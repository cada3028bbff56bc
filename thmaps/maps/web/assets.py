"""Leaflet, offline: served by Streamlit from a static folder, or inlined into a standalone page."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import folium

from ..._util import atomic_write

#: URL at which Streamlit serves ``static/vendor/leaflet`` (``server.enableStaticServing``).
STATIC_URL = "/app/static/vendor/leaflet"

_LEAFLET_FILES = ("leaflet.js", "leaflet.css")


def set_assets(m: folium.Map, static_url: str) -> None:
    """Load Leaflet from ``static_url`` only (no jQuery, Bootstrap or Font Awesome from a CDN).

    folium writes the ``default_js``/``default_css`` of every element into the page's head,
    so these instance attributes are all the map will fetch.
    """
    m.default_js = [("leaflet", f"{static_url}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{static_url}/leaflet.css")]


def leaflet_source_dir() -> Path:
    """Directory of the Leaflet files shipped by the ``xstatic-leaflet`` package."""
    import xstatic.pkg.leaflet as xleaflet  # imported here: only the asset helpers need it

    return Path(xleaflet.BASE_DIR)


def ensure_static_assets(target: Path) -> Path:
    """Copy Leaflet's JS, CSS and images into ``static/vendor/leaflet`` for Streamlit to serve.

    Files already present with the same size are left alone, so calling this on
    every page run is cheap.

    Parameters
    ----------
    target : Path
        Destination folder (the app's ``static/vendor/leaflet``).

    Returns
    -------
    Path
        The destination folder.
    """
    source = leaflet_source_dir()
    target = Path(target)
    names = list(_LEAFLET_FILES) + [f"images/{p.name}" for p in (source / "images").glob("*.png")]
    for name in names:
        src, dst = source / name, target / name
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(dst, src.read_bytes())  # a browser never gets a half-written file
    return target


def inline_css(source: Path) -> str:
    """leaflet.css with its images as data URIs, so the layer control icon works offline."""
    css = (source / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        path = source / match.group(1)
        if not path.exists():
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode('ascii')})"

    return re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css)


def leaflet_version() -> str:
    import xstatic.pkg.leaflet as xleaflet

    return str(xleaflet.VERSION)
