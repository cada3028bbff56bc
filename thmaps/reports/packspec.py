"""Reading a map-pack spec and checking the folder a pack is written to (for :mod:`thmaps.reports.mappack`)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from ..errors import MapPackError
from .packfiles import MANIFEST, safe_yaml

#: The file that marks a folder as a thmaps map pack (what was written, from which spec).


def nearest_existing(path: Path) -> Path:
    """The nearest folder up from ``path`` that exists (where a new folder would be created)."""
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_folder(folder: Path) -> str | None:
    """Why ``folder`` cannot receive a pack, or None."""
    if folder.exists():
        if not folder.is_dir():
            return f"output {folder} exists and is a file, not a folder"
        if any(folder.iterdir()) and not (folder / MANIFEST).is_file():
            return (f"output folder {folder} already exists and is not a thmaps map pack; "
                    "choose a new folder (an existing pack folder is replaced)")
    base = nearest_existing(folder.parent)
    if not base.is_dir():
        return f"cannot create output folder {folder}: {base} is a file, not a folder"
    if not os.access(base, os.W_OK | os.X_OK):
        return f"cannot write to {base} (permission denied); choose another output folder"
    try:  # a real probe: permissions can lie (read-only mounts, ACLs)
        probe = tempfile.mkdtemp(prefix=".thmaps-probe-", dir=base)
        os.rmdir(probe)
    except OSError as exc:
        return f"cannot write to {base} ({exc.strerror or exc}); choose another output folder"
    return None


def load_spec(spec_path) -> dict:
    """Read a spec file (YAML mapping), raising :class:`MapPackError` with a plain message."""
    path = Path(spec_path)
    if not path.is_file():
        raise MapPackError(f"spec file {path} not found")
    try:
        spec = safe_yaml(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise MapPackError(f"cannot read spec {path}: {exc}") from None
    except RecursionError:
        raise MapPackError(f"spec {path.name} nests too deeply to be a map-pack spec") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise MapPackError(f"spec {path.name} is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(spec, dict):
        raise MapPackError(f"spec {path.name} must be a YAML mapping with 'title', 'output' and 'maps'")
    return spec
