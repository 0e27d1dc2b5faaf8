"""One date input everywhere (core/dates.py): dd/mm/yyyy typed, never the browser's type="date"."""

import datetime
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from core.dates import (
    DATE_INPUT_FORMATS,
    VnDateField,
    VnDateInput,
    date_field,
    parse_date_text,
)
from tests.factories import small_tree

ROOT = Path(__file__).resolve().parents[2]
JULY_FIRST = datetime.date(2025, 7, 1)


class OneDate(forms.Form):
    day = date_field("Ngày kết nạp")
    optional = date_field("Đến ngày", required=False)


def test_the_widget_renders_dd_mm_yyyy_as_a_text_input_the_picker_enhances():
    html = VnDateInput().render("day", JULY_FIRST)
    assert 'type="text"' in html
    assert 'value="01/07/2025"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="off"' in html
    assert "data-datepicker" in html
    assert 'type="date"' not in html


def test_a_bound_form_shows_the_initial_date_dd_mm_yyyy():
    html = str(OneDate(initial={"day": JULY_FIRST})["day"])
    assert 'value="01/07/2025"' in html


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "typed", ["01/07/2025", "1/7/2025", "2025-07-01", "01-07-2025", " 01/07/2025 "]
)
def test_the_three_formats_are_read_in_either_language(typed, language):
    with translation.override(language):
        form = OneDate({"day": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == JULY_FIRST
    assert parse_date_text(typed) == JULY_FIRST


def test_dd_mm_yyyy_comes_first():
    assert DATE_INPUT_FORMATS[0] == "%d/%m/%Y"
    # 02/01/2025 is the 2nd of January, never February 1st.
    assert parse_date_text("02/01/2025") == datetime.date(2025, 1, 2)


@pytest.mark.parametrize(
    "typed", ["31/02/2025", "07/01/25", "2025/07/01", "hôm nay", "01.07.2025x"]
)
def test_anything_else_gets_the_vietnamese_message(typed):
    form = OneDate({"day": typed})
    assert not form.is_valid()
    assert form.errors["day"] == ["Ngày phải có dạng dd/mm/yyyy, ví dụ 01/07/2025."]
    assert parse_date_text(typed) is None


def test_a_missing_required_date_names_its_field_and_an_optional_one_may_be_blank():
    form = OneDate({"day": "", "optional": ""})
    assert not form.is_valid()
    assert form.errors["day"] == ["Chưa nhập “Ngày kết nạp”."]
    assert "optional" not in form.errors


def _project_forms():
    """Every form class defined in the project's own apps."""
    names = set()
    for config in apps.get_app_configs():
        path = Path(config.path)
        if not path.is_relative_to(ROOT) or ".venv" in path.parts:
            continue
        names.add(config.name)
        for module in pkgutil.walk_packages([config.path], f"{config.name}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return sorted(
        {c for c in below(forms.BaseForm) if c.__module__.split(".")[0] in names},
        key=lambda c: f"{c.__module__}.{c.__name__}",
    )


def test_every_date_of_every_form_is_the_shared_dd_mm_yyyy_field():
    classes = _project_forms()
    assert len(classes) > 30  # the import walk found the apps' forms
    offenders, dates = [], 0
    for cls in classes:
        for name, field in cls.base_fields.items():
            if not isinstance(field.widget, forms.widgets.Input):
                continue  # selects, text areas, check boxes
            html = field.widget.render(name, JULY_FIRST)
            where = f"{cls.__module__}.{cls.__name__}.{name}"
            if 'type="date"' in html:
                offenders.append(f"{where} renders type=date")
            if isinstance(field, forms.DateField):
                dates += 1
                if not isinstance(field, VnDateField) or not isinstance(field.widget, VnDateInput):
                    offenders.append(f"{where} is not core.dates.date_field")
                elif 'value="01/07/2025"' not in html:
                    offenders.append(f"{where} does not render dd/mm/yyyy")
    assert dates > 40
    assert offenders == []


def test_no_template_or_script_writes_a_date_input_of_its_own():
    """Raw inputs in templates (the multi-row entry forms) are text inputs with data-datepicker;
    only the picker script makes its one hidden type="date"."""
    pattern = re.compile(r"""type\s*=\s*["']?date\b""")
    offenders = []
    for path in [*ROOT.glob("**/templates/**/*.html"), *ROOT.glob("static/js/*.js")]:
        if ".venv" in path.parts or path.name == "datepicker.js":
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    script = (ROOT / "static/js/datepicker.js").read_text(encoding="utf-8")
    assert 'native.type = "date"' in script
    base = (ROOT / "templates/base.html").read_text(encoding="utf-8")
    assert "js/datepicker.js' %}\" defer" in base


@pytest.mark.django_db
def test_the_entry_pages_render_dd_mm_yyyy_inputs_with_the_picker(client):
    from tests.factories import role_users

    users = role_users(small_tree())
    client.force_login(users["admin_user"], backend="django.contrib.auth.backends.ModelBackend")
    for name in (
        "progress:add_members",
        "progress:batch",
        "progress:found_union",
        "plans:create",
        "enterprises:create",
        "organisation:tree",
        "accounts:audit_log",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'type="date"' not in html, name
        assert "data-datepicker" in html, name
        assert 'data-datepicker-label="Chọn ngày"' in html, name
