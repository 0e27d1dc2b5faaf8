from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import VnDateField
from reports.models import Report, ReportingDeadline
from reports.services import DEADLINE_FIELDS


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = [
            "number",
            "dated_on",
            "results",
            "good_practices",
            "difficulties",
            "proposals",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        field_classes = {"dated_on": VnDateField}
        widgets = {
            "results": forms.Textarea(attrs={"rows": 6}),
            "good_practices": forms.Textarea(attrs={"rows": 4}),
            "difficulties": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dated_on"].error_messages["invalid"] = _(
            "Ngày báo cáo phải có dạng dd/mm/yyyy, ví dụ 05/08/2024."
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi lý do.")},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = ReportingDeadline
        fields = DEADLINE_FIELDS
        field_classes = {name: VnDateField for name in ("start", "end", "due_on")}
        labels = {"sort_order": _("Thứ tự")}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["period"].queryset = plan.periods.all()
        for name in ("start", "end", "due_on"):
            self.fields[name].error_messages["invalid"] = _(
                "“%(field)s” phải có dạng dd/mm/yyyy, ví dụ 05/08/2024."
            ) % {"field": self.fields[name].label}
