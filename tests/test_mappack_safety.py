"""Map packs never burn CPU on a spec, never delete a file they did not write, and clean their own leftovers."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from thmaps.errors import MapPackError
from thmaps.reports import mappack
from thmaps.reports.packfiles import MAX_ALIASES, clean_stale


def _write(tmp_path: Path, spec: dict, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


SMALL = {"title": "Small", "output": "pack", "format": "png", "dpi": 72, "extents": ["borough"],
         "maps": [{"indicator": "pct_65_plus", "level": "ward"}]}


def test_alias_bomb_refused_quickly(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 15) + "]")
    lines += ["title: bomb", "output: out", "maps: *i"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(MapPackError, match=f"more than {MAX_ALIASES} YAML aliases"):
        mappack.run_pack(path, progress=False)
    assert time.perf_counter() - started < 2
    assert sorted(os.listdir(tmp_path)) == ["bomb.yaml"]


def test_a_few_aliases_are_fine(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("title: ok\noutput: out\nbase: &base {indicator: pct_65_plus, level: ward}\n"
                    "maps: [*base]\n")
    assert mappack.load_spec(path)["maps"] == [{"indicator": "pct_65_plus", "level": "ward"}]


@pytest.mark.parametrize("spec, words", [
    ({**SMALL, "title": "T" * 1500}, "the pack title is 1,500 characters long"),
    ({**SMALL, "maps": [{"indicator": "pct_65_plus", "title": "M" * 1500}]}, "the title is 1,500 characters long"),
    ({**SMALL, "output": "n" * 300}, "output folder name is 300 bytes long"),
])
def test_long_names_and_titles_get_a_plain_message(tmp_path, spec, words):
    with pytest.raises(MapPackError, match=words):
        mappack.run_pack(_write(tmp_path, spec), progress=False)
    assert sorted(os.listdir(tmp_path)) == ["spec.yaml"]


def test_deep_nesting_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(MapPackError):
        mappack.load_spec(path)


def test_rerun_keeps_files_it_did_not_write_and_cleans_stale_temporaries(tmp_path):
    spec = _write(tmp_path, SMALL)
    mappack.run_pack(spec, progress=False)
    folder = tmp_path / "pack"
    (folder / "my notes.txt").write_text("mine")
    (folder / "extra").mkdir()
    (folder / "extra" / "data.csv").write_text("a,b")
    stale = tmp_path / ".pack.tmp-killed1"
    stale.mkdir()
    (stale / "01-map.png").write_bytes(b"x")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = tmp_path / ".pack.tmp-running"
    fresh.mkdir()
    foreign = tmp_path / ".pack.old-notours"
    (foreign / "sub").mkdir(parents=True)
    os.utime(foreign, (old, old))
    mappack.run_pack(spec, progress=False)
    assert (folder / "my notes.txt").read_text() == "mine"
    assert (folder / "extra" / "data.csv").read_text() == "a,b"
    assert not stale.exists() and fresh.exists() and foreign.exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".pack.old-") and p != foreign.name]


def test_a_foreign_file_with_a_pack_file_name_stops_the_run(tmp_path):
    spec = _write(tmp_path, SMALL)
    result = mappack.run_pack(spec, progress=False)
    folder = Path(result["folder"])
    manifest = (folder / "pack.json").read_text()
    (folder / "pack.json").write_text(manifest.replace('"files"', '"unlisted"').replace('"combined_pdf"', '"x"'))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(MapPackError, match="thmaps did not write"):
        mappack.run_pack(spec, progress=False)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_clean_stale_ignores_others(tmp_path):
    (tmp_path / ".other.tmp-1").mkdir()
    (tmp_path / ".pack.tmp-1").write_text("a file, not a folder")
    assert clean_stale(tmp_path, "pack", now=time.time() + 10_000) == []
