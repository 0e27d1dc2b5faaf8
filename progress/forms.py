"""Forms for recording progress. Union choices are limited to what the user may edit."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import restrict
from core.dates import date_field
from core.spreadsheet import check_upload
from organisation.models import Sector, Unit, UnitKind
from progress.models import LeaveReason, PartyOutcome, RecordKind


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


# Filters of the long lists (GET forms: every field optional) ---------------------------------


class DateRangeMixin:
    """date_from ≤ date_to, else the error on date_to."""

    range_fields = ("date_from", "date_to")

    def clean(self):
        data = super().clean()
        start, end = (data.get(name) for name in self.range_fields)
        if start and end and start > end:
            self.add_error(self.range_fields[1], _("Ngày kết thúc trước ngày bắt đầu."))
        return data


class MemberFilterForm(DateRangeMixin, forms.Form):
    range_fields = ("admitted_from", "admitted_to")

    q = forms.CharField(
        label=_("Tìm theo tên hoặc số CCCD"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("tên, hoặc đủ 12 số CCCD")}
        ),
    )
    union = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("CĐCS"), required=False, empty_label=_("Tất cả")
    )
    under = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Công đoàn cấp trên"),
        required=False,
        empty_label=_("Tất cả"),
    )
    admitted_from = date_field(_("Kết nạp từ ngày"), required=False)
    admitted_to = date_field(_("đến ngày"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = restrict(Unit.objects.all(), user, "view")
        self.fields["union"].queryset = visible.filter(
            kind__in=UnitKind.grassroots_level()
        ).order_by("name")
        uppers = visible.exclude(kind__in=UnitKind.grassroots_level()).exclude(
            kind=UnitKind.PROVINCE
        )
        self.fields["under"].queryset = uppers.order_by("sort_order", "name")
        if uppers.count() < 2:
            del self.fields["under"]


class RecordFilterForm(DateRangeMixin, forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên hoặc số CCCD"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("tên, hoặc đủ 12 số CCCD")}
        ),
    )
    union = forms.TypedChoiceField(label=_("CĐCS"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Loại"), required=False)
    date_from = date_field(_("Từ ngày"), required=False)
    date_to = date_field(_("đến ngày"), required=False)

    def __init__(self, *args, unions, kinds, **kwargs):
        """unions: (id, name) of the CĐCS in the list; kinds: the record kinds it may hold."""
        super().__init__(*args, **kwargs)
        self.fields["union"].choices = [("", _("Tất cả")), *unions]
        self.fields["kind"].choices = [("", _("Tất cả")), *kinds]
        if len(unions) < 2:
            del self.fields["union"]
        if len(kinds) < 2:
            del self.fields["kind"]
