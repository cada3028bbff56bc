"""Preparing a map: the :class:`PreparedMap` both renderers draw, built from a description and the store.

:func:`prepare` resolves the description, joins the indicator's values to the level's areas, ranks
and classifies them, clips the overlays to the extent and writes the title, legend title, source
line, notes and attribution. The web renderer (:mod:`thmaps.maps.web`) and the print renderer
(:mod:`thmaps.maps.printing`) add nothing but drawing, so they agree class for class, colour for
colour and symbol for symbol.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import pandas as pd
import shapely

from .. import settings, store
from ..geo.apportion import straddle_note
from ..geo.places import LOCALITY_NOTE, Extent
from ..indicators.catalogue import LEVEL_LABELS, get as get_indicator
from ..overlays import OVERLAYS
from ..search import Place, place
from ..sources.registry import attribution_lines, get as get_source
from .classify import NO_DATA_COLOUR, classify, palette_for, rank_within
from .description import SCHEMES, MapDescription, resolve
from .labels import map_labels
from .nesting import nesting_notes

#: The boundary sources behind each map level (for attribution).
LEVEL_SOURCES = {"lsoa11": ["lsoa11", "wards"], "ward": ["wards"], "locality": ["wards"],
                 "london_lsoa11": ["london_lsoa11", "wards"], "oa21": ["oa21", "oa21_ward_lookup", "wards"],
                 "lsoa21": ["lsoa21", "oa21_ward_lookup", "wards"], "msoa21": ["msoa21", "oa21_ward_lookup", "wards"]}
#: The store layer drawn at each map level.
LEVEL_LAYERS = {"lsoa11": "lsoa11", "ward": "wards", "locality": "localities", "london_lsoa11": "london_lsoa11",
                "oa21": "oa21", "lsoa21": "lsoa21", "msoa21": "msoa21"}
#: How the classification note names all the areas of a level.
LEVEL_PLURALS = {"lsoa11": "the borough's LSOAs", "ward": "the borough's wards", "locality": "the borough's localities",
                 "london_lsoa11": "London's 4,835 LSOAs", "oa21": "the borough's Output Areas",
                 "lsoa21": "the borough's LSOAs 2021", "msoa21": "the borough's MSOAs 2021"}


@dataclass
class PreparedMap:
    """Everything a renderer needs; renderers add nothing but drawing."""

    description: MapDescription
    areas: gpd.GeoDataFrame          # code, name, value, rank, n_ranked, class_index, colour, in_extent (EPSG:27700)
    breaks: list[float]              # upper bounds of the classes
    labels: list[str]                # legend labels, one per class
    colours: list[str]               # hex colours, one per class
    localities: gpd.GeoDataFrame     # outlines and labels (always drawn)
    extent_geometry: gpd.GeoDataFrame
    borough: gpd.GeoDataFrame        # the borough outline
    water: gpd.GeoDataFrame          # the Thames and docks (print background)
    overlays: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    title: str = ""
    subtitle: str = ""
    legend_title: str = ""
    source_line: str = ""
    attributions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    made_on: str = ""
    focus: Place | None = None       # the place found by search, marked (and zoomed to on screen)

    @property
    def extent(self) -> Extent:
        return self.description.extent

    @property
    def extent_name(self) -> str:
        """``"Tower Hamlets"``, ``"London"``, ``"South East locality"``, ``"Lansbury ward"``."""
        kind = self.extent.kind
        if kind == "borough":
            return settings.BOROUGH_NAME
        name = str(self.extent_geometry.iloc[0]["name"])
        return name if kind == "london" else f"{name} {kind}"


def boundary_layer(level: str) -> gpd.GeoDataFrame:
    """The store's polygons for a map level (EPSG:27700), with ``locality`` and ``main_ward_code`` columns."""
    areas = store.load_layer(LEVEL_LAYERS[level])
    if level == "london_lsoa11":
        areas["locality"] = None
        areas["main_ward_code"] = None
    if level == "locality":
        areas["locality"] = areas["name"]
    return areas


