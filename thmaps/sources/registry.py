"""The source registry (``thmaps/data/sources.yaml``): what each dataset is and where it lives."""
from __future__ import annotations

from dataclasses import dataclass, asdict
from functools import lru_cache
from pathlib import Path

import yaml

from .. import settings
from ..errors import SourceError

REQUIRED_FIELDS = ("id", "title", "publisher", "licence", "attribution", "vintage", "geography", "path", "url")


@dataclass(frozen=True)
class Source:
    """One dataset of the registry."""

    id: str
    title: str
    publisher: str
    licence: str
    attribution: str
    vintage: str
    geography: str
    path: str
    url: str
    crs: str | None = None

    def location(self, source_dir: Path | None = None) -> Path:
        """Absolute path of the dataset inside ``source_dir`` (default: ``THMAPS_SOURCE_DIR``)."""
        return Path(source_dir or settings.source_dir()) / self.path

    def as_dict(self) -> dict:
        return asdict(self)


def load_registry(path: Path | None = None) -> dict[str, Source]:
    """Read the source registry (default :data:`thmaps.settings.SOURCE_REGISTRY`).

    Returns
    -------
    dict
        Source id -> :class:`Source`, in registry order.
    """
    return _load_registry(Path(path or settings.SOURCE_REGISTRY))


@lru_cache(maxsize=4)
def _load_registry(path: Path) -> dict[str, Source]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    registry: dict[str, Source] = {}
    for entry in raw["sources"]:
        missing = [f for f in REQUIRED_FIELDS if not entry.get(f)]
        if missing:
            raise SourceError(f"source registry entry {entry.get('id', '?')!r} lacks {', '.join(missing)}")
        registry[entry["id"]] = Source(**{k: str(v) for k, v in entry.items()})
    return registry


def get(source_id: str) -> Source:
    """Return one source by id (:class:`SourceError` with the known ids if unknown); ``user:<id>`` is an
    uploaded indicator's file (:func:`thmaps.uploads.values.user_source`), ``user-geometry:<key>`` an
    uploaded overlay's (:func:`thmaps.uploads.geometry.geometry_source`)."""
    if isinstance(source_id, str) and source_id.startswith("user:"):
        from ..uploads.values import user_source

        return user_source(source_id)
    if isinstance(source_id, str) and source_id.startswith("user-geometry:"):
        from ..uploads.geometry import geometry_source

        return geometry_source(source_id)
    registry = load_registry()
    if source_id not in registry:
        raise SourceError(f"unknown source {source_id!r}; known: {', '.join(registry)}")
    return registry[source_id]


def attribution_lines(source_ids) -> list[str]:
    """Distinct attribution lines for the given sources, in first-seen order.

    A line that another line begins with is left out (the ONS line is the start of the ONS-and-OS one).
    """
    lines: list[str] = []
    for sid in source_ids:
        line = get(sid).attribution
        if line not in lines:
            lines.append(line)
    return [line for line in lines if not any(other != line and other.startswith(line) for other in lines)]


def format_registry() -> str:
    """The registry as plain text, one block per dataset (for ``python -m thmaps sources``)."""
    blocks = []
    for s in load_registry().values():
        blocks.append(
            f"{s.id}\n  title:       {s.title}\n  publisher:   {s.publisher}\n  licence:     {s.licence}\n"
            f"  attribution: {s.attribution}\n  vintage:     {s.vintage}\n  geography:   {s.geography}\n"
            f"  path:        {s.path}\n  crs:         {s.crs or '(tabular)'}\n  url:         {s.url}"
        )
    return "\n\n".join(blocks)
