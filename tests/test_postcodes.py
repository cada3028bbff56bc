"""Postcode lookup on the real Code-Point Open 2014 list."""
import pytest

from thmaps.sources import normalise_postcode
from thmaps.errors import PostcodeError
from thmaps.postcodes import lookup_postcode as lookup


@pytest.mark.parametrize("text", ["e11bb", "E1 1BB", " e1  1bb ", "E1-1BB"])
def test_any_usual_spelling(text):
    hit = lookup(text)
    assert hit.postcode == "E1 1BB"
    assert (hit.easting, hit.northing) == (534833.0, 181799.0)
    assert hit.ward_name == "Whitechapel" and hit.locality == "South West"
    assert hit.lsoa11cd == "E01004322"
    assert 51.51 < hit.lat < 51.53 and -0.07 < hit.lon < -0.05


def test_newer_practice_postcode_from_onspd():
    hit = lookup("E14 0XA")
    assert hit.ward_name == "Lansbury" and hit.locality == "South East"
    assert "ONSPD" in hit.coord_source


@pytest.mark.parametrize("text,message", [
    ("SW1A 1AA", "not in the Tower Hamlets postcode list"),
    ("hello", "not a valid UK postcode"),
    ("", "not a valid UK postcode"),
    ("E1 1BB" * 10, "Please enter a UK postcode"),
])
def test_clear_messages(text, message):
    with pytest.raises(PostcodeError, match=message):
        lookup(text)


def test_normalise_postcode():
    assert normalise_postcode("e1w2rl") == "E1W 2RL"
    assert normalise_postcode("E14 0XA") == "E14 0XA"
    assert normalise_postcode("E1") is None
