"""Data and sources: every dataset, the locality definition and the methods behind each figure.

Thin page: every table is read from the store; st.dataframe escapes what it shows.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from thmaps import display, settings
from thmaps.safetext import escape_markdown
from webapp import ui

ui.require_store()
version = ui.store_version()


def show_table(name: str, columns=None, wrap: bool = False, **config) -> pd.DataFrame | None:
    """One store table, columns named in words, or a plain error if it cannot be read."""
    try:
        frame = ui.layer(name, version)
    except Exception as exc:  # a plain message rather than a traceback
        ui.problem(f"the {name} table", exc)
        return None
    frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    if columns:
        frame = frame[[c for c in columns if c in frame.columns]]
    ui.show_table(frame, wrap=wrap, **config)
    return frame


st.title("Data and sources")
st.write("Every figure in thmaps is built from the open datasets below, read from the Tower Hamlets data bundle "
         "into one GeoPackage store (British National Grid, EPSG:27700). Nothing else is fetched.")
try:
    info = ui.layer("build_info", version).iloc[0]
    st.caption(escape_markdown(f"Store built {info['built_at']} from {info['source_dir']}; locality definition "
                               f"{info['locality_definition']}."))
except Exception:  # the build stamp is a nicety; the tables below still work
    pass

# --------------------------------------------------------------------------- datasets
st.header("Datasets")
sources = show_table(
    "sources",
    ["id", "title", "publisher", "vintage", "licence", "attribution", "geography", "rows_in_store", "url", "path", "crs"],
    wrap=True,
    column_config={"url": st.column_config.LinkColumn(display.label("url")),
                   "rows_in_store": st.column_config.NumberColumn(display.label("rows_in_store"), format="%d"),
                   "title": st.column_config.TextColumn(display.label("title"), width="large"),
                   "attribution": st.column_config.TextColumn(display.label("attribution"), width="large")})
if sources is not None:
    st.caption(f"{len(sources)} datasets. *Rows in store* is blank where a dataset feeds indicators or comparators "
               "rather than a layer of its own. *File in the bundle* is relative to the data bundle "
               "(THMAPS_SOURCE_DIR).")

# --------------------------------------------------------------------------- localities
st.header("Localities")
st.warning("The four localities are **not an official boundary**. No official ward list for the Tower Hamlets "
           "Together localities was found, so thmaps uses an **editable default** kept in "
           "`thmaps/data/localities.csv` (inferred from GP practice locations and the few stated facts: South West "
           "= Tower Network PCN area; Aberfeldy in South East). Edit the CSV and rebuild the store "
           "(`thmaps build`) to change it.")
show_table("locality_definition", ["locality", "locality_code", "ward_name", "ward_code", "provenance"], wrap=True)

# --------------------------------------------------------------------------- indicators
st.header("How each indicator is aggregated")
st.write("Counts are summed; percentages are ratios of summed numerators and denominators; concentrations are "
         "population-weighted means. IMD ranks and deciles are shown for LSOAs only and summarised above them by "
         "the share of residents in the most deprived national 20% (or 10%).")
show_table("indicator_catalogue",
           ["id", "title", "unit", "kind", "aggregation", "levels", "periods", "base_level", "method", "summary_of",
            "national_deciles", "comparators", "source_ids"], wrap=True,
           column_config={"method": st.column_config.TextColumn(display.label("method"), width="large"),
                          "title": st.column_config.TextColumn(display.label("title"), width="medium")})

# --------------------------------------------------------------------------- apportionment
st.header("LSOA to ward apportionment")
st.write("LSOAs 2011 do not nest in wards. Each Output Area 2021 is placed in the LSOA holding its representative "
         "point and in the ward the ONS best-fit lookup gives; an LSOA's population is split between wards in "
         "proportion to the Census 2021 usual residents of those OAs (`weight`; the older OA-count share is kept as "
         "`weight_oa_count`). The weights of an LSOA sum to 1, so totals are conserved exactly; wards then nest in "
         "localities.")
weights = show_table("lsoa_ward_weights", ["lsoa11cd", "ward_code", "weight", "n_oa", "method"],
                     column_config={"weight": st.column_config.NumberColumn(display.label("weight"), format="%.3f")})
if weights is not None:
    split = weights.groupby("lsoa11cd").size()
    st.caption(f"{weights['lsoa11cd'].nunique()} LSOAs, {len(weights)} LSOA-ward pairs: {int((split > 1).sum())} "
               f"LSOAs are split between two or more wards.")
st.subheader("Ward populations before and after the Census 2021 weights")
st.write("The mid-2020 population of each ward with the older weights (each OA counted once) and with Census 2021 "
         "usual residents as weights. Both columns sum to the borough's 331,969 (ONS mid-2020 estimate): only the "
         "split between wards changes.")
show_table("ward_weight_change", ["ward_name", "population_2020_oa_count_weights", "population_2020_resident_weights",
                                  "difference", "difference_pct"],
           column_config={"ward_name": st.column_config.TextColumn("ward"),
                          "population_2020_oa_count_weights": st.column_config.NumberColumn(
                              "before (OA-count weights)", format="%,.0f"),
                          "population_2020_resident_weights": st.column_config.NumberColumn(
                              "after (Census 2021 resident weights)", format="%,.0f"),
                          "difference": st.column_config.NumberColumn(format="%+,.0f"),
                          "difference_pct": st.column_config.NumberColumn("difference (%)", format="%+.1f")})
st.subheader("Output Areas 2021 and wards")
lookup = show_table("oa_ward_lookup", ["oa21cd", "ward_name", "share_outside", "straddles", "usual_residents",
                                       "method"],
                    column_config={"share_outside": st.column_config.NumberColumn(
                        "area outside its ward", format="percent")})
if lookup is not None:
    st.caption(f"{len(lookup)} Output Areas, each assigned whole to its ONS best-fit ward (totals conserved exactly); "
               f"{int(lookup['straddles'].astype(bool).sum())} have more than "
               f"{settings.OA_STRADDLE_SHARE:.0%} of their area in another ward (a straddling OA's residents all count "
               "in its best-fit ward).")

# --------------------------------------------------------------------------- approximations
st.header("Approximations in the overlays")
st.subheader("Liveable Streets")
st.write("No Liveable Streets scheme boundary is published. Bethnal Green is drawn from an **approximate outline "
         "hand-digitised by a third party** (not an official boundary); every other area is drawn as the **whole "
         "ward(s)** listed in `thmaps/data/liveable_streets_wards.csv` (an assumption, shown dashed on the map as an "
         "approximate ward-level footprint). `footprint` says which.")
show_table("liveable_streets", ["area", "phase", "planned_start", "status_notes", "footprint", "ward_names", "match",
                                "note", "approximation"], wrap=True)
st.subheader("S106 / CIL health projects")
st.write("Projects are placed at the postcode of the GP practice their source names; projects whose source gives "
         "no address or postcode are listed but not mapped. *Location precision* says which applies.")
show_table("s106_projects", ["project", "total_gbp", "year", "location", "location_precision", "ward_name",
                             "locality", "decision_type"], wrap=True,
           column_config={"total_gbp": st.column_config.NumberColumn(display.label("total_gbp"),
                                                                     format=display.number_format("£")),
                          "year": st.column_config.NumberColumn(display.label("year"), format="%d")})

st.subheader("Points on ward boundaries and repeated records")
st.write(f"Diffusion tubes and monitors stand on roads, and main roads are often ward boundaries. A point within "
         f"{settings.WARD_BOUNDARY_METRES:g} m of another ward is assigned to the ward it falls in, and the ward "
         "across the road is named beside it (`boundary_ward`; in popups and the locality tube table). The 2014 NHS "
         "list repeats the London Chest Hospital (closed 2015) under its old trust code RNJ83: the record is kept, "
         "marked `duplicate_of` R1H83, and drawn once.")

st.header("Other settings")
st.write(f"NO2 annual mean objective {settings.NO2_OBJECTIVE:g} µg/m³ (UK); WHO 2021 guidelines: "
         + ", ".join(f"{k} {v:g} µg/m³" for k, v in settings.WHO_GUIDELINES.items())
         + f". Web map geometry is simplified by {settings.WEB_SIMPLIFY_METRES:g} m and kept to "
           f"{settings.WEB_COORD_PRECISION} decimal places; the printed maps use the full geometry.")
