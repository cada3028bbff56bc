"""Command line for user data: ``thmaps add-indicator FILE ...``, ``thmaps add-geometry FILE --title ...``,
``thmaps s106 PROJECT --field VALUE`` and ``thmaps user-data list|export|remove|undo|history``."""
from __future__ import annotations

from pathlib import Path

from ..errors import UserDataError
from .tables import MAX_TABLE_BYTES, shown, shown_name

DIRECTIONS = {"worse": True, "better": False, "neither": None}


def add_arguments(sub, add_indicator_func, user_data_func) -> None:
    """Add the ``add-indicator`` and ``user-data`` commands to the main parser's subcommands."""
    sp = sub.add_parser("add-indicator", help="upload an indicator from a CSV, Excel or Fingertips file")
    sp.add_argument("file", type=Path)
    sp.add_argument("--title", required=True)
    sp.add_argument("--unit", default="")
    sp.add_argument("--measure", required=True, choices=["count", "share", "rate"])
    sp.add_argument("--per", type=int, default=100_000, help="a rate's base: per 1000, 100000... (default 100000)")
    sp.add_argument("--higher-is", choices=list(DIRECTIONS), default="neither", help="is a higher value worse?")
    sp.add_argument("--level", default=None, help="oa21, lsoa11, lsoa21, msoa21, ward, locality or borough "
                    "(default: found from the codes)")
    sp.add_argument("--period", default=None, help="the period of every row, if the file has no period column")
    for role in ("code", "value", "period", "numerator", "denominator"):
        sp.add_argument(f"--{role}-column", default=None)
    sp.add_argument("--replace", action="store_true", help="replace an uploaded indicator of the same title")
    sp.add_argument("--dry-run", action="store_true", help="preview only: save nothing")
    sp.add_argument("--author", default="")
    sp.set_defaults(func=add_indicator_func)
    sp = sub.add_parser("add-geometry", help="upload areas or points (GeoJSON, GeoPackage, zipped shapefile) as an "
                        "overlay, or as the real boundary of a Liveable Streets scheme")
    sp.add_argument("file", type=Path)
    sp.add_argument("--title", required=True)
    sp.add_argument("--scheme", default=None, help="the Liveable Streets scheme whose approximation it replaces "
                    "(default: an overlay of its own)")
    sp.add_argument("--replace", action="store_true", help="replace an upload of the same title")
    sp.add_argument("--author", default="")
    sp.set_defaults(func=add_geometry)
    sp = sub.add_parser("user-data", help="list, export, remove or undo user data (uploads and edits)")
    sp.add_argument("action", choices=["list", "export", "remove", "undo", "history"])
    sp.add_argument("kind", nargs="?", help="indicator, geometry or s106_edit")
    sp.add_argument("key", nargs="?")
    sp.add_argument("--out", type=Path, default=None, help="file to export to (.csv or .json)")
    sp.add_argument("--author", default="")
    sp.set_defaults(func=user_data_func)
    from .s106 import FIELDS

    sp = sub.add_parser("s106", help="add or correct an S106/CIL health project (undo: thmaps user-data undo)")
    sp.add_argument("project", help="the project's name (an existing one to correct it, a new one to add it)")
    for name in FIELDS[1:]:
        sp.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None)
    sp.add_argument("--author", default="")
    sp.set_defaults(func=s106)


def _read_file(file, limit: int, limit_text: str) -> tuple[Path, bytes]:
    """A user's file and its bytes, refused plainly if missing or over ``limit`` bytes (before reading it)."""
    path = Path(file)
    if not path.is_file():
        raise UserDataError(f"{shown_name(file)}: file not found")
    if path.stat().st_size > limit:
        raise UserDataError(f"{shown_name(file)}: the file is larger than {limit_text}")
    return path, path.read_bytes()


