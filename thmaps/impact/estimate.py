"""The health infrastructure estimate and the pressure on nearby practices.

An open estimate in the spirit of the HUDU Planning Contributions Model (which is licensed, with
defaults that are not public): it is not the HUDU model. Every number comes from the parameter file
(:mod:`thmaps.impact.parameters`) or the data, and says which::

    new residents   = homes x residents per home (by bedrooms where given; else the catchment's
                      Census 2021 residents per household) - existing residents
    GP need (FTE)   = new residents / patients per full-time GP (1,800: cited standard)
    floorspace (m2) = GP need x floorspace per GP (local assumption)
    cost (GBP)      = floorspace x build cost per m2 (local assumption)

Pressure on practices: the practices within ``practice_radius_m`` take the new residents in
proportion to their list sizes (an assumption, labelled wherever it is shown).

Examples
--------
>>> from thmaps.impact.scheme import make_scheme
>>> e = estimate(make_scheme(180, bedrooms={"1": 60, "2": 60, "3": 60}), None, load_parameters())
>>> round(e.gross_residents, 1), round(e.gp_fte, 3)
(428.4, 0.238)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import store
from ..errors import ImpactInputError
from .catchment import Catchment, distance_text
from .parameters import OCCUPANCY_KEYS, Parameters, load_parameters
from .scheme import Scheme
from .site import Site
from .tables import Section

SHARE_ASSUMPTION = ("New residents are shared among the practices within {radius} in proportion to their list sizes: "
                    "an assumption, not a prediction of where people will register.")


@dataclass
class Estimate:
    """The estimate for one scheme; every figure with how it was reached."""

    scheme: Scheme
    occupancy: float                    # residents per home, averaged over the scheme
    occupancy_basis: str
    gross_residents: float
    net_residents: float
    gp_fte: float
    floorspace_m2: float
    cost_gbp: float
    benchmark_gbp: float
    parameters: Parameters = field(repr=False, default=None)

    def per_home(self, value: float) -> float:
        return value / self.scheme.homes

    def section(self) -> Section:
        """The estimate as a table: total and per home, with the basis of each step."""
        p = self.parameters
        per_gp, area, cost = (p.item(k) for k in ("patients_per_gp", "floorspace_per_gp_m2", "build_cost_per_m2_gbp"))
        s = self.scheme
        spend, capacity = p["programme_spend_gbp"], p["programme_capacity_patients"]
        rows = [
            ("New homes", s.homes, 1.0, "homes", "input", "the scheme", "count"),
            ("Residents per home", self.occupancy, None, "residents per home", self.occupancy_basis,
             "local assumption" if s.bedrooms else p.item("default_occupancy").basis_shown, "2dp"),
            ("New residents (gross)", self.gross_residents, self.per_home(self.gross_residents), "residents",
             "homes x residents per home", "calculated", "1dp"),
            ("Existing residents on the site", s.existing_residents, self.per_home(s.existing_residents), "residents",
             "input", "the scheme", "count"),
            ("New residents (net)", self.net_residents, self.per_home(self.net_residents), "residents",
             "gross - existing", "calculated", "1dp"),
            ("GP need", self.gp_fte, self.per_home(self.gp_fte), "full-time GPs",
             f"net new residents / {per_gp.value:,} patients per GP", per_gp.basis_shown, "3dp"),
            ("Clinical floorspace", self.floorspace_m2, self.per_home(self.floorspace_m2), "m²",
             f"GP need x {area.value:,} m² per GP", area.basis_shown, "2dp"),
            ("Capital cost", self.cost_gbp, self.per_home(self.cost_gbp), "£",
             f"floorspace x £{cost.value:,} per m²", cost.basis_shown, "gbp"),
            ("Cross-check: local S106/CIL benchmark", self.benchmark_gbp, self.per_home(self.benchmark_gbp), "£",
             f"net new residents x £{spend / capacity:,.0f} (£{spend / 1e6:,.1f}m / {capacity:,} patients of "
             "list capacity)", "published figure (historic benchmark, not a cost estimate)", "gbp"),
        ]
        table = pd.DataFrame(rows, columns=["item", "total", "per home", "unit", "how", "basis", "format"])
        notes = ["An open estimate in the spirit of the London HUDU Planning Contributions Model; it is not the HUDU "
                 "model (licensed, defaults not public). Every parameter, its basis and source are listed under "
                 "Assumptions.",
                 f"Standard: {per_gp.source}",
                 "Floorspace per GP and build cost per m² have no public source in the data: they are local "
                 "assumptions; replace them with the ICB's figures.",
                 f"Benchmark: {p.item('programme_spend_gbp').source}. {p.item('programme_capacity_patients').note}"]
        if self.net_residents < 0:
            notes.append("The scheme houses fewer people than live on the site now: no additional GP need.")
        return Section("estimate", f"Health infrastructure estimate: {s.name}", table, notes, ("census_oa_counts",),
                       formats={"total": "row", "per home": "row"}, row_formats="format")


def occupancy_for(scheme: Scheme, catchment: Catchment | None, params: Parameters) -> tuple[float, str]:
    """Residents per home (averaged over the scheme) and how it was set."""
    if scheme.bedrooms:
        residents = sum(n * float(params[OCCUPANCY_KEYS[b]]) for b, n in scheme.bedrooms)
        by = ", ".join(f"{b} bed {float(params[OCCUPANCY_KEYS[b]]):g}" for b, n in scheme.bedrooms if n)
        return residents / scheme.homes, f"by bedrooms ({by} residents per home)"
    chosen = params["default_occupancy"]
    if chosen is not None:
        return float(chosen), "set for this assessment"
    if catchment is None or catchment.residents_per_household is None:
        raise ImpactInputError("no Census 2021 households near the site to derive the residents per home from: "
                               "give a bedroom mix or set the residents per home")
    return (catchment.residents_per_household,
            f"Census 2021 residents in households / households {catchment.ring.label} of the site "
            f"({catchment.residents_in_households:,.0f} / {catchment.households:,.0f}, apportioned by area)")


def estimate(scheme: Scheme, catchment: Catchment | None, params: Parameters | None = None) -> Estimate:
    """The estimate for one scheme.

    Parameters
    ----------
    scheme : Scheme
    catchment : Catchment or None
        The catchment whose Census 2021 households give the residents per home of a scheme without a
        bedroom mix (unless the parameters set ``default_occupancy``); not used otherwise.
    params : Parameters
        The assessment's parameters.
    """
    params = params or load_parameters()
    per_home, basis = occupancy_for(scheme, catchment, params)
    gross = scheme.homes * per_home
    net = gross - scheme.existing_residents
    fte = max(net, 0.0) / float(params["patients_per_gp"])
    floorspace = fte * float(params["floorspace_per_gp_m2"])
    cost = floorspace * float(params["build_cost_per_m2_gbp"])
    benchmark = max(net, 0.0) * float(params["programme_spend_gbp"]) / float(params["programme_capacity_patients"])
    return Estimate(scheme, per_home, basis, gross, net, fte, floorspace, cost, benchmark, params)


# --------------------------------------------------------------------------- practices

def practices_within(site: Site, radius_m: float) -> pd.DataFrame:
    """GP practices within ``radius_m`` (straight line) of the site: ``name``, ``code``, ``list_size``, ``pcn``,
    ``distance_m``, nearest first."""
    gp = store.load_layer("facilities")
    gp = gp[(gp["kind"] == "gp_practice") & (gp["duplicate_of"].fillna("") == "")].copy()
    gp["distance_m"] = gp.distance(site.geometry).round(0)
    gp = gp[gp["distance_m"] <= radius_m].sort_values(["distance_m", "facility_id"])
    return pd.DataFrame({"name": gp["name"].to_numpy(), "code": gp["facility_id"].to_numpy(),
                         "list_size": gp["list_size"].astype(float).to_numpy(), "pcn": gp["pcn"].to_numpy(),
                         "distance_m": gp["distance_m"].to_numpy()})


def share_residents(practices: pd.DataFrame, residents: float) -> pd.Series:
    """New residents each practice takes, in proportion to its list size (practices with no list size take none)."""
    lists = practices["list_size"].fillna(0.0).clip(lower=0.0)
    total = lists.sum()
    if total <= 0:
        return pd.Series(0.0, index=practices.index)
    return lists / total * max(residents, 0.0)


def pressure(shares: list[tuple[str, pd.DataFrame, float]], radius_m: float) -> tuple[Section, dict]:
    """The combined list size of the practices before and after, for one scheme or several (cumulative).

    Parameters
    ----------
    shares : list of (name, practices, net_residents)
        Each scheme's name, its practices within ``radius_m`` (:func:`practices_within`) and its net new residents.

    Returns
    -------
    (Section, dict)
        Per practice: list before, residents added (by scheme and in all), list after and the increase;
        and the totals (``practices``, ``list_before``, ``added``, ``list_after``, ``increase_pct``, ``unshared``).
    """
    rows = {}
    unshared = 0.0
    for name, practices, residents in shares:
        added = share_residents(practices, residents)
        if practices["list_size"].fillna(0).sum() <= 0:
            unshared += max(residents, 0.0)
        for (_, p), a in zip(practices.iterrows(), added):
            row = rows.setdefault(p["code"], {"practice": p["name"], "code": p["code"], "pcn": p["pcn"],
                                              "list before": p["list_size"], "nearest scheme": p["distance_m"]})
            row["nearest scheme"] = min(row["nearest scheme"], p["distance_m"])
            row[f"added: {name}"] = row.get(f"added: {name}", 0.0) + a
    table = pd.DataFrame(list(rows.values()))
    added_cols = [c for c in table.columns if c.startswith("added: ")]
    if table.empty:
        table = pd.DataFrame(columns=["practice", "code", "pcn", "list before", "added", "list after", "increase"])
    else:
        table[added_cols] = table[added_cols].fillna(0.0)
        table["added"] = table[added_cols].sum(axis=1)
        table["list after"] = table["list before"] + table["added"]
        table["increase"] = 100 * table["added"] / table["list before"]
        if len(shares) == 1:
            table = table.drop(columns=added_cols)
        table = table.sort_values("nearest scheme").reset_index(drop=True)
    before = float(table["list before"].sum()) if len(table) else 0.0
    added = float(table["added"].sum()) if len(table) else 0.0
    totals = {"practices": len(table), "list_before": before, "added": added, "list_after": before + added,
              "increase_pct": 100 * added / before if before else None, "unshared": unshared}
    radius = distance_text(radius_m)
    notes = [SHARE_ASSUMPTION.format(radius=radius),
             f"{len(table)} practices within {radius}" + (" of any scheme" if len(shares) > 1 else "")
             + f": combined list {before:,.0f} before, {before + added:,.0f} after "
             + (f"(+{totals['increase_pct']:.1f}%)." if before else "."),
             "List sizes: NHS Digital, April 2026. Practices outside Tower Hamlets are not in the data."]
    if unshared:
        notes.append(f"{unshared:,.0f} new residents have no practice within {radius} to be shared among.")
    title = "Pressure on practices" + (": all schemes together (cumulative)" if len(shares) > 1 else "")
    formats = {c: "count" for c in ["list before", "added", "list after"] + added_cols} | {
        "increase": "1dp", "nearest scheme": "m"}
    return Section("pressure", title, table, notes, ("gp_practices",), formats,
                   empty=f"No GP practice within {radius}."), totals
