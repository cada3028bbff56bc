"""User data: indicators, geometries and register edits the user adds, kept apart from the built store.

Everything here is saved through the versioned user-data records of :mod:`thmaps.store` (kinds
``indicator``, ``geometry``, ``s106_edit``), so it survives a rebuild and an app restart, keeps its history
and is never deleted by thmaps itself. Every file is checked before anything is saved: a failed upload or
edit changes nothing.
"""
from .indicators import IndicatorSpec, Preview, preview_indicator, save_indicator
from .tables import read_table

__all__ = ["IndicatorSpec", "Preview", "preview_indicator", "read_table", "save_indicator"]
