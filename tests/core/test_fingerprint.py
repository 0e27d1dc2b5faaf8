"""core.fingerprint: a cached fragment's key changes with anything it is drawn from."""

import dataclasses
import datetime

import pytest
from django.utils.translation import gettext_lazy, override

from core.fingerprint import fingerprint
from organisation.models import Unit, UnitKind


@dataclasses.dataclass
class Box:
    value: object
    hidden: object = dataclasses.field(default=None, repr=False)


def test_equal_values_equal_keys_and_any_change_a_new_key():
    a = Unit(pk=1, name="A", kind=UnitKind.DISTRICT, founded_on=datetime.date(2020, 1, 1))
    b = Unit(pk=1, name="A", kind=UnitKind.DISTRICT, founded_on=datetime.date(2020, 1, 1))
    base = fingerprint(Box(a), [1, 2.5, None], {"k": (True, "x")})
    assert fingerprint(Box(b), [1, 2.5, None], {"k": (True, "x")}) == base
    b.name = "B"
    assert fingerprint(Box(b), [1, 2.5, None], {"k": (True, "x")}) != base
    assert fingerprint(Box(a, hidden=1), [1, 2.5, None], {"k": (True, "x")}) != base  # repr=False
    assert fingerprint(Box(a), [1, 2.5, None], {"k": (True, "y")}) != base
    assert fingerprint(Box(a), [1, 2.6, None], {"k": (True, "x")}) != base


def test_related_objects_loaded_on_a_model_count():
    child = Unit(pk=2, name="C", kind=UnitKind.GRASSROOTS)
    plain = fingerprint(child)
    child._state.fields_cache["parent"] = Unit(pk=1, name="P", kind=UnitKind.DISTRICT)
    assert fingerprint(child) != plain


def test_lazy_text_is_read_in_the_active_language():
    word = gettext_lazy("Đăng xuất")
    with override("vi"):
        vi = fingerprint(word)
    with override("en"):
        assert fingerprint(word) != vi


def test_an_unknown_type_is_refused():
    with pytest.raises(TypeError):
        fingerprint(object())


def test_an_object_seen_again_counts_as_itself():
    """A dataclass met twice is written once, then named: the key still follows its content
    and tells one object twice from two equal objects."""
    row = Box([1, 2])
    twice = fingerprint([row, row])
    assert fingerprint([Box([1, 2]), Box([1, 2])]) != twice  # two objects: another shape
    assert fingerprint([row, Box([1, 2])]) != twice
    row.value.append(3)
    assert fingerprint([row, row]) != twice
    other = Box([1, 2])
    assert fingerprint([other, other]) == twice
