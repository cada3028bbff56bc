"""The mapped values as a table, shown beside every map so no value can be read only by hovering."""
from __future__ import annotations

import pandas as pd

from ..display import number_format
from ..indicators.catalogue import LEVEL_LABELS, get as get_indicator
from .prepare import PreparedMap


def values_table(prepared: PreparedMap) -> pd.DataFrame:
    """One row per area of the map's extent, ranked as on the map (1 first, no data last).

    Returns
    -------
    DataFrame
        The area's name (column named after the level: ``"LSOA 2011"``, ``"Ward"``...), the value
        (``"Value (<unit>)"``, a number, so the table sorts), ``Rank``, ``Class`` (the legend label
        the map colours it by), ``Code`` and ``Locality`` (below locality level): what matters
        first, for a narrow screen. ``attrs``: ``value_column``, ``unit``, ``number_format`` (how to
        show the values rounded by unit), ``indicator`` (its title and period) and ``rank_note``
        (what rank 1 means).
    """
    d = prepared.description
    indicator = get_indicator(d.indicator)
    areas = prepared.areas[prepared.areas["in_extent"]]
    value_column = f"Value ({indicator.unit})"
    out = pd.DataFrame({
        LEVEL_LABELS[d.level]: areas["name"].astype(str).to_numpy(),
        value_column: pd.to_numeric(areas["value"], errors="coerce").to_numpy(),
        "Rank": pd.to_numeric(areas["rank"], errors="coerce").astype("Int64").to_numpy(),
        "Class": [prepared.labels[c] if 0 <= c < len(prepared.labels) else "No data" for c in areas["class_index"]],
        "Code": areas["code"].astype(str).to_numpy(),
    })
    if d.level != "locality" and "locality" in areas and areas["locality"].notna().any():
        out["Locality"] = areas["locality"].to_numpy()
    out = out.sort_values(["Rank", out.columns[0]], na_position="last").reset_index(drop=True)
    where = "London" if d.level == "london_lsoa11" else "the borough"
    meaning = "highest value" if indicator.higher_is_worse is None else "highest need"
    out.attrs.update(value_column=value_column, unit=indicator.unit, number_format=number_format(indicator.unit),
                     indicator=f"{indicator.title}, {indicator.period_label(d.period)}",
                     rank_note=f"Rank among all {LEVEL_LABELS[d.level]} areas in {where} (1 = {meaning}).")
    return out
