"""Validation and atomic builds on broken copies of the real source bundle."""
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from thmaps import builder, errors, settings, store
from thmaps.validation import validate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def bundle(tmp_path, source_dir) -> Path:
    """A private copy of the real bundle that a test may break."""
    copy = tmp_path / "data"
    shutil.copytree(source_dir, copy)
    return copy


def messages(problems, severity="error"):
    return [str(p) for p in problems if p.severity == severity]


def test_real_bundle_has_no_errors(source_dir):
    problems = validate(source_dir)
    assert messages(problems) == []
    # The London shapefile really has 8 self-intersecting rings; they are reported, and repaired at build.
    assert any("8 invalid geometries" in m for m in messages(problems, "warning"))


def test_corrupt_file(bundle):
    (bundle / "boundaries/lbth_wards.topo.json").write_text('{"type": "Topology", "objects": {', encoding="utf-8")
    errors = messages(validate(bundle))
    assert any("lbth_wards.topo.json" in m and "cannot be read" in m for m in errors), errors


def test_missing_file(bundle):
    (bundle / "population/ons_mid2019_lbth_lsoa11.csv").unlink()
    errors = messages(validate(bundle))
    assert any("ons_mid2019_lbth_lsoa11.csv: file not found" in m for m in errors), errors


def test_missing_column(bundle):
    path = bundle / "health/lbth_gp_practices_2026.csv"
    pd.read_csv(path, dtype=str).drop(columns="registered_patients_2026_04").to_csv(path, index=False)
    errors = messages(validate(bundle))
    assert any("missing column(s) 'registered_patients_2026_04'" in m for m in errors), errors


def test_wrong_crs(bundle):
    # Declare the London shapefile (British National Grid) as WGS84: its metres are not degrees in London.
    (bundle / "boundaries/london_lsoa11_gen_mhw/LSOA_2011_London_gen_MHW.prj").write_text(
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],'
        'UNIT["degree",0.0174532925199433]]', encoding="utf-8")
    errors = messages(validate(bundle))
    assert any("LSOA_2011_London_gen_MHW.shp" in m and "CRS" in m for m in errors), errors


def test_missing_crs(bundle):
    (bundle / "boundaries/london_lsoa11_gen_mhw/LSOA_2011_London_gen_MHW.prj").unlink()
    errors = messages(validate(bundle))
    assert any("has no CRS" in m for m in errors), errors


def test_swapped_coordinates(bundle):
    path = bundle / "health/nhs_choices_2014_pharmacy_lbth.csv"
    table = pd.read_csv(path, dtype=str)
    table[["Latitude", "Longitude"]] = table[["Longitude", "Latitude"]].values
    table.to_csv(path, index=False)
    errors = messages(validate(bundle))
    assert any("nhs_choices_2014_pharmacy_lbth.csv" in m and "CRS is missing or wrong" in m for m in errors), errors


def test_unknown_ward(bundle):
    path = bundle / "health/lbth_gp_practices_2026.csv"
    table = pd.read_csv(path, dtype=str)
    table.loc[0, "ward_code"] = "E05099999"
    table.to_csv(path, index=False)
    errors = messages(validate(bundle))
    assert any("unknown ward code(s) E05099999" in m for m in errors), errors


def test_unknown_lsoa_code(bundle):
    path = bundle / "air/laei_lbth_lsoa11.csv"
    table = pd.read_csv(path, dtype=str)
    table.loc[0, "LSOA11CD"] = "E01999999"
    table.to_csv(path, index=False)
    errors = messages(validate(bundle))
    assert any("E01999999" in m for m in errors), errors


def test_invalid_geometry_reported(bundle):
    path = bundle / "boundaries/lbth_lsoa21_wgs84.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    # A bow-tie ring crosses itself: invalid.
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[-0.05, 51.52], [-0.04, 51.53], [-0.04, 51.52], [-0.05, 51.53], [-0.05, 51.52]]]}
    path.write_text(json.dumps(data), encoding="utf-8")
    warnings = messages(validate(bundle), "warning")
    assert any("lbth_lsoa21_wgs84.geojson: 1 invalid geometry" in m and "Self-intersection" in m for m in warnings), warnings


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failed_build_leaves_previous_store_intact(bundle, tmp_path, source_dir):
    target = tmp_path / "store" / "thmaps.gpkg"
    builder.build(source_dir, target)
    before = _digest(target)
    path = bundle / "health/lbth_gp_practices_2026.csv"
    pd.read_csv(path, dtype=str).drop(columns="easting").to_csv(path, index=False)
    with pytest.raises(errors.BuildError, match="missing column"):
        builder.build(bundle, target)
    assert _digest(target) == before
    assert [p.name for p in target.parent.iterdir()] == ["thmaps.gpkg"]  # no temporary file left behind


def test_build_stops_on_bad_locality_definition(tmp_path, source_dir):
    bad = tmp_path / "localities.csv"
    table = pd.read_csv(settings.LOCALITIES_CSV, dtype=str)
    pd.concat([table, table.iloc[[3]]]).to_csv(bad, index=False)
    with pytest.raises(errors.BuildError, match="repeated ward"):
        builder.build(source_dir, tmp_path / "x.gpkg", bad)
    assert not (tmp_path / "x.gpkg").exists()


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "thmaps", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_cli_validate_broken_copy(bundle):
    (bundle / "imd/iod2019_file2_domains_ew.csv.gz").write_bytes(b"not gzip at all")
    result = run_cli("validate", "--source-dir", str(bundle))
    assert result.returncode == 1
    assert "iod2019_file2_domains_ew.csv.gz" in result.stdout and "cannot be read" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_validate_real_bundle(source_dir):
    result = run_cli("validate", "--source-dir", str(source_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 1 warning(s)" in result.stdout


def test_practice_without_coordinates_is_an_error_not_a_silent_drop(bundle):
    path = bundle / "health/lbth_gp_practices_2026.csv"
    table = pd.read_csv(path, dtype=str)
    table.loc[5, "easting"] = ""
    table.to_csv(path, index=False)
    errors = messages(validate(bundle))
    assert any("lbth_gp_practices_2026.csv: 1 row(s) have no numeric coordinates" in m for m in errors), errors


def test_build_refuses_incomplete_population(bundle, tmp_path):
    path = bundle / "population/ons_mid2020_lbth_lsoa11.csv"
    pd.read_csv(path, dtype=str).iloc[1:].to_csv(path, index=False)
    with pytest.raises(errors.BuildError, match=r"pop_mid2020\] 1 Tower Hamlets LSOA\(s\) missing"):
        builder.build(bundle, tmp_path / "x.gpkg")
    assert not (tmp_path / "x.gpkg").exists()


def test_fingertips_without_borough_rows(bundle):
    path = bundle / "fingertips/fingertips_93867_pm25_la.csv"
    table = pd.read_csv(path, dtype=str)
    table[table["Area Code"] != "E09000030"].to_csv(path, index=False)
    errors = messages(validate(bundle))
    assert any("fingertips_pm25" in m and "no all-persons row for E09000030" in m for m in errors), errors


def test_non_numeric_value_names_file_and_column(bundle):
    path = bundle / "population/ons_mid2019_lbth_lsoa11.csv"
    table = pd.read_csv(path, dtype=str)
    table.loc[4, "Persons_65+"] = "x17"
    table.to_csv(path, index=False)
    errors = messages(validate(bundle))
    assert any("ons_mid2019_lbth_lsoa11.csv: column 'Persons_65+' has a missing or non-numeric value ('x17')" in m for m in errors), errors
