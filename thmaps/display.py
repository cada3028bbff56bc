"""Tables as people read them: column names in words, values rounded by their unit, blanks for nothing.

One place for what a column is called on screen and on paper (:data:`COLUMN_LABELS`), how many
decimals a unit is shown with (:func:`thmaps._util.table_decimals`), and how a table of numbers
becomes a table of text for print (:func:`formatted`).

Examples
--------
>>> label("total_gbp"), label("location_precision"), label("unknown_column")
('Total (£)', 'Location precision', 'Unknown column')
>>> number_format("%"), number_format("persons"), number_format("µg/m³")
('%.1f', '%,.0f', '%.2f')
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._util import COUNT_UNITS, format_value, is_missing, table_decimals

#: How a comparison reads in a table (symbol and word), and its colour (colour-blind-safe PuOr: orange =
#: worse, purple = better, grey = similar; blues, as Fingertips, for higher / lower without a direction).
VERDICT_LABELS = {"worse": "▲ worse", "better": "▼ better", "similar": "≈ similar", "higher": "↑ higher",
                  "lower": "↓ lower", "not compared": "– not compared", "no data": "no data"}
VERDICT_COLOURS = {"worse": "#e08214", "similar": "#bababa", "better": "#8073ac", "higher": "#4292c6",
                   "lower": "#c6dbef", "not compared": "#f0f0f0", "no data": "#f0f0f0"}
#: The same colours lightened for cell backgrounds on paper, so black text stays readable on them.
VERDICT_FILLS = {"worse": "#f6c48f", "similar": "#dedede", "better": "#c9c2e0", "higher": "#a9cbe8",
                 "lower": "#deebf7", "not compared": None, "no data": None}

#: Column names as people read them (tables on screen, in print and in CSV headings of reports).
COLUMN_LABELS = {
    # GP practices
    "ods_code": "ODS code", "practice": "Practice", "list_size": "Registered patients", "pcn": "Primary care network",
    "locality in source file": "Locality in the source file", "postcode": "Postcode", "address": "Address",
    # S106 / CIL projects
    "project": "Project", "total_gbp": "Total (£)", "cil_gbp": "of which CIL (£)", "s106_gbp": "of which S106 (£)",
    "year": "Year", "basis": "Why it counts here", "locality in source": "Locality in the source",
    "location_precision": "Location precision", "decision_date": "Decision date", "decision_type": "Decision",
    "location": "Location", "source_urls": "Sources",
    # air quality
    "site_no": "Site", "on boundary with": "On the boundary with",
    "annual_mean_bias_adjusted": "Bias-adjusted annual mean (µg/m³)", "annual_mean_raw": "Raw annual mean (µg/m³)",
    "months_measured": "Months measured", "site_type": "Site type", "tubes": "Tubes", "median": "Median (µg/m³)",
    "exceeding": "Tubes above 40 µg/m³", "share exceeding": "Share above 40 µg/m³ (%)",
    "borough tubes": "Tubes in the borough", "borough median": "Borough median (µg/m³)",
    # profile tables
    "indicator": "Indicator", "period": "Period", "unit": "Unit", "ward": "Ward", "ward_code": "Ward code",
    "value": "Value", "locality rank": "Rank in locality", "borough rank": "Rank in borough",
    "wards in borough": "Wards ranked", "borough value": "Tower Hamlets", "vs borough": "Compared with the borough",
    "vs London": "Compared with London", "vs England": "Compared with England", "London value": "London",
    "England value": "England", "comparison method": "How compared", "source": "Source", "note": "Note",
    "difference vs borough": "Difference from the borough", "% of borough total": "Share of the borough total",
    # data and sources
    "id": "Id", "title": "Title", "publisher": "Publisher", "licence": "Licence", "attribution": "Attribution",
    "vintage": "Vintage", "geography": "Geography", "path": "File in the bundle", "url": "Web address", "crs": "CRS",
    "rows_in_store": "Rows in store", "ward_name": "Ward", "locality": "Locality", "locality_code": "Locality code",
    "provenance": "Why this locality", "kind": "Kind", "aggregation": "Aggregation", "levels": "Levels",
    "periods": "Periods", "base_level": "Built from", "method": "Method", "summary_of": "Summary of",
    "national_deciles": "National deciles", "comparators": "Comparators", "source_ids": "Sources",
    "lsoa11cd": "LSOA 2011", "weight": "Share of the LSOA", "n_oa": "Output Areas", "area": "Area",
    "phase": "Phase", "planned_start": "Planned start", "status_notes": "Status", "ward_names": "Wards",
    "match": "Match", "approximation": "Approximation", "code": "Code", "name": "Name", "rank": "Rank",
}


def label(column: str) -> str:
    """A column's name in words (:data:`COLUMN_LABELS`, else the column with underscores as spaces)."""
    text = COLUMN_LABELS.get(column, str(column).replace("_", " "))
    return text[:1].upper() + text[1:]


def number_format(unit: str) -> str:
    """A printf format showing a unit's values rounded as tables show them (``%.1f`` for shares...)."""
    places = table_decimals(unit)
    if unit == "£":
        return "£%,.0f"
    return f"%,.{places}f" if unit in COUNT_UNITS else f"%.{places}f"


def cell(value, unit: str | None = None) -> str:
    """One value as text for a printed table: rounded by its unit, blank when missing.

    Without a unit, whole numbers (years, site numbers) are written as they are.

    Examples
    --------
    >>> cell(96303.88181818182, "persons"), cell(2019.0), cell(None), cell(4824474.0, "£"), cell(35.249, "µg/m³")
    ('96,304', '2019', '', '£4,824,474', '35.25')
    """
    if is_missing(value):
        return ""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if unit is None:
            return str(int(value)) if float(value).is_integer() else f"{float(value):.1f}"
        text = format_value(value, unit, with_unit=False, digits=table_decimals(unit), missing="")
        return f"£{text}" if unit == "£" else text
    return " ".join(str(value).split())


def formatted(frame: pd.DataFrame, units: dict[str, str] | None = None) -> pd.DataFrame:
    """Every cell as text (numbers rounded by their column's unit, blanks for missing), columns named in words.

    Parameters
    ----------
    frame : DataFrame
    units : dict, optional
        Column -> unit of its numbers (``{"list_size": "patients"}``); others are shown as they are.
    """
    units = units or {}
    return pd.DataFrame({label(c): [cell(v, units.get(c)) for v in frame[c]] for c in frame.columns})
