"""The store: one GeoPackage built from the sources, replaced atomically, read with caching.

Layers (all geometry in EPSG:27700):

* boundaries: ``wards``, ``lsoa11``, ``lsoa21``, ``msoa21``, ``oa21``, ``localities``, ``borough``,
  ``london_lsoa11`` (for London-wide maps), ``water`` (print background);
* facilities: ``facilities`` (GP practices, hospitals, pharmacies, clinics);
* overlays: ``s106_projects``, ``no2_tubes``, ``monitoring_sites``, ``liveable_streets``;
* tables: ``indicators`` (long), ``indicator_catalogue``, ``lsoa_ward_weights``, ``locality_definition``,
  ``postcodes``, ``sources``, ``build_info``.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from . import geography, indicators, io, settings
from .sources import SourceError, load_registry
from .validate import validate

SPATIAL_LAYERS = ("wards", "lsoa11", "lsoa21", "msoa21", "oa21", "localities", "borough", "london_lsoa11", "water",
                  "facilities", "s106_projects", "no2_tubes", "monitoring_sites", "liveable_streets", "postcodes")
TABLE_LAYERS = ("indicators", "indicator_catalogue", "lsoa_ward_weights", "locality_definition", "sources", "build_info")


class BuildError(RuntimeError):
    """The store could not be built; the previous store, if any, is left as it was."""


class StoreMissingError(FileNotFoundError):
    """No store has been built yet."""


class StoreOutdatedError(RuntimeError):
    """The store was built by an older thmaps (its format is not :data:`thmaps.settings.STORE_FORMAT`)."""


# --------------------------------------------------------------------------- build

def assemble(source_dir: Path | None = None, localities_csv: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read every source and compute every layer of the store (in memory).

    Returns
    -------
    dict
        Layer name -> GeoDataFrame or DataFrame.
    """
    layers: dict[str, pd.DataFrame] = {}
    for name in ("wards", "lsoa11", "lsoa21", "msoa21", "oa21", "london_lsoa11"):
        layers[name] = io.read_boundary(name, source_dir)
    wards = layers["wards"]
    localities = geography.read_localities(wards, localities_csv)
    wards = wards.merge(localities[["ward_code", "locality", "locality_code"]], left_on="code", right_on="ward_code").drop(columns="ward_code")
    layers["wards"] = wards
    layers["localities"] = geography.dissolve_localities(wards, localities)
    layers["borough"] = geography.dissolve_borough(wards)
    layers["locality_definition"] = localities
    layers["water"] = geography.water_areas(wards, layers["london_lsoa11"])
    areas = {k: layers[k] for k in ("wards", "lsoa11", "lsoa21")}

    # LSOA attributes for the lsoa layers: locality by majority ward, for filtering by patch.
    weights = geography.lsoa_ward_weights(layers["lsoa11"], layers["oa21"], io.read_oa_ward_lookup(source_dir), wards)
    layers["lsoa_ward_weights"] = weights
    major = weights.sort_values("weight", ascending=False).drop_duplicates("lsoa11cd").set_index("lsoa11cd")["ward_code"]
    ward_locality = dict(zip(localities["ward_code"], localities["locality"]))
    layers["lsoa11"]["main_ward_code"] = layers["lsoa11"]["code"].map(major)
    layers["lsoa11"]["locality"] = layers["lsoa11"]["main_ward_code"].map(ward_locality)

    postcodes = io.read_codepoint(source_dir)
    nhs = [relocate_to_postcode(io.read_nhs_facilities(k, source_dir), postcodes) for k in ("hospital", "pharmacy", "clinic")]
    facilities = [io.read_gp_practices(source_dir)] + nhs
    facilities = pd.concat([f.drop(columns=[c for c in ("easting", "northing", "lat", "lon") if c in f.columns]) for f in facilities],
                           ignore_index=True)
    facilities = gpd.GeoDataFrame(facilities, geometry="geometry", crs=settings.CRS_STORE)
    facilities["list_size"] = pd.to_numeric(facilities["list_size"], errors="coerce").astype("Int64")
    layers["facilities"] = geography.assign_areas(facilities, areas, localities)

    tubes = geography.assign_areas(io.read_no2_tubes(source_dir), areas, localities)
    tubes["objective_status"] = objective_status(tubes)
    layers["no2_tubes"] = tubes
    sites = geography.assign_areas(io.read_laqn_sites(source_dir), areas, localities)
    layers["monitoring_sites"] = sites.loc[sites["in_borough"]].reset_index(drop=True)

    layers["s106_projects"] = locate_s106(io.read_s106_projects(source_dir), layers["facilities"], areas, localities)
    layers["liveable_streets"] = approximate_liveable_streets(io.read_liveable_streets(source_dir), wards)

    extra = postcodes_from_practices(io.read_gp_practices(source_dir), set(postcodes["postcode"]))
    postcodes = pd.concat([postcodes, extra], ignore_index=True)
    layers["postcodes"] = geography.assign_areas(gpd.GeoDataFrame(postcodes, geometry="geometry", crs=settings.CRS_STORE),
                                                 areas, localities).drop(columns=["easting", "northing"])

    layers["indicators"] = build_indicators(layers, weights, localities, source_dir)
    layers["indicator_catalogue"] = indicators.catalogue_frame()
    return layers


