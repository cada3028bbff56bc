"""Every error thmaps raises for a person to read, under one base class.

Catch :class:`ThmapsError` to catch them all: the app shows ``str(exc)`` as a plain message, the
command line prints it on one line. Each message names the file, place or value at fault and says
what to do. Some classes also derive from the built-in exception they refine (``ValueError``,
``LookupError``, ``FileNotFoundError``) so that code written against those keeps working.

Examples
--------
>>> from thmaps.errors import ThmapsError, UnknownPlaceError
>>> issubclass(UnknownPlaceError, ThmapsError)
True
"""
from __future__ import annotations


class ThmapsError(Exception):
    """Base class of every error thmaps raises on purpose; its message is written for a person."""


class SourceError(ThmapsError):
    """A source file is missing, unreadable or not what the registry expects (the message names the file)."""


class LocalityDefinitionError(ThmapsError, ValueError):
    """The ward-to-locality definition does not cover every ward exactly once."""


class BuildError(ThmapsError, RuntimeError):
    """The store could not be built; the previous store, if any, is left as it was."""


class StoreMissingError(ThmapsError, FileNotFoundError):
    """No store has been built yet."""


class StoreOutdatedError(ThmapsError, RuntimeError):
    """The store was built by another version of thmaps (its format differs): rebuild it."""


class StoreUnavailableError(ThmapsError, ConnectionError):
    """The store's database cannot be reached or used (the message names it, without its password)."""


class ConflictError(ThmapsError):
    """A user-data save refused because someone else saved the same record first (optimistic locking).

    ``changes`` lists what the other person changed as ``(field, before, after)``; ``current`` is the record
    as it now stands (``None`` if it was deleted). Nothing was written: reload, check and save again.
    """

    def __init__(self, message: str, *, kind: str = "", key: str = "", expected_version: int | None = None,
                 current=None, changes=()):
        super().__init__(message)
        self.kind, self.key, self.expected_version = kind, key, expected_version
        self.current, self.changes = current, list(changes)


class UnknownPlaceError(ThmapsError, ValueError):
    """A locality, ward or extent that names no place in Tower Hamlets (the message lists the choices)."""


class MapRequestError(ThmapsError, ValueError):
    """A map description that cannot be drawn (unknown indicator, level, period, overlay...)."""


class PrintError(MapRequestError):
    """A print request that cannot be met (unknown paper, orientation, format or resolution)."""


class MapPackError(ThmapsError, ValueError):
    """A map pack that cannot be written; nothing is left half-written."""


class PostcodeError(ThmapsError, LookupError):
    """A postcode that is malformed or not in the lookup; the message says which."""


class SettingsError(ThmapsError, RuntimeError):
    """A setting from the environment is missing or unusable (for example ``THMAPS_SOURCE_DIR``)."""


class ImpactInputError(ThmapsError, ValueError):
    """Input to a development impact assessment that cannot be used (the message says which and why)."""


class SiteError(ImpactInputError):
    """A site that cannot be placed: unknown postcode, bad coordinates, outside the borough, bad polygon."""


class UploadError(SiteError):
    """An uploaded boundary file that is not what it claims, has no or a wrong CRS, or holds no usable polygon."""


class SchemeError(ImpactInputError):
    """A scheme with impossible numbers (negative, absurd, or a bedroom or tenure split that does not add up)."""


class AssessmentFileError(ImpactInputError):
    """An assessment file (JSON) that cannot be read back."""


class UserDataError(ThmapsError, ValueError):
    """An uploaded table or file, or an edit, that cannot be used (the message names the file or field and why);
    nothing was saved."""
