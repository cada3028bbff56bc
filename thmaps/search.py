"""Find a place: a postcode, a ward, a locality, an area code or name, a GP practice or any other named place.

Every named thing in the store is indexed once per store version: postcodes, localities, wards,
LSOAs 2011 and 2021, MSOAs and Output Areas 2021, GP practices and the other NHS facilities,
S106/CIL projects that have a location, NO2 diffusion tubes, automatic monitoring sites and
Liveable Streets areas. :func:`find_place` ranks what matches a person's text; a match's
:attr:`Place.key` (``"ward:E05009325"``, ``"postcode:E14 0XA"``) is what a map description carries
as its ``focus`` and a URL keeps, and :func:`place` turns it back into the place.

Examples
--------
>>> normalise("  St. Katharine's &  Wapping ")
'st katharines wapping'
>>> Place("ward", "E05009325", "Lansbury", "Ward", 1.0, 2.0, (0.0, 0.0, 3.0, 4.0)).key
'ward:E05009325'
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from . import store
from .errors import UnknownPlaceError
from .geo.poles import label_points
from .sources import normalise_postcode

#: Kinds of place, in the order a tie is broken (a ward before a tube of the same name), with their names.
KINDS = {
    "locality": "Locality", "ward": "Ward", "postcode": "Postcode", "gp_practice": "GP practice",
    "hospital": "Hospital", "clinic": "Clinic", "pharmacy": "Pharmacy", "s106": "S106/CIL health project",
    "monitoring_site": "Air quality monitoring site", "liveable_streets": "Liveable Streets area",
    "msoa21": "MSOA 2021", "lsoa11": "LSOA 2011", "lsoa21": "LSOA 2021", "oa21": "Output Area 2021",
    "no2_tube": "NO2 diffusion tube",
}
#: Kinds whose codes people type (an S106 project's number is only ours).
CODED_KINDS = tuple(k for k in KINDS if k not in ("s106", "liveable_streets", "locality"))
#: How far around a point place the map zooms, metres (the neighbourhood: its streets and nearest services).
POINT_BOX_METRES = 600.0
#: Most matches :func:`find_place` returns.
MAX_MATCHES = 12
_CODE = re.compile(r"^[A-Z]\d{8}$")


@dataclass(frozen=True)
class Place:
    """One place a person can look for.

    Parameters
    ----------
    kind : str
        A key of :data:`KINDS`.
    code : str
        Its identifier within the kind (ONS code, postcode, ODS code, site number...).
    name : str
        What people call it.
    detail : str
        A short description (``"Ward, South East locality"``).
    x, y : float
        A point inside it (EPSG:27700): the point itself, or an area's pole of inaccessibility.
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` to zoom to, EPSG:27700.
    score : float
        How well it matched the text (higher is better; 0 for :func:`place`).
    """

    kind: str
    code: str
    name: str
    detail: str
    x: float
    y: float
    bounds: tuple[float, float, float, float]
    score: float = 0.0

    @property
    def key(self) -> str:
        """``"<kind>:<code>"``: what a map description's ``focus`` and a URL hold."""
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        """``"Lansbury (Ward, South East locality)"``: for a list of matches."""
        return f"{self.name} ({self.detail})" if self.detail else self.name

    @property
    def is_point(self) -> bool:
        return self.bounds[0] == self.bounds[2] and self.bounds[1] == self.bounds[3]


def normalise(text) -> str:
    """Lower case, letters and digits only, single spaces: how names are compared."""
    text = re.sub(r"['’.]", "", str(text or "").lower())  # "St. Katharine's" -> "st katharines"
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def _areas(kind: str, layer: str, detail) -> pd.DataFrame:
    frame = store.load_layer(layer)
    points = label_points(frame.geometry)
    bounds = frame.geometry.bounds
    return pd.DataFrame({"kind": kind, "code": frame["code"].astype(str), "name": frame["name"].astype(str),
                         "detail": [detail(row) for _, row in frame.iterrows()], "aliases": "",
                         "x": points.x.to_numpy(), "y": points.y.to_numpy(), "minx": bounds["minx"].to_numpy(),
                         "miny": bounds["miny"].to_numpy(), "maxx": bounds["maxx"].to_numpy(),
                         "maxy": bounds["maxy"].to_numpy()})


def _points(kind, frame: pd.DataFrame, code, name, detail, aliases=None) -> pd.DataFrame:
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    x, y = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    kinds = kind if isinstance(kind, pd.Series) else pd.Series(kind, index=frame.index)
    return pd.DataFrame({"kind": kinds.loc[frame.index].to_numpy(), "code": [_text(v) for v in code(frame)],
                         "name": [_text(v) for v in name(frame)],
                         "detail": [detail(row) for _, row in frame.iterrows()],
                         "aliases": [_text(v) for v in aliases(frame)] if aliases else "",
                         "x": x, "y": y, "minx": x, "miny": y, "maxx": x, "maxy": y})


def _where(row) -> str:
    """``"Lansbury ward, South East"`` for a point with ward and locality columns."""
    ward, locality = _text(row.get("ward_name")), _text(row.get("locality"))
    parts = [f"{ward} ward" if ward else "outside the borough"] + ([locality] if locality else [])
    return ", ".join(parts)


def _build_index() -> pd.DataFrame:
    wards = store.load_layer("wards")
    ward_names = dict(zip(wards["code"], wards["name"]))
    frames = [
        _areas("locality", "localities", lambda r: "Locality"),
        _areas("ward", "wards", lambda r: f"Ward, {r['locality']} locality"),
        _areas("lsoa11", "lsoa11", lambda r: f"LSOA 2011 {r['code']}, mostly in "
                                             f"{ward_names.get(r['main_ward_code'], 'the borough')} ward"),
        _areas("lsoa21", "lsoa21", lambda r: f"LSOA 2021 {r['code']}"),
        _areas("msoa21", "msoa21", lambda r: f"MSOA 2021 {r['code']}"),
        _areas("oa21", "oa21", lambda r: "Output Area 2021"),
    ]
    postcodes = store.load_layer("postcodes")
    frames.append(_points("postcode", postcodes, lambda f: f["postcode"], lambda f: f["postcode"],
                          lambda r: f"Postcode, {_where(r)}"))
    facilities = store.load_layer("facilities")
    facilities = facilities[facilities["duplicate_of"].fillna("") == ""]
    frames.append(_points(facilities["kind"], facilities, lambda f: f["facility_id"], lambda f: f["name"],
                          lambda r: f"{KINDS.get(r['kind'], r['kind'])}, {_text(r['postcode'])}, {_where(r)}"
                          + (" (closed)" if _text(r["status"]).lower().startswith("closed") else ""),
                          aliases=lambda f: f["facility_id"].astype(str) + " " + f["postcode"].astype(str)))
    projects = store.load_layer("s106_projects").reset_index(drop=True)
    projects["code"] = (projects.index + 1).astype(str)
    frames.append(_points("s106", projects, lambda f: f["code"], lambda f: f["project"],
                          lambda r: f"S106/CIL health project, {_where(r)}", aliases=lambda f: f["location"]))
    tubes = store.load_layer("no2_tubes").sort_values("year").drop_duplicates("site_no", keep="last")
    frames.append(_points("no2_tube", tubes, lambda f: f["site_no"], lambda f: f["location"],
                          lambda r: f"NO2 diffusion tube {r['site_no']} (to {r['year']}), {_where(r)}",
                          aliases=lambda f: "tube " + f["site_no"].astype(str)))
    sites = store.load_layer("monitoring_sites")
    frames.append(_points("monitoring_site", sites, lambda f: f["site_code"], lambda f: f["site_name"],
                          lambda r: f"Automatic monitoring site, {_where(r)}",
                          aliases=lambda f: f["site_code"] + " " + f["source_ward_label"].fillna("")))
    liveable = store.load_layer("liveable_streets").reset_index(drop=True)
    points = label_points(liveable.geometry)
    bounds = liveable.geometry.bounds
    frames.append(pd.DataFrame({
        "kind": "liveable_streets", "code": liveable["area"].astype(str), "name": "Liveable Streets: " + liveable["area"],
        "detail": "Liveable Streets area (approximate: whole wards)", "aliases": liveable["ward_names"].fillna(""),
        "x": points.x.to_numpy(), "y": points.y.to_numpy(), **{c: bounds[c].to_numpy() for c in bounds.columns}}))
    index = pd.concat(frames, ignore_index=True)
    index = index[index["code"] != ""].drop_duplicates(["kind", "code"]).reset_index(drop=True)
    index["norm_name"] = index["name"].map(normalise)
    index["norm_all"] = (index["name"] + " " + index["aliases"] + " " + index["code"]).map(normalise)
    index["order"] = index["kind"].map({k: i for i, k in enumerate(KINDS)}).fillna(len(KINDS))
    return index


@lru_cache(maxsize=2)
def _index(location: str, user_location: str, version: float, user_version: int) -> pd.DataFrame:
    return _build_index()


def index() -> pd.DataFrame:
    """Every place that can be found: ``kind``, ``code``, ``name``, ``detail``, point and bounds (EPSG:27700).

    Made once per build and per user-data change (a project added to the S106 register can be found at once)."""
    return _index(*store.cache_key())


def _score(query: str, places: pd.DataFrame, fuzzy: bool) -> np.ndarray:
    """How well each place matches a normalised query: 100 exact name ... 0 no match.

    Wards and localities get a few points more than a tube or a pharmacy named after the same street.
    """
    names, texts = places["norm_name"], places["norm_all"]
    exact = (names == query).to_numpy()
    prefix = names.str.startswith(query).to_numpy()
    # Every query word begins some word of the name, aliases or code ("chrisp st" finds "The Chrisp Street...").
    padded = " " + texts
    all_words = np.ones(len(texts), dtype=bool)
    for word in query.split():
        all_words &= padded.str.contains(" " + re.escape(word), regex=True).to_numpy()
    inside = texts.str.contains(re.escape(query), regex=True).to_numpy()
    score = np.select([exact, prefix, all_words, inside], [100.0, 85.0, 80.0, 60.0], 0.0)
    if fuzzy and not score.any() and len(query) >= 4:
        # Nothing matched as typed: close spellings of a whole name ("Lansbery").
        close = difflib.get_close_matches(query, list(dict.fromkeys(names)), n=MAX_MATCHES, cutoff=0.75)
        for rank, name in enumerate(close):
            score = np.where((names == name).to_numpy(), np.maximum(score, 50.0 - rank), score)
    bonus = places["kind"].isin(["ward", "locality"]).to_numpy() * 10.0
    return np.where(score > 0, score + bonus, 0.0)


def find_place(text, limit: int = MAX_MATCHES) -> list[Place]:
    """Places matching ``text``, best first.

    Parameters
    ----------
    text : str
        A postcode (``"E14 0XA"``, ``"e140xa"``), an ONS code (``"E01004243"``, ``"E05009325"``), an ODS
        code, or any part of a name (``"Lansbury"``, ``"Chrisp Street"``, ``"Tower Hamlets 020A"``).
    limit : int
        Most matches returned.

    Returns
    -------
    list of Place
        Best first: exact codes and postcodes, then exact names, names beginning with the text,
        names holding every word, names holding the text, close spellings; ties broken by kind
        (:data:`KINDS` order) and name. Empty if nothing matches (or the text is blank).
    """
    raw = " ".join(str(text or "").split())[:100]
    query = normalise(raw)
    if not query:
        return []
    places = index()
    score = np.zeros(len(places))
    postcode = normalise_postcode(raw)
    if postcode:
        score = np.where(((places["kind"] == "postcode") & (places["code"] == postcode)).to_numpy(), 200.0, score)
    elif re.fullmatch(r"[A-Za-z]{1,2}\d[A-Za-z\d]?( \d[A-Za-z]?)?", raw):
        # The start of a postcode ("E14 0", "E1"): its postcodes, in order.
        start = raw.upper()
        score = np.where(((places["kind"] == "postcode") & places["code"].str.startswith(start + " " if " " not in start
                                                                                         else start)).to_numpy(),
                         80.0, score)
    upper = raw.upper().replace(" ", "")
    if any(ch.isdigit() for ch in upper):  # a code: ONS, ODS, site number (names are not codes)
        coded = (places["code"].str.upper() == upper) & places["kind"].isin(CODED_KINDS)
        score = np.where(coded.to_numpy(), np.maximum(score, 150.0), score)
    if not _CODE.match(upper) and max(len(word) for word in query.split()) >= 2:  # "7 7" names nothing
        score = np.maximum(score, _score(query, places, fuzzy=not score.any()))
    found = places.assign(score=score)
    found = found[found["score"] > 0].sort_values(["score", "order", "name"], ascending=[False, True, True])
    return [_place(row) for _, row in found.head(max(1, int(limit))).iterrows()]


def _place(row) -> Place:
    return Place(row["kind"], row["code"], row["name"], row["detail"], float(row["x"]), float(row["y"]),
                 (float(row["minx"]), float(row["miny"]), float(row["maxx"]), float(row["maxy"])),
                 float(row.get("score", 0.0)))


def place(key: str) -> Place:
    """The place a key names (``"postcode:E14 0XA"``, ``"ward:E05009325"``...).

    Raises
    ------
    UnknownPlaceError
        If no place has that key (the store may have been rebuilt without it).
    """
    kind, _, code = str(key or "").partition(":")
    places = index()
    hit = places[(places["kind"] == kind) & (places["code"] == code)]
    if hit.empty:
        shown = "".join(ch for ch in str(key) if ch.isprintable())[:60]
        raise UnknownPlaceError(f"no place {shown!r} in the store; search for it again")
    return _place(hit.iloc[0])


def zoom_bounds(found: Place, margin: float = POINT_BOX_METRES) -> tuple[float, float, float, float]:
    """What a map zooms to for a place: its bounds, or a box ``margin`` metres around a point."""
    minx, miny, maxx, maxy = found.bounds
    pad = margin if found.is_point else max(40.0, 0.08 * max(maxx - minx, maxy - miny))
    return minx - pad, miny - pad, maxx + pad, maxy + pad
