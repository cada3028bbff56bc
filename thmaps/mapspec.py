"""The map description: one object that both the interactive and the printed map draw.

A :class:`MapDescription` says what to map (indicator, period, level), how to classify
and colour it, which overlays to add and what extent to show.  :func:`prepare` turns it
into a :class:`PreparedMap` — areas with values, ranks, classes and colours, the legend,
the overlays and the attribution — and the web renderer (:mod:`thmaps.webmap`) and the
print renderer (:mod:`thmaps.printmap`) draw that same object, so they agree class for
class and colour for colour.

Classes are always computed on the whole borough, so a locality's map uses the same
breaks as the borough map and maps of different localities can be compared.
"""
from __future__ import annotations

import datetime as _dt
import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps
from matplotlib.colors import to_hex

from . import settings, store
from .indicators import CATALOGUE, LEVEL_LABELS
from .sources import attribution_lines, get as get_source

SCHEMES = {
    "quantiles": "Quantiles (equal counts)",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
    "equal_interval": "Equal interval",
    "national_deciles": "National IMD deciles",
}
MAP_LEVELS = ("lsoa11", "ward", "locality", "london_lsoa11")
#: Colour-blind-safe ColorBrewer ramps: needs (worse = darker) and neutral counts.
PALETTES = {"needs": "YlOrRd", "neutral": "YlGnBu", "purples": "PuBu", "greens": "YlGn"}
NO_DATA_COLOUR = "#d9d9d9"

OVERLAYS = {
    "gp_practices": "GP practices (sized by list size)",
    "hospitals": "Hospitals (NHS Choices 2014)",
    "pharmacies": "Pharmacies (NHS Choices 2014)",
    "clinics": "Clinics (NHS Choices 2014)",
    "s106": "S106/CIL-funded health projects",
    "no2_tubes": "NO2 diffusion tubes",
    "monitoring_sites": "Automatic air quality monitoring sites",
    "liveable_streets": "Liveable Streets areas (approximate)",
}
OVERLAY_SOURCES = {
    "gp_practices": ["gp_practices"], "hospitals": ["nhs_hospitals"], "pharmacies": ["nhs_pharmacies"],
    "clinics": ["nhs_clinics"], "s106": ["s106_health"], "no2_tubes": ["no2_tubes"],
    "monitoring_sites": ["laqn_sites"], "liveable_streets": ["liveable_streets"],
}
LEVEL_SOURCES = {"lsoa11": ["lsoa11", "wards"], "ward": ["wards"], "locality": ["wards"], "london_lsoa11": ["london_lsoa11", "wards"]}
TUBE_YEARS = tuple(range(2015, 2025))


class MapRequestError(ValueError):
    """A map description that cannot be drawn (unknown indicator, level, locality...)."""


@dataclass(frozen=True)
class MapDescription:
    """What to draw.  Immutable and hashable, so it can key caches.

    Parameters
    ----------
    indicator : str
        Indicator id from the catalogue.
    period : str, optional
        Period; default the latest the indicator has.
    level : {"lsoa11", "ward", "locality"}
        Geography of the choropleth.  An LSOA-only decile indicator asked for at ward or
        locality level is mapped through its summary share (see :func:`resolve`).
    scheme : str
        One of :data:`SCHEMES`.
    k : int
        Number of classes (3-9; the national deciles scheme always has 10).
    overlays : tuple of str
        Keys of :data:`OVERLAYS`.
    tube_year : int
        Year of the NO2 diffusion tube results.
    extent : str
        ``"borough"``, ``"locality:NW"`` (code or name), ``"ward:E05009317"`` (code or name), or
        ``"london"`` (only with the ``london_lsoa11`` level: national deciles across London).
    """

    indicator: str
    period: str | None = None
    level: str = "lsoa11"
    scheme: str = "quantiles"
    k: int = 5
    overlays: tuple[str, ...] = ()
    tube_year: int = 2024
    extent: str = "borough"
    title: str | None = None


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
    overlays: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    title: str = ""
    subtitle: str = ""
    legend_title: str = ""
    source_line: str = ""
    attributions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    made_on: str = ""


# --------------------------------------------------------------------------- resolving a request

