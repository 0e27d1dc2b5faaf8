"""One date input everywhere: typed dd/mm/yyyy, with a small picker that writes that format.

Every form's date uses ``date_field`` (or ``VnDateField`` in a ModelForm's ``field_classes``):
a text input rendered dd/mm/yyyy (``VnDateInput``), never the browser's ``type="date"`` (an
English-locale browser shows that one as mm/dd/yyyy). The input carries ``data-datepicker``:
``static/js/datepicker.js`` adds a calendar button beside it that writes the chosen day back as
dd/mm/yyyy. The server accepts dd/mm/yyyy first, and yyyy-mm-dd (pasted, or what older scripts
and tests post) and dd-mm-yyyy.
"""

import datetime

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
DISPLAY_FORMAT = "%d/%m/%Y"
PLACEHOLDER = "dd/mm/yyyy"
INVALID_MESSAGE = _("Ngày phải có dạng dd/mm/yyyy, ví dụ 01/07/2025.")
REQUIRED_MESSAGE = _("Chưa nhập “{field}”.")


class VnDateInput(forms.DateInput):
    """A text input shown dd/mm/yyyy that the date picker script enhances."""

    input_type = "text"

    def __init__(self, attrs=None, format=None):
        merged = {
            "placeholder": PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-datepicker": "",
            "size": "11",
        }
        merged.update(attrs or {})
        super().__init__(attrs=merged, format=format or DISPLAY_FORMAT)


class VnDateField(forms.DateField):
    """A date typed dd/mm/yyyy (also yyyy-mm-dd, dd-mm-yyyy), with Vietnamese messages."""

    widget = VnDateInput
    input_formats = DATE_INPUT_FORMATS

    def __init__(self, *, label=None, error_messages=None, **kwargs):
        messages = {"invalid": INVALID_MESSAGE}
        if label:
            messages["required"] = format_lazy(REQUIRED_MESSAGE, field=label)
        messages.update(error_messages or {})
        super().__init__(label=label, error_messages=messages, **kwargs)


def date_field(label, **kwargs) -> VnDateField:
    """The form field of every date in the product (``required=False`` for an optional one)."""
    return VnDateField(label=label, **kwargs)


def parse_date_text(text) -> datetime.date | None:
    """A typed date in one of DATE_INPUT_FORMATS; blank or anything else gives None."""
    text = (text or "").strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
