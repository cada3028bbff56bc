"""The overlay registry: one record per overlay, read by the map description and by both renderers.

An :class:`Overlay` says which store layer it draws, which rows (a filter), which sources it rests
on, what its popup says, and how each kind of feature looks (its :class:`Symbol`). The web map and
the printed map take every colour, shape and size from here, so they agree symbol for symbol, and
their legends list the same entries (:func:`legend_entries`), including closed sites and tubes
"not judged".

Adding an overlay means one record below (and, if its data is new, a reader and a store layer).

Examples
--------
>>> OVERLAYS["no2_tubes"].symbols["above"].fill
'#b2182b'
>>> sorted(OVERLAYS)[:3]
['clinics', 'gp_practices', 'hospitals']
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import settings
from ._util import format_value, is_missing

MARKERS = ("circle", "square", "diamond", "triangle", "star", "cross", "area")


@dataclass(frozen=True)
class Symbol:
    """How one kind of feature is drawn, on screen and on paper.

    Parameters
    ----------
    label : str
        The legend text; ``{objective}`` stands for :data:`thmaps.settings.NO2_OBJECTIVE` when it is shown.
    marker : {"circle", "square", "diamond", "triangle", "star", "cross", "area"}
        The shape (``"area"`` for polygons).
    fill, edge : str
        Hex colours of the inside and the outline (``fill="none"`` for an outline only).
    size : float
        Width of a point symbol in points on A4 paper; the web map draws it this many CSS pixels wide.
    edge_width : float
        Outline width in points (pixels on screen).
    dashed : bool
        A dashed outline (closed sites, approximate areas).
    fill_opacity : float
        0-1.
    """

    label: str
    marker: str
    fill: str
    edge: str
    size: float = 10.0
    edge_width: float = 1.0
    dashed: bool = False
    fill_opacity: float = 1.0

    def __post_init__(self):
        if self.marker not in MARKERS:
            raise ValueError(f"unknown marker {self.marker!r}; use one of {', '.join(MARKERS)}")


Rows = list[tuple[str, object]]


@dataclass(frozen=True)
class Overlay:
    """One overlay: what to draw from the store and how.

    Parameters
    ----------
    key, label : str
        Identifier (used in map descriptions and URLs) and the name people see.
    layer : str
        The store layer it draws.
    sources : tuple of str
        Source registry ids behind it (for the map's attribution lines).
    select : callable
        ``select(frame, tube_year) -> frame``: the rows of the layer this overlay draws.
    symbols : dict
        Category -> :class:`Symbol`; the first is the default.
    category : callable, optional
        ``category(frame) -> Series`` of symbol keys; default: every row the first symbol.
    size_column : str, optional
        Point symbols' *area* grows with this column (GP list size); see :func:`symbol_sizes`.
    describe : callable
        ``describe(row, tube_year) -> (title, rows)``: the popup's title and (label, value) rows;
        the tooltip shows the title and the first two rows.
    note : str or callable
        A sentence added to the map's notes when the overlay is shown (an approximation, say), or
        ``note(frame) -> str`` where it depends on what is drawn (an approximation the user replaced).
    land_only : bool
        Print the areas on land only (areas made of wards, which reach the middle of the Thames).
    sources_of : callable, optional
        ``sources_of(frame) -> ids`` of sources beyond ``sources`` that the drawn rows rest on (each
        uploaded file is a source of its own: :func:`thmaps.sources.registry.get` of ``user-geometry:<key>``).
    legend_title : str
        Heading of its legend entries (``{n}`` is the number drawn, ``{year}`` the tube year).
    """

    key: str
    label: str
    layer: str
    sources: tuple[str, ...]
    select: Callable
    symbols: dict[str, Symbol]
    describe: Callable
    category: Callable | None = None
    size_column: str | None = None
    note: str | Callable = ""
    legend_title: str = ""
    size_legend: tuple[int, ...] = field(default_factory=tuple)
    sources_of: Callable | None = None
    land_only: bool = False

    @property
    def is_area(self) -> bool:
        return next(iter(self.symbols.values())).marker == "area"

    def source_ids(self, frame: pd.DataFrame) -> tuple[str, ...]:
        """The sources of the rows drawn: the overlay's own and those its rows name."""
        extra = tuple(self.sources_of(frame)) if self.sources_of is not None and len(frame) else ()
        return tuple(dict.fromkeys(self.sources + extra))

    def note_for(self, frame: pd.DataFrame) -> str:
        """The sentence the map's notes gain when this overlay is drawn as ``frame`` ("" for none)."""
        return self.note(frame) if callable(self.note) else self.note

    def categories(self, frame: pd.DataFrame) -> pd.Series:
        """The symbol key of every row."""
        if self.category is None:
            return pd.Series(next(iter(self.symbols)), index=frame.index)
        return self.category(frame)


# --------------------------------------------------------------------------- sizes

#: A GP practice of this many registered patients is drawn :data:`GP_REFERENCE_SIZE` points wide.
GP_REFERENCE_PATIENTS = 10_000
GP_REFERENCE_SIZE = 14.0
#: Size of a practice whose list size is not known.
GP_UNKNOWN_SIZE = 6.0


def symbol_sizes(overlay: Overlay, frame: pd.DataFrame) -> np.ndarray:
    """Width (points on A4, pixels on screen) of each row's symbol.

    Symbols sized by a column have an *area* proportional to it (a practice with four times the
    patients is drawn twice as wide); others take their symbol's size.
    """
    categories = overlay.categories(frame)
    base = np.array([overlay.symbols[c].size for c in categories], dtype=float)
    if overlay.size_column is None:
        return base
    values = pd.to_numeric(frame[overlay.size_column], errors="coerce").to_numpy(dtype=float)
    sized = GP_REFERENCE_SIZE * np.sqrt(np.clip(values, 0, None) / GP_REFERENCE_PATIENTS)
    return np.where(np.isnan(values), GP_UNKNOWN_SIZE, np.maximum(sized, 3.0))


def size_for(value: float) -> float:
    """The width of a sized symbol for one value (legend keys)."""
    return float(GP_REFERENCE_SIZE * np.sqrt(value / GP_REFERENCE_PATIENTS))


def legend_entries(overlay: Overlay, frame: pd.DataFrame, tube_year: int | None = None) -> tuple[str, list]:
    """The legend heading and entries of an overlay as drawn: ``(title, [(label, Symbol, size), ...])``.

    Every category present in ``frame`` gets its row (a closed hospital, tubes not judged...), and
    sized overlays get one row per reference size. Both renderers show exactly these rows.
    """
    title = (overlay.legend_title or overlay.label).format(n=len(frame), year=tube_year)
    present = set(overlay.categories(frame)) if len(frame) else set()
    entries = []
    if overlay.size_column and overlay.size_legend:
        symbol = next(iter(overlay.symbols.values()))
        entries += [(f"{n:,} patients", symbol, size_for(n)) for n in overlay.size_legend]
        if pd.to_numeric(frame[overlay.size_column], errors="coerce").isna().any():
            entries.append(("List size not known", symbol, GP_UNKNOWN_SIZE))
        return title, entries
    for key, symbol in overlay.symbols.items():
        if key in present or key == next(iter(overlay.symbols)):
            entries.append((symbol.label.format(objective=settings.NO2_OBJECTIVE), symbol, symbol.size))
    return title, entries


# --------------------------------------------------------------------------- popup helpers

def ward_text(row) -> str:
    """The ward a point lies in, and the ward across the road where it stands on a boundary."""
    ward = "" if is_missing(row.get("ward_name")) else str(row.get("ward_name"))
    near = "" if is_missing(row.get("boundary_ward")) else str(row.get("boundary_ward"))
    if not near:
        return ward or "outside the borough"
    within = f"within {settings.WARD_BOUNDARY_METRES:g} m"
    return f"{ward}, on the boundary with {near} ({within})" if ward else f"outside the borough, {within} of {near}"


def _number(value, digits: int = 1) -> str | None:
    text = format_value(pd.to_numeric(value, errors="coerce"), with_unit=False, digits=digits, missing="")
    return text or None


def _facility_kind(kind: str) -> Callable:
    def select(frame, tube_year=None):
        # A site the source lists twice (under an old trust code) is drawn once.
        return frame[(frame["kind"] == kind) & (frame["duplicate_of"].fillna("") == "")]
    return select


def _open_or_closed(frame: pd.DataFrame) -> pd.Series:
    closed = frame["status"].fillna("").astype(str).str.lower().str.startswith("closed")
    return pd.Series(np.where(closed, "closed", "open"), index=frame.index)


def _describe_facility(kind: str) -> Callable:
    def describe(row, tube_year=None):
        status = "" if is_missing(row.get("status")) else str(row.get("status"))
        label = f"{kind} (CLOSED)" if status.lower().startswith("closed") else kind
        return row["name"], [("Type", label), ("Status", status), ("Address", row.get("address")),
                             ("Postcode", row.get("postcode")), ("Ward", ward_text(row)), ("Note", row.get("note"))]
    return describe


def _describe_gp(row, tube_year=None):
    size = _number(row.get("list_size"), 0)
    return row["name"], [("Registered patients", size or "not known"), ("PCN", row.get("pcn")),
                         ("ODS code", row.get("facility_id")), ("Address", row.get("address")),
                         ("Postcode", row.get("postcode")), ("Ward", ward_text(row)),
                         ("Location from", row.get("coord_source")), ("Note", row.get("note"))]


def _describe_s106(row, tube_year=None):
    amount = _number(row.get("total_gbp"), 0)
    year = _number(row.get("year"), 0)
    return row["project"], [("Amount", f"£{amount}" if amount else "amount not stated"), ("Year", year or "not stated"),
                            ("of which S106", _number(row.get("s106_gbp"), 0)),
                            ("of which CIL", _number(row.get("cil_gbp"), 0)), ("Decision", row.get("decision_type")),
                            ("Location precision", row.get("location_precision"))]


def tube_verdict(row) -> str:
    """Whether a tube's bias-adjusted annual mean met the NO2 objective, in words."""
    status = row.get("objective_status")
    objective = settings.NO2_OBJECTIVE
    if status == "not judged":
        return "not judged: " + (row.get("quality_note") or "no annual mean")
    if status == "above":
        return f"above the {objective:g} µg/m³ objective"
    return f"within the {objective:g} µg/m³ objective"


def _describe_tube(row, tube_year=None):
    adjusted, raw = _number(row.get("annual_mean_bias_adjusted")), _number(row.get("annual_mean_raw"))
    return (f"NO2 diffusion tube {row.get('site_no')}: {row['location']}",
            [(f"NO2 {row.get('year', tube_year)}", f"{adjusted} µg/m³ bias-adjusted" if adjusted else "no annual mean"),
             ("Against objective", tube_verdict(row)), ("Raw annual mean", f"{raw} µg/m³" if raw else "n/a"),
             ("Ward", ward_text(row)), ("Adjustment", row.get("adjustment_note")),
             ("Site type", row.get("site_type")), ("Months measured", _number(row.get("months_measured"), 0))])


def _describe_site(row, tube_year=None):
    no2, pm10 = _number(row.get("no2_2018")), _number(row.get("pm10_2018"))
    return (f"Automatic monitoring site {row['site_code']}: {row['site_name']}",
            [("NO2 2018 annual mean", f"{no2} µg/m³" if no2 else "not measured"),
             ("PM10 2018 annual mean", f"{pm10} µg/m³" if pm10 else "not measured"), ("Ward", ward_text(row)),
             ("UK objective (NO2, PM10)", f"{settings.NO2_OBJECTIVE:g} µg/m³")])


def _describe_liveable(row, tube_year=None):
    if row.get("footprint") == "uploaded":
        return (f"Liveable Streets: {row['area']}",
                [("Footprint", row.get("approximation")), ("Lies in", row.get("ward_names")),
                 ("Phase", row.get("phase")), ("Status", row.get("status_notes"))])
    if row.get("footprint") == "outline":
        footprint = ("approximate outline hand-digitised by a third party from the council's consultation "
                     "documents, not an official boundary")
        wards = ("Lies in", row.get("ward_names"))
    else:
        footprint = "approximate: whole ward(s), no scheme boundary is published"
        wards = ("Wards used", row.get("ward_names"))
    return (f"Liveable Streets: {row['area']}",
            [("Footprint", footprint), wards, ("Phase", row.get("phase")), ("Status", row.get("status_notes")),
             ("Assumption", row.get("note"))])


def _describe_filter(row, tube_year=None):
    return (f"Traffic filter: {row['location']}",
            [("Scheme", row.get("scheme_area")), ("Ward", ward_text(row)),
             ("Location precision", row.get("location_precision")), ("Source", row.get("source"))])


def _tubes_of_year(frame, tube_year=None):
    return frame[frame["year"] == int(tube_year or settings.TUBE_YEARS[-1])]


def _located(frame, tube_year=None):
    return frame[frame.geometry.notna() & ~frame.geometry.is_empty]


def _all(frame, tube_year=None):
    return frame


def _liveable_footprint(frame: pd.DataFrame) -> pd.Series:
    if "footprint" in frame.columns:
        uploaded = frame["footprint"].fillna("").astype(str) == "uploaded"
    else:
        uploaded = pd.Series(False, index=frame.index)
    outline = frame["approximation"].fillna("").astype(str).str.startswith("Approximate outline")
    return pd.Series(np.where(uploaded, "uploaded", np.where(outline, "outline", "wards")), index=frame.index)


def _liveable_note(frame: pd.DataFrame) -> str:
    """What is approximate among the schemes drawn, and which boundaries the user provided."""
    kinds = _liveable_footprint(frame)
    uploaded = sorted(frame.loc[kinds == "uploaded", "area"].astype(str))
    parts = []
    if uploaded:
        parts.append(f"Boundaries provided by the user (not checked by thmaps): {', '.join(uploaded)}.")
    if (kinds != "uploaded").any():
        parts.append("No Liveable Streets scheme boundary is published.")
    if (kinds == "outline").any():
        parts.append("Bethnal Green is drawn from an approximate outline hand-digitised by a third party (not an "
                     "official boundary).")
    if (kinds == "wards").any():
        parts.append(("The other areas" if (kinds != "wards").any() else "The areas")
                     + " are approximated by the whole wards they lie in.")
    return " ".join(parts)


def _user_geometry_kind(frame: pd.DataFrame) -> pd.Series:
    return pd.Series("uploaded", index=frame.index)


def _user_areas(frame, tube_year=None):
    return frame[~frame.geom_type.isin(["Point", "MultiPoint"])]


def _user_points(frame, tube_year=None):
    # Multi-points are drawn as their parts, each a marker with the file's popup.
    points = frame[frame.geom_type.isin(["Point", "MultiPoint"])]
    return points.explode(index_parts=False) if len(points) else points


def _user_sources(frame: pd.DataFrame) -> list[str]:
    return [f"user-geometry:{key}" for key in dict.fromkeys(frame["key"].astype(str))]


def _describe_user_geometry(row, tube_year=None):
    notes = "; ".join(str(n) for n in (row.get("notes") or []) if n) if isinstance(row.get("notes"), list) else ""
    return (str(row.get("title")),
            [("Provided by the user", row.get("file_name")), ("Uploaded", row.get("uploaded")),
             ("Repairs", notes or None)])


_USER_NOTE = "Your uploaded areas and points are shown as provided (reprojected, repaired where said): not checked."


def _tube_status(frame: pd.DataFrame) -> pd.Series:
    return frame["objective_status"].fillna("not judged")


_CLOSED_NOTE = "closed (was in the 2014 list)"

# --------------------------------------------------------------------------- the registry

_REGISTRY = (
    Overlay("gp_practices", "GP practices (sized by list size)", "facilities", ("gp_practices",),
            _facility_kind("gp_practice"),
            {"open": Symbol("GP practice", "circle", "#ffffff", "#08306b", GP_REFERENCE_SIZE, 2.0,
                            fill_opacity=0.55)},
            _describe_gp, size_column="list_size", size_legend=(5_000, 10_000, 20_000),
            legend_title="GP practices, sized by registered patients ({n})"),
    Overlay("hospitals", "Hospitals (NHS Choices 2014)", "facilities", ("nhs_hospitals",), _facility_kind("hospital"),
            {"open": Symbol("Hospital", "cross", "#6a51a3", "#ffffff", 13, 0.8),
             "closed": Symbol(f"Hospital, {_CLOSED_NOTE}", "cross", "#ffffff", "#737373", 13, 1.2, dashed=True)},
            _describe_facility("Hospital"), category=_open_or_closed, legend_title="Hospitals, 2014 ({n})"),
    Overlay("pharmacies", "Pharmacies (NHS Choices 2014)", "facilities", ("nhs_pharmacies",),
            _facility_kind("pharmacy"),
            {"open": Symbol("Pharmacy", "diamond", "#1b7837", "#ffffff", 8, 0.6),
             "closed": Symbol(f"Pharmacy, {_CLOSED_NOTE}", "diamond", "#ffffff", "#737373", 8, 1.0, dashed=True)},
            _describe_facility("Pharmacy"), category=_open_or_closed, legend_title="Pharmacies, 2014 ({n})"),
    Overlay("clinics", "Clinics (NHS Choices 2014)", "facilities", ("nhs_clinics",), _facility_kind("clinic"),
            {"open": Symbol("Clinic", "square", "#c51b7d", "#ffffff", 9, 0.8),
             "closed": Symbol(f"Clinic, {_CLOSED_NOTE}", "square", "#ffffff", "#737373", 9, 1.0, dashed=True)},
            _describe_facility("Clinic"), category=_open_or_closed, legend_title="Clinics, 2014 ({n})"),
    Overlay("s106", "S106/CIL-funded health projects", "s106_projects", ("s106_health",), _located,
            {"located": Symbol("S106/CIL health project (at the practice postcode)", "star", "#fdae6b", "#3f007d", 17,
                               0.9)},
            _describe_s106,
            note="S106/CIL projects placed at the practice postcode the source names; 2 of 5 cannot be located.",
            legend_title="S106/CIL-funded health projects ({n})"),
    Overlay("no2_tubes", "NO2 diffusion tubes", "no2_tubes", ("no2_tubes",), _tubes_of_year,
            {"above": Symbol("Above {objective:g} µg/m³ (UK objective)", "circle", "#b2182b", "#1a1a1a",
                             7, 0.6),
             "at or below": Symbol("At or below {objective:g} µg/m³", "circle", "#2166ac", "#1a1a1a",
                                   7, 0.6),
             "not judged": Symbol("Not judged (no mean, or a suspect month)", "circle", "#bdbdbd", "#1a1a1a", 7, 0.6)},
            _describe_tube, category=_tube_status,
            legend_title="NO2 diffusion tubes, {year} bias-adjusted annual mean ({n})"),
    Overlay("monitoring_sites", "Automatic air quality monitoring sites", "monitoring_sites", ("laqn_sites",), _all,
            {"site": Symbol("Automatic monitoring site (LAQN)", "triangle", "#ffff33", "#000000", 12, 1.5)},
            _describe_site, legend_title="Automatic monitoring sites ({n})"),
    Overlay("liveable_streets", "Liveable Streets areas (approximate)", "liveable_streets",
            ("liveable_streets", "liveable_streets_outline"), _all,
            {"outline": Symbol("Scheme area, approximate outline (third party; Bethnal Green)", "area", "#3f007d",
                               "#3f007d", edge_width=2.2, dashed=True, fill_opacity=0.10),
             "wards": Symbol("Scheme area approximated by whole wards (no boundary published)", "area", "#4d4d4d",
                             "#4d4d4d", edge_width=1.6, dashed=True, fill_opacity=0.04),
             "uploaded": Symbol("Scheme boundary provided by the user", "area", "#3f007d", "#3f007d",
                                edge_width=2.2, fill_opacity=0.10)},
            _describe_liveable, category=_liveable_footprint, note=_liveable_note, land_only=True,
            legend_title="Liveable Streets ({n})"),
    Overlay("traffic_filters", "Liveable Streets traffic filters (Bethnal Green, approximate)", "traffic_filters",
            ("liveable_streets_filters",), _all,
            {"filter": Symbol("Traffic filter (located by a third party)", "square", "#252525", "#ffffff", 7, 0.8)},
            _describe_filter,
            note="Traffic filters of the Bethnal Green scheme, located from the council's consultation documents "
                 "by a third party: positions are approximate.",
            legend_title="Liveable Streets traffic filters, Bethnal Green ({n})"),
    Overlay("user_areas", "Your uploaded areas", "user_geometries", (), _user_areas,
            # Black on a white haze stands out on every palette of the choropleths.
            {"uploaded": Symbol("Area or line you uploaded", "area", "#ffffff", "#000000", edge_width=2.4,
                                fill_opacity=0.15)},
            _describe_user_geometry, category=_user_geometry_kind, note=_USER_NOTE, sources_of=_user_sources,
            legend_title="Your uploaded areas ({n})"),
    Overlay("user_points", "Your uploaded points", "user_geometries", (), _user_points,
            {"uploaded": Symbol("Point you uploaded", "triangle", "#00e5ff", "#000000", 10, 1.0)},
            _describe_user_geometry, category=_user_geometry_kind, note=_USER_NOTE, sources_of=_user_sources,
            legend_title="Your uploaded points ({n})"),
)

#: Overlays drawn from user data: offered only when the user has uploaded something for them.
USER_OVERLAYS = ("user_areas", "user_points")

#: Every overlay by key, in legend order.
OVERLAYS: dict[str, Overlay] = {o.key: o for o in _REGISTRY}


def get(key: str) -> Overlay:
    """The overlay record for a key (``KeyError`` if unknown; map descriptions check keys first)."""
    return OVERLAYS[key]


def offered(store=None) -> list[str]:
    """Keys of the overlays to offer, in legend order: every built one, and the user's only where something
    was uploaded for them."""
    from . import store as _store

    uploaded = _store.load_layer("user_geometries", store)
    return [key for key, overlay in OVERLAYS.items()
            if key not in USER_OVERLAYS or len(overlay.select(uploaded))]


def labels() -> dict[str, str]:
    """Key -> label of every overlay, for choosers."""
    return {key: overlay.label for key, overlay in OVERLAYS.items()}
