"""Confidence intervals and interval comparisons as OHID Fingertips makes them.

Pure functions (no store, no catalogue): numbers in, numbers out.

* Shares (a numerator out of a denominator): the **Wilson score interval**
  (Wilson 1927; Newcombe 1998), which stays inside 0-1 and behaves at 0 and n.
* Counts of events and rates built on them: **Byar's approximation** to the exact Poisson
  limits (Breslow & Day 1987) for counts of 10 or more, and the **exact Poisson limits** below 10,
  as in the Fingertips / APHO technical guidance.
* An area is *similar* to a comparator when the comparator value lies inside the area's
  interval; otherwise *better* or *worse* by the indicator's direction, or *higher* / *lower*
  when higher is neither better nor worse (Fingertips' colouring for indicators without a
  polarity).

No SciPy: the normal quantile comes from :class:`statistics.NormalDist` and the exact Poisson
limits solve the Poisson (regularised incomplete gamma) equations by bisection.

Which method applies to which catalogue indicator, and the rule of thumb used where no interval
can be computed, are decided in one place: :func:`thmaps.indicators.compare.compare`.

Examples
--------
>>> lo, hi = wilson_interval(45, 300)
>>> round(lo, 4), round(hi, 4)
(0.114, 0.1948)
>>> [round(x, 4) for x in byar_interval(3)]           # exact below 10
[0.6187, 8.7673]
>>> compare_interval(20.0, 22.5, 27.1, higher_is_worse=True)
'worse'
"""
from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np

#: Normal quantile for a two-sided 95% interval, Φ⁻¹(0.975).
Z95 = 1.959963984540054
#: Below this many events Byar's approximation gives way to the exact Poisson limits.
EXACT_BELOW = 10

VERDICTS = ("better", "similar", "worse", "higher", "lower", "not compared", "no data")


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile for ``confidence`` (1.959963984540054 for 0.95).

    Examples
    --------
    >>> z_value(0.95)
    1.959963984540054
    >>> round(z_value(0.998), 4)
    3.0902
    """
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence!r}")
    if confidence == 0.95:
        return Z95
    return NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)


def _out(array: np.ndarray):
    """A 0-d result as a float, otherwise the array."""
    return float(array) if np.ndim(array) == 0 else array


# --------------------------------------------------------------------------- shares

def wilson_interval(numerator, denominator, confidence: float = 0.95):
    """Wilson score interval of a proportion, as proportions (0-1).

    With :math:`p = O/n`, :math:`q = 1 - p` and :math:`z` the normal quantile,

    .. math::

        \\frac{2np + z^2 \\mp z\\sqrt{z^2 + 4npq}}{2(n + z^2)}

    (the form in the Fingertips / APHO technical guidance).  Numerators and denominators need not
    be whole numbers (apportioned populations are not).

    Parameters
    ----------
    numerator, denominator : float or array-like
        Events and population; broadcast together.
    confidence : float, default 0.95

    Returns
    -------
    (lower, upper)
        Floats for scalar input, arrays otherwise.  NaN where the denominator is missing or not
        positive, or the numerator is missing, negative or above the denominator.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(0, 20)]
    [0.0, 0.1611]
    >>> [round(x, 4) for x in wilson_interval(20, 20)]
    [0.8389, 1.0]
    >>> wilson_interval([1, 2], [0, 4])[0].tolist()       # denominator 0 -> NaN
    [nan, 0.15003898915214947]
    """
    z = z_value(confidence)
    num, den = np.broadcast_arrays(np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float))
    valid = (den > 0) & (num >= 0) & (num <= den * (1.0 + 1e-12))
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.where(valid, den, np.nan)
        p = np.clip(np.where(valid, num / n, np.nan), 0.0, 1.0)
        centre = 2.0 * n * p + z * z
        half = z * np.sqrt(z * z + 4.0 * n * p * (1.0 - p))
        lower = np.clip((centre - half) / (2.0 * (n + z * z)), 0.0, 1.0)
        upper = np.clip((centre + half) / (2.0 * (n + z * z)), 0.0, 1.0)
    return _out(lower), _out(upper)


def share_interval(numerator, denominator, confidence: float = 0.95, per: float = 100.0):
    """:func:`wilson_interval` scaled to the share's unit (default percent).

    Examples
    --------
    >>> [round(x, 2) for x in share_interval(45, 300)]
    [11.4, 19.48]
    """
    lower, upper = wilson_interval(numerator, denominator, confidence)
    return _out(np.asarray(lower) * per), _out(np.asarray(upper) * per)


# --------------------------------------------------------------------------- counts and rates

def _gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) by its power series (a > 0, x >= 0).

    For whole ``a = k``, ``P(k, λ)`` is the chance of ``k`` or more Poisson(λ) events.  The series
    ``x^a e^-x / Γ(a+1) · Σ_n x^n / ((a+1)…(a+n))`` converges for every x; it is used only for
    ``a < 11`` and ``x < 40``, where double precision is ample.
    """
    if x <= 0.0:
        return 0.0
    term = 1.0
    total = 1.0
    n = 0
    while term > total * 1e-17:
        n += 1
        term *= x / (a + n)
        total += term
        if n > 10_000:  # pragma: no cover - cannot happen in the range used
            break
    return math.exp(a * math.log(x) - x - math.lgamma(a + 1.0)) * total


