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
    profiles: true            # also a locality profile (PDF) per locality extent (or a list: [South East])
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
    ``thmaps map-pack SPEC --out DIR`` override it; ``out_dir`` relative paths are
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

from pypdf import PdfReader, PdfWriter
from tqdm.auto import tqdm

from .._util import atomic_write, slugify
from ..errors import MapPackError, ThmapsError
from ..geo.places import Extent, Locality
from ..maps import printing
from ..maps.description import MapDescription, resolve, ward_names
from ..maps.prepare import prepare
from .packfiles import carry_over, clean_stale, folder_problem, title_problem
from .contents import CONTENTS_FILE, assign_pages, render_contents
from .locality_profile import locality_profile, pack_profiles
from .packspec import MANIFEST, check_folder as _check_folder, load_spec

PACK_KEYS = {"title", "output", "paper", "orientation", "format", "dpi", "level", "scheme", "k", "period",
             "tube_year", "overlays", "extents", "maps", "description", "profiles"}
MAP_KEYS = {"indicator", "period", "level", "scheme", "k", "overlays", "tube_year", "title", "extents"}
DEFAULTS_FROM_PACK = ("period", "level", "scheme", "k", "overlays", "tube_year")


@dataclass
class PackItem:
    """One map of the pack."""

    number: int
    description: MapDescription
    file_name: str = ""
    title: str = ""
    extent_label: str = ""
    page: int = 0
    pages: int = 1                    # a locality profile has several
    locality: Locality | None = None  # set for a locality profile (then ``description`` is None)


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
    profiles: list[PackItem] = field(default_factory=list)
    spec_path: Path | None = None


# --------------------------------------------------------------------------- validation

def _as_list(value, what: str, problems: list[str]) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    problems.append(f"{what} must be a list, not {type(value).__name__}")
    return []


def _extent_label(extent: Extent) -> str:
    if extent.kind == "borough":
        return "Tower Hamlets"
    if extent.kind == "locality":
        return f"{extent.locality.name} locality"
    return f"{ward_names()[extent.code]} ward"


def plan(spec: dict, spec_dir: Path | None = None, out_dir=None) -> PackPlan:
    """Check a whole spec and return the plan; raise :class:`MapPackError` listing every problem.

    Nothing is written (only a probe of the output folder's parent, created and removed at once).
    """
    problems: list[str] = []
    unknown = sorted(set(spec) - PACK_KEYS)
    if unknown:
        problems.append(f"unknown setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(PACK_KEYS))}")
    title = str(spec.get("title") or "Map pack")
    problems += [p for p in [title_problem(title, "the pack title")] if p]
    paper = str(spec.get("paper", "A4")).upper()
    orientation = str(spec.get("orientation", "landscape")).lower()
    fmt = str(spec.get("format", "pdf")).lower()
    if paper not in printing.PAPERS:
        problems.append(f"paper {spec.get('paper')!r} is not supported; choose {' or '.join(printing.PAPERS)}")
    if orientation not in printing.ORIENTATIONS:
        problems.append(f"orientation {spec.get('orientation')!r} is not supported; choose landscape or portrait")
    if fmt not in printing.FORMATS:
        problems.append(f"format {spec.get('format')!r} is not supported; choose {', '.join(printing.FORMATS)}")
    try:
        dpi = int(spec.get("dpi", printing.DEFAULT_DPI))
        if not 72 <= dpi <= 600:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(f"dpi {spec.get('dpi')!r} must be a whole number between 72 and 600")
        dpi = printing.DEFAULT_DPI

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
        reason = folder_problem(folder) or _check_folder(folder)
        if reason:
            problems.append(reason)

    # Extents.
    pack_extents = _as_list(spec.get("extents", ["borough"]), "extents", problems) or ["borough"]
    labels: dict[str, str] = {}

    def check_extent(extent, where: str) -> bool:
        try:
            extent = Extent.parse(extent, wards=ward_names())
        except ThmapsError as exc:
            problems.append(f"{where}: {exc}")
            return False
        labels.setdefault(str(extent), _extent_label(extent))
        return True

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
                tube_year=None if settings_.get("tube_year") is None else int(settings_["tube_year"]),
                title=None if settings_.get("title") is None else str(settings_["title"]))
            long_title = title_problem(desc.title or "", "the title")
            if long_title:
                raise ValueError(long_title)
            resolve(desc)
        except ThmapsError as exc:
            problems.append(f"{where}: {exc}")
            continue
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        extents = _as_list(entry["extents"], f"{where}: extents", problems) if "extents" in entry else pack_extents
        ok = all([check_extent(e, f"{where}: extents") for e in extents])
        if ok:
            checked.append((i, entry, desc, [str(Extent.parse(e, wards=ward_names())) for e in extents]))

    try:
        profile_localities = pack_profiles(spec.get("profiles"), pack_extents)
    except ThmapsError as exc:
        problems.append(str(exc))
        profile_localities = []
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
                items.append(PackItem(n, replace(desc, extent=Extent.parse(extent)), extent_label=labels[extent],
                                      file_name=f"{n:02d}-{slugify(desc.indicator, 40)}-{slugify(labels[extent], 40)}.{fmt}"))
    profiles = [PackItem(len(items) + i, None, file_name=f"{len(items) + i:02d}-profile-{slugify(loc.name)}.pdf",
                         title=f"{loc.name} locality profile", extent_label=f"{loc.name} locality", locality=loc)
                for i, loc in enumerate(profile_localities, start=1)]
    return PackPlan(title=title, folder=folder, paper=paper, orientation=orientation, fmt=fmt, dpi=dpi, items=items,
                    profiles=profiles)


