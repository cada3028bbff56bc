"""The command line as a user runs it (real data)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "thmaps", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env=env or os.environ.copy())


def test_sources_lists_every_dataset_with_licence_and_url():
    result = run("sources")
    assert result.returncode == 0
    assert result.stdout.count("\n  url:") == 36
    assert "English Indices of Deprivation 2019, MHCLG, Open Government Licence v3.0." in result.stdout
    assert "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice" in result.stdout


def test_build_writes_store(tmp_path):
    target = tmp_path / "s.gpkg"
    result = run("build", "--store", str(target))
    assert result.returncode == 0, result.stderr
    assert target.exists() and "facilities" in result.stdout


def test_build_without_source_dir_is_a_clear_message():
    env = {k: v for k, v in os.environ.items() if k != "THMAPS_SOURCE_DIR"}
    result = run("build", env=env)
    assert result.returncode == 2
    assert "THMAPS_SOURCE_DIR is not set" in result.stderr and "Traceback" not in result.stderr


def test_postcode_command():
    result = run("postcode", "e1w2rl", "XX1 1XX")
    assert result.returncode == 1
    assert json.loads(result.stdout.splitlines()[0])["ward_name"] == "St Katharine's & Wapping"
    assert "XX1 1XX is not in the Tower Hamlets postcode list" in result.stderr


def test_layers_command():
    result = run("layers")
    assert result.returncode == 0
    assert any(line.split()[:1] == ["facilities"] and line.split()[-1] == "91" for line in result.stdout.splitlines())


def test_add_geometry_saves_an_overlay_and_refuses_an_unknown_scheme(tmp_path, source_dir):
    outline = source_dir / "reference" / "lbth_liveable_streets_bethnal_green_outline_approx_wgs84.geojson"
    env = dict(os.environ, THMAPS_USER_DATA=str(tmp_path / "user.sqlite"))
    saved = run("add-geometry", str(outline), "--title", "Bethnal Green outline", env=env)
    assert saved.returncode == 0, saved.stderr
    assert "declares no CRS: read as WGS84 longitude/latitude (EPSG:4326)" in saved.stdout
    assert "Saved 'Bethnal Green outline' (version 1): choose 'Your uploaded areas'" in saved.stdout
    refused = run("add-geometry", str(outline), "--title", "Other", "--scheme", "Atlantis", env=env)
    assert refused.returncode == 2 and "unknown Liveable Streets area 'Atlantis'" in refused.stderr
    assert "Traceback" not in refused.stderr
    listed = run("user-data", "list", env=env)
    assert listed.stdout.count("geometry ") == 1 and "bethnal_green_outline" in listed.stdout


def test_add_geometry_refuses_a_missing_or_oversized_file_plainly(tmp_path):
    env = dict(os.environ, THMAPS_USER_DATA=str(tmp_path / "user.sqlite"))
    missing = run("add-geometry", str(tmp_path / "nowhere.geojson"), "--title", "X", env=env)
    assert missing.returncode == 2 and "nowhere.geojson: file not found" in missing.stderr
    big = tmp_path / "big.geojson"
    with open(big, "wb") as handle:  # sparse: 25 MB without writing them
        handle.truncate(25_000_000)
    refused = run("add-geometry", str(big), "--title", "X", env=env)
    assert refused.returncode == 2 and "big.geojson: the file is larger than 20 MB" in refused.stderr
    assert "Traceback" not in missing.stderr + refused.stderr
    assert not (tmp_path / "user.sqlite").exists() or run("user-data", "list", env=env).stdout == "No user data.\n"
