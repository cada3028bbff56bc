"""Locality and Extent parse every way people write places; every error a person sees is a ThmapsError."""
from __future__ import annotations

import inspect

import pytest

from thmaps import errors, maps, profile
from thmaps.geo import Extent, Locality
from thmaps.maps.description import ward_names


def test_extent_round_trips_and_resolves_ward_names():
    assert str(Extent.parse("locality:south west")) == "locality:SW"
    assert Extent.parse("") == Extent("borough") and str(Extent.parse("london")) == "london"
    assert Extent.parse(Locality("NE")) == Extent("locality", "NE")
    assert Extent.parse("ward:lansbury", wards=ward_names()) == Extent("ward", "E05009325")
    assert Extent.parse(str(Extent("ward", "E05009325"))) == Extent("ward", "E05009325")
    d = maps.resolve(maps.MapDescription("laei_no2", level="ward", extent="ward:Lansbury"))
    assert d.extent == Extent("ward", "E05009325")


@pytest.mark.parametrize("text", ["locality:Central", "ward:Atlantis", "county:Kent", "locality:", "borough:x"])
def test_unknown_places_are_one_error_type(text):
    with pytest.raises(errors.UnknownPlaceError):
        Extent.parse(text, wards=ward_names())
    with pytest.raises(errors.ThmapsError):
        maps.prepare(maps.MapDescription("laei_no2", extent=text))


def test_unknown_locality_is_the_same_error_everywhere():
    for call in (lambda: Locality.parse("Central"), lambda: profile.key_indicators("Central"),
                 lambda: maps.MapDescription("laei_no2", extent="locality:Central")):
        with pytest.raises(errors.UnknownPlaceError, match="North West"):
            call()


def test_every_error_class_derives_from_thmaps_error():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)]
    assert len(classes) >= 10
    assert all(issubclass(c, errors.ThmapsError) for c in classes)
