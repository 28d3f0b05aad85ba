"""The exceptions olvm_dr raises.

Every one derives from :class:`OlvmDrError`. Failures of Engine calls are :class:`EngineError`
subclasses, one per kind of failure; some also derive from the built-in exception a Python
programmer would catch (``NotFoundError`` is a ``LookupError``, ``EngineTimeoutError`` a
``TimeoutError``, ``ConfigurationError`` a ``ValueError``, ``FileError`` an ``OSError``).

Messages carry the Engine's own fault text (``reason: detail``) and never a password.

The classes live in Python (not in the compiled extension) because an exception that derives
from two built-in exception types can only be declared in Python; the extension raises them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._results import Diagnostic

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "EngineError",
    "EngineInternalError",
    "EngineTimeoutError",
    "EngineUnavailableError",
    "FileError",
    "ForbiddenError",
    "InvalidStateError",
    "LeaseHeldError",
    "LockedError",
    "NotFoundError",
    "OlvmDrError",
    "PlanningError",
    "ProtocolError",
    "RunStateError",
    "UnsupportedError",
    "ValidationError",
]


class OlvmDrError(Exception):
    """Base class of every error olvm_dr raises."""


class ConfigurationError(OlvmDrError, ValueError):
    """An argument or a setting cannot be used: an unknown site name, a site without a
    connection, a mapping without the keys a connection needs, a CA file that cannot be read."""


class FileError(OlvmDrError, OSError):
    """A file cannot be read or written. ``errno``, ``strerror`` and ``filename`` are set as for
    any ``OSError``."""


class ValidationError(OlvmDrError):
    """The mapping file has errors; ``diagnostics`` lists every finding (errors first)."""

    diagnostics: list[Diagnostic] = []


class PlanningError(OlvmDrError):
    """The mapping does not fit the live site, so no plan can be made; ``diagnostics`` says where
    each problem is. Nothing was changed."""

    diagnostics: list[Diagnostic] = []


class RunStateError(OlvmDrError):
    """The state directory cannot be used (another run holds its lock), or the run to resume
    cannot be resumed (unknown, finished, or its plan was edited)."""


class EngineError(OlvmDrError):
    """An Engine call failed.

    Attributes:
        kind: the kind of failure (``not_found``, ``conflict``, ``lease_held``, ...).
        operation: the Engine operation that failed (``attach_storage_domain``, ...).
        target: the entity it was about, e.g. ``storage domain 'data1' (6f0c...)``.
        http_status: the HTTP status of a REST Engine's answer.
        fault_reason: the Engine's fault reason (usually ``Operation Failed``).
        fault_detail: the Engine's fault detail, e.g. ``[Cannot detach Storage. ...]``.
        retryable: repeating the call later can succeed without anybody changing anything.
        site: the site whose Engine failed, when known (``primary`` or ``secondary``).
    """

    kind: str = ""
    operation: str = ""
    target: str | None = None
    http_status: int | None = None
    fault_reason: str | None = None
    fault_detail: str | None = None
    retryable: bool = False
    site: str | None = None


class NotFoundError(EngineError, LookupError):
    """The entity does not exist (HTTP 404, or a name that resolves to nothing)."""


class ConflictError(EngineError):
    """The request clashes with existing state: a duplicate name or id, a MAC conflict, a master
    domain rule."""


class InvalidStateError(EngineError):
    """The entity is in a state that does not allow the operation (e.g. detaching an active
    domain)."""


class LockedError(EngineError):
    """A related operation is in progress; the same call later will probably work."""


class LeaseHeldError(EngineError):
    """The storage domain's sanlock lease is still held by hosts of the other site."""


class AuthenticationError(EngineError):
    """No, wrong or expired credentials (HTTP 401)."""


class ForbiddenError(EngineError):
    """The user lacks a permission (HTTP 403)."""


class BadRequestError(EngineError):
    """The Engine rejected the request as malformed or incomplete (HTTP 400)."""


class EngineTimeoutError(EngineError, TimeoutError):
    """The Engine did not answer within the deadline."""


class EngineUnavailableError(EngineError):
    """The Engine cannot be reached (nothing answers: its site may be dark), or something in front
    of it answers 502/503/504."""


class EngineInternalError(EngineError):
    """The Engine failed internally (HTTP 500)."""


class ProtocolError(EngineError):
    """The Engine's answer could not be understood."""


class UnsupportedError(EngineError):
    """The Engine does not offer the operation (API too old, capability missing)."""
