"""Build the store: read every source, join, apportion and aggregate, then write all layers at once.

The only module that writes the store. Data flows one way: sources -> geography -> indicators ->
store; maps, profiles and reports read the store and never the sources.
"""
from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import settings, store as _store
from .errors import BuildError, ThmapsError
from .geo import assign_areas, dissolve_borough, dissolve_localities, lsoa_ward_weights, read_localities, water_areas
from .geo.apportion import main_ward, oa_ward_lookup, ward_weight_change
from .geo.placement import (approximate_liveable_streets, locate_s106, place_traffic_filters, postcodes_from_practices,
                            relocate_to_postcode)
from .indicators import aggregate as agg, catalogue_frame
from .sources import air, boundaries, census, health, population, reference
from .sources.registry import get as get_source, load_registry
from .validation import validate


def assemble(source_dir: Path | None = None, localities_csv: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read every source and compute every layer of the store (in memory).

    Returns
    -------
    dict
        Layer name -> GeoDataFrame or DataFrame.
    """
    layers: dict[str, pd.DataFrame] = {}
    for name in ("wards", "lsoa11", "lsoa21", "msoa21", "oa21", "london_lsoa11"):
        layers[name] = boundaries.read_boundary(name, source_dir)
    wards = layers["wards"]
    localities = read_localities(wards, localities_csv)
    wards = wards.merge(localities[["ward_code", "locality", "locality_code"]], left_on="code", right_on="ward_code").drop(columns="ward_code")
    layers["wards"] = wards
    layers["localities"] = dissolve_localities(wards, localities)
    layers["borough"] = dissolve_borough(wards)
    layers["locality_definition"] = localities
    layers["water"] = water_areas(wards, layers["london_lsoa11"])
    areas = {k: layers[k] for k in ("wards", "lsoa11", "lsoa21")}

    # Census 2021 Output Areas: whole OAs to best-fit wards; their usual residents weight LSOAs 2011 to wards.
    counts = census.read_counts(source_dir)
    best_fit = boundaries.read_oa_ward_lookup(source_dir)
    members = _census_geography(layers, best_fit, counts, localities)
    weights = lsoa_ward_weights(layers["lsoa11"], layers["oa21"], best_fit, wards,
                                counts.set_index("oa21cd")["usual_residents"])
    layers["lsoa_ward_weights"] = weights
    layers["ward_weight_change"] = ward_weight_change(weights, population.read_population(2020, source_dir), wards)
    # LSOA attributes for the lsoa layers: locality by majority ward, for filtering by patch.
    major = weights.sort_values("weight", ascending=False).drop_duplicates("lsoa11cd").set_index("lsoa11cd")["ward_code"]
    ward_locality = dict(zip(localities["ward_code"], localities["locality"]))
    layers["lsoa11"]["main_ward_code"] = layers["lsoa11"]["code"].map(major)
    layers["lsoa11"]["locality"] = layers["lsoa11"]["main_ward_code"].map(ward_locality)

    postcodes = reference.read_codepoint(source_dir)
    nhs = [relocate_to_postcode(health.read_nhs_facilities(k, source_dir), postcodes) for k in ("hospital", "pharmacy", "clinic")]
    facilities = [health.read_gp_practices(source_dir)] + nhs
    facilities = pd.concat([f.drop(columns=[c for c in ("easting", "northing", "lat", "lon") if c in f.columns]) for f in facilities],
                           ignore_index=True)
    facilities = gpd.GeoDataFrame(facilities, geometry="geometry", crs=settings.CRS_STORE)
    facilities["list_size"] = pd.to_numeric(facilities["list_size"], errors="coerce").astype("Int64")
    layers["facilities"] = assign_areas(facilities, areas, localities)

    tubes = assign_areas(air.read_no2_tubes(source_dir), areas, localities)
    tubes["objective_status"] = air.objective_status(tubes)
    layers["no2_tubes"] = tubes
    sites = assign_areas(air.read_laqn_sites(source_dir), areas, localities)
    layers["monitoring_sites"] = sites.loc[sites["in_borough"]].reset_index(drop=True)

    layers["s106_projects"] = locate_s106(reference.read_s106_projects(source_dir), layers["facilities"], areas, localities)
    layers["liveable_streets"] = approximate_liveable_streets(reference.read_liveable_streets(source_dir), wards,
                                                              reference.read_liveable_streets_outline(source_dir))
    layers["traffic_filters"] = place_traffic_filters(reference.read_traffic_filters(source_dir), areas, localities)

    extra = postcodes_from_practices(health.read_gp_practices(source_dir), set(postcodes["postcode"]))
    postcodes = pd.concat([postcodes, extra], ignore_index=True)
    layers["postcodes"] = assign_areas(gpd.GeoDataFrame(postcodes, geometry="geometry", crs=settings.CRS_STORE),
                                                 areas, localities).drop(columns=["easting", "northing"])

    layers["indicators"] = build_indicators(layers, weights, localities, source_dir, counts, members)
    layers["indicator_catalogue"] = catalogue_frame()
    return layers


def _census_geography(layers, best_fit, counts, localities) -> pd.DataFrame:
    """Place every OA in its LSOA/MSOA 2021 and best-fit ward; give the 2021 layers a main ward and locality.

    Stores ``oa_ward_lookup`` (with how far each OA straddles a ward boundary) and returns the OA
    membership table used to sum census values: ``oa21cd``, ``lsoa21cd``, ``msoa21cd``, ``ward_code``,
    ``locality_code``, ``usual_residents``.
    """
    lookup = oa_ward_lookup(layers["oa21"], best_fit, layers["wards"])
    lookup = lookup.merge(counts[["oa21cd", "lsoa21cd", "usual_residents"]], on="oa21cd", how="left")
    if lookup["lsoa21cd"].isna().any():
        lost = lookup.loc[lookup["lsoa21cd"].isna(), "oa21cd"].tolist()
        raise BuildError(f"{get_source('census_oa_counts').path}: no row for OA(s) {lost[:3]}")
    layers["oa_ward_lookup"] = lookup[["oa21cd", "lsoa21cd", "msoa21cd", "ward_code", "ward_name", "method",
                                       "share_outside", "largest_other_ward_code", "straddles", "straddle_threshold",
                                       "usual_residents"]]
    members = lookup[["oa21cd", "lsoa21cd", "msoa21cd", "ward_code", "usual_residents"]].copy()
    members["locality_code"] = members["ward_code"].map(dict(zip(localities["ward_code"], localities["locality_code"])))
    ward_locality = dict(zip(localities["ward_code"], localities["locality"]))
    for level, column in (("oa21", "oa21cd"), ("lsoa21", "lsoa21cd"), ("msoa21", "msoa21cd")):
        layer = layers[level]
        unknown = sorted(set(members[column]) ^ set(layer["code"]))
        if unknown:
            raise BuildError(f"{level}: codes of the boundaries and the Census 2021 OAs differ, e.g. {unknown[:3]}")
        layer["main_ward_code"] = layer["code"].map(main_ward(members, column))
        layer["locality"] = layer["main_ward_code"].map(ward_locality)
        if level == "oa21":
            layer["lsoa21cd"] = layer["code"].map(dict(zip(members["oa21cd"], members["lsoa21cd"])))
            layer["msoa21cd"] = layer["code"].map(dict(zip(members["oa21cd"], members["msoa21cd"])))
            layer["usual_residents"] = layer["code"].map(dict(zip(members["oa21cd"], members["usual_residents"])))
    return members


def build_indicators(layers, weights, localities, source_dir, counts, members) -> pd.DataFrame:
    """The long indicator table: own levels, aggregates and London / England comparators."""
    by_year = {y: population.read_population(y, source_dir) for y in (2019, 2020)}
    imd_all = population.read_imd(source_dir)
    denominators = population.read_imd_denominators(source_dir)
    lsoa_codes = set(layers["lsoa11"]["code"])
    imd = imd_all[imd_all["lsoa11cd"].isin(lsoa_codes)]
    if len(imd) != len(lsoa_codes):
        raise BuildError(f"IoD 2019: {len(lsoa_codes) - len(imd)} Tower Hamlets LSOA(s) missing")
    laei = air.read_laei_lsoa11(source_dir)
    base = agg.lsoa_base_values(by_year, imd, denominators, laei)
    unknown = set(base["area_code"]) - lsoa_codes
    if unknown:
        raise BuildError(f"LSOA code(s) not in the LSOA 2011 boundaries: {sorted(unknown)[:5]}")
    london_codes = set(layers["london_lsoa11"]["code"])
    parts = [agg.aggregate(base, weights, localities),
             agg.decile_values(imd).assign(level="lsoa11"),
             # National deciles of every London LSOA: context for the borough, and the London-wide scale test.
             agg.decile_values(imd_all[imd_all["lsoa11cd"].isin(london_codes)]).assign(level="london_lsoa11")]
    practices = layers["facilities"].query("kind == 'gp_practice'")
    parts.append(agg.point_counts(practices, "gp_registered_patients", "2026-04", "list_size", localities))
    parts.append(agg.point_counts(practices, "gp_practices", "2026-04", None, localities))
    london = layers["london_lsoa11"]
    parts.append(agg.comparator_imd(imd_all, denominators, london["code"]))
    residents = london.groupby("lad11cd")["usualres"].sum()
    parts.append(agg.comparator_laei(air.read_laei_boroughs(source_dir), residents))
    parts.append(agg.laei_zone_values({lvl: air.read_laei_zones(lvl, source_dir) for lvl in ("lsoa21", "msoa21")}))
    parts.append(agg.census_values(counts, census.read_percent(source_dir), members,
                                   census.read_counts(source_dir, london=True),
                                   census.read_percent(source_dir, london=True), census.read_ew_percent(source_dir)))
    for sid in ("fingertips_pm25", "fingertips_fuel_poverty"):
        parts.append(agg.fingertips_values(reference.read_fingertips(sid, source_dir), sid))
    long = pd.concat(parts, ignore_index=True)
    names = {settings.BOROUGH_CODE: settings.BOROUGH_NAME, settings.LONDON_CODE: "London",
             settings.ENGLAND_CODE: "England", settings.ENGLAND_WALES_CODE: "England and Wales"}
    for layer in ("london_lsoa11", "wards", "lsoa11", "localities", "oa21", "lsoa21", "msoa21"):
        names.update(dict(zip(layers[layer]["code"], layers[layer]["name"])))
    names.update(dict(zip(practices["facility_id"], practices["name"])))
    return agg.finalise(long, names)


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
              "codepoint": int((layers["postcodes"]["coord_source"] == "Code-Point Open 2014").sum()),
              "census_oa_counts": len(layers["oa_ward_lookup"]), "census_oa_percent": len(layers["oa_ward_lookup"]),
              "laei_lsoa21": len(layers["lsoa21"]), "laei_msoa21": len(layers["msoa21"]),
              "liveable_streets_outline": int((layers["liveable_streets"]["footprint"] == "outline").sum()),
              "liveable_streets_filters": len(layers["traffic_filters"])}
    for source in load_registry().values():
        row = source.as_dict()
        row["rows_in_store"] = counts.get(source.id)
        rows.append(row)
    return pd.DataFrame(rows)


def build(source_dir: Path | None = None, store=None, localities_csv: Path | None = None) -> dict:
    """Build the store and atomically replace the previous one.

    ``store`` is a GeoPackage path or a ``postgresql://`` URL (default: ``THMAPS_DATABASE_URL`` if set, else
    :func:`thmaps.settings.store_path`). A GeoPackage is written to a temporary file beside the target and moved
    into place only when every layer is written; PostGIS gets a new schema switched in by the same transaction
    (:mod:`thmaps.store.postgis`). Either way readers never see a half-built store, and a failed build leaves
    the previous store intact. User data are never touched.

    Returns
    -------
    dict
        ``path`` (where the store is), ``seconds``, ``bytes`` and the row count of each layer.

    Raises
    ------
    BuildError
        With a plain message naming the problem.
    """
    source_dir = Path(source_dir or settings.source_dir())
    target = _store.backend(store)
    started = time.perf_counter()
    if not source_dir.is_dir():
        raise BuildError(f"source directory {source_dir} does not exist")
    # Validation first: a build from incomplete sources would silently shrink totals.
    errors = [p for p in validate(source_dir, localities_csv) if p.severity == "error"]
    if errors:
        raise BuildError("the sources have problems (run `thmaps validate` for all of them): "
                         + "; ".join(str(p) for p in errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else ""))
    try:
        layers = assemble(source_dir, localities_csv)
        layers["sources"] = _sources_table(layers, source_dir)
    except ThmapsError as exc:
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
        _store.write_layers(layers, target)
    except ThmapsError as exc:
        raise BuildError(f"{exc}; the previous store is unchanged") from None
    except OSError as exc:
        raise BuildError(f"cannot write the store to {Path(target.location()).parent} ({exc.strerror or exc}); "
                         "the previous store is unchanged") from None
    except Exception as exc:
        raise BuildError(f"writing the store failed ({type(exc).__name__}: {exc}); "
                         "the previous store is unchanged") from None
    return {"path": target.location(), "seconds": time.perf_counter() - started, "bytes": target.size(),
            "layers": {k: len(v) for k, v in layers.items()}}
