"""An assessment's inputs as a small file that can be loaded again to revise it (JSON, versioned).

The file holds what the planner gave, not the results: the sites and schemes, the rings, the
parameters changed from the file's defaults, and the Rapid HIA judgements and mitigation. Loading it
and running it again gives the same figures for the same store and parameter file.

Examples
--------
>>> a = Assessment(title="Example", schemes=[{"site": {"how": "postcode", "postcode": "E14 0XA"},
...                                            "scheme": {"homes": 250}}])
>>> Assessment.from_json(a.to_json()).title
'Example'
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass, field

from ..errors import AssessmentFileError, ImpactInputError
from .analysis import ImpactResult, assess
from .catchment import parse_radii
from .hia import HiaRow, check_judgements, matrix
from .parameters import load_parameters
from .scheme import Scheme, scheme_from_input
from .site import Site, site_from_input

#: Version of the assessment file's layout (raise it when fields change meaning).
FILE_VERSION = 1
FILE_KIND = "thmaps development impact assessment"
#: Largest assessment file read back (bytes).
MAX_FILE_BYTES = 5_000_000


@dataclass
class Assessment:
    """The inputs of one assessment.

    Parameters
    ----------
    schemes : list of dict
        ``{"site": Site.as_input(), "scheme": Scheme.as_input()}`` per scheme.
    rings_m : list of int
        Ring radii (default: the parameter file's).
    parameters : dict
        Parameter key -> value changed for this assessment.
    hia : dict
        Theme id -> ``{"judgement": ..., "mitigation": ...}``.
    title, planner, notes : str
        Free text for the report.
    """

    schemes: list[dict] = field(default_factory=list)
    rings_m: list[int] | None = None
    parameters: dict = field(default_factory=dict)
    hia: dict = field(default_factory=dict)
    title: str = "Development health impact assessment"
    planner: str = ""
    notes: str = ""
    created: str = field(default_factory=lambda: _dt.datetime.now().isoformat(timespec="seconds"))

    @classmethod
    def from_pairs(cls, pairs: list[tuple[Site, Scheme]], **kwargs) -> "Assessment":
        """An assessment of sites and schemes already made."""
        return cls(schemes=[{"site": site.as_input(), "scheme": scheme.as_input()} for site, scheme in pairs], **kwargs)

    def pairs(self) -> list[tuple[Site, Scheme]]:
        """The sites and schemes, rebuilt and checked."""
        params = load_parameters().with_overrides(self.parameters)
        out = []
        for i, entry in enumerate(self.schemes, start=1):
            if not isinstance(entry, dict):
                raise AssessmentFileError(f"scheme {i}: not a site and a scheme")
            try:
                out.append((site_from_input(entry.get("site"), params), scheme_from_input(entry.get("scheme"), params)))
            except ImpactInputError as exc:
                raise type(exc)(f"scheme {i}: {exc}") from None
        return out

    def run(self) -> ImpactResult:
        """Run the assessment (sites placed, schemes checked, evidence and estimates made)."""
        return assess(self.pairs(), self.rings_m, self.parameters)

    def hia_rows(self, result: ImpactResult) -> list[HiaRow]:
        """The Rapid HIA matrix of ``result`` with this assessment's judgements."""
        return matrix(result, self.hia)

    def to_json(self) -> str:
        """The assessment file's text."""
        body = {"kind": FILE_KIND, "version": FILE_VERSION, "parameters_version": load_parameters().version}
        body |= asdict(self)
        return json.dumps(body, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> "Assessment":
        """Read an assessment file back.

        Raises
        ------
        AssessmentFileError
            If the text is not a thmaps assessment file of a version this thmaps reads, or a field is unusable.
        """
        if isinstance(text, bytes):
            if len(text) > MAX_FILE_BYTES:
                raise AssessmentFileError("the file is too large to be a thmaps assessment file")
            try:
                text = text.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise AssessmentFileError("the file is not a thmaps assessment file (not text)") from None
        try:
            raw = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            raise AssessmentFileError("the file is not a thmaps assessment file (not valid JSON)") from None
        if not isinstance(raw, dict) or raw.get("kind") != FILE_KIND:
            raise AssessmentFileError("the file is JSON but not a thmaps development impact assessment")
        if raw.get("version") != FILE_VERSION:
            raise AssessmentFileError(f"the assessment file has version {str(raw.get('version'))[:10]}; this thmaps "
                                      f"reads version {FILE_VERSION}")
        schemes = raw.get("schemes")
        if not isinstance(schemes, list) or not schemes:
            raise AssessmentFileError("the assessment file holds no scheme")
        parameters = raw.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise AssessmentFileError("the assessment file's parameters must be a mapping")
        try:
            load_parameters().with_overrides(parameters)
            rings = list(parse_radii(raw.get("rings_m"))) if raw.get("rings_m") else None
            hia = check_judgements(raw.get("hia") if isinstance(raw.get("hia"), dict) else {})
        except ImpactInputError as exc:
            raise AssessmentFileError(f"the assessment file: {exc}") from None
        text_of = lambda key, default="": " ".join(str(raw.get(key) or default).split())[:300]  # noqa: E731
        return cls(schemes=schemes, rings_m=rings, parameters=parameters, hia=hia,
                   title=text_of("title", "Development health impact assessment"), planner=text_of("planner"),
                   notes=str(raw.get("notes") or "")[:4000], created=text_of("created"))
