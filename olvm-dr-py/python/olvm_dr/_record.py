"""The base of the package's plain records (report entries, mapping views, ...).

A record is a frozen dataclass with typed fields, a readable repr, equality and pickling. The
extension makes plain data (dicts and lists) of a core value with serde and builds the record
with ``Record._from_data``; the records' fields carry the serde names of the core's fields."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any


class Record:
    """Base of the records: builds one from the plain data the extension gives."""

    @classmethod
    def _from_data(cls, data: Any) -> Any:
        """A record of ``data`` (a dict), or a list of records of a list of dicts.

        Keys that are not fields are left out (the core may know more than the record shows);
        fields that are not keys (serde leaves out empty values) get their type's empty value.
        A field that is not a constructor parameter (a text the core made, ``_text``) is set
        when ``data`` has it.
        """
        if isinstance(data, list):
            return [cls._from_data(item) for item in data]
        make: Any = cls
        fields, hidden = _fields(cls)
        record = make(**{name: _convert(hint, data.get(name)) for name, hint in fields.items()})
        for name in hidden & data.keys():
            object.__setattr__(record, name, data[name])
        return record


@functools.cache
def _fields(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """The constructor's fields of a record class with their resolved types, and the names of
    its other fields."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    return {f.name: hints[f.name] for f in fields if f.init}, frozenset(f.name for f in fields if not f.init)


def _convert(hint: Any, value: Any) -> Any:
    """``value`` as a field of type ``hint`` holds it: nested records built, a dict made the
    tuple of its values (``(nic, from, to)``), a missing value made the type's empty value."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return None if value is None else _convert(next(a for a in args if a is not type(None)), value)
    if value is None:
        return (origin or hint)()  # list(), str(), bool(), int()
    if origin is list:
        return [_convert(args[0], item) for item in value]
    if origin is tuple and isinstance(value, dict):
        return tuple(value.values())
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint._from_data(value)
    return value


def site_name(site: str) -> str:
    """``primary`` or ``secondary`` from a site name in any case.

    Raises:
        ConfigurationError: ``site`` is neither.
    """
    name = site.strip().lower()
    if name not in ("primary", "secondary"):
        from .exceptions import ConfigurationError

        raise ConfigurationError(f"unknown site '{site}': expected 'primary' or 'secondary'")
    return name
