"""Broken sources that once passed validation and silently changed figures: each is now refused by name.

Every case is a private copy of the real bundle with one thing wrong (issue 12's list). Validation names
the file and the problem in one sentence, and the build refuses it and leaves the previous store as it was.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely.affinity

from thmaps import builder, errors, settings
from thmaps.validation import validate


@pytest.fixture()
def bundle(tmp_path, source_dir) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(source_dir, copy)
    return copy


def errors_of(folder) -> list[str]:
    return [str(p) for p in validate(folder) if p.severity == "error"]


def _edit_csv(path: Path, change, **read) -> None:
    frame = pd.read_csv(path, dtype=str, **read)
    change(frame).to_csv(path, index=False)


GP = "health/lbth_gp_practices_2026.csv"


def _move_practice(frame):
    frame.loc[0, ["easting", "northing"]] = ["532500", "181000"]   # the City of London: inside the box, not the borough
    return frame


def _negative_population(frame):
    """LSOA 1 given -3,235 residents, its 0-15 band adjusted so the bands still add up (the 2019 total 318,275)."""
    others = sum(int(frame.loc[0, c]) for c in ("Persons_16-29", "Persons_30-44", "Persons_45-64", "Persons_65+"))
    frame.loc[0, "Persons_All-Ages"] = "-3235"
    frame.loc[0, "Persons_0-15"] = str(-3235 - others)
    return frame


CASES = {
    "practice outside the borough": (GP, _move_practice, "practice F84012 lies outside Tower Hamlets"),
    "repeated practice": (GP, lambda f: pd.concat([f, f.iloc[[3]]]), "practice code 'F84"),
    "negative list size": (GP, lambda f: f.assign(registered_patients_2026_04=f["registered_patients_2026_04"].where(
        f.index != 2, "-5000")), "impossible value -5000"),
    "negative population": ("population/ons_mid2019_lbth_lsoa11.csv", lambda f: _negative_population(f),
                            "impossible value -3235"),
    "repeated postcode": ("postcodes/codepoint_open_2014_lbth.csv", lambda f: pd.concat([f, f.iloc[[0]]]),
                          "postcode 'E1 0AA' appears more than once"),
    "repeated IMD LSOA": ("imd/iod2019_file2_domains_ew.csv.gz", lambda f: pd.concat([f, f.iloc[[0]]]),
                          "appears more than once"),
    "unmapped Liveable Streets area": ("reference/lbth_liveable_streets_areas.csv",
                                       lambda f: pd.concat([f, pd.DataFrame([{"area": "Nowhere Green", "phase": "3",
                                                                              "planned_start": "", "status_notes": ""}])]),
                                       "Nowhere Green"),
    "repeated LAEI zone": ("air/laei_lbth_lsoa11.csv", lambda f: pd.concat([f, f.iloc[[0]]]),
                           "laei_lbth_lsoa11.csv: zone 'E01004197' appears more than once (1 repeated row(s))"),
    "LAEI zones without a mean": ("air/laei_lbth_lsoa11.csv", lambda f: f.drop(columns="NO2-2019-mean"),
                                  "laei_lbth_lsoa11.csv: missing column(s) 'NO2-2019-mean'"),
    "a table with 10,000 columns": (GP, lambda f: pd.concat([f, pd.DataFrame(columns=[f"c{i}" for i in range(10_000)])],
                                                             axis=1), "has 10,017 columns or more"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_source_is_refused_by_name(bundle, case):
    relative, change, expected = CASES[case]
    compression = "gzip" if relative.endswith(".gz") else None
    frame = pd.read_csv(bundle / relative, dtype=str, compression=compression, keep_default_na=False)
    change(frame).to_csv(bundle / relative, index=False, compression=compression)
    found = errors_of(bundle)
    assert any(expected in message for message in found), found


def test_polygon_moved_to_reading_is_refused(bundle):
    path = bundle / "boundaries/lbth_lsoa21_wgs84.geojson"
    frame = gpd.read_file(path)
    # One LSOA moved about 60 km west, to Reading.
    frame.loc[5, "geometry"] = shapely.affinity.translate(frame.geometry.iloc[5], xoff=-0.9, yoff=0.03)
    frame.to_file(path, driver="GeoJSON")
    found = errors_of(bundle)
    assert any("lbth_lsoa21_wgs84.geojson: feature" in m and "lies outside Tower Hamlets" in m for m in found), found


def test_size_limit_applies_inside_the_tube_folder(bundle, monkeypatch):
    big = bundle / "air/no2_diffusion_tubes/lbth_no2_tubes_2024.csv"
    monkeypatch.setattr(settings, "MAX_SOURCE_BYTES", big.stat().st_size - 1)
    found = errors_of(bundle)
    assert any("no2_diffusion_tubes/lbth_no2_tubes_2024.csv: file is larger than" in m for m in found), found


def test_tube_tables_are_read_a_chunk_at_a_time(monkeypatch):
    """A tube table is parsed a few thousand rows at a time (a table at the size limit fits in memory): chunks
    of 7 rows give the same sites and figures as the default."""
    from thmaps.sources import air

    whole = air.read_no2_tubes()
    monkeypatch.setattr(air, "TUBE_CHUNK_ROWS", 7)
    pd.testing.assert_frame_equal(air.read_no2_tubes(), whole)
    assert len(whole) == 869 and whole.loc[whole["year"] == 2024, "adjustment_note"].str.startswith("estimated").all()


def test_build_refuses_and_keeps_the_previous_store(bundle, tmp_path, source_dir):
    store = tmp_path / "store.gpkg"
    builder.build(source_dir, store)
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    relative, change, expected = CASES["practice outside the borough"]
    _edit_csv(bundle / relative, change)
    with pytest.raises(errors.BuildError, match="lies outside Tower Hamlets"):
        builder.build(bundle, store)
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
