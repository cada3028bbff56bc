"""Geography: places (localities, extents), spatial joins and apportionment, all in EPSG:27700.

Small areas (LSOAs, OAs) do not nest in wards: their values reach wards through population
weights that conserve totals; wards nest exactly in localities and the borough.
"""
from .apportion import lsoa_ward_weights, main_ward, oa_ward_lookup, straddle_note, ward_weight_change
from .joins import assign_areas
from .localities import dissolve_borough, dissolve_localities, read_localities
from .places import LOCALITIES, LOCALITY_NOTE, Extent, Locality, ward_code
from .water import water_areas

__all__ = ["LOCALITIES", "LOCALITY_NOTE", "Extent", "Locality", "assign_areas", "dissolve_borough",
           "dissolve_localities", "lsoa_ward_weights", "main_ward", "oa_ward_lookup", "read_localities", "straddle_note",
           "ward_code", "ward_weight_change", "water_areas"]