def parse_extent(extent: str) -> tuple[str, str | None]:
    """Validate an extent and return ``(kind, code)``; raise :class:`MapRequestError` if unknown."""
    if extent in ("", "borough", None):
        return "borough", None
    if extent == "london":
        return "london", None
    kind, _, value = str(extent).partition(":")
    value = value.strip()
    if kind == "locality":
        by_name = {n.lower(): c for n, c in settings.LOCALITY_CODES.items()}
        code = value.upper() if value.upper() in settings.LOCALITY_CODES.values() else by_name.get(value.lower())
        if not code:
            raise MapRequestError(f"unknown locality {value!r}; choose one of {', '.join(settings.LOCALITY_NAMES)}")
        return "locality", code
    if kind == "ward":
        wards = store.load_layer("wards")
        match = wards[(wards["code"] == value) | (wards["name"].str.lower() == value.lower())]
        if match.empty:
            raise MapRequestError(f"unknown ward {value!r}; use a 2022 ward name or code such as E05009317")
        return "ward", match.iloc[0]["code"]
    raise MapRequestError(f"unknown extent {extent!r}; use 'borough', 'locality:NAME' or 'ward:NAME'")


def resolve(description: MapDescription) -> MapDescription:
    """Check a description and fill its defaults (latest period, summary indicator for deciles above LSOA)."""
    d = description
    if d.indicator not in CATALOGUE:
        raise MapRequestError(f"unknown indicator {d.indicator!r}; see `python -m thmaps indicators`")
    if d.level not in MAP_LEVELS:
        raise MapRequestError(f"unknown level {d.level!r}; choose one of {', '.join(MAP_LEVELS)}")
    if d.scheme not in SCHEMES:
        raise MapRequestError(f"unknown classification {d.scheme!r}; choose one of {', '.join(SCHEMES)}")
    if not 3 <= int(d.k) <= 9:
        raise MapRequestError("the number of classes must be between 3 and 9")
    unknown = [o for o in d.overlays if o not in OVERLAYS]
    if unknown:
        raise MapRequestError(f"unknown overlay(s) {unknown}; choose from {', '.join(OVERLAYS)}")
    if d.tube_year not in TUBE_YEARS:
        raise MapRequestError(f"no diffusion tube results for {d.tube_year}; years {TUBE_YEARS[0]}-{TUBE_YEARS[-1]}")
    kind, _ = parse_extent(d.extent)
    if kind == "london" and d.level != "london_lsoa11":
        raise MapRequestError("the London extent needs the London LSOA level (national IMD deciles)")
    indicator = CATALOGUE[d.indicator]
    if d.level not in indicator.levels:
        summary = next((i for i in CATALOGUE.values() if i.summary_of == d.indicator and d.level in i.levels), None)
        if summary is None:
            raise MapRequestError(f"{indicator.title} is published for {', '.join(LEVEL_LABELS[l] for l in indicator.levels)} "
                                  f"only; it cannot be mapped by {LEVEL_LABELS[d.level].lower()}")
        d = replace(d, indicator=summary.id, period=d.period if d.period in summary.periods else None)
        indicator = summary
    if d.scheme == "national_deciles" and not indicator.national_deciles:
        d = replace(d, scheme="quantiles")
    period = d.period or indicator.periods[-1]
    if period not in indicator.periods:
        raise MapRequestError(f"{indicator.title} has periods {', '.join(indicator.periods)}, not {period}")
    return replace(d, period=period, overlays=tuple(dict.fromkeys(d.overlays)), k=int(d.k))


# --------------------------------------------------------------------------- classification

def palette_for(indicator_id: str, n: int) -> list[str]:
    """``n`` colours, light to dark in the direction of need (worse = darker)."""
    indicator = CATALOGUE[indicator_id]
    name = PALETTES["neutral"] if indicator.higher_is_worse is None else PALETTES["needs"]
    cmap = colormaps[name]
    colours = [to_hex(cmap(x)) for x in np.linspace(0.12, 0.95, n)]
    # A low value is worse (deciles: 1 = most deprived): darkest colour for the lowest class.
    return colours[::-1] if indicator.higher_is_worse is False else colours