def indicator_values(indicator_id: str, period: str, level: str) -> pd.DataFrame:
    """``area_code``, ``value``, ``numerator``, ``denominator`` of one indicator at one level."""
    table = store.load_layer("indicators")
    sel = table[(table["indicator_id"] == indicator_id) & (table["period"] == str(period)) & (table["level"] == level)]
    return sel[["area_code", "value", "numerator", "denominator"]]


def in_extent(areas: gpd.GeoDataFrame, level: str, extent: Extent) -> pd.Series:
    """Which areas of a level belong to the extent (the rest are drawn grey, for context)."""
    everything = pd.Series(True, index=areas.index)
    if extent.kind == "london":
        return everything
    if extent.kind == "borough":
        return areas["lad11cd"] == settings.BOROUGH_CODE if level == "london_lsoa11" else everything
    if extent.kind == "locality":
        return areas["locality"] == extent.locality.name
    if "main_ward_code" in areas.columns and level != "locality":
        # Small areas (LSOAs, OAs, MSOAs) belong to the ward holding most of their people.
        return areas["main_ward_code"] == extent.code
    if level == "ward":
        return areas["code"] == extent.code
    return areas["name"] == store.load_layer("wards").set_index("code").loc[extent.code, "locality"]


@lru_cache(maxsize=2)
def _london_outline(store_version: float) -> gpd.GeoDataFrame:
    """London's outline (union of its 4,835 LSOAs), cached per store version."""
    london = store.load_layer("london_lsoa11")
    # Snapping to a 1 m grid makes the union 2.5x faster; a metre is nothing at London scale.
    outline = shapely.union_all(london.geometry.values, grid_size=1)
    # The generalised LSOAs leave 154 pinholes (under 500 m²) between them, and the union has 8 small
    # islands (Thames aits); drawn as an outline they would speckle the map, so holes and parts under a
    # hectare are dropped (Eel Pie Island and Isleworth Ait stay).
    parts = [shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= 1e4])
             for p in getattr(outline, "geoms", [outline]) if p.area >= 1e4]
    outline = shapely.MultiPolygon(parts)
    return gpd.GeoDataFrame({"code": [settings.LONDON_CODE], "name": ["Greater London"]}, geometry=[outline],
                            crs=london.crs)


def extent_geometry(extent) -> gpd.GeoDataFrame:
    """The polygon of an extent (borough, London, a locality or a ward), EPSG:27700."""
    extent = Extent.parse(extent)
    if extent.kind == "borough":
        return store.load_layer("borough")
    if extent.kind == "london":
        return _london_outline(store.version()).copy()
    layer = store.load_layer("localities" if extent.kind == "locality" else "wards")
    return layer[layer["code"] == extent.code].reset_index(drop=True)


def overlay_frames(overlays, tube_year: int, extent) -> dict[str, gpd.GeoDataFrame]:
    """The overlay layers asked for, clipped to the extent (points inside it), EPSG:27700."""
    if not overlays:
        return {}
    extent = Extent.parse(extent)
    # Borough-wide, keep the council's tubes on boundary roads (up to 100 m outside); elsewhere clip tightly.
    clip = extent_geometry(extent).geometry.union_all().buffer(100.0 if extent.kind == "borough" else 1.0)
    out = {}
    for key in overlays:
        overlay = OVERLAYS[key]
        frame = overlay.select(store.load_layer(overlay.layer), tube_year)
        frame = frame[frame.intersects(clip.buffer(-5) if overlay.is_area else clip)]
        out[key] = frame.reset_index(drop=True)
    return out


def place_labels(prepared: PreparedMap) -> gpd.GeoDataFrame:
    """The locality names (London-wide, the borough's once): ``code``, ``name`` and their best point (EPSG:27700).

    Each at the pole of inaccessibility of its land; the renderers place every name, wards
    included, from :func:`thmaps.maps.labels.map_labels`.
    """
    labels = map_labels(prepared)
    labels = labels[labels["kind"] != "ward"]
    points = [shapely.Point(c[0]) for c in labels["candidates"]]
    return gpd.GeoDataFrame({"code": labels["code"].to_numpy(), "name": labels["name"].to_numpy()},
                            geometry=points, crs=labels.crs)


