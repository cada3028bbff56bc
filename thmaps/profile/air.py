"""Air quality of a locality: the LAEI trend, the year's diffusion tubes and the tube trend."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import settings, store
from ..errors import MapRequestError
from ..geo.places import Locality
from .tables import LAEI_COMPARATOR_NOTE, indicator_index

#: Indicator ids of the LAEI pollutants, by the name shown.
LAEI_INDICATORS = {"NO2": "laei_no2", "PM2.5": "laei_pm25", "PM10": "laei_pm10"}

# --------------------------------------------------------------------------- air quality

@dataclass
class AirQuality:
    """Air quality of a locality: modelled trend, diffusion tubes and their trend, with notes."""

    locality: str
    laei_trend: pd.DataFrame      # pollutant, year, area, level, value, unit
    tubes: pd.DataFrame           # the locality's tubes in tube_year
    tube_year: int
    tube_trend: pd.DataFrame      # year, tubes, median, exceeding, ... borough median
    notes: list[str] = field(default_factory=list)


def laei_trend(locality: str) -> pd.DataFrame:
    """LAEI modelled annual means 2013, 2016, 2019 for the locality, the borough and London.

    Returns
    -------
    DataFrame
        Long table: ``pollutant`` (NO2, PM2.5, PM10), ``year``, ``area``, ``level``
        (locality / borough / london), ``value`` (µg/m³), ``unit``.
    """
    code = Locality.parse(locality).code
    name = Locality(code).name
    index = indicator_index()
    rows = []
    for pollutant, indicator_id in LAEI_INDICATORS.items():
        sel = index.rows_of(indicator_id)
        for level, area_code, area in (("locality", code, f"{name} locality"),
                                       ("borough", settings.BOROUGH_CODE, settings.BOROUGH_NAME),
                                       ("london", settings.LONDON_CODE, "London")):
            part = sel[(sel["level"] == level) & (sel["area_code"] == area_code)]
            for _, r in part.iterrows():
                rows.append({"pollutant": pollutant, "year": int(r["period"]), "area": area, "level": level,
                             "value": float(r["value"]), "unit": r["unit"]})
    return pd.DataFrame(rows).sort_values(["pollutant", "level", "year"]).reset_index(drop=True)


def tubes(locality: str, year: int | None = None) -> pd.DataFrame:
    """The council's NO2 diffusion tubes standing in the locality in one year.

    Returns
    -------
    DataFrame
        ``site_no``, ``location``, ``ward``, ``on boundary with`` (another ward within
        :data:`thmaps.settings.WARD_BOUNDARY_METRES`), ``annual_mean_bias_adjusted`` (µg/m³), ``exceeds 40 µg/m³``
        (``"yes"``, ``"no"`` or ``"not judged"``: no mean, or a suspect month), ``annual_mean_raw``,
        ``months_measured``, ``site_type`` and ``note`` (quality and bias-adjustment notes), highest first.

    Raises
    ------
    MapRequestError
        If the locality is unknown or there are no results for the year.
    """
    name = Locality.parse(locality).name
    year = int(settings.TUBE_YEARS[-1] if year is None else year)
    if year not in settings.TUBE_YEARS:
        raise MapRequestError(f"no diffusion tube results for {year}; years {settings.TUBE_YEARS[0]}-{settings.TUBE_YEARS[-1]}")
    t = store.load_layer("no2_tubes")
    t = t[(t["year"] == year) & (t["locality"] == name)].copy()
    adj = pd.to_numeric(t["annual_mean_bias_adjusted"], errors="coerce")
    exceeds = t["objective_status"].map({"above": "yes", "at or below": "no"}).fillna("not judged").to_numpy()
    out = pd.DataFrame({
        "site_no": t["site_no"], "location": t["location"], "ward": t["ward_name"],
        "on boundary with": t["boundary_ward"], "annual_mean_bias_adjusted": adj,
        f"exceeds {settings.NO2_OBJECTIVE:g} µg/m³": exceeds,
        "annual_mean_raw": pd.to_numeric(t["annual_mean_raw"], errors="coerce"),
        "months_measured": pd.to_numeric(t["months_measured"], errors="coerce").astype("Int64"),
        "site_type": t["site_type"],
        "note": (t["quality_note"] + np.where(t["quality_note"] != "", "; ", "") + t["adjustment_note"]).to_numpy(),
    })
    return out.sort_values("annual_mean_bias_adjusted", ascending=False, na_position="last").reset_index(drop=True)


def tube_trend(locality: str) -> pd.DataFrame:
    """Per year 2015-2024: the locality's tubes, their median bias-adjusted mean and how many exceed 40 µg/m³.

    The set of sites changes between years (about 75 tubes in 2015-17, 90 in 2018-20, 92-94
    from 2021), so a change in the median mixes real change with a change of sites.

    Returns
    -------
    DataFrame
        ``year``, ``tubes`` (with an annual mean), ``median`` (µg/m³), ``exceeding`` (count above
        the objective), ``share exceeding`` (%), ``borough tubes`` and ``borough median``.
    """
    name = Locality.parse(locality).name
    t = store.load_layer("no2_tubes")
    t = t[t["in_borough"].astype(bool)].copy()
    t["adj"] = pd.to_numeric(t["annual_mean_bias_adjusted"], errors="coerce")
    t = t[t["adj"].notna()]
    rows = []
    for year in settings.TUBE_YEARS:
        b = t[t["year"] == year]
        loc = b[b["locality"] == name]
        n = len(loc)
        exceeding = int((loc["objective_status"] == "above").sum())
        rows.append({"year": year, "tubes": n, "median": float(loc["adj"].median()) if n else np.nan,
                     "exceeding": exceeding, "share exceeding": 100.0 * exceeding / n if n else np.nan,
                     "borough tubes": len(b), "borough median": float(b["adj"].median()) if len(b) else np.nan})
    return pd.DataFrame(rows)


def air_quality(locality: str, tube_year: int | None = None) -> AirQuality:
    """Air quality of a locality: LAEI trend, the year's diffusion tubes and the tube trend.

    Parameters
    ----------
    locality : str
        Locality code or name.
    tube_year : int
        Year of the tube results to list (2015-2024).

    Returns
    -------
    AirQuality
        See :func:`laei_trend`, :func:`tubes` and :func:`tube_trend`; ``notes`` carries the caveats
        to show with them.
    """
    tube_year = int(settings.TUBE_YEARS[-1] if tube_year is None else tube_year)
    name = Locality.parse(locality).name
    trend = tube_trend(name)
    notes = [
        "LAEI: modelled annual means (GLA/TfL), not measurements. " + LAEI_COMPARATOR_NOTE,
        f"Diffusion tubes: the council's bias-adjusted annual means; the UK annual mean objective for NO2 is "
        f"{settings.NO2_OBJECTIVE:g} µg/m³ (WHO 2021 guideline: {settings.WHO_GUIDELINES['NO2']:g} µg/m³). "
        "Tubes are mostly at roadsides, so they read higher than the modelled area means.",
        "The set of tube sites changes between years (about 75 in 2015-17, 90 in 2018-20, 92-94 from 2021): "
        "the median of a year's tubes is not a like-for-like trend.",
    ]
    return AirQuality(locality=name, laei_trend=laei_trend(name), tubes=tubes(name, tube_year),
                      tube_year=int(tube_year), tube_trend=trend, notes=notes)


def tube_headline(tubes_table: pd.DataFrame) -> str:
    """One sentence on a year's tubes that agrees with the table beside it.

    Counts the tubes above the objective, and says how many more have a *published* mean above it
    that thmaps does not judge (their mean includes an implausible month), naming them, so the
    sentence matches the council's own table.
    """
    status = tubes_table[f"exceeds {settings.NO2_OBJECTIVE:g} µg/m³"]
    mean = pd.to_numeric(tubes_table["annual_mean_bias_adjusted"], errors="coerce")
    above = int((status == "yes").sum())
    not_judged = status == "not judged"
    published_above = not_judged & (mean > settings.NO2_OBJECTIVE)
    sentence = (f"{len(tubes_table)} tubes; {above} above the {settings.NO2_OBJECTIVE:g} µg/m³ annual mean objective "
                "(bias-adjusted)")
    if published_above.any():
        names = ", ".join(tubes_table.loc[published_above, "location"].astype(str))
        sentence += (f"; {int(published_above.sum())} more published above it but not judged, because its mean "
                     f"includes an implausible monthly value ({names})")
    rest = int((not_judged & ~published_above).sum())
    if rest:
        sentence += f"; {rest} not judged (no annual mean, or a suspect month)"
    return sentence + "."