def _fmt(x: float, unit: str) -> str:
    if unit in ("persons", "patients", "practices", "decile"):
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def classify(values: pd.Series, scheme: str, k: int, unit: str) -> tuple[np.ndarray, list[float], list[str]]:
    """Class of each value, the class upper bounds and legend labels (mapclassify)."""
    valid = values.dropna().astype(float)
    if valid.empty:
        return np.full(len(values), -1), [], []
    if scheme == "national_deciles":
        bins = [float(b) for b in range(1, 11)]
        labels = ["1 (most deprived 10%)"] + [str(b) for b in range(2, 10)] + ["10 (least deprived 10%)"]
        classifier = mapclassify.UserDefined(valid.values, bins=bins)
    else:
        n_unique = valid.nunique()
        k_eff = max(1, min(k, n_unique))
        if k_eff < 2:
            classifier = mapclassify.UserDefined(valid.values, bins=[valid.max()])
        elif scheme == "quantiles":
            classifier = mapclassify.Quantiles(valid.values, k=k_eff)
        elif scheme == "natural_breaks":
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Numba not installed")  # pure Python is fast enough here
                classifier = mapclassify.FisherJenks(valid.values, k=k_eff)
        else:
            classifier = mapclassify.EqualInterval(valid.values, k=k_eff)
        bins = [float(b) for b in classifier.bins]
        lower = [float(valid.min())] + bins[:-1]
        labels = [f"{_fmt(lo, unit)} – {_fmt(hi, unit)}" for lo, hi in zip(lower, bins)]
    classes = np.full(len(values), -1)
    classes[values.notna().to_numpy()] = classifier.yb
    return classes, bins, labels


def rank_within(values: pd.Series, higher_is_worse: bool | None) -> pd.Series:
    """Rank within the borough, 1 = worst (highest value where direction is neutral)."""
    ascending = higher_is_worse is False
    return values.rank(ascending=ascending, method="min")


# --------------------------------------------------------------------------- preparing

def boundary_layer(level: str) -> gpd.GeoDataFrame:
    """The store's polygons for a map level (EPSG:27700), with ``locality`` and ``main_ward_code`` columns."""
    layer = {"lsoa11": "lsoa11", "ward": "wards", "locality": "localities", "london_lsoa11": "london_lsoa11"}[level]
    areas = store.load_layer(layer)
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


def _in_extent(areas: gpd.GeoDataFrame, level: str, kind: str, code: str | None) -> pd.Series:
    if kind == "london":
        return pd.Series(True, index=areas.index)
    if kind == "borough":
        return areas["lad11cd"] == settings.BOROUGH_CODE if level == "london_lsoa11" else pd.Series(True, index=areas.index)
    if level == "london_lsoa11":
        raise MapRequestError("London-wide LSOA maps can show the whole of London or the borough only")
    if kind == "locality":
        name = {v: k for k, v in settings.LOCALITY_CODES.items()}[code]
        return areas["locality"] == name
    if level == "lsoa11":
        return areas["main_ward_code"] == code
    if level == "ward":
        return areas["code"] == code
    return areas["name"] == store.load_layer("wards").set_index("code").loc[code, "locality"]


@lru_cache(maxsize=2)
def _london_outline(store_file: str, mtime: float) -> gpd.GeoDataFrame:
    """London's outline (union of its 4,835 LSOAs), cached per store file."""
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


def extent_geometry(extent: str) -> gpd.GeoDataFrame:
    """The polygon of an extent (borough, a locality or a ward), EPSG:27700."""
    kind, code = parse_extent(extent)
    if kind == "borough":
        return store.load_layer("borough")
    if kind == "london":
        return _london_outline(str(settings.store_path()), settings.store_path().stat().st_mtime).copy()
    layer = store.load_layer("localities" if kind == "locality" else "wards")
    return layer[layer["code"] == code].reset_index(drop=True)


def overlay_frames(overlays, tube_year: int, extent: str) -> dict[str, gpd.GeoDataFrame]:
    """The overlay layers asked for, clipped to the extent (points inside it), EPSG:27700."""
    if not overlays:
        return {}
    kind, _ = parse_extent(extent)
    # Borough-wide, keep the council's tubes on boundary roads (up to 100 m outside); elsewhere clip tightly.
    clip = extent_geometry(extent).geometry.union_all().buffer(100.0 if kind == "borough" else 1.0)
    facilities = store.load_layer("facilities")
    kinds = {"gp_practices": "gp_practice", "hospitals": "hospital", "pharmacies": "pharmacy", "clinics": "clinic"}
    out = {}
    for key in overlays:
        if key in kinds:
            # A site the source lists twice (under an old trust code) is drawn once.
            frame = facilities[(facilities["kind"] == kinds[key]) & (facilities["duplicate_of"].fillna("") == "")]
        elif key == "s106":
            frame = store.load_layer("s106_projects")
            frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        elif key == "no2_tubes":
            frame = store.load_layer("no2_tubes")
            frame = frame[frame["year"] == int(tube_year)]
        elif key == "monitoring_sites":
            frame = store.load_layer("monitoring_sites")
        else:
            frame = store.load_layer("liveable_streets")
        frame = frame[frame.intersects(clip)] if key != "liveable_streets" else frame[frame.intersects(clip.buffer(-5))]
        out[key] = frame.reset_index(drop=True)
    return out


