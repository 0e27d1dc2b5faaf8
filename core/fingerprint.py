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
  on it (``unit.parent`` once read).

A model or dataclass instance is walked once per key: where it appears again the key says
which one it was (its number in the walk), so the dashboard's ranked rows, which are its table
rows, are not walked twice. The objects seen are all alive while the key is computed (the
values hold them), so their ids name them.
"""

import dataclasses
import datetime
import decimal
import hashlib
import io
import operator
import pickle
import uuid

from django.db.models import Model
from django.utils.functional import Promise

_PLAIN = {type(None), bool, int, float, str, datetime.date, datetime.datetime, decimal.Decimal}
# dataclass -> a getter of its fields' values (a tuple); model -> its attnames
_FIELDS: dict = {}


def fingerprint(*values) -> str:
    parts: list = []
    seen: dict[int, int] = {}
    for value in values:
        _walk(value, parts, seen)
    # The parts are plain values (and str/int enums, UUIDs): pickled without a memo, equal
    # parts are equal bytes whichever objects they share; four times cheaper than their repr.
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=32).hexdigest()


# The walk runs on every dashboard request over ~2 000 values (12 rows × 9 cells, each a
# dataclass of five fields): containers and dataclasses write their plain items in place rather
# than through a call per item, which halves its cost; the parts are the same as one call per
# value would write.


def _walk(value, parts: list, seen: dict) -> None:
    kind = type(value)
    if kind in _PLAIN:
        parts.append(value)
    elif kind is list or kind is tuple:
        parts.append(len(value))
        _items(value, parts, seen)
    elif kind in _FIELDS:
        names = _FIELDS[kind]
        if isinstance(value, Model):
            _model(value, names, parts, seen)
        else:
            number = seen.get(id(value))
            if number is not None:  # walked already (a ranked row is also a table row)
                parts.append(("again", number))
                return
            seen[id(value)] = len(seen)
            parts.append(kind.__qualname__)
            _items(names(value), parts, seen)
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
        # Its fields' values as a tuple (every field, repr=False ones too), read in C.
        names = [f.name for f in dataclasses.fields(value)]
        _FIELDS[kind] = operator.attrgetter(*names) if len(names) > 1 else _one(names)
        _walk(value, parts, seen)
    else:
        raise TypeError(f"fingerprint: no rule for {kind.__name__}")


def _one(names: list):
    """attrgetter of one name or none, as a tuple (attrgetter of one name is not)."""
    if not names:
        return lambda value: ()
    getter = operator.attrgetter(names[0])
    return lambda value: (getter(value),)


def _items(values, parts: list, seen: dict) -> None:
    """``_walk`` of each value in turn: plain ones and models walked already written here."""
    for item in values:
        if type(item) in _PLAIN:
            parts.append(item)
        else:
            number = seen.get(id(item))
            if number is not None:  # a model or dataclass walked already
                parts.append(("again", number))
            else:
                _walk(item, parts, seen)


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
