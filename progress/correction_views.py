"""Correcting or voiding a counted batch (province administrators), from the records page.

The write, its permission check and its audit reason are in progress.services
(correct_record, void_record); this page only asks what and why.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can_correct_records, require
from progress import services
from progress.models import Record


class CorrectionForm(forms.Form):
    CORRECT, VOID = "correct", "void"
    action = forms.ChoiceField(
        label=gettext_lazy("Thao tác"),
        choices=[
            (CORRECT, gettext_lazy("Sửa số lượng")),
            (VOID, gettext_lazy("Huỷ bản ghi")),
        ],
        widget=forms.RadioSelect,
        initial=CORRECT,
    )
    count = forms.IntegerField(label=gettext_lazy("Số lượng đúng"), required=False, min_value=1)
    reason = forms.CharField(
        label=gettext_lazy("Lý do (ghi vào nhật ký thay đổi)"), max_length=100, min_length=5
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.CORRECT and data.get("count") is None:
            self.add_error("count", _("Nhập số lượng đúng."))
        return data


def _back(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else ""


def correct_record(request, pk):
    require(can_correct_records(request.user))
    record = get_object_or_404(
        Record.objects.select_related("union", "entered_by", "member"), pk=pk
    )
    form = CorrectionForm(request.POST or None, initial={"count": record.count})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == CorrectionForm.VOID:
                services.void_record(record=record, reason=data["reason"], user=request.user)
                done = _("Đã huỷ bản ghi %(r)s.") % {"r": record}
            else:
                services.correct_record(
                    record=record, count=data["count"], reason=data["reason"], user=request.user
                )
                done = _("Đã sửa số lượng thành %(n)s.") % {"n": data["count"]}
        except services.ProgressError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, done)
            return redirect(_back(request) or "progress:entry")
    return render(
        request,
        "progress/correct_record.html",
        {"form": form, "record": record, "next": _back(request)},
    )
