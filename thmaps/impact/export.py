"""The report (PDF or HTML) and the assessment file of an assessment, as bytes or written atomically."""
from __future__ import annotations

from pathlib import Path

from .. import maps
from .._util import atomic_write, slugify
from ..errors import ImpactInputError
from . import report, report_html, report_pdf, sitemap
from .analysis import ImpactResult
from .assessment import Assessment

FORMATS = {"pdf": "application/pdf", "html": "text/html", "json": "application/json"}


def report_bytes(result: ImpactResult, assessment: Assessment, fmt: str = "pdf", prepared=None) -> bytes:
    """The report as PDF or HTML bytes (``json``: the assessment file).

    Parameters
    ----------
    result : ImpactResult
        From :meth:`Assessment.run` (or :func:`thmaps.impact.assess`).
    assessment : Assessment
        Its inputs, title and Rapid HIA judgements.
    fmt : {"pdf", "html", "json"}
    prepared : PreparedMap, optional
        The borough map under the sites on paper (default: IMD deciles,
        ``thmaps.impact.sitemap.description(paper=True)``).

    Raises
    ------
    ImpactInputError
        For an unknown format.
    """
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ImpactInputError(f"unknown report format {fmt[:10]!r}; choose pdf, html or json")
    if fmt == "json":
        return assessment.to_json().encode("utf-8")
    prepared = prepared or maps.prepare(sitemap.description(paper=True))
    content = report.blocks(result, assessment, assessment.hia_rows(result))
    figure = sitemap.print_page(prepared, result)
    if fmt == "html":
        return report_html.to_html(content, figure).encode("utf-8")
    title = assessment.title or "Development health impact assessment"
    return report_pdf.to_pdf(content, figure, title=title, footer=f"{title} · thmaps · {result.made_on}")


def file_name(assessment: Assessment, fmt: str) -> str:
    """``development-impact-<first scheme>-<date>.<fmt>``."""
    first = assessment.schemes[0].get("scheme", {}).get("name", "") if assessment.schemes else ""
    return f"{slugify('development-impact ' + str(first) + ' ' + assessment.created[:10], limit=120)}.{fmt}"


def save_report(result: ImpactResult, assessment: Assessment, path, prepared=None) -> Path:
    """Write the report (format from the suffix: .pdf, .html, .json) atomically; returns the path."""
    path = Path(path)
    return atomic_write(path, report_bytes(result, assessment, path.suffix or ".pdf", prepared))
