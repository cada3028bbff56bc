"""Locality profiles: the tables behind "My locality" (key indicators, wards, services, air quality)."""
from .air import LAEI_INDICATORS, AirQuality, air_quality, laei_trend, tube_headline, tube_trend, tubes
from .export import locality_table_csv
from .health import ENGLAND_LABEL, HEALTH_INDICATORS, health_matrix, health_sources, ward_health
from .services import practices, s106_projects, s106_unassigned
from .tables import (COMPARATORS, KEY_INDICATORS, LAEI_COMPARATOR_NOTE, format_key_indicators, key_indicators,
                     locality_wards, ranking_indicators, source_ids_for, table_value, ward_ranking)

__all__ = ["COMPARATORS", "ENGLAND_LABEL", "HEALTH_INDICATORS", "KEY_INDICATORS", "LAEI_COMPARATOR_NOTE",
           "LAEI_INDICATORS", "AirQuality", "air_quality", "format_key_indicators", "key_indicators", "laei_trend", "locality_table_csv", "locality_wards",
           "practices", "ranking_indicators", "s106_projects", "s106_unassigned", "source_ids_for", "table_value",
           "tube_headline", "tube_trend", "tubes", "ward_health", "ward_ranking", "health_matrix", "health_sources"]
