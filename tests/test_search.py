"""Find a place (issue 11, item 3): postcodes, wards, area codes, practices and other named places."""
from __future__ import annotations

import pytest
import shapely

from thmaps import errors, maps, search, store
from thmaps.maps import printing, web


def first(text: str) -> search.Place:
    found = search.find_place(text)
    assert found, f"nothing found for {text!r}"
    return found[0]


@pytest.mark.parametrize("text, key", [
    ("E14 0XA", "postcode:E14 0XA"),
    ("e140xa", "postcode:E14 0XA"),
    ("Lansbury", "ward:E05009325"),
    ("lansbery", "ward:E05009325"),          # a close spelling
    ("E01004243", "lsoa11:E01004243"),
    ("Tower Hamlets 020A", "lsoa11:E01004243"),
    ("Albion Health Centre", "gp_practice:F84012"),
    ("albion", "gp_practice:F84012"),
    ("F84012", "gp_practice:F84012"),
    ("St. Katharine's", "ward:E05009330"),
    ("South East", "locality:SE"),
    ("TH4", "monitoring_site:TH4"),
])
def test_finds_the_place_first(text, key):
    assert first(text).key == key


def test_postcode_lies_where_the_lookup_puts_it():
    found = first("E14 0XA")
    row = store.load_layer("postcodes").set_index("postcode").loc["E14 0XA"]
    assert (found.x, found.y) == (row.geometry.x, row.geometry.y)
    assert found.is_point and "Lansbury ward" in found.detail


def test_an_area_is_found_at_a_point_inside_it():
    for text in ("Lansbury", "E01004243", "Blackwall"):
        found = first(text)
        layer = {"ward": "wards", "lsoa11": "lsoa11"}[found.kind]
        shape = store.load_layer(layer).set_index("code").loc[found.code, "geometry"]
        assert shape.contains(shapely.Point(found.x, found.y)), text
        assert found.bounds == pytest.approx(shape.bounds)


def test_every_kind_of_place_can_be_found():
    index = search.index()
    assert set(index["kind"]) == set(search.KINDS)
    assert (index["kind"] == "postcode").sum() == len(store.load_layer("postcodes"))
    assert (index["kind"] == "gp_practice").sum() == 30
    for name in store.load_layer("facilities").query("kind == 'gp_practice'")["name"]:
        assert any(p.kind == "gp_practice" and p.name == name for p in search.find_place(name)), name


def test_keys_round_trip_and_unknown_keys_say_so():
    for text in ("E14 0XA", "Lansbury", "E01004243", "Albion Health Centre"):
        found = first(text)
        again = search.place(found.key)
        assert (again.key, again.name, again.x, again.y) == (found.key, found.name, found.x, found.y)
    with pytest.raises(errors.UnknownPlaceError, match="search for it again"):
        search.place("ward:E00000000")


@pytest.mark.parametrize("text", ["", "   ", "<script>alert(1)</script>", "{{ 7*7 }}", "x" * 500, "ZZ99 9ZZ"])
def test_odd_text_finds_nothing_and_raises_nothing(text):
    assert search.find_place(text) == []


def test_results_are_limited_and_ranked():
    found = search.find_place("E14 0", limit=5)
    assert len(found) == 5 and all(p.kind == "postcode" and p.code.startswith("E14 0") for p in found)
    wapping = search.find_place("Wapping")
    assert wapping[0].kind == "ward"  # the ward before the tubes and the practice named after it


def test_the_focus_is_zoomed_to_and_marked_on_screen_and_paper():
    description = maps.MapDescription("imd_decile", overlays=("gp_practices",), focus="postcode:E14 0XA")
    prepared = maps.prepare(description)
    assert prepared.focus.key == "postcode:E14 0XA"
    m = web.render(prepared)
    marker = next(c for c in m._children.values() if isinstance(c, web.FocusMarker))
    assert marker.name == "E14 0XA"
    page = m.get_root().render()
    assert "thmaps-focus" in page and "Found: E14 0XA" in page
    layout = printing.draw(prepared)
    assert any(c.get_gid() == "thmaps-focus" for c in layout.map_ax.collections)
    assert any(t.get_text() == "E14 0XA" for t in layout.map_ax.texts)
    # The description is still hashable (it keys caches and travels in URLs).
    assert hash(description) != hash(maps.MapDescription("imd_decile", overlays=("gp_practices",)))
    with pytest.raises(errors.ThmapsError):
        maps.prepare(maps.MapDescription("imd_decile", focus="ward:nowhere"))


def test_a_project_added_to_the_register_can_be_found_at_once(user_store):
    from thmaps.uploads.s106 import save_edit

    assert not [p for p in search.find_place("Aberfeldy wellbeing hub") if p.kind == "s106"]
    save_edit({"project": "Aberfeldy wellbeing hub", "postcode": "E14 0XA"})
    found = [p for p in search.find_place("Aberfeldy wellbeing hub") if p.kind == "s106"]
    assert found and found[0].name == "Aberfeldy wellbeing hub"
