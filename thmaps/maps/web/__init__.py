"""The interactive web map (folium/Leaflet, offline): render, HTML page, standalone file, assets."""
from .assets import STATIC_URL, ensure_static_assets, leaflet_source_dir
from .elements import AreaLayer, Legend, PointLayer, area_features
from .names import FocusMarker, Labels, MapNote
from .geometry import decode_js, decode_polygons, encode_polygons, web_boundaries, web_geometry
from .render import overlay_count, page_head, rank_text, render, to_html
from .standalone import to_standalone_html
from .symbols import symbol_svg

__all__ = ["STATIC_URL", "AreaLayer", "FocusMarker", "Labels", "Legend", "MapNote", "PointLayer", "area_features", "decode_js",
           "decode_polygons", "encode_polygons", "ensure_static_assets", "leaflet_source_dir", "overlay_count", "page_head",
           "rank_text", "render", "symbol_svg", "to_html", "to_standalone_html", "web_boundaries", "web_geometry"]
