"""Forms of the structure pages. Dates are typed dd/mm/yyyy; checks come from services."""

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_manage_structure, creatable_kind, restrict
from core.dates import date_field
from organisation import services
from organisation.models import Sector, Unit, UnitKind


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.get_kind_display()})"


NOT_OFFERED = _(
    "Đơn vị đã chọn không có trong danh sách được phép (ngoài phạm vi của bạn, là công đoàn cơ sở "
    "hoặc đã giải thể)."
)


class UnitChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": NOT_OFFERED}

    def label_from_instance(self, obj):
        return unit_label(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {"invalid_choice": NOT_OFFERED, "invalid_pk_value": NOT_OFFERED}

    def label_from_instance(self, obj):
        return unit_label(obj)


def possible_parents(user=None):
    queryset = Unit.objects.exclude(kind__in=UnitKind.grassroots_level()).filter(
        dissolved_on__isnull=True
    )
    if user is not None:
        queryset = restrict(queryset, user, "change")
    return queryset.order_by("sort_order", "name")


class AsOfForm(forms.Form):
    on = date_field(_("Tính đến ngày"), required=False)

    def as_of(self):
        if self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return timezone.localdate()


class ProblemsMixin:
    """Adds the services' problem messages as non-field errors."""

    def add_problems(self, problems):
        for problem in problems:
            self.add_error(None, problem)


class UnitCreateForm(ProblemsMixin, forms.Form):
    parent = UnitChoiceField(
        label=_("Đơn vị cấp trên"),
        queryset=Unit.objects.none(),
        required=False,  # empty only for a top unit (a provincial federation); see clean()
        help_text=_("Bỏ trống khi tạo liên đoàn lao động tỉnh (đơn vị cấp cao nhất)."),
    )
    name = forms.CharField(
        label=_("Tên đơn vị"),
        max_length=255,
        error_messages={"required": _("Chưa nhập tên đơn vị.")},
    )
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    code = forms.CharField(label=_("Mã đơn vị"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("Loại đơn vị"))
    sector = forms.ChoiceField(label=_("Khu vực"), choices=Sector.choices)
    valid_from = date_field(_("Ngày thành lập (trực thuộc từ ngày)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["parent"].queryset = possible_parents(user)
        kinds = [k for k in UnitKind if k != UnitKind.PROVINCE or can_manage_structure(user)]
        kinds = [k for k in kinds if creatable_kind(user, k)]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.add_problems(
            services.create_problems(
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                valid_from=data["valid_from"],
            )
        )
        return data


class MoveForm(ProblemsMixin, forms.Form):
    new_parent = UnitChoiceField(
        label=_("Đơn vị cấp trên mới"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Chưa chọn đơn vị cấp trên mới.")},
    )
    on_date = date_field(_("Trực thuộc đơn vị mới từ ngày"))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["new_parent"].queryset = possible_parents().exclude(pk=unit.pk)

    def clean(self):
        data = super().clean()
        if not self.errors:
            self.add_problems(
                services.move_problems(
                    unit=self.unit, new_parent=data["new_parent"], on_date=data["on_date"]
                )
            )
        return data


class DissolveForm(ProblemsMixin, forms.Form):
    on_date = date_field(_("Ngày giải thể (ngày cuối cùng hoạt động)"))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean(self):
        data = super().clean()
        if not self.errors:
            self.add_problems(services.dissolve_problems(unit=self.unit, on_date=data["on_date"]))
        return data


class SectorForm(ProblemsMixin, forms.Form):
    sector = forms.ChoiceField(label=_("Khu vực mới"), choices=Sector.choices)
    effective_from = date_field(_("Áp dụng từ ngày"))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean(self):
        data = super().clean()
        if not self.errors:
            self.add_problems(
                services.sector_problems(unit=self.unit, effective_from=data["effective_from"])
            )
        return data


class MergeForm(ProblemsMixin, forms.Form):
    sources = UnitMultipleChoiceField(
        label=_("Các đơn vị hợp nhất (giải thể)"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Chưa chọn đơn vị được hợp nhất.")},
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Giữ phím Ctrl (Cmd trên máy Mac) để chọn nhiều đơn vị."),
    )
    on_date = date_field(_("Ngày giải thể các đơn vị hợp nhất"))
    target = UnitChoiceField(
        label=_("Đơn vị nhận (có sẵn)"), queryset=Unit.objects.none(), required=False
    )
    new_name = forms.CharField(label=_("hoặc tên đơn vị mới"), max_length=255, required=False)
    new_kind = forms.ChoiceField(
        label=_("Loại đơn vị mới"),
        choices=[(k.value, k.label) for k in UnitKind if k in UnitKind.upper_level()],
        initial=UnitKind.COMMUNE,
        required=False,
    )
    new_sector = forms.ChoiceField(
        label=_("Khu vực của đơn vị mới"), choices=Sector.choices, initial=Sector.MIXED
    )
    new_parent = UnitChoiceField(
        label=_("Đơn vị cấp trên của đơn vị mới"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        alive = Unit.objects.filter(dissolved_on__isnull=True).order_by("sort_order", "name")
        by_level = Case(
            *[When(kind=kind, then=Value(i)) for i, kind in enumerate(UnitKind.values)],
            output_field=IntegerField(),
        )
        self.fields["sources"].queryset = (
            alive.exclude(kind=UnitKind.PROVINCE)
            .annotate(level=by_level)
            .order_by("level", "sort_order", "name")
        )
        self.fields["target"].queryset = alive.exclude(kind__in=UnitKind.grassroots_level())
        self.fields["new_parent"].queryset = possible_parents()

    def clean_new_name(self):
        return " ".join(self.cleaned_data.get("new_name", "").split())

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        target, new_name = data.get("target"), data.get("new_name")
        if bool(target) == bool(new_name):
            self.add_error(
                None, _("Chọn một đơn vị nhận có sẵn hoặc nhập tên đơn vị mới (chỉ một trong hai).")
            )
            return data
        if new_name and not data.get("new_parent"):
            self.add_error("new_parent", _("Chưa chọn đơn vị cấp trên của đơn vị mới."))
            return data
        if new_name:
            import datetime

            self.add_problems(
                services.create_problems(
                    name=new_name,
                    kind=data["new_kind"] or UnitKind.COMMUNE,
                    parent=data["new_parent"],
                    valid_from=data["on_date"] + datetime.timedelta(days=1),
                )
            )
        self.add_problems(
            services.merge_problems(sources=data["sources"], target=target, on_date=data["on_date"])
        )
        return data