def _solve(f, target: float, lo: float, hi: float) -> float:
    """Bisection for increasing ``f`` on [lo, hi]: the x with f(x) = target (to machine precision)."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@lru_cache(maxsize=1024)
def _exact_poisson(count: float, alpha: float) -> tuple[float, float]:
    """Exact Poisson limits of ``count`` (0 <= count < 40) at level 1 - alpha.

    Lower limit L: the mean at which ``count`` or more events have chance alpha/2, i.e.
    ``P(count, L) = alpha/2`` (equal to ``chi2.ppf(alpha/2, 2·count) / 2``); 0 when count is 0.
    Upper limit U: the mean at which ``count`` or fewer events have chance alpha/2, i.e.
    ``P(count + 1, U) = 1 - alpha/2`` (equal to ``chi2.ppf(1 - alpha/2, 2·count + 2) / 2``).
    """
    lower = 0.0 if count == 0 else _solve(lambda m: _gamma_p(count, m), alpha / 2.0, 0.0, count + 40.0)
    upper = _solve(lambda m: _gamma_p(count + 1.0, m), 1.0 - alpha / 2.0, count, count + 40.0)
    return lower, upper


def exact_poisson_interval(count, confidence: float = 0.95):
    """Exact Poisson confidence limits of an observed count (below 40 events).

    Solved by bisection on the Poisson cumulative distribution (no SciPy); equal to the
    chi-square form ``chi2.ppf(α/2, 2O)/2`` and ``chi2.ppf(1 - α/2, 2O + 2)/2``.

    Examples
    --------
    >>> [round(limit, 4) for observed in (0, 9) for limit in exact_poisson_interval(observed)]
    [0.0, 3.6889, 4.1154, 17.0848]
    """
    z_value(confidence)  # validates
    alpha = 1.0 - float(confidence)
    counts = np.asarray(count, dtype=float)
    lower = np.full(counts.shape, np.nan)
    upper = np.full(counts.shape, np.nan)
    for value in np.unique(counts[np.isfinite(counts)]):
        if value < 0 or value >= 40:
            continue
        where = counts == value
        lower[where], upper[where] = _exact_poisson(float(value), alpha)
    return _out(lower), _out(upper)


def byar_interval(count, confidence: float = 0.95):
    """Confidence limits of an observed count of events, as Fingertips computes them.

    For a count O of 10 or more, Byar's approximation:

    .. math::

        L = O\\left(1 - \\frac{1}{9O} - \\frac{z}{3\\sqrt{O}}\\right)^3, \\qquad
        U = (O+1)\\left(1 - \\frac{1}{9(O+1)} + \\frac{z}{3\\sqrt{O+1}}\\right)^3

    and below 10 the exact Poisson limits (:func:`exact_poisson_interval`).

    Parameters
    ----------
    count : float or array-like
        Observed events (need not be whole).  Negative or missing counts give NaN.
    confidence : float, default 0.95

    Returns
    -------
    (lower, upper)
        Limits of the count, floats for scalar input, arrays otherwise.

    Examples
    --------
    >>> [round(x, 2) for x in byar_interval(25)]
    [16.17, 36.91]
    >>> [round(x, 4) for x in byar_interval(3)]
    [0.6187, 8.7673]
    """
    z = z_value(confidence)
    o = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))) ** 3
        upper = (o + 1.0) * (1.0 - 1.0 / (9.0 * (o + 1.0)) + z / (3.0 * np.sqrt(o + 1.0))) ** 3
    lower = np.where(o >= EXACT_BELOW, lower, np.nan)
    upper = np.where(o >= EXACT_BELOW, upper, np.nan)
    small = np.isfinite(o) & (o >= 0) & (o < EXACT_BELOW)
    if small.any():
        exact_lower, exact_upper = exact_poisson_interval(np.where(small, o, np.nan), confidence)
        lower = np.where(small, exact_lower, lower)
        upper = np.where(small, exact_upper, upper)
    return _out(lower), _out(upper)


def rate_interval(count, denominator, per: float = 100_000.0, confidence: float = 0.95):
    """Confidence limits of a rate ``per × count / denominator``: :func:`byar_interval` scaled.

    The denominator (population or person-years) is taken as known exactly, as Fingertips does.

    Examples
    --------
    >>> [round(x, 1) for x in rate_interval(25, 50_000)]
    [32.3, 73.8]
    """
    lower, upper = byar_interval(count, confidence)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(den > 0, per / den, np.nan)
    return _out(np.asarray(lower) * scale), _out(np.asarray(upper) * scale)


# --------------------------------------------------------------------------- comparison

def compare_interval(comparator_value, lower, upper, higher_is_worse) -> str:
    """Fingertips' comparison of an area with a comparator, by the area's confidence interval.

    Parameters
    ----------
    comparator_value : float
        The comparator's value (borough, London, England), in the same unit as the limits.
    lower, upper : float
        The area's confidence limits.
    higher_is_worse : bool or None
        The indicator's polarity.  ``None``: higher is neither better nor worse.

    Returns
    -------
    str
        ``"similar"`` if the comparator lies inside ``[lower, upper]`` (limits included);
        otherwise ``"worse"`` / ``"better"`` by the polarity, or ``"higher"`` / ``"lower"``
        (the area's value against the comparator) when there is no polarity.  ``"no data"``
        if any of the three numbers is missing.

    Examples
    --------
    >>> compare_interval(30.7, 27.7, 28.3, higher_is_worse=True)    # area below the borough
    'better'
    >>> compare_interval(30.7, 27.7, 28.3, higher_is_worse=False)
    'worse'
    >>> compare_interval(30.7, 27.7, 28.3, higher_is_worse=None)
    'lower'
    >>> compare_interval(28.0, 27.7, 28.3, higher_is_worse=True)
    'similar'
    """
    try:
        comparator_value, lower, upper = (float(v) for v in (comparator_value, lower, upper))
    except (TypeError, ValueError):  # None, pandas' NA
        return "no data"
    if not all(math.isfinite(v) for v in (comparator_value, lower, upper)):
        return "no data"
    if lower <= comparator_value <= upper:
        return "similar"
    area_higher = comparator_value < lower
    if higher_is_worse is None:
        return "higher" if area_higher else "lower"
    return "worse" if area_higher == bool(higher_is_worse) else "better"
