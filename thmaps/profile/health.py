"""Residents' health in a locality's wards (Census 2021), against the borough, London and England and Wales."""
from __future__ import annotations

import pandas as pd

from .. import settings, store
from ..geo.places import Locality
from ..indicators.catalogue import get as get_indicator
from ..display import VERDICT_LABELS
from ..indicators.compare import compare
from ..sources.registry import attribution_lines, get as get_source
from .tables import COMPARATORS, LOWER, UPPER, _comparator_values, _row, indicator_index, source_ids_for

#: The health section of a locality profile: Census 2021 indicators shown for every ward.
HEALTH_INDICATORS = ("census_bad_health", "census_fair_bad_health", "census_disabled", "census_unpaid_care",
                     "census_unpaid_care_50h", "census_overcrowded")
#: What "England" means for Census 2021 comparators (the bundle publishes England and Wales together).
ENGLAND_LABEL = "England and Wales"


def ward_health(locality) -> pd.DataFrame:
    """Census 2021 health of a locality and each of its wards, with 95% intervals and comparisons.

    ``locality`` is a :class:`~thmaps.geo.Locality`, its code or its name.

    Returns
    -------
    DataFrame
        One row per indicator and area (the locality first, then its wards by name): ``indicator_id``,
        ``indicator``, ``area``, ``level``, ``value`` (%), ``lower 95%``, ``upper 95%`` (Wilson, where
        the store holds counts; NaN where the value is a weighted mean of OA shares), ``borough value``,
        ``London value``, ``England value`` (England and Wales), ``vs borough``, ``vs London``,
        ``vs England``, ``method``, ``period`` and ``source``.

    Examples
    --------
    >>> table = ward_health("South East")                      # doctest: +SKIP
    >>> table.query("indicator_id == 'census_bad_health'")["area"].tolist()[:2]  # doctest: +SKIP
    ['South East locality', 'Blackwall & Cubitt Town']
    """
    loc = Locality.parse(locality)
    table = indicator_index()
    wards = store.load_layer("wards")
    wards = wards.loc[wards["locality_code"] == loc.code].sort_values("name")
    areas = [("locality", loc.code, f"{loc.name} locality")] + [("ward", c, n) for c, n in zip(wards["code"],
                                                                                                wards["name"])]
    rows = []
    for indicator_id in HEALTH_INDICATORS:
        ind = get_indicator(indicator_id)
        period = ind.latest_period
        comparators = _comparator_values(table, indicator_id, period)
        for level, code, name in areas:
            area = _row(table, indicator_id, period, level, code)
            results = {lvl: compare(area, comparators[lvl], ind, against=label) for lvl, label in COMPARATORS.items()}
            first = results["borough"]
            rows.append({"indicator_id": indicator_id, "indicator": ind.title, "area": name, "level": level,
                         "value": area["value"], LOWER: first.lower, UPPER: first.upper,
                         **{f"{COMPARATORS[lvl]} value": comparators[lvl] for lvl in COMPARATORS},
                         **{f"vs {COMPARATORS[lvl]}": results[lvl].verdict for lvl in COMPARATORS},
                         "method": first.method, "period": ind.period_label(period),
                         "source": "; ".join(source_ids_for(indicator_id, period))})
    out = pd.DataFrame(rows)
    out.attrs["england_label"] = ENGLAND_LABEL
    out.attrs["borough"] = settings.BOROUGH_NAME
    return out


def health_matrix(table: pd.DataFrame, comparator: str = "borough") -> pd.DataFrame:
    """:func:`ward_health` as people read it: one row per area, one column per indicator, each cell the share
    and the verdict's symbol against ``comparator`` (``"12.3% ▲"``), and a last row of the comparator's values.

    ``comparator`` is ``"borough"``, ``"london"`` or ``"england"`` (England and Wales for Census 2021).
    """
    label = COMPARATORS[comparator]
    symbol = {verdict: text.split(" ")[0] for verdict, text in VERDICT_LABELS.items() if " " in text
              and verdict not in ("not compared", "no data")}
    cells = [f"{v:.1f}% {symbol.get(w, '')}".strip() for v, w in zip(table["value"], table[f"vs {label}"])]
    matrix = table.assign(cell=cells).pivot(index="area", columns="indicator", values="cell").reindex(
        list(dict.fromkeys(table["area"])))[list(dict.fromkeys(table["indicator"]))]
    values = table.drop_duplicates("indicator").set_index("indicator")[f"{label} value"]
    name = {"borough": settings.BOROUGH_NAME, "london": "London", "england": ENGLAND_LABEL}[comparator]
    matrix.loc[name] = ["–" if pd.isna(v) else f"{v:.1f}%" for v in values.reindex(matrix.columns)]
    matrix.index.name, matrix.columns.name = "Area", None
    return matrix


def health_sources(table: pd.DataFrame) -> list[str]:
    """The vintage and attribution lines of the sources behind a :func:`ward_health` table."""
    ids = list(dict.fromkeys(s for joined in table["source"] for s in str(joined).split("; ") if s))
    vintages = list(dict.fromkeys(get_source(s).vintage for s in ids))
    return [f"Vintage: {'; '.join(vintages)}."] + attribution_lines(ids)