def build_indicators(layers, weights, localities, source_dir) -> pd.DataFrame:
    """The long indicator table: own levels, aggregates and London / England comparators."""
    population = {y: io.read_population(y, source_dir) for y in (2019, 2020)}
    imd_all = io.read_imd(source_dir)
    denominators = io.read_imd_denominators(source_dir)
    lsoa_codes = set(layers["lsoa11"]["code"])
    imd = imd_all[imd_all["lsoa11cd"].isin(lsoa_codes)]
    if len(imd) != len(lsoa_codes):
        raise SourceError(f"IoD 2019: {len(lsoa_codes) - len(imd)} Tower Hamlets LSOA(s) missing")
    laei = io.read_laei_lsoa11(source_dir)
    base = indicators.lsoa_base_values(population, imd, denominators, laei)
    unknown = set(base["area_code"]) - lsoa_codes
    if unknown:
        raise SourceError(f"LSOA code(s) not in the LSOA 2011 boundaries: {sorted(unknown)[:5]}")
    london_codes = set(layers["london_lsoa11"]["code"])
    parts = [indicators.aggregate(base, weights, localities),
             indicators.decile_values(imd).assign(level="lsoa11"),
             # National deciles of every London LSOA: context for the borough, and the London-wide scale test.
             indicators.decile_values(imd_all[imd_all["lsoa11cd"].isin(london_codes)]).assign(level="london_lsoa11")]
    practices = layers["facilities"].query("kind == 'gp_practice'")
    parts.append(indicators.point_counts(practices, "gp_registered_patients", "2026-04", "list_size", localities))
    parts.append(indicators.point_counts(practices, "gp_practices", "2026-04", None, localities))
    london = layers["london_lsoa11"]
    parts.append(indicators.comparator_imd(imd_all, denominators, london["code"]))
    residents = london.groupby("lad11cd")["usualres"].sum()
    parts.append(indicators.comparator_laei(io.read_laei_boroughs(source_dir), residents))
    for sid in ("fingertips_pm25", "fingertips_fuel_poverty"):
        parts.append(indicators.fingertips_values(io.read_fingertips(sid, source_dir), sid))
    long = pd.concat(parts, ignore_index=True)
    names = {settings.BOROUGH_CODE: settings.BOROUGH_NAME, settings.LONDON_CODE: "London", settings.ENGLAND_CODE: "England"}
    for layer in ("london_lsoa11", "wards", "lsoa11", "localities"):
        names.update(dict(zip(layers[layer]["code"], layers[layer]["name"])))
    names.update(dict(zip(practices["facility_id"], practices["name"])))
    return indicators.finalise(long, names)


def objective_status(tubes: pd.DataFrame) -> pd.Series:
    """``"above"``, ``"at or below"`` the 40 µg/m³ objective, or ``"not judged"``.

    Judged on the council's annualised, bias-adjusted mean. A site with no mean, or whose published mean
    includes an implausible month (``quality_note``), is not judged.
    """
    mean = pd.to_numeric(tubes["annual_mean_bias_adjusted"], errors="coerce")
    status = np.where(mean > settings.NO2_OBJECTIVE, "above", "at or below")
    status = np.where(mean.isna() | (tubes["quality_note"] != ""), "not judged", status)
    return pd.Series(status, index=tubes.index)


