"""Forms for recording progress. Union choices are limited to what the user may edit."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import restrict
from core.spreadsheet import check_upload
from organisation.models import Sector, Unit, UnitKind
from progress.models import LeaveReason, PartyOutcome, RecordKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        **kwargs,
    )


def grassroots_choices(user):
    return (
        restrict(Unit.objects.all(), user, "change")
        .filter(kind__in=UnitKind.grassroots_level())
        .order_by("name")
    )


def upper_choices(user):
    return (
        restrict(Unit.objects.all(), user, "change")
        .exclude(kind__in=UnitKind.grassroots_level())
        .order_by("sort_order", "name")
    )


class NotFuture:
    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name, value in list(data.items()):  # add_error() removes the field from data
            if hasattr(value, "year") and not hasattr(value, "hour") and value > today:
                self.add_error(name, _("Ngày ở tương lai."))
        return data


class UnionChoiceForm(forms.Form):
    union = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Công đoàn cơ sở"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = grassroots_choices(user)


class ImportForm(UnionChoiceForm):
    file = forms.FileField(label=_("Tệp Excel danh sách đoàn viên (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class BatchForm(NotFuture, UnionChoiceForm):
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[
            (RecordKind.ADMITTED, _("Kết nạp (số lượng)")),
            (RecordKind.LEFT, _("Giảm (số lượng)")),
        ],
    )
    date = date_field(_("Ngày"))
    count = forms.IntegerField(label=_("Số lượng"), min_value=1)
    reason = forms.ChoiceField(
        label=_("Lý do giảm"), choices=[("", "—"), *LeaveReason.choices], required=False
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class DepartureForm(NotFuture, forms.Form):
    date = date_field(_("Ngày giảm"))
    reason = forms.ChoiceField(label=_("Lý do"), choices=LeaveReason.choices)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class TransferForm(NotFuture, forms.Form):
    to_union = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Chuyển đến CĐCS"))
    date = date_field(_("Ngày chuyển"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The receiving union may be anywhere: a member can move to another district.
        self.fields["to_union"].queryset = Unit.objects.filter(
            kind__in=UnitKind.grassroots_level(), dissolved_on__isnull=True
        ).order_by("name")


class PartyIntroForm(NotFuture, forms.Form):
    date = date_field(_("Ngày giới thiệu"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class PartyOutcomeForm(NotFuture, forms.Form):
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=PartyOutcome.choices)
    date = date_field(_("Ngày có kết quả"))


class FoundUnionForm(NotFuture, forms.Form):
    parent = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Công đoàn cấp trên"))
    name = forms.CharField(label=_("Tên CĐCS / nghiệp đoàn"), max_length=255)
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[(k, UnitKind(k).label) for k in UnitKind.grassroots_level()],
    )
    sector = forms.ChoiceField(
        label=_("Khu vực"), choices=[c for c in Sector.choices if c[0] != Sector.MIXED]
    )
    founded_on = date_field(_("Ngày thành lập (quyết định công nhận)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = upper_choices(user)
