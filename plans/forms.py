"""The target grid: one input per (unit, indicator) cell, values as Vietnamese users type them."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import VnDateField, date_field
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


# Plan authoring --------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    class Meta:
        from plans.models import Plan

        model = Plan
        fields = [
            "number",
            "issued_on",
            "issuing_unit",
            "issuing_body",
            "title",
            "year",
            "signer_name",
            "signer_title",
            "enterprise_min_workers",
        ]
        field_classes = {"issued_on": VnDateField}
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        from organisation.models import Unit, UnitKind

        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = Unit.objects.exclude(
            kind__in=UnitKind.grassroots_level()
        ).order_by("kind", "sort_order", "name")
        if self.instance.pk and self.instance.is_issued:
            for name in ("number", "issued_on", "issuing_unit", "year"):
                self.fields[name].disabled = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Năm %(year)s không hợp lệ.") % {"year": year})
        return year


class PeriodForm(forms.ModelForm):
    class Meta:
        from plans.models import Period

        model = Period
        fields = ["code", "name", "start", "end", "header_suffix", "table_title", "sort_order"]
        field_classes = {"start": VnDateField, "end": VnDateField}
        widgets = {"table_title": forms.Textarea(attrs={"rows": 1})}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data


class IndicatorForm(forms.ModelForm):
    sector_codes = forms.MultipleChoiceField(
        label=gettext_lazy("Khu vực (để trống = mọi khu vực)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        from plans.models import Indicator

        model = Indicator
        fields = [
            "code",
            "name",
            "header",
            "group_header",
            "parent",
            "relation",
            "measure",
            "unit_of_measure",
            "is_minimum",
            "min_workers",
            "aliases",
            "sort_order",
        ]
        widgets = {"aliases": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, plan=None, **kwargs):
        from organisation.models import Sector
        from plans.models import Indicator

        super().__init__(*args, **kwargs)
        self.fields["sector_codes"].choices = Sector.choices
        self.fields["sector_codes"].initial = self.instance.sector_list
        roots = Indicator.objects.none()
        if plan is not None and plan.pk:
            roots = plan.indicators.filter(parent__isnull=True)
            if self.instance.pk:
                roots = roots.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = roots

    def clean(self):
        from plans.models import Measure

        data = super().clean()
        measure = data.get("measure")
        if data.get("min_workers") and measure and not Measure.uses_threshold(measure):
            self.add_error(
                "min_workers",
                _("Ngưỡng số lao động chỉ dùng cho chỉ tiêu tính theo doanh nghiệp từ N lao động."),
            )
        return data

    def save(self, commit=True):
        self.instance.sectors = ",".join(self.cleaned_data.get("sector_codes") or [])
        return super().save(commit=commit)


class PlanUnitForm(forms.ModelForm):
    class Meta:
        from plans.models import PlanUnit

        model = PlanUnit
        fields = ["unit", "row_number"]

    def __init__(self, *args, plan=None, **kwargs):
        from organisation.models import Unit
        from organisation.selectors import subtree

        super().__init__(*args, **kwargs)
        units = Unit.objects.all()
        if plan is not None and plan.issuing_unit_id:
            units = subtree(plan.issuing_unit, plan.issued_on).exclude(pk=plan.issuing_unit_id)
            if self.instance.pk:
                units = units | Unit.objects.filter(pk=self.instance.unit_id)
        self.fields["unit"].queryset = units.order_by("sort_order", "name")


def plan_formset(model, plan, data=None):
    """The inline formset of a plan's periods, indicators or receiving units."""
    from django.forms import inlineformset_factory

    from plans.models import Indicator, Period, Plan, PlanUnit

    form = {Period: PeriodForm, Indicator: IndicatorForm, PlanUnit: PlanUnitForm}[model]
    factory = inlineformset_factory(Plan, model, form=form, extra=3, can_delete=True)
    kwargs = {} if model is Period else {"form_kwargs": {"plan": plan}}
    queryset = model.objects.filter(plan=plan)
    if model is Indicator:
        queryset = queryset.order_by("sort_order", "id")
    return factory(data, instance=plan, queryset=queryset, **kwargs)


class AmendmentForm(forms.Form):
    """Required with any change of an issued plan's targets."""

    effective_on = date_field(gettext_lazy("Ngày điều chỉnh (có hiệu lực)"))
    decision_number = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=50)
    reason = forms.CharField(
        label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CopyPlanForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số kế hoạch mới"), max_length=50)
    issued_on = date_field(gettext_lazy("Ngày ban hành"))
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=gettext_lazy("Trích yếu (để trống: như kế hoạch cũ, đổi năm)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlanImportForm(forms.Form):
    """The wizard's first step: the form file and the plan's header."""

    file = forms.FileField(label=gettext_lazy("Biểu giao chỉ tiêu (.xlsx)"), required=False)
    number = forms.CharField(label=gettext_lazy("Số kế hoạch"), max_length=50)
    issued_on = date_field(gettext_lazy("Ngày ban hành"))
    issuer = forms.ModelChoiceField(label=gettext_lazy("Đơn vị ban hành"), queryset=None)
    title = forms.CharField(
        label=gettext_lazy("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from organisation.models import Unit, UnitKind

        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Unit.objects.exclude(
            kind__in=UnitKind.grassroots_level()
        ).order_by("kind", "sort_order", "name")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx."))
        check_upload(upload)
        return upload


def parse_period_dates(text: str):
    """ "DD/MM/YYYY-DD/MM/YYYY" → (start, end), or None if it is not that."""
    import datetime

    start, dash, end = (text or "").strip().partition("-")
    if not dash:
        return None
    try:
        return (
            datetime.datetime.strptime(start.strip(), "%d/%m/%Y").date(),
            datetime.datetime.strptime(end.strip(), "%d/%m/%Y").date(),
        )
    except ValueError:
        return None
