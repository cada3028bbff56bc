"""A locality's key indicators as CSV, with its sources, licences and method in a comment block."""
from __future__ import annotations

import datetime as _dt
import io as _io

from ..geo.places import LOCALITY_NOTE
from ..indicators.compare import COMPARISON_NOTE
from ..safetext import spreadsheet_frame
from ..sources.registry import attribution_lines, get as get_source
from .tables import KEY_INDICATORS, key_indicators, source_ids_for

# --------------------------------------------------------------------------- export

def _key_source_ids() -> list[str]:
    ids: list[str] = []
    for indicator_id, period in KEY_INDICATORS:
        ids += source_ids_for(indicator_id, period)
    # Apportionment and the locality outlines rest on the boundaries, the OA lookup and OA usual residents.
    ids += ["lsoa11", "wards", "oa21", "oa21_ward_lookup", "census_oa_counts"]
    return list(dict.fromkeys(ids))


def locality_table_csv(locality: str) -> bytes:
    """The key indicators table as UTF-8 CSV, with a ``#`` comment block of sources and licences.

    The comment block names the locality, the date, the comparison rule, the locality
    definition, each source with its vintage and licence, and the attribution lines
    (:func:`thmaps.sources.attribution_lines`).  Read it back with
    ``pandas.read_csv(..., comment="#")``.

    Returns
    -------
    bytes
        UTF-8 encoded CSV.
    """
    table = key_indicators(locality)
    name = table.attrs["locality_name"]
    ids = _key_source_ids()
    lines = [
        f"thmaps: key indicators, {name} locality, London Borough of Tower Hamlets",
        f"Made on {_dt.date.today().isoformat()} from the thmaps store.",
        COMPARISON_NOTE,
        LOCALITY_NOTE,
        "Sources (title; vintage; licence):",
    ]
    for sid in ids:
        s = get_source(sid)
        lines.append(f"  {sid}: {s.title}; {s.vintage}; {s.licence}")
    lines.append("Attribution:")
    lines += [f"  {line}" for line in attribution_lines(ids)]
    buffer = _io.StringIO()
    for line in lines:
        buffer.write("# " + line.replace("\n", " ") + "\n")
    spreadsheet_frame(table).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
