"""core.form_renderer writes `<select>` lists exactly as Django's templates do."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.form_renderer import QuickRenderer, _plain_select

STOCK = DjangoTemplates()
QUICK = QuickRenderer()

text = st.text(alphabet=st.sampled_from(list("aĐổ <>&\"'\n 1é")), max_size=8)
label = st.one_of(
    text,
    st.integers(-(10**7), 10**7),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2030, 12, 31)),
    st.just(mark_safe("<b>an toàn</b>")),
)
value = st.one_of(text, st.integers(0, 10**6), st.just(""), st.just(mark_safe("a&b")))
choice = st.tuples(value, label)
group = st.tuples(text.filter(bool), st.lists(choice, max_size=4))
choices = st.lists(st.one_of(choice, group), max_size=8)
attrs = st.dictionaries(
    st.sampled_from(["class", "id", "data-x", "disabled", "required", "title"]),
    st.one_of(st.booleans(), text, st.integers(0, 10**5)),
    max_size=3,
)


def both(widget, name, current):
    return (
        widget.render(name, current, renderer=STOCK),
        widget.render(name, current, renderer=QUICK),
    )


@hsettings(max_examples=150, deadline=None)
@given(
    choices=choices,
    attrs=attrs,
    multiple=st.booleans(),
    picked=st.lists(value, max_size=3),
    language=st.sampled_from(["vi", "en"]),
)
def test_same_characters_as_djangos_templates(choices, attrs, multiple, picked, language):
    widget = (forms.SelectMultiple if multiple else forms.Select)(attrs=attrs, choices=choices)
    current = picked if multiple else (picked[0] if picked else None)
    with translation.override(language):
        stock, quick = both(widget, 'đơn<"vị>', current)
    assert quick == stock


def test_model_choices_and_bound_fields(db):
    from organisation.models import Unit

    Unit.objects.create(name="LĐLĐ <Thử> & “Mới”", kind="province", code="T1")

    class Pick(forms.Form):
        unit = forms.ModelChoiceField(Unit.objects.all(), required=False)
        kind = forms.ChoiceField(choices=[("", "—"), ("a", "Kết nạp"), (2024, 2024)])
        known = forms.NullBooleanField()

    form = Pick(data={"unit": "", "kind": "2024", "known": "true"})
    for name in ("unit", "kind", "known"):
        field = form[name]
        stock = field.field.widget.render(field.html_name, field.value(), renderer=STOCK)
        quick = field.field.widget.render(field.html_name, field.value(), renderer=QUICK)
        assert quick == stock


def test_a_changed_option_template_is_left_to_django():
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Marked(choices=[("1", "một")])
    assert widget.render("x", "1", renderer=QUICK) == widget.render("x", "1", renderer=STOCK)


def test_the_project_uses_it():
    assert settings.FORM_RENDERER == "core.form_renderer.QuickRenderer"
    assert isinstance(get_default_renderer(), QuickRenderer)
    # and a plain drop-down takes the quick way (else the comparisons above prove nothing)
    widget = forms.Select(choices=[("1", "một")])
    assert _plain_select(widget.template_name, widget.get_context("x", "1", None))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_whole_form_pages_are_unchanged(language):
    class Entry(forms.Form):
        union = forms.ChoiceField(choices=[(n, f"CĐCS {n}") for n in range(60)])
        count = forms.IntegerField()

    form = Entry(data={"union": "7", "count": "x"})
    with translation.override(language):
        assert form.render(renderer=QUICK) == form.render(renderer=STOCK)
