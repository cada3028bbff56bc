"""Print-ready maps: exact page sizes, real text, legend colours and the classes drawn."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
import shapely
from PIL import Image
from pypdf import PdfReader

from thmaps import errors
from thmaps import maps
from thmaps.maps import printing

MM_TO_PT = 72 / 25.4


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def imd_map():
    return maps.prepare(maps.MapDescription("imd_decile", scheme="national_deciles", overlays=("gp_practices",)))


@pytest.fixture(scope="module")
def sw_map():
    return maps.prepare(maps.MapDescription("laei_no2", extent="locality:South West",
                                                  overlays=("no2_tubes", "liveable_streets", "hospitals")))


@pytest.fixture(scope="module")
def imd_pdf(imd_map):
    return printing.render(imd_map, "A4", "landscape", "pdf")


@pytest.fixture(scope="module")
def imd_png(imd_map):
    return printing.render(imd_map, "A4", "landscape", "png", dpi=300)


def test_pdf_page_is_exact_a4_landscape(imd_pdf):
    page = PdfReader(io.BytesIO(imd_pdf)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(841.89, abs=1)
    assert float(page.mediabox.height) == pytest.approx(595.28, abs=1)


def test_a3_portrait_pdf_size(sw_map):
    reader = PdfReader(io.BytesIO(printing.render(sw_map, "A3", "portrait", "pdf")))
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.width) == pytest.approx(297 * MM_TO_PT, abs=1)
    assert float(reader.pages[0].mediabox.height) == pytest.approx(420 * MM_TO_PT, abs=1)


def test_pdf_holds_title_legend_and_attribution_as_text(imd_map, imd_pdf):
    text = _words(PdfReader(io.BytesIO(imd_pdf)).pages[0].extract_text())
    assert imd_map.title in text
    assert _words(imd_map.subtitle) in text
    for label in imd_map.labels:
        assert label in text
    for line in imd_map.attributions:
        assert _words(line) in text
    assert f"Made with thmaps on {imd_map.made_on}" in text
    assert "GP practices" in text


def test_png_size_dpi_and_not_blank(imd_png):
    image = Image.open(io.BytesIO(imd_png))
    assert image.size[0] == pytest.approx(3508, abs=2)
    assert image.size[1] == pytest.approx(2480, abs=2)
    assert image.info["dpi"][0] == pytest.approx(300, abs=0.5)
    pixels = np.asarray(image.convert("RGB"))
    assert pixels.std() > 20
    assert (pixels.reshape(-1, 3) != 255).any(axis=1).mean() > 0.15  # plenty of ink


def test_png_legend_swatches_have_the_class_colours(imd_map, imd_png):
    with matplotlib.rc_context(printing.text.RC):
        layout = printing.draw(imd_map, "A4", "landscape")
    assert [s.label for s in layout.class_swatches][: len(imd_map.labels)] == imd_map.labels
    pixels = np.asarray(Image.open(io.BytesIO(imd_png)).convert("RGB"))
    height, width = pixels.shape[:2]
    for swatch, colour in zip(layout.class_swatches, imd_map.colours):
        x0, y0, x1, y1 = swatch.bbox
        cx, cy = int((x0 + x1) / 2 * width), int((1 - (y0 + y1) / 2) * height)
        expected = np.round(np.array(to_rgb(colour)) * 255)
        assert np.abs(pixels[cy, cx].astype(int) - expected).max() <= 2, swatch.label
    # And the class colours are in the map itself.
    flat = {tuple(p) for p in pixels[::4, ::4].reshape(-1, 3)}
    for colour in imd_map.colours:
        assert tuple(int(round(c * 255)) for c in to_rgb(colour)) in flat


@pytest.mark.parametrize("extent", ["borough", "locality:South West", "ward:E05009317"])
def test_every_area_drawn_in_its_prepared_colour(extent):
    prepared = maps.prepare(maps.MapDescription("pct_65_plus", extent=extent))
    with matplotlib.rc_context(printing.text.RC):
        layout = printing.draw(prepared, "A4", "landscape")
    inside = prepared.areas[prepared.areas["in_extent"]].set_index("code")
    assert sorted(layout.area_codes) == sorted(inside.index)
    faces = [to_hex(c) for c in layout.area_collection.get_facecolors()]
    assert len(faces) == len(layout.area_codes)
    for code, face in zip(layout.area_codes, faces):
        assert face == to_hex(inside.loc[code, "colour"]), code
        assert face == prepared.colours[inside.loc[code, "class_index"]]
    # Areas outside the extent are context, in light grey.
    outside = set(prepared.areas.loc[~prepared.areas["in_extent"], "code"])
    assert set(layout.context_codes) == outside


def test_layout_keeps_map_legend_and_footer_apart(sw_map):
    for paper, orientation in (("A4", "landscape"), ("A4", "portrait"), ("A3", "portrait")):
        with matplotlib.rc_context(printing.text.RC):
            layout = printing.draw(sw_map, paper, orientation)
        w, h = layout.page_size_mm
        mx0, my0, mx1, my1 = layout.map_box_mm
        lx0, ly0, lx1, ly1 = layout.legend_box_mm
        assert 0 < mx0 < mx1 < w and layout.footer_top_mm < my0 < my1 < h
        assert ly0 >= layout.footer_top_mm - 0.01
        assert mx1 <= lx0 or my0 >= ly1  # legend beside or below the map, never on it
        fig = layout.figure
        renderer = fig.canvas.get_renderer()
        map_bbox = layout.map_ax.get_window_extent(renderer)
        page_ax = fig.axes[0]
        for text in page_ax.texts:  # title, legend and footer text never run into the map frame or off the page
            bbox = text.get_window_extent(renderer)
            assert not bbox.overlaps(map_bbox), text.get_text()[:40]
            assert bbox.x0 >= 0 and bbox.x1 <= fig.bbox.width + 0.5, text.get_text()[:40]


def test_svg_holds_text(sw_map):
    svg = printing.render(sw_map, "A4", "landscape", "svg").decode("utf-8")
    root = ET.fromstring(svg)
    texts = _words(" ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")))
    assert sw_map.title in texts
    for label in sw_map.labels:
        assert label in texts
    assert _words(sw_map.attributions[0]) in texts
    assert "Scheme area approximated by whole wards (no boundary published)" in texts
    assert float(root.attrib["width"].removesuffix("pt")) == pytest.approx(841.89, abs=1)
    assert float(root.attrib["height"].removesuffix("pt")) == pytest.approx(595.28, abs=1)


def test_save_is_atomic_and_uses_suffix(tmp_path, sw_map):
    target = tmp_path / "out" / "map.png"
    printing.save(sw_map, target, dpi=60)
    assert Image.open(target).format == "PNG"
    assert [p.name for p in target.parent.iterdir()] == ["map.png"]


def test_bad_requests_raise_print_error(sw_map):
    with pytest.raises(errors.PrintError, match="paper"):
        printing.render(sw_map, "A5")
    with pytest.raises(errors.PrintError, match="orientation"):
        printing.render(sw_map, "A4", "sideways")
    with pytest.raises(errors.PrintError, match="format"):
        printing.render(sw_map, fmt="jpeg")


def test_wrap_text_fits_width():
    text = "Source: " + "a long attribution line with many words " * 20
    lines = printing.wrap_text(text, 100, 7)
    assert len(lines) > 3
    assert all(printing.text.text_width_mm(line, 7) <= 100 for line in lines)
    assert " ".join(lines) == " ".join(text.split())


def test_london_wide_print_names_the_borough_and_outlines_london():
    prepared = maps.prepare(maps.MapDescription("imd_decile", level="london_lsoa11", extent="london",
                                                      scheme="national_deciles"))
    outline = prepared.extent_geometry.geometry.iloc[0]
    # Pinholes and slivers between the generalised LSOAs are dropped from the outline.
    assert all(p.area >= 1e4 for p in outline.geoms) and all(
        shapely.Polygon(r).area >= 1e4 for p in outline.geoms for r in p.interiors)
    with matplotlib.rc_context(printing.text.RC):
        layout = printing.draw(prepared, "A4", "landscape")
    assert len(layout.area_codes) == 4835 and layout.context_codes == []
    root = ET.fromstring(printing.render(prepared, "A4", "landscape", "svg").decode("utf-8"))
    texts = _words(" ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")))
    assert "Greater London" in texts and "Tower Hamlets" in texts
    assert "Rest of the borough" not in texts and "North West" not in texts


@pytest.mark.parametrize("dpi", [90, 110, 150, 300])
def test_png_text_stays_inside_the_page_at_any_resolution(imd_map, dpi):
    """Wrapped footer lines must fit the page at the preview's and any chosen resolution."""
    page = np.asarray(Image.open(io.BytesIO(printing.render(imd_map, "A4", "landscape", "png", dpi=dpi))).convert("L"))
    height, width = page.shape
    right_margin = page[:, int(width * 0.985):]
    assert (right_margin < 200).sum() == 0
