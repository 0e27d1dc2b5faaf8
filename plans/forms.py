"""The target grid: one input per (unit, indicator) cell, values as Vietnamese users type them."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheet import check_upload
from core.text import NotANumber, format_int, parse_int
from plans.models import TARGET_MAX


@dataclass
class CellInput:
    unit_id: int
    indicator_id: int
    raw: str
    value: int | None = None
    version: int | None = None
    error: str = ""


def cell_name(unit_id, indicator_id) -> str:
    return f"t-{unit_id}-{indicator_id}"


def version_name(unit_id, indicator_id) -> str:
    return f"v-{unit_id}-{indicator_id}"


def read_grid(data, unit_names: dict[int, str], indicators) -> list[CellInput]:
    """Parse every cell; each bad cell gets a Vietnamese message naming unit and column."""
    cells = []
    for unit_id, unit_name in unit_names.items():
        for indicator in indicators:
            raw = data.get(cell_name(unit_id, indicator.pk), "")
            cell = CellInput(unit_id, indicator.pk, raw)
            version = data.get(version_name(unit_id, indicator.pk), "")
            cell.version = int(version) if version.isdecimal() else None  # not "²"
            try:
                cell.value = parse_int(raw)
            except NotANumber:
                cell.error = _("%(unit)s, cột “%(col)s”: “%(raw)s” không phải là số nguyên.") % {
                    "unit": unit_name,
                    "col": indicator.header,
                    "raw": raw,
                }
            else:
                if cell.value is not None and cell.value < 0:
                    cell.error = _("%(unit)s, cột “%(col)s”: chỉ tiêu không được âm (%(raw)s).") % {
                        "unit": unit_name,
                        "col": indicator.header,
                        "raw": raw,
                    }
                elif cell.value is not None and cell.value > TARGET_MAX:
                    cell.error = _(
                        "%(unit)s, cột “%(col)s”: chỉ tiêu %(raw)s quá lớn (tối đa %(max)s)."
                    ) % {
                        "unit": unit_name,
                        "col": indicator.header,
                        "raw": raw,
                        "max": format_int(TARGET_MAX),
                    }
            cells.append(cell)
    return cells


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        help_text=gettext_lazy("Biểu giao chỉ tiêu theo mẫu của hệ thống hoặc do người gõ."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx."))
        check_upload(upload)
        return upload