def relocate_to_postcode(facilities: gpd.GeoDataFrame, postcodes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Place NHS Choices 2014 facilities at their Code-Point Open postcode.

    The NHS Choices coordinates sit about 70 m south-west of their own postcodes (a consistent offset in the
    source), which puts some facilities in the wrong ward; the postcode is the better location. The source
    offset is kept in ``source_offset_m``. A postcode missing from Code-Point keeps the source coordinates.
    """
    out = facilities.copy()
    located = postcodes.drop_duplicates("postcode").set_index("postcode").geometry
    target = out["postcode"].map(located)
    found = target.notna()
    out["source_offset_m"] = np.nan
    out.loc[found, "source_offset_m"] = out.loc[found].geometry.distance(gpd.GeoSeries(target[found], crs=out.crs)).round(0)
    out.loc[found, "geometry"] = gpd.GeoSeries(target[found], crs=out.crs)
    out["coord_source"] = np.where(found, "Code-Point Open 2014 postcode (NHS Choices coordinates offset in source)",
                                   "NHS Choices 2014 coordinates")
    return out


def locate_s106(projects: pd.DataFrame, facilities: gpd.GeoDataFrame, areas, localities) -> gpd.GeoDataFrame:
    """Place each S106/CIL project as precisely as its source allows, recording the precision.

    Where the source names the practice the project serves (``practice F84039``), the project is
    placed at that practice's registered postcode; otherwise it has no geometry and the locality or
    ward the source states is kept as text.
    """
    practices = facilities.query("kind == 'gp_practice'").set_index("facility_id")
    geoms, precision = [], []
    for location in projects["location"]:
        match = re.search(r"practice (F\d{5}|Y\d{5})", location)
        if match and match.group(1) in practices.index:
            p = practices.loc[match.group(1)]
            geoms.append(p.geometry)
            precision.append(f"postcode of practice {match.group(1)} ({p['postcode']}, {p['coord_source']})")
        else:
            geoms.append(None)
            precision.append("not located: the source gives no address or postcode")
    out = gpd.GeoDataFrame(projects.copy(), geometry=geoms, crs=settings.CRS_STORE)
    out["location_precision"] = precision
    located = out[out.geometry.notna()]
    assigned = geography.assign_areas(located, areas, localities)
    for col in ("ward_code", "ward_name", "lsoa11cd", "lsoa21cd"):
        out[col] = assigned[col].reindex(out.index)
    out["locality_mapped"] = assigned["locality"].reindex(out.index)
    return out


def approximate_liveable_streets(areas: pd.DataFrame, wards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Liveable Streets areas approximated by the ward(s) they lie in (no scheme geometry is published).

    The ward assignment of each area is an assumption kept in ``boundaries/liveable_streets_wards.csv``.
    """
    mapping = pd.read_csv(settings.LIVEABLE_STREETS_WARDS_CSV, dtype=str)
    merged = areas.merge(mapping, on="area", how="left")
    if merged["ward_names"].isna().any():
        raise SourceError(f"Liveable Streets: no ward assignment for {merged.loc[merged['ward_names'].isna(), 'area'].tolist()} "
                          f"in {settings.LIVEABLE_STREETS_WARDS_CSV.name}")
    by_name = wards.set_index("name")
    geoms = []
    for names in merged["ward_names"]:
        listed = [n.strip() for n in names.split(";")]
        unknown = [n for n in listed if n not in by_name.index]
        if unknown:
            raise SourceError(f"{settings.LIVEABLE_STREETS_WARDS_CSV.name}: unknown ward(s) {unknown}")
        geoms.append(by_name.loc[listed].geometry.union_all())
    out = gpd.GeoDataFrame(merged, geometry=geoms, crs=wards.crs)
    out["approximation"] = "Ward-level approximation: scheme boundary not published; footprint = whole ward(s) named"
    return out


def postcodes_from_practices(practices: gpd.GeoDataFrame, known: set[str]) -> gpd.GeoDataFrame:
    """Postcodes newer than Code-Point 2014 that the GP practice file locates (ONSPD May 2025)."""
    extra = practices.loc[~practices["postcode"].isin(known) & practices["postcode"].notna(), ["postcode", "coord_source", "geometry"]]
    extra = extra.drop_duplicates("postcode").copy()
    extra["positional_quality"] = None
    extra["ward_code_2014"] = None
    extra["easting"], extra["northing"] = extra.geometry.x, extra.geometry.y
    return extra


def _sources_table(layers, source_dir) -> pd.DataFrame:
    rows = []
    counts = {"wards": len(layers["wards"]), "lsoa11": len(layers["lsoa11"]), "lsoa21": len(layers["lsoa21"]),
              "msoa21": len(layers["msoa21"]), "oa21": len(layers["oa21"]), "london_lsoa11": len(layers["london_lsoa11"]),
              "gp_practices": int((layers["facilities"]["kind"] == "gp_practice").sum()),
              "nhs_hospitals": int((layers["facilities"]["kind"] == "hospital").sum()),
              "nhs_pharmacies": int((layers["facilities"]["kind"] == "pharmacy").sum()),
              "nhs_clinics": int((layers["facilities"]["kind"] == "clinic").sum()),
              "no2_tubes": len(layers["no2_tubes"]), "laqn_sites": len(layers["monitoring_sites"]),
              "s106_health": len(layers["s106_projects"]), "liveable_streets": len(layers["liveable_streets"]),
              "codepoint": int((layers["postcodes"]["coord_source"] == "Code-Point Open 2014").sum())}
    for source in load_registry().values():
        row = source.as_dict()
        row["rows_in_store"] = counts.get(source.id)
        rows.append(row)
    return pd.DataFrame(rows)


def build(source_dir: Path | None = None, store: Path | None = None, localities_csv: Path | None = None) -> dict:
    """Build the store and atomically replace the previous one.

    The GeoPackage is written to a temporary file beside the target and moved into place
    only when every layer is written, so a failed build leaves the previous store intact.

    Returns
    -------
    dict
        ``path``, ``seconds``, ``bytes`` and the row count of each layer.

    Raises
    ------
    BuildError
        With a plain message naming the problem.
    """
    source_dir = Path(source_dir or settings.source_dir())
    store = Path(store or settings.store_path())
    started = time.perf_counter()
    if not source_dir.is_dir():
        raise BuildError(f"source directory {source_dir} does not exist")
    # Validation first: a build from incomplete sources would silently shrink totals.
    errors = [p for p in validate(source_dir, localities_csv) if p.severity == "error"]
    if errors:
        raise BuildError("the sources have problems (run `python -m thmaps validate` for all of them): "
                         + "; ".join(str(p) for p in errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else ""))
    try:
        layers = assemble(source_dir, localities_csv)
        layers["sources"] = _sources_table(layers, source_dir)
    except (SourceError, geography.LocalityDefinitionError) as exc:
        raise BuildError(str(exc)) from None
    except Exception as exc:  # anything unforeseen still ends in a plain message and an intact store
        raise BuildError(f"{type(exc).__name__}: {exc}") from None
    layers["build_info"] = pd.DataFrame([{
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "source_dir": str(source_dir), "crs": settings.CRS_STORE,
        "locality_definition": str(localities_csv or settings.LOCALITIES_CSV),
        "store_format": settings.STORE_FORMAT,
    }])
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".thmaps-build-", suffix=".gpkg", dir=store.parent)
        os.close(fd)
        os.unlink(tmp_name)
    except OSError as exc:
        raise BuildError(f"cannot write to {store.parent}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        for name in SPATIAL_LAYERS + TABLE_LAYERS:
            frame = layers[name]
            if isinstance(frame, gpd.GeoDataFrame):
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
            else:
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
        os.replace(tmp, store)
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        raise BuildError(f"writing the store failed ({type(exc).__name__}: {exc}); the previous store is unchanged") from None
    load_layer.cache_clear()
    return {"path": str(store), "seconds": time.perf_counter() - started, "bytes": store.stat().st_size,
            "layers": {k: len(v) for k, v in layers.items()}}


# --------------------------------------------------------------------------- load

def _require_store(store: Path) -> Path:
    if not store.exists():
        raise StoreMissingError(f"No store at {store}. Build it with `python -m thmaps build` "
                                f"(with {settings.SOURCE_DIR_ENV} pointing at the data bundle).")
    return store


@lru_cache(maxsize=64)
def _read(store: str, mtime: float, layer: str) -> pd.DataFrame:
    frame = pyogrio.read_dataframe(store, layer=layer, use_arrow=True)
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is None and layer in SPATIAL_LAYERS:
        frame = frame.set_crs(settings.CRS_STORE)
    return frame


def load_layer(layer: str, store: Path | None = None) -> pd.DataFrame:
    """Read one layer of the store (cached until the store file changes).

    Returns a copy, so callers may modify it freely.
    """
    path = _require_store(Path(store or settings.store_path()))
    if layer not in SPATIAL_LAYERS + TABLE_LAYERS:
        raise KeyError(f"unknown layer {layer!r}; layers: {', '.join(SPATIAL_LAYERS + TABLE_LAYERS)}")
    return _read(str(path), path.stat().st_mtime, layer).copy()


load_layer.cache_clear = _read.cache_clear  # type: ignore[attr-defined]


def check_format(store: Path | None = None) -> None:
    """Raise :class:`StoreOutdatedError` (with what to do) if the store's layout is not this thmaps'.

    Raises
    ------
    StoreMissingError
        If there is no store.
    StoreOutdatedError
        If it was built by an older (or newer) thmaps.
    """
    info = load_layer("build_info", store)
    found = int(info["store_format"].iloc[0]) if "store_format" in info.columns else 1
    if found != settings.STORE_FORMAT:
        raise StoreOutdatedError(
            f"The store at {store or settings.store_path()} has format {found}; this version of thmaps reads format "
            f"{settings.STORE_FORMAT}. Rebuild it with `python -m thmaps build` (the README's app command does this).")


def list_layers(store: Path | None = None) -> list[tuple[str, str | None]]:
    """Layer names and geometry types of the store."""
    path = _require_store(Path(store or settings.store_path()))
    return [tuple(x) for x in pyogrio.list_layers(path)]
