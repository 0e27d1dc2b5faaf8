"""Django's form renderer, with drop-down lists written in Python.

Django draws a `<select>` through its template and one template include per `<option>` (and
another for each option's attributes): the batch entry form, whose list holds a district's ~50
CĐCS, went from 8.1 to 6.7 ms of CPU a request on PostgreSQL with this renderer
(bench/load_test.py's officers open it before every write). `QuickRenderer.render` writes the same characters directly — each value
goes through the template engine's own `render_value_in_context` (localisation, escaping), the
`stringformat:'s'` values through the same formatting — and leaves everything else, and any
select whose widget or option templates a form changed, to Django's templates.
`tests/core/test_form_renderer.py` compares both outputs on generated choices.
"""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# The template engine's defaults for a widget template: autoescape on, settings' l10n and tz.
_CONTEXT = Context(autoescape=True)


def _value(value) -> str:
    """`{{ value }}` in a template."""
    if type(value) is str:  # the common case, without the localisation lookups
        return conditional_escape(value)
    return render_value_in_context(value, _CONTEXT)


def _as_string(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 — the stringformat filter's own formatting
    except (ValueError, TypeError):
        text = ""
    return _value(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _value(name))
            if value is not True:
                parts.append('="' + _as_string(value) + '"')
    return "".join(parts)


def render_select(widget: dict) -> str:
    """django/forms/widgets/select.html with its options, character for character."""
    parts = ['<select name="', _value(widget["name"]), '"', _attrs(widget["attrs"]), ">"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="' + _value(group_name) + '">')
        for option in options:
            parts.append(
                '\n  <option value="' + _as_string(option["value"]) + '"'
                + _attrs(option["attrs"]) + ">" + _value(option["label"]) + "</option>\n"
            )  # fmt: skip
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain_select(template_name, context) -> bool:
    widget = context.get("widget") if isinstance(context, dict) else None
    if template_name != SELECT or not isinstance(widget, dict) or len(context) != 1:
        return False
    return all(
        option.get("template_name") == OPTION
        for _name, options, _index in widget.get("optgroups", ())
        for option in options
    )


class QuickRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's templates, but `<select>` lists drawn in Python."""

    def render(self, template_name, context, request=None):
        if _plain_select(template_name, context):
            return render_select(context["widget"]).strip()
        return super().render(template_name, context, request=request)