def place_labels(prepared: PreparedMap) -> gpd.GeoDataFrame:
    """The place names both renderers write on the map: ``code``, ``name`` and a label point (EPSG:27700).

    Each locality at its centroid, or at a point inside it where the centroid falls outside;
    London-wide, where the four names would pile on top of each other, the borough's name once.
    """
    loc = prepared.localities
    if parse_extent(prepared.description.extent)[0] == "london":
        borough = loc.geometry.union_all()
        return gpd.GeoDataFrame({"code": [settings.BOROUGH_CODE], "name": [settings.BOROUGH_NAME]},
                                geometry=[borough.representative_point()], crs=loc.crs)
    centroids = loc.geometry.centroid
    points = centroids.where(loc.geometry.contains(centroids), loc.geometry.representative_point())
    return gpd.GeoDataFrame({"code": loc["code"].to_numpy(), "name": loc["name"].to_numpy()},
                            geometry=points.to_numpy(), crs=loc.crs)


def prepare(description: MapDescription) -> PreparedMap:
    """Resolve, join, rank and classify: the one object both renderers draw.

    Raises
    ------
    MapRequestError
        If the description cannot be met.
    """
    d = resolve(description)
    indicator = CATALOGUE[d.indicator]
    areas = boundary_layer(d.level)
    values = indicator_values(d.indicator, d.period, d.level)
    areas = areas.merge(values, left_on="code", right_on="area_code", how="left").drop(columns="area_code")
    areas["rank"] = rank_within(areas["value"], indicator.higher_is_worse)
    areas["n_ranked"] = int(areas["value"].notna().sum())
    classes, breaks, labels = classify(areas["value"], d.scheme, d.k, indicator.unit)
    colours = palette_for(d.indicator, len(labels))
    areas["class_index"] = classes
    areas["colour"] = [colours[c] if c >= 0 else NO_DATA_COLOUR for c in classes]
    kind, code = parse_extent(d.extent)
    areas["in_extent"] = _in_extent(areas, d.level, kind, code).fillna(False).astype(bool)
    extent_geom = extent_geometry(d.extent)
    extent_name = {"borough": "Tower Hamlets", "london": "London"}.get(kind) or f"{extent_geom.iloc[0]['name']} " + (
        "locality" if kind == "locality" else "ward")

    sources = list(indicator.source_ids) + LEVEL_SOURCES[d.level]
    for key in d.overlays:
        sources += OVERLAY_SOURCES[key]
    sources = list(dict.fromkeys(sources))
    period_label = f"mid-{d.period}" if d.indicator.startswith(("population", "pct_")) else d.period
    vintages = "; ".join(f"{get_source(s).title.split(',')[0]} ({get_source(s).vintage})" for s in dict.fromkeys(indicator.source_ids))
    plural = {"lsoa11": "the borough's LSOAs", "ward": "the borough's wards", "locality": "the borough's localities",
              "london_lsoa11": "London's 4,835 LSOAs"}[d.level]
    notes = [f"Classification: {SCHEMES[d.scheme]}, computed on all {plural}."]
    if d.indicator != description.indicator:
        notes.append(f"{CATALOGUE[description.indicator].title} is an LSOA figure; by {LEVEL_LABELS[d.level].lower()} "
                     f"it is summarised as: {indicator.title}.")
    notes.append("Localities: thmaps editable default (ward list inferred), not an official boundary.")
    if "liveable_streets" in d.overlays:
        notes.append("Liveable Streets areas are approximated by whole wards: no scheme boundary is published.")
    if "s106" in d.overlays:
        notes.append("S106/CIL projects placed at the practice postcode the source names; 2 of 5 cannot be located.")
    return PreparedMap(
        description=d, areas=areas, breaks=breaks, labels=labels, colours=colours,
        localities=store.load_layer("localities"), extent_geometry=extent_geom,
        overlays=overlay_frames(d.overlays, d.tube_year, d.extent),
        title=d.title or indicator.title,
        subtitle=f"{extent_name} · by {LEVEL_LABELS[d.level]} · {period_label}",
        legend_title=f"{indicator.title if indicator.summary_of else indicator.title.split(':')[0]} ({indicator.unit}), {period_label}",
        source_line=f"Source: {vintages}. Method: {indicator.method}",
        attributions=attribution_lines(sources),
        notes=notes,
        made_on=_dt.date.today().isoformat(),
    )
