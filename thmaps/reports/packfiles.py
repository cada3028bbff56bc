"""Map-pack file safety: a YAML reader that refuses alias bombs, limits on names and titles, which files of
a pack folder thmaps wrote, and the cleaning of temporary folders a killed run left behind.

A pack folder is replaced only through files thmaps wrote (listed in its manifest); anything else found in
it is carried into the new pack, never deleted. A temporary folder (``.NAME.tmp-*``, ``.NAME.old-*``) is
cleaned once it is older than :data:`STALE_SECONDS` and holds only files (a run that is still writing is
younger; a folder with subfolders is not ours).
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import yaml

from ..errors import MapPackError
from .contents import CONTENTS_FILE

#: Largest spec file read.
MAX_SPEC_BYTES = 1024 * 1024
#: Most YAML aliases (``*name``) a spec may use: enough for sharing settings, too few for an alias bomb.
MAX_ALIASES = 100
#: Longest pack or map title (a longer one cannot be laid out on a page).
MAX_TITLE = 200
#: Longest output folder name, in bytes (file systems allow 255; the temporary name adds to it).
MAX_FOLDER_NAME = 200
#: Age after which a temporary pack folder left by a killed run is cleaned.
STALE_SECONDS = 3600
MANIFEST = "pack.json"


class _LimitedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that counts aliases and refuses a document using more than :data:`MAX_ALIASES`."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases = getattr(self, "_aliases", 0) + 1
            if self._aliases > MAX_ALIASES:
                raise MapPackError(f"the spec uses more than {MAX_ALIASES} YAML aliases (*name); write the "
                                   "settings out instead")
        return super().compose_node(parent, index)


def safe_yaml(path: Path):
    """A spec file's YAML, parsed safely: size and alias use limited (:class:`MapPackError` otherwise)."""
    if path.stat().st_size > MAX_SPEC_BYTES:
        raise MapPackError(f"spec {path.name[:80]} is larger than {MAX_SPEC_BYTES // 1024} KiB; a map-pack spec "
                           "is a few lines")
    loader = _LimitedLoader(path.read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def title_problem(title, where: str) -> str | None:
    """Why a title cannot be printed, or ``None``."""
    text = str(title)
    if len(text) > MAX_TITLE:
        return f"{where} is {len(text):,} characters long; a title fits on the page up to {MAX_TITLE} characters"
    return None


def folder_problem(folder: Path) -> str | None:
    """Why an output folder's name cannot be used, or ``None``."""
    size = len(folder.name.encode("utf-8", "surrogateescape"))
    if size > MAX_FOLDER_NAME:
        return (f"output folder name is {size} bytes long ({folder.name[:40]}…); choose a name of at most "
                f"{MAX_FOLDER_NAME}")
    return None


def our_files(folder: Path) -> set[str]:
    """The files of a pack folder that thmaps wrote (from its manifest); empty if it has no readable one."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(manifest, dict):
        return set()
    names = {MANIFEST, CONTENTS_FILE}
    names.update(str(n) for n in manifest.get("files", []) if isinstance(n, str))
    names.update(str(m.get("file")) for m in manifest.get("maps", []) if isinstance(m, dict) and m.get("file"))
    if isinstance(manifest.get("combined_pdf"), str):
        names.add(manifest["combined_pdf"])
    return {n for n in names if n and "/" not in n and "\\" not in n and n not in (".", "..")}


def carry_over(old: Path, new: Path) -> list[str]:
    """Move every entry of the old pack folder that thmaps did not write into the new one; their names.

    Raises
    ------
    MapPackError
        If such an entry has the name of a file of the new pack (nothing is moved then).
    """
    ours = our_files(old)
    foreign = [p for p in old.iterdir() if p.name not in ours]
    clash = [p.name for p in foreign if (new / p.name).exists()]
    if clash:
        raise MapPackError(f"the pack folder {old} holds {clash[0][:60]!r}, which thmaps did not write and the new "
                           "pack would overwrite; move it away or choose another output folder")
    for path in foreign:
        os.replace(path, new / path.name)
    return [p.name for p in foreign]


def clean_stale(parent: Path, name: str, now: float | None = None) -> list[Path]:
    """Remove temporary folders of the pack ``name`` that a killed run left in ``parent``; those removed."""
    now = time.time() if now is None else now
    removed = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith((f".{name}.tmp-", f".{name}.old-"))]
    except OSError:
        return removed
    for path in candidates:
        try:
            if (path.is_symlink() or not path.is_dir() or now - path.stat().st_mtime < STALE_SECONDS
                    or any(not (child.is_file() and not child.is_symlink()) for child in path.iterdir())):
                continue
            shutil.rmtree(path)
            removed.append(path)
        except OSError:
            continue
    return removed
