"""The data behind a map, as CSV, GeoJSON and GeoPackage bytes, with its attribution carried along.

All three are built from a :class:`~thmaps.maps.prepare.PreparedMap`, so the downloaded figures are
exactly the ones on the map (same values, ranks, classes and colours).  Only the areas in the
map's extent are exported (the areas drawn in grey for context are not part of the map's data).

How the attribution travels:

* CSV: ``source``, ``attribution`` and ``notes`` columns on every row (a CSV has nowhere else to
  put them that every program keeps), UTF-8 with a byte-order mark so Excel reads "µg/m³";
* GeoJSON (EPSG:4326, RFC 7946): the same properties plus a top-level ``metadata`` member;
* GeoPackage (EPSG:27700): layer ``map_data`` with the same columns, a ``legend`` table, a
  ``README`` table (one row per line of title, source, notes, attribution...) and one layer per
  overlay shown on the map.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .. import settings
from ..indicators.catalogue import LEVEL_LABELS, get as get_indicator
from ..overlays import OVERLAYS
from ..safetext import spreadsheet_frame
from .description import SCHEMES
from .prepare import PreparedMap
from .printing.page import file_stem

MIME_TYPES = {"csv": "text/csv", "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
              "html": "text/html"}
COLUMNS = ["code", "name", "locality", "indicator_id", "indicator", "period", "level", "unit", "value", "rank",
           "n_ranked", "class_index", "class_label", "colour", "scheme", "source", "attribution", "notes"]


def metadata(prepared: PreparedMap) -> dict:
    """Title, legend, classification, source, notes and attribution of the map (JSON-serialisable)."""
    d = prepared.description
    return {
        "title": prepared.title,
        "subtitle": prepared.subtitle,
        "indicator_id": d.indicator,
        "period": d.period,
        "level": d.level,
        "extent": str(d.extent),
        "classification": SCHEMES[d.scheme],
        "legend_title": prepared.legend_title,
        "legend": [{"class_index": i, "label": label, "colour": colour}
                   for i, (label, colour) in enumerate(zip(prepared.labels, prepared.colours))],
        "overlays": [OVERLAYS[k].label for k in prepared.overlays],
        "source": prepared.source_line,
        "notes": list(prepared.notes),
        "attribution": list(prepared.attributions),
        "made_on": prepared.made_on,
        "made_with": "thmaps",
    }


def data_frame(prepared: PreparedMap) -> gpd.GeoDataFrame:
    """The areas of the map's extent with value, rank, class and attribution (EPSG:27700)."""
    d = prepared.description
    indicator = get_indicator(d.indicator)
    areas = prepared.areas[prepared.areas["in_extent"]].copy()
    out = gpd.GeoDataFrame({
        "code": areas["code"].astype(str),
        "name": areas["name"].astype(str),
        "locality": areas["locality"] if "locality" in areas else pd.NA,
        "indicator_id": d.indicator,
        "indicator": indicator.title,
        "period": str(d.period),
        "level": LEVEL_LABELS[d.level],
        "unit": indicator.unit,
        "value": pd.to_numeric(areas["value"], errors="coerce"),
        "rank": pd.to_numeric(areas["rank"], errors="coerce").astype("Int64"),
        "n_ranked": areas["n_ranked"].astype("Int64"),
        "class_index": areas["class_index"].astype(int),
        "class_label": [prepared.labels[c] if 0 <= c < len(prepared.labels) else "No data"
                        for c in areas["class_index"].astype(int)],
        "colour": areas["colour"].astype(str),
        "scheme": SCHEMES[d.scheme],
        "source": prepared.source_line,
        "attribution": " | ".join(prepared.attributions),
        "notes": " ".join(prepared.notes),
    }, geometry=areas.geometry.values, crs=areas.crs or settings.CRS_STORE)
    return out.reset_index(drop=True)


def to_csv(prepared: PreparedMap) -> bytes:
    """CSV (no geometry), UTF-8 with BOM, attribution in columns on every row.

    Text a spreadsheet would take for a formula (an uploaded title starting with ``=``...) is written with
    a leading apostrophe (:func:`thmaps.safetext.spreadsheet_text`).
    """
    frame = spreadsheet_frame(pd.DataFrame(data_frame(prepared).drop(columns="geometry")))
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def to_geojson(prepared: PreparedMap, precision: int | None = None) -> bytes:
    """GeoJSON FeatureCollection in EPSG:4326 with a top-level ``metadata`` member (title, source, attribution).

    ``precision`` decimals (default one more than :data:`thmaps.settings.WEB_COORD_PRECISION`).
    """
    precision = settings.WEB_COORD_PRECISION + 1 if precision is None else int(precision)
    frame = data_frame(prepared).to_crs(settings.CRS_WEB)
    collection = json.loads(frame.to_json(na="null", show_bbox=False, drop_id=True, to_wgs84=False))
    collection["name"] = file_stem(prepared)
    collection["metadata"] = metadata(prepared)

    def _round(coords):
        if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
            return [round(c, precision) for c in coords]
        return [_round(c) for c in coords]

    for feature in collection["features"]:
        if feature.get("geometry"):
            feature["geometry"]["coordinates"] = _round(feature["geometry"]["coordinates"])
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _readme_table(prepared: PreparedMap) -> pd.DataFrame:
    meta = metadata(prepared)
    rows = [("title", meta["title"]), ("subtitle", meta["subtitle"]), ("indicator_id", meta["indicator_id"]),
            ("period", str(meta["period"])), ("level", meta["level"]), ("extent", meta["extent"]),
            ("classification", meta["classification"]), ("legend_title", meta["legend_title"]),
            ("source", meta["source"])]
    rows += [("note", n) for n in meta["notes"]]
    rows += [("attribution", a) for a in meta["attribution"]]
    rows += [("overlay", o) for o in meta["overlays"]]
    rows += [("crs", settings.CRS_STORE), ("made_on", meta["made_on"]), ("made_with", "thmaps")]
    return pd.DataFrame(rows, columns=["key", "value"])


def _clean_for_gpkg(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if out[col].dtype == object or str(out[col].dtype).startswith(("string", "str")):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
            out[col] = out[col].map(lambda v: v if v is None or isinstance(v, (str, int, float, bool)) else str(v))
    return out


def to_geopackage(prepared: PreparedMap) -> bytes:
    """GeoPackage (EPSG:27700): ``map_data``, ``legend``, ``README`` and one layer per overlay."""
    with tempfile.TemporaryDirectory(prefix="thmaps-export-") as folder:
        path = Path(folder) / "map.gpkg"
        pyogrio.write_dataframe(_clean_for_gpkg(data_frame(prepared)), path, layer="map_data", driver="GPKG")
        legend = pd.DataFrame(metadata(prepared)["legend"])
        if legend.empty:
            legend = pd.DataFrame({"class_index": pd.Series(dtype=int), "label": pd.Series(dtype=str),
                                   "colour": pd.Series(dtype=str)})
        pyogrio.write_dataframe(legend, path, layer="legend", driver="GPKG")
        pyogrio.write_dataframe(_readme_table(prepared), path, layer="README", driver="GPKG")
        for key, frame in prepared.overlays.items():
            if len(frame):
                pyogrio.write_dataframe(_clean_for_gpkg(frame), path, layer=f"overlay_{key}", driver="GPKG")
        return path.read_bytes()
