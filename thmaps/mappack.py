"""Map packs: many print-ready maps from one small YAML spec, plus a contents page and one combined PDF.

Spec (YAML)::

    title: Locality profile pack
    output: ../artifacts/packs/locality-profile   # folder (see "Output folder" below)
    paper: A4                 # A4 | A3
    orientation: landscape    # landscape | portrait
    format: pdf               # pdf | png | svg (the combined PDF is always written)
    dpi: 300                  # PNG resolution (optional)
    level: lsoa11             # defaults for every map (optional): level, scheme, k, period, tube_year, overlays
    scheme: quantiles
    extents: [locality:North West, locality:North East]   # default ["borough"]
    maps:
      - indicator: imd_decile
        scheme: national_deciles
      - indicator: laei_no2
        overlays: [no2_tubes]
        extents: [borough]    # a map may override the pack's extents

One map is written per (extent, map) pair, grouped by extent: every map of the first extent,
then every map of the second, so a locality's profile pages sit together.

Output folder
    A relative ``output`` is resolved against **the folder holding the spec file**, so a pack
    writes to the same place whatever the current directory (``run_pack(..., out_dir=...)`` and
    ``python -m thmaps map-pack SPEC --out DIR`` override it; ``out_dir`` relative paths are
    resolved against the current directory).  An existing folder is replaced only if it holds a
    previous thmaps pack (a ``pack.json`` file); any other existing path is refused.

The whole spec is checked before anything is written (:class:`MapPackError` names every
problem).  Files are written to a temporary folder beside the target and renamed into place
at the end, so a failure leaves no half-written pack behind.

Files in the folder: ``00-contents.pdf``, ``01-<indicator>-<extent>.<fmt>`` ..., ``<title>.pdf``
(contents + every map, one PDF) and ``pack.json`` (what was written, from which spec).
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import matplotlib
import yaml
from matplotlib.figure import Figure
from pypdf import PdfReader, PdfWriter
from tqdm.auto import tqdm

from . import printmap
from .mapspec import MapDescription, MapRequestError, parse_extent, prepare, resolve
from .sources import SourceError
from .store import StoreMissingError

PACK_KEYS = {"title", "output", "paper", "orientation", "format", "dpi", "level", "scheme", "k", "period",
             "tube_year", "overlays", "extents", "maps", "description"}
MAP_KEYS = {"indicator", "period", "level", "scheme", "k", "overlays", "tube_year", "title", "extents"}
DEFAULTS_FROM_PACK = ("period", "level", "scheme", "k", "overlays", "tube_year")
MANIFEST = "pack.json"
CONTENTS_FILE = "00-contents.pdf"


class MapPackError(ValueError):
    """A map pack that cannot be written; the message says what to fix.  Nothing is left half-written."""


@dataclass
class PackItem:
    """One map of the pack."""

    number: int
    description: MapDescription
    file_name: str = ""
    title: str = ""
    extent_label: str = ""
    page: int = 0


@dataclass
class PackPlan:
    """A checked spec: what will be written where."""

    title: str
    folder: Path
    paper: str
    orientation: str
    fmt: str
    dpi: int
    items: list[PackItem] = field(default_factory=list)
    spec_path: Path | None = None


# --------------------------------------------------------------------------- validation

def _slug(text: str, limit: int = 60) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in str(text))
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:limit].strip("-") or "map"


def _as_list(value, what: str, problems: list[str]) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    problems.append(f"{what} must be a list, not {type(value).__name__}")
    return []


def _extent_label(extent: str) -> str:
    kind, code = parse_extent(extent)
    if kind == "borough":
        return "Tower Hamlets"
    if kind == "locality":
        from . import settings

        return {v: k for k, v in settings.LOCALITY_CODES.items()}[code] + " locality"
    from . import store

    wards = store.load_layer("wards").set_index("code")
    return f"{wards.loc[code, 'name']} ward"


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_folder(folder: Path) -> str | None:
    """Why ``folder`` cannot receive a pack, or None."""
    if folder.exists():
        if not folder.is_dir():
            return f"output {folder} exists and is a file, not a folder"
        if any(folder.iterdir()) and not (folder / MANIFEST).is_file():
            return (f"output folder {folder} already exists and is not a thmaps map pack; "
                    "choose a new folder (an existing pack folder is replaced)")
    base = _nearest_existing(folder.parent)
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
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise MapPackError(f"cannot read spec {path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise MapPackError(f"spec {path.name} is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(spec, dict):
        raise MapPackError(f"spec {path.name} must be a YAML mapping with 'title', 'output' and 'maps'")
    return spec


def plan(spec: dict, spec_dir: Path | None = None, out_dir=None) -> PackPlan:
    """Check a whole spec and return the plan; raise :class:`MapPackError` listing every problem.

    Nothing is written (only a probe of the output folder's parent, created and removed at once).
    """
    problems: list[str] = []
    unknown = sorted(set(spec) - PACK_KEYS)
    if unknown:
        problems.append(f"unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(PACK_KEYS))}")
    title = str(spec.get("title") or "Map pack")
    paper = str(spec.get("paper", "A4")).upper()
    orientation = str(spec.get("orientation", "landscape")).lower()
    fmt = str(spec.get("format", "pdf")).lower()
    if paper not in printmap.PAPERS:
        problems.append(f"paper {spec.get('paper')!r} is not supported; choose {' or '.join(printmap.PAPERS)}")
    if orientation not in printmap.ORIENTATIONS:
        problems.append(f"orientation {spec.get('orientation')!r} is not supported; choose landscape or portrait")
    if fmt not in printmap.FORMATS:
        problems.append(f"format {spec.get('format')!r} is not supported; choose {', '.join(printmap.FORMATS)}")
    try:
        dpi = int(spec.get("dpi", printmap.DEFAULT_DPI))
        if not 72 <= dpi <= 600:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(f"dpi {spec.get('dpi')!r} must be a whole number between 72 and 600")
        dpi = printmap.DEFAULT_DPI

    # Output folder.
    if out_dir is not None:
        folder = Path(out_dir).expanduser()
        folder = folder if folder.is_absolute() else Path.cwd() / folder
    elif spec.get("output"):
        folder = Path(str(spec["output"])).expanduser()
        folder = folder if folder.is_absolute() else (spec_dir or Path.cwd()) / folder
    else:
        folder = None
        problems.append("no output folder: add 'output: <folder>' to the spec (relative to the spec's folder)")
    if folder is not None:
        folder = Path(os.path.abspath(folder))
        reason = _check_folder(folder)
        if reason:
            problems.append(reason)

    # Extents.
    pack_extents = _as_list(spec.get("extents", ["borough"]), "extents", problems) or ["borough"]
    labels: dict[str, str] = {}

    def check_extent(extent, where: str) -> bool:
        extent = str(extent)
        if extent in labels:
            return True
        try:
            labels[extent] = _extent_label(extent)
            return True
        except MapRequestError as exc:
            problems.append(f"{where}: {exc}")
            return False

    for extent in pack_extents:
        check_extent(extent, "extents")

    # Maps.
    maps = spec.get("maps")
    if not isinstance(maps, list) or not maps:
        problems.append("'maps' must be a non-empty list of maps (each with an 'indicator')")
        maps = []
    checked: list[tuple[int, dict, MapDescription, list[str]]] = []
    for i, entry in enumerate(maps, start=1):
        where = f"map {i}"
        if isinstance(entry, str):
            entry = {"indicator": entry}
        if not isinstance(entry, dict) or "indicator" not in entry:
            problems.append(f"{where}: must be a mapping with an 'indicator'")
            continue
        where = f"map {i} ({entry['indicator']})"
        bad = sorted(set(entry) - MAP_KEYS)
        if bad:
            problems.append(f"{where}: unknown setting(s) {', '.join(bad)}; allowed: {', '.join(sorted(MAP_KEYS))}")
            continue
        settings_ = {k: spec[k] for k in DEFAULTS_FROM_PACK if k in spec}
        settings_.update({k: v for k, v in entry.items() if k != "extents"})
        overlays = _as_list(settings_.get("overlays"), f"{where}: overlays", problems)
        try:
            desc = MapDescription(
                indicator=str(settings_["indicator"]),
                period=None if settings_.get("period") is None else str(settings_["period"]),
                level=str(settings_.get("level", "lsoa11")), scheme=str(settings_.get("scheme", "quantiles")),
                k=int(settings_.get("k", 5)), overlays=tuple(str(o) for o in overlays),
                tube_year=int(settings_.get("tube_year", 2024)),
                title=None if settings_.get("title") is None else str(settings_["title"]))
            resolve(desc)
        except MapRequestError as exc:
            problems.append(f"{where}: {exc}")
            continue
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        extents = _as_list(entry["extents"], f"{where}: extents", problems) if "extents" in entry else pack_extents
        ok = all([check_extent(e, f"{where}: extents") for e in extents])
        if ok:
            checked.append((i, entry, desc, [str(e) for e in extents]))

    if problems:
        raise MapPackError("the spec has {} problem(s):\n  - {}".format(len(problems), "\n  - ".join(problems)))

    # Order: grouped by extent (pack order, then extents only some maps use), maps in spec order.
    order: list[str] = []
    for _, _, _, extents in checked:
        for e in extents:
            if e not in order:
                order.append(e)
    items: list[PackItem] = []
    for extent in order:
        for _, _, desc, extents in checked:
            if extent in extents:
                n = len(items) + 1
                items.append(PackItem(n, replace(desc, extent=extent), extent_label=labels[extent],
                                      file_name=f"{n:02d}-{_slug(desc.indicator, 40)}-{_slug(labels[extent], 40)}.{fmt}"))
    return PackPlan(title=title, folder=folder, paper=paper, orientation=orientation, fmt=fmt, dpi=dpi, items=items)


# --------------------------------------------------------------------------- contents page

def _contents_rows_per_page(pack: PackPlan) -> int:
    page_w, page_h = printmap.page_size_mm(pack.paper, pack.orientation)
    scale = 1.0 if pack.paper == "A4" else 1.25
    return max(5, int((page_h - 2 * 15.0 * scale - 48.0 * scale) / (9.5 * scale)))


def contents_pages(pack: PackPlan) -> int:
    """How many contents pages the pack needs."""
    return max(1, -(-len(pack.items) // _contents_rows_per_page(pack)))


def assign_pages(pack: PackPlan) -> None:
    """Number the maps' pages in the combined PDF (after the contents page(s))."""
    n_contents = contents_pages(pack)
    for item in pack.items:
        item.page = n_contents + item.number


def render_contents(pack: PackPlan, made_on: str) -> bytes:
    """The contents page(s) as PDF bytes: each map's number, title, area, file name and page."""
    page_w, page_h = printmap.page_size_mm(pack.paper, pack.orientation)
    scale = 1.0 if pack.paper == "A4" else 1.25
    per_page = _contents_rows_per_page(pack)
    n_pages = contents_pages(pack)
    margin = 15.0 * scale
    writer = PdfWriter()
    with printmap._LOCK, matplotlib.rc_context(printmap._RC):
        for p in range(n_pages):
            fig = Figure(figsize=(page_w / 25.4, page_h / 25.4), facecolor="white")
            ax = fig.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, page_w)
            ax.set_ylim(0, page_h)
            ax.axis("off")
            y = page_h - margin
            title_lines = printmap.wrap_text(pack.title, page_w - 2 * margin, 20 * scale, "bold")
            ax.text(margin, y, "\n".join(title_lines), fontsize=20 * scale, fontweight="bold", va="top",
                    parse_math=False, color=printmap.TEXT_COLOUR)
            y -= len(title_lines) * 20 * scale * 1.2 * printmap._PT_MM + 3 * scale
            sub = (f"Contents{' (continued)' if p else ''} · {len(pack.items)} map(s) · {pack.paper} {pack.orientation}"
                   f" · made with thmaps on {made_on}")
            ax.text(margin, y, sub, fontsize=11 * scale, va="top", color=printmap.MUTED_TEXT, parse_math=False)
            y -= 12 * scale
            cols = [margin, margin + 12 * scale, page_w - margin - 18 * scale]  # No. | map / area / file | page
            size = 9.5 * scale
            ax.text(cols[0], y, "No.", fontsize=size, fontweight="bold", va="top", parse_math=False)
            ax.text(cols[1], y, "Map · area · file", fontsize=size, fontweight="bold", va="top", parse_math=False)
            ax.text(page_w - margin, y, "Page", fontsize=size, fontweight="bold", va="top", ha="right", parse_math=False)
            y -= size * 1.5 * printmap._PT_MM
            ax.plot([margin, page_w - margin], [y, y], color="#7f7f7f", linewidth=0.6)
            y -= 1.5 * scale
            row_h = 9.5 * scale
            text_w = cols[2] - cols[1] - 4 * scale
            for item in pack.items[p * per_page:(p + 1) * per_page]:
                line1 = printmap.wrap_text(item.title, text_w, size)[0]
                ax.text(cols[0], y, f"{item.number}", fontsize=size, va="top", parse_math=False)
                ax.text(cols[1], y, line1, fontsize=size, va="top", parse_math=False, color=printmap.TEXT_COLOUR)
                ax.text(cols[1], y - size * 1.3 * printmap._PT_MM, f"{item.extent_label} · {item.file_name}",
                        fontsize=size * 0.85, va="top", parse_math=False, color=printmap.MUTED_TEXT)
                ax.text(page_w - margin, y, f"{item.page}", fontsize=size, va="top", ha="right", parse_math=False)
                y -= row_h
            ax.text(page_w - margin, margin * 0.6, f"Contents page {p + 1} of {n_pages}", fontsize=8 * scale,
                    ha="right", va="bottom", color=printmap.MUTED_TEXT, parse_math=False)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="pdf", metadata={"Title": f"{pack.title}: contents", "Creator": "thmaps"})
            writer.append(PdfReader(io.BytesIO(buffer.getvalue())))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------- running

