from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import audit
from core.dates import date_field


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("Người sửa"), required=False, max_length=150)
    model = forms.ChoiceField(label=_("Loại dữ liệu"), required=False)
    date_from = date_field(_("Từ ngày"), required=False)
    date_to = date_field(_("Đến ngày"), required=False)
    q = forms.CharField(label=_("Nội dung"), required=False, max_length=200)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (audit.model_key(m), str(m._meta.verbose_name).capitalize())
            for m in audit.tracked_models()
        ]
        self.fields["model"].choices = [("", _("Tất cả")), *sorted(choices, key=lambda c: c[1])]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“Đến ngày” phải sau “Từ ngày”."))
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "model_keys": [data["model"]] if data.get("model") else None,
            "username": (data.get("user") or "").strip(),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "text": (data.get("q") or "").strip(),
        }

    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1
