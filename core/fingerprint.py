"""A key for a cached page fragment: a hash of every value the fragment is drawn from.

A fragment cached under ``fingerprint(...)`` of its template's context is never stale: any
change in what it shows is a change in the key (there is nothing to invalidate, so each process
may keep its own copy). The walk is exhaustive for the types a context holds and refuses any
other (TypeError), so a new kind of value in the context cannot silently fall out of the key:

- None, bool, int, float, str, date, datetime, Decimal, UUID: by type and value;
- lazy translations: as text in the active language;
- lists, tuples, sets, dicts: element by element (sets and dicts sorted);
- dataclasses: every field, ``repr=False`` ones too;
- model instances: model label, every concrete field's value, and the related objects loaded
  on it (``unit.parent`` once read), each instance walked once per key.
"""

import dataclasses
import datetime
import decimal
import hashlib
import uuid

from django.db.models import Model
from django.utils.functional import Promise

_PLAIN = {type(None), bool, int, float, str, datetime.date, datetime.datetime, decimal.Decimal}
_FIELDS: dict[type, tuple] = {}  # dataclass -> its field names; model -> its attnames


def fingerprint(*values) -> str:
    parts: list = []
    seen: dict[int, int] = {}
    for value in values:
        _walk(value, parts, seen)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _walk(value, parts: list, seen: dict) -> None:
    kind = type(value)
    if kind in _PLAIN:
        parts.append(value)
    elif kind is list or kind is tuple:
        parts.append(len(value))
        for item in value:
            _walk(item, parts, seen)
    elif kind in _FIELDS:
        names = _FIELDS[kind]
        if isinstance(value, Model):
            _model(value, names, parts, seen)
        else:
            parts.append(kind.__qualname__)
            for name in names:
                _walk(getattr(value, name), parts, seen)
    elif isinstance(value, (uuid.UUID, str, int, float)):  # str/int enums, UUIDs
        parts.append(value)
    elif isinstance(value, Promise):
        parts.append(str(value))
    elif kind in (set, frozenset):
        parts.append(("set", sorted(repr(v) for v in value)))
    elif kind is dict:
        parts.append(("dict", len(value)))
        for key in sorted(value, key=repr):
            _walk(key, parts, seen)
            _walk(value[key], parts, seen)
    elif isinstance(value, Model):
        _FIELDS[kind] = tuple(f.attname for f in value._meta.concrete_fields)
        _walk(value, parts, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        _walk(value, parts, seen)
    else:
        raise TypeError(f"fingerprint: no rule for {kind.__name__}")


def _model(value, names, parts: list, seen: dict) -> None:
    number = seen.get(id(value))
    if number is not None:  # walked already: its number in this key
        parts.append(("again", number))
        return
    seen[id(value)] = len(seen)
    parts.append(value._meta.label)
    parts.extend([getattr(value, name) for name in names])
    cache = value._state.fields_cache
    if cache:
        for name in sorted(cache):
            parts.append(name)
            _walk(cache[name], parts, seen)