def level_notes(indicator, level: str) -> list[str]:
    """Notes a map needs because of how its values reached the level (estimated counts, OAs to wards)."""
    notes = []
    if indicator.base_level == "oa21":
        if indicator.counts_estimated:
            notes.append("Census 2021 shares are published rounded to 0.1%: counts recovered from them are estimates.")
        if level in ("ward", "locality"):
            notes.append(straddle_note(store.load_layer("oa_ward_lookup")))
    if indicator.id.startswith("laei_") and level in ("lsoa21", "msoa21"):
        notes.append("LAEI values by LSOA and MSOA 2021 are each zone's area-weighted mean of the 20 m grid.")
    return notes


def prepare(description: MapDescription) -> PreparedMap:
    """Resolve, join, rank and classify: the one object both renderers draw.

    Examples
    --------
    >>> prepared = prepare(MapDescription("imd_decile", extent="locality:SE"))  # doctest: +SKIP
    >>> prepared.labels[0]  # doctest: +SKIP
    '1 (most deprived 10%)'

    Raises
    ------
    MapRequestError
        If the description cannot be met.
    """
    d = resolve(description)
    indicator = get_indicator(d.indicator)
    areas = boundary_layer(d.level)
    values = indicator_values(d.indicator, d.period, d.level)
    areas = areas.merge(values, left_on="code", right_on="area_code", how="left").drop(columns="area_code")
    areas["rank"] = rank_within(areas["value"], indicator.higher_is_worse)
    areas["n_ranked"] = int(areas["value"].notna().sum())
    classes, breaks, labels = classify(areas["value"], d.scheme, d.k, indicator.unit)
    colours = palette_for(d.indicator, len(labels))
    areas["class_index"] = classes
    areas["colour"] = [colours[c] if c >= 0 else NO_DATA_COLOUR for c in classes]
    areas["in_extent"] = in_extent(areas, d.level, d.extent).fillna(False).astype(bool)

    overlays = overlay_frames(d.overlays, d.tube_year, d.extent)
    sources = list(indicator.source_ids) + LEVEL_SOURCES[d.level]
    for key, frame in overlays.items():
        sources += OVERLAYS[key].source_ids(frame)
    sources = list(dict.fromkeys(sources))
    period = indicator.period_label(d.period)
    vintages = "; ".join(dict.fromkeys(f"{get_source(s).title.split(',')[0]} ({get_source(s).vintage})"
                                       for s in indicator.source_ids))
    notes = [f"Classification: {SCHEMES[d.scheme]}, computed on all {LEVEL_PLURALS[d.level]}."]
    if d.indicator != description.indicator:
        notes.append(f"{get_indicator(description.indicator).title} is an LSOA figure; by "
                     f"{LEVEL_LABELS[d.level].lower()} it is summarised as: {indicator.title}.")
    notes += level_notes(indicator, d.level)
    notes.append(LOCALITY_NOTE)
    notes += [note for note in dict.fromkeys(OVERLAYS[key].note_for(frame) for key, frame in overlays.items()) if note]
    focus = place(d.focus) if d.focus else None
    prepared = PreparedMap(
        description=d, areas=areas, breaks=breaks, labels=labels, colours=colours,
        localities=store.load_layer("localities"), extent_geometry=extent_geometry(d.extent),
        borough=store.load_layer("borough"), water=store.load_layer("water"),
        overlays=overlays,
        title=d.title or indicator.title,
        legend_title=f"{indicator.legend_name} "
                     f"({indicator.unit}), {period}",
        source_line=f"Source: {vintages}. Method: {indicator.method}",
        attributions=attribution_lines(sources),
        notes=notes,
        made_on=_dt.date.today().isoformat(), focus=focus,
    )
    prepared.notes[1:1] = nesting_notes(prepared)
    prepared.subtitle = f"{prepared.extent_name} · by {LEVEL_LABELS[d.level]} · {period}"
    return prepared