def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def run_pack(spec_path, out_dir=None, progress: bool = True) -> dict:
    """Check a spec, then write every map, the contents page and the combined PDF.

    Parameters
    ----------
    spec_path : path
        The YAML spec.  Relative ``output`` folders are resolved against the spec's folder.
    out_dir : path, optional
        Write here instead of the spec's ``output`` (relative to the current directory).
    progress : bool
        Show a tqdm progress bar (on stderr).

    Returns
    -------
    dict
        ``folder``, ``files`` (names, in order), ``combined_pdf`` (path), ``maps`` (count),
        ``pages`` (of the combined PDF) and ``seconds``.

    Raises
    ------
    MapPackError
        For any problem; the spec is checked in full before anything is written, and a failure
        while writing leaves neither the target folder nor a temporary folder behind.
    """
    started = time.perf_counter()
    spec_path = Path(spec_path).expanduser().resolve()
    spec = load_spec(spec_path)
    try:
        pack = plan(spec, spec_path.parent, out_dir)
    except StoreMissingError as exc:
        raise MapPackError(str(exc)) from None
    pack.spec_path = spec_path
    made_on = _dt.date.today().isoformat()
    assign_pages(pack)

    # Create missing parents (remembered, so a failure removes them again) and the temporary folder.
    created: list[Path] = []
    parent = pack.folder.parent
    missing = []
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    tmp: Path | None = None
    done = False
    try:
        for p in reversed(missing):
            p.mkdir()
            created.append(p)
        tmp = Path(tempfile.mkdtemp(prefix=f".{pack.folder.name}.tmp-", dir=pack.folder.parent))
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a pack is for sharing
        files: list[str] = []
        combined = PdfWriter()
        map_pdfs: list[bytes] = []
        bar = tqdm(total=len(pack.items) + 1, desc=f"Map pack: {pack.title}", unit="map", disable=not progress)
        try:
            for item in pack.items:
                bar.set_postfix_str(item.file_name, refresh=False)
                prepared = prepare(item.description)
                item.title = prepared.title
                data = printmap.render(prepared, pack.paper, pack.orientation, pack.fmt, pack.dpi)
                _write(tmp / item.file_name, data)
                files.append(item.file_name)
                pdf = data if pack.fmt == "pdf" else printmap.render(prepared, pack.paper, pack.orientation, "pdf")
                map_pdfs.append(pdf)
                bar.update(1)
            bar.set_postfix_str("contents and combined PDF", refresh=False)
            contents = render_contents(pack, made_on)
            _write(tmp / CONTENTS_FILE, contents)
            combined.append(PdfReader(io.BytesIO(contents)))
            for item, pdf in zip(pack.items, map_pdfs):
                combined.append(PdfReader(io.BytesIO(pdf)), outline_item=f"{item.number}. {item.title} – {item.extent_label}")
            combined.add_metadata({"/Title": pack.title, "/Creator": "thmaps"})
            combined_name = f"{_slug(pack.title)}.pdf"
            if combined_name in files or combined_name == CONTENTS_FILE:
                combined_name = f"combined-{combined_name}"
            buffer = io.BytesIO()
            combined.write(buffer)
            _write(tmp / combined_name, buffer.getvalue())
            n_pages = len(PdfReader(io.BytesIO(buffer.getvalue())).pages)
            bar.update(1)
        finally:
            bar.close()
        all_files = [CONTENTS_FILE] + files + [combined_name]
        manifest = {"title": pack.title, "made_on": made_on, "spec": str(spec_path), "paper": pack.paper,
                    "orientation": pack.orientation, "format": pack.fmt, "combined_pdf": combined_name,
                    "maps": [{"number": it.number, "file": it.file_name, "page": it.page, "title": it.title,
                              "extent": it.description.extent, "indicator": it.description.indicator}
                             for it in pack.items]}
        _write(tmp / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))

        # Into place: an existing pack is moved aside first and removed only once the new one is in.
        old = None
        if pack.folder.exists():
            old = pack.folder.with_name(f".{pack.folder.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(pack.folder, old)
        try:
            os.replace(tmp, pack.folder)
        except OSError:
            if old is not None:
                os.replace(old, pack.folder)
            raise
        tmp = None
        done = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except MapPackError:
        raise
    except (MapRequestError, SourceError, StoreMissingError) as exc:
        raise MapPackError(f"map pack not written: {exc}") from None
    except OSError as exc:
        raise MapPackError(f"map pack not written: cannot write {getattr(exc, 'filename', '') or pack.folder} "
                           f"({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if not done:
            for p in reversed(created):  # deepest first
                try:
                    p.rmdir()
                except OSError:
                    pass
    return {"folder": str(pack.folder), "files": all_files, "combined_pdf": str(pack.folder / combined_name),
            "maps": len(pack.items), "pages": n_pages, "seconds": time.perf_counter() - started}