def add_indicator(args) -> int:
    from .indicators import IndicatorSpec, preview_indicator, save_indicator

    path, data = _read_file(args.file, MAX_TABLE_BYTES, f"{MAX_TABLE_BYTES // 2**20} MiB")
    columns = {role: getattr(args, f"{role}_column") for role in ("code", "value", "period", "numerator",
                                                                 "denominator") if getattr(args, f"{role}_column")}
    spec = IndicatorSpec(args.title, args.unit, args.measure, DIRECTIONS[args.higher_is], args.per, args.level,
                         columns, args.period)
    preview = preview_indicator(data, path.name, spec)
    print(preview.summary())
    for warning in preview.warnings:
        print(f"Note: {warning}")
    for row in preview.rejected.head(20).itertuples(index=False):
        print(f"  rejected row {row.row}: {row.area!s:.40} {row.reason}")
    if len(preview.rejected) > 20:
        print(f"  ... and {len(preview.rejected) - 20:,} more rejected row(s)")
    if args.dry_run:
        return 0 if len(preview.used) else 2
    version = save_indicator(preview, args.author, args.replace)
    print(f"Saved {preview.indicator_id} (version {version}): it appears on every page.")
    return 0


def add_geometry(args) -> int:
    from ..impact.parameters import load_parameters
    from .geometry import save_geometry

    limit = load_parameters().limit("max_upload_bytes")
    path, data = _read_file(args.file, limit, f"{limit / 1e6:,.0f} MB")
    purpose = "liveable_streets" if args.scheme else "overlay"
    version, notes = save_geometry(data, path.name, args.title, purpose, args.scheme, args.author,
                                   args.replace)
    for note in notes:
        print(f"Note: {note}")
    where = (f"the Liveable Streets overlay draws it for {shown(args.scheme, 60)}" if args.scheme else
             "choose 'Your uploaded areas' or 'Your uploaded points' among a map's overlays")
    print(f"Saved {shown(args.title, 60)} (version {version}): {where}.")
    return 0


def s106(args) -> int:
    from .. import store
    from .s106 import FIELDS, KIND, save_edit

    fields = {name: getattr(args, name) for name in FIELDS[1:] if getattr(args, name) is not None}
    current = store.record(KIND, " ".join(str(args.project).split()))
    fields = {**(current.data if current else {}), **fields, "project": args.project}
    version = save_edit(fields, current.version if current else None, args.author)
    print(f"Saved the register edit of {shown(fields['project'], 80)} (version {version}; "
          "`thmaps user-data undo s106_edit NAME` undoes it)")
    return 0


def user_data(args) -> int:
    from .. import store
    from .userdata import export_user_data, list_user_data, remove_user_data, undo

    if args.action == "list":
        frame = list_user_data()
        if frame.empty:
            print("No user data.")
        for row in frame.itertuples(index=False):
            print(f"{row.kind:10s} {shown(row.key, 50)[1:-1]:50s} v{row.version:<3d} {row.saved_at[:19]} "
                  f"{shown(row.title, 60)[1:-1]}")
        return 0
    if not args.kind or not args.key:
        raise UserDataError(f"`thmaps user-data {args.action}` needs a kind and a key (see `thmaps user-data list`)")
    if args.action == "history":
        for change in store.history(args.kind, args.key):
            print(f"v{change.version:<3d} {change.action:7s} {change.saved_at[:19]} {shown(change.saved_by, 30)}")
        return 0
    if args.action == "export":
        if args.out is None:
            raise UserDataError("say where to export with --out FILE (.csv for an indicator's rows, or .json)")
        print(f"Wrote {export_user_data(args.kind, args.key, args.out)}")
        return 0
    func = remove_user_data if args.action == "remove" else undo
    version = func(args.kind, args.key, args.author)
    print(f"{'Removed' if args.action == 'remove' else 'Undone'}: {args.kind} {shown(args.key, 60)} "
          f"(version {version}; `thmaps user-data undo` brings back the value before)")
    return 0


__all__ = ["add_arguments", "add_geometry", "add_indicator", "s106", "user_data"]
