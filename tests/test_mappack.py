"""Map packs: the whole spec is checked first, every file is written, nothing half-written is left."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from thmaps import errors, geo
from thmaps import settings
from thmaps.reports import contents, mappack

LOCALITIES = [f"locality:{name}" for name in tuple(geo.LOCALITIES)]

ROOT = Path(__file__).resolve().parent.parent


def _spec(tmp_path: Path, **overrides) -> Path:
    spec = {
        "title": "Test locality pack",
        "output": "out/pack",
        "paper": "A4",
        "orientation": "landscape",
        "format": "pdf",
        "level": "lsoa11",
        "scheme": "quantiles",
        "extents": LOCALITIES,
        "maps": [{"indicator": "imd_decile", "scheme": "national_deciles"},
                 {"indicator": "laei_no2", "overlays": ["no2_tubes"]}],
    }
    spec.update(overrides)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_pack_over_four_localities(tmp_path):
    summary = mappack.run_pack(_spec(tmp_path), progress=False)
    folder = tmp_path / "out" / "pack"  # relative output: resolved against the spec's folder
    assert Path(summary["folder"]) == folder
    assert summary["maps"] == 8
    names = _leftovers(folder)
    assert names == sorted(summary["files"] + ["pack.json"])
    maps = [n for n in summary["files"] if n[:2].isdigit() and n != "00-contents.pdf"]
    assert len(maps) == 8 and maps[0] == "01-imd-decile-north-west-locality.pdf"
    for name in maps:
        assert len(PdfReader(folder / name).pages) == 1
    combined = PdfReader(summary["combined_pdf"])
    assert len(combined.pages) == 1 + 8 == summary["pages"]
    contents = " ".join(combined.pages[0].extract_text().split())
    assert "Test locality pack" in contents
    for name in maps:
        assert name in contents
    assert "North West locality" in contents and "South East locality" in contents
    page_three = " ".join(combined.pages[2].extract_text().split())
    assert "Nitrogen dioxide" in page_three and "North West locality" in page_three  # map 2 is on page 3
    manifest = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    assert [m["page"] for m in manifest["maps"]] == list(range(2, 10))
    # No temporary folders beside the pack.
    assert _leftovers(tmp_path / "out") == ["pack"]


def test_png_pack_still_writes_a_combined_pdf(tmp_path):
    spec = _spec(tmp_path, format="png", dpi=72, extents=["borough"], paper="A3", orientation="portrait",
                 maps=[{"indicator": "pct_65_plus", "overlays": ["gp_practices"]}])
    summary = mappack.run_pack(spec, out_dir=tmp_path / "pngpack", progress=False)
    folder = Path(summary["folder"])
    image = Image.open(folder / "01-pct-65-plus-tower-hamlets.png")
    assert image.size == pytest.approx((round(297 / 25.4 * 72), round(420 / 25.4 * 72)), abs=2)
    combined = PdfReader(summary["combined_pdf"])
    assert len(combined.pages) == 2
    # Re-running replaces the previous pack in place.
    again = mappack.run_pack(spec, out_dir=tmp_path / "pngpack", progress=False)
    assert again["files"] == summary["files"]
    assert _leftovers(tmp_path) == ["pngpack", "spec.yaml"]


def test_example_spec_is_valid():
    spec_path = ROOT / "packs" / "locality_profile.yaml"
    spec = mappack.load_spec(spec_path)
    plan = mappack.plan(spec, spec_path.parent)
    assert len(plan.items) == 12
    assert plan.folder == (ROOT / "artifacts" / "packs" / "locality-profile").resolve()


@pytest.mark.parametrize("overrides, message", [
    ({"maps": [{"indicator": "imd_decile"}, {"indicator": "no_such_indicator"}]}, "unknown indicator 'no_such_indicator'"),
    ({"extents": ["locality:North West", "locality:Middle"]}, "unknown locality 'Middle'"),
    ({"extents": ["ward:Nowhere"]}, "unknown ward 'Nowhere'"),
    ({"paper": "A5"}, "paper 'A5'"),
    ({"format": "jpeg"}, "format 'jpeg'"),
    ({"maps": [{"indicator": "imd_decile", "colour": "red"}]}, "unknown setting"),
    ({"maps": [{"indicator": "imd_decile", "overlays": ["bus_stops"]}]}, "unknown overlay"),
])
def test_bad_spec_raises_and_writes_nothing(tmp_path, overrides, message):
    with pytest.raises(errors.MapPackError, match=message):
        mappack.run_pack(_spec(tmp_path, **overrides), progress=False)
    assert not (tmp_path / "out").exists()


def test_every_problem_is_reported_at_once(tmp_path):
    spec = _spec(tmp_path, paper="A5", extents=["locality:Middle"], maps=[{"indicator": "nope"}])
    with pytest.raises(errors.MapPackError) as info:
        mappack.run_pack(spec, progress=False)
    text = str(info.value)
    assert "3 problem(s)" in text and "A5" in text and "Middle" in text and "nope" in text


def test_unwritable_folder_raises_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the pack's parent folder should be", encoding="utf-8")
    with pytest.raises(errors.MapPackError, match="is a file, not a folder"):
        mappack.run_pack(_spec(tmp_path, output="not-a-folder/pack"), progress=False)
    assert blocker.read_text(encoding="utf-8").startswith("a file")
    assert _leftovers(tmp_path) == ["not-a-folder", "spec.yaml"]


def test_existing_folder_that_is_not_a_pack_is_refused(tmp_path):
    precious = tmp_path / "out" / "pack"
    precious.mkdir(parents=True)
    (precious / "report.docx").write_text("keep me", encoding="utf-8")
    with pytest.raises(errors.MapPackError, match="not a thmaps map pack"):
        mappack.run_pack(_spec(tmp_path), progress=False)
    assert _leftovers(precious) == ["report.docx"]


def test_failure_while_writing_leaves_no_folder(tmp_path, monkeypatch):
    calls = {"n": 0}
    real_render = mappack.printing.render

    def failing_render(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second map of two
            raise OSError(28, "No space left on device")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(mappack.printing, "render", failing_render)
    spec = _spec(tmp_path, output="deep/new/pack", extents=["borough"])
    with pytest.raises(errors.MapPackError, match="No space left"):
        mappack.run_pack(spec, progress=False)
    assert _leftovers(tmp_path) == ["spec.yaml"]  # not even the parent folders it created


def test_missing_and_malformed_spec(tmp_path):
    with pytest.raises(errors.MapPackError, match="not found"):
        mappack.run_pack(tmp_path / "missing.yaml", progress=False)
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(errors.MapPackError, match="not valid YAML"):
        mappack.run_pack(bad, progress=False)


def test_long_pack_gets_several_contents_pages(tmp_path):
    maps = [{"indicator": i} for i in ("imd_decile", "laei_no2", "pct_65_plus", "pct_0_15", "laei_pm25")]
    spec = yaml.safe_load(_spec(tmp_path, maps=maps).read_text(encoding="utf-8"))
    plan = mappack.plan(spec, tmp_path)
    assert len(plan.items) == 20
    contents.assign_pages(plan)
    pages = contents.contents_pages(plan)
    assert pages >= 2
    assert [it.page for it in plan.items] == list(range(pages + 1, pages + 21))
    reader = PdfReader(io.BytesIO(contents.render_contents(plan, "2026-01-01")))
    assert len(reader.pages) == pages
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for item in plan.items:
        assert item.file_name in text
    assert not (tmp_path / "out").exists()  # planning writes nothing