# --------------------------------------------------------------------------- running

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
    except MapPackError:
        raise
    except ThmapsError as exc:
        raise MapPackError(str(exc)) from None
    pack.spec_path = spec_path
    made_on = _dt.date.today().isoformat()

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
        clean_stale(pack.folder.parent, pack.folder.name)
        tmp = Path(tempfile.mkdtemp(prefix=f".{pack.folder.name}.tmp-", dir=pack.folder.parent))
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a pack is for sharing
        files: list[str] = []
        combined = PdfWriter()
        map_pdfs: list[bytes] = []
        bar = tqdm(total=len(pack.items) + len(pack.profiles) + 1, desc=f"Map pack: {pack.title}", unit="map",
                   disable=not progress)
        try:
            for item in pack.items:
                bar.set_postfix_str(item.file_name, refresh=False)
                prepared = prepare(item.description)
                item.title = prepared.title
                data = printing.render(prepared, pack.paper, pack.orientation, pack.fmt, pack.dpi)
                atomic_write(tmp / item.file_name, data)
                files.append(item.file_name)
                pdf = data if pack.fmt == "pdf" else printing.render(prepared, pack.paper, pack.orientation, "pdf")
                map_pdfs.append(pdf)
                bar.update(1)
            for item in pack.profiles:  # locality profiles (A4 portrait PDFs) after the maps
                bar.set_postfix_str(item.file_name, refresh=False)
                report = locality_profile(item.locality, made_on=made_on)
                item.pages = report.pages
                atomic_write(tmp / item.file_name, report.pdf)
                files.append(item.file_name)
                map_pdfs.append(report.pdf)
                bar.update(1)
            assign_pages(pack)
            bar.set_postfix_str("contents and combined PDF", refresh=False)
            contents = render_contents(pack, made_on)
            atomic_write(tmp / CONTENTS_FILE, contents)
            combined.append(PdfReader(io.BytesIO(contents)))
            for item, pdf in zip(pack.items + pack.profiles, map_pdfs):
                combined.append(PdfReader(io.BytesIO(pdf)), outline_item=f"{item.number}. {item.title} – {item.extent_label}")
            combined.add_metadata({"/Title": pack.title, "/Creator": "thmaps"})
            combined_name = f"{slugify(pack.title, 80)}.pdf"
            if combined_name in files or combined_name == CONTENTS_FILE:
                combined_name = f"combined-{combined_name}"
            buffer = io.BytesIO()
            combined.write(buffer)
            atomic_write(tmp / combined_name, buffer.getvalue())
            n_pages = len(PdfReader(io.BytesIO(buffer.getvalue())).pages)
            bar.update(1)
        finally:
            bar.close()
        all_files = [CONTENTS_FILE] + files + [combined_name]
        manifest = {"title": pack.title, "made_on": made_on, "files": all_files + [MANIFEST], "spec": str(spec_path), "paper": pack.paper,
                    "orientation": pack.orientation, "format": pack.fmt, "combined_pdf": combined_name,
                    "maps": [{"number": it.number, "file": it.file_name, "page": it.page, "title": it.title,
                              "extent": str(it.description.extent), "indicator": it.description.indicator}
                             for it in pack.items],
                    "profiles": [{"number": it.number, "file": it.file_name, "page": it.page, "pages": it.pages,
                                  "locality": it.locality.name} for it in pack.profiles]}
        atomic_write(tmp / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))

        # Into place: what thmaps did not write is carried into the new pack; the old one is moved aside
        # first and removed (only our files are left in it) once the new one is in.
        old = None
        if pack.folder.exists():
            carry_over(pack.folder, tmp)
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
    except ThmapsError as exc:
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
