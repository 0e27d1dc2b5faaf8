from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import date_field
from emulation import campaign_criteria
from emulation.models import CriterionKind, RecipientKind, RewardForm, RewardLevel

EXTRA_ROWS = 1


def criteria_rows(rule_set) -> list[dict]:
    """The edit table's rows: the draft's criteria and one empty row to add one."""
    rows = [
        {"kind": c.kind, "name": c.name, "weight": c.weight, "capped": c.capped}
        for c in rule_set.criteria.all()
    ]
    return rows + [{"kind": "", "name": "", "weight": "", "capped": True}] * EXTRA_ROWS


def parse_rule(data, count: int) -> tuple[list[dict], dict, list[str]]:
    """Criteria (rows with a name), bands and problems from the posted edit table."""
    criteria, problems = [], []
    for i in range(count):
        name = (data.get(f"name_{i}") or "").strip()
        if not name or data.get(f"delete_{i}"):
            continue
        raw = (data.get(f"weight_{i}") or "").strip()
        try:
            weight = int(raw)
        except ValueError:
            weight = None
        criteria.append(
            {
                "kind": data.get(f"kind_{i}"),
                "name": name,
                "weight": weight,
                "capped": bool(data.get(f"capped_{i}")),
            }
        )
    bands = {}
    for field in ("excellent_min", "good_min", "done_min"):
        try:
            bands[field] = Decimal((data.get(field) or "").replace(",", "."))
        except InvalidOperation:
            problems.append(_("Ngưỡng xếp loại phải là số."))
            bands[field] = Decimal(0)
    return criteria, bands, problems


class PublishForm(forms.Form):
    published_on = date_field(_("Ngày công bố"), required=False)
    reason = forms.CharField(
        label=_("Lý do thay đổi"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None)
    period = forms.ModelChoiceField(label=_("Đợt"), queryset=None)
    recipient_kind = forms.ChoiceField(label=_("Đối tượng"), choices=RecipientKind.choices)
    person_name = forms.CharField(label=_("Họ và tên (cá nhân)"), required=False, max_length=150)
    person_position = forms.CharField(label=_("Chức vụ (cá nhân)"), required=False, max_length=150)
    form = forms.ChoiceField(label=_("Hình thức khen thưởng"), choices=RewardForm.choices)
    level = forms.ChoiceField(label=_("Cấp khen thưởng"), choices=RewardLevel.choices)
    achievements = forms.CharField(
        label=_("Thành tích"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def __init__(self, *args, units, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["period"].queryset = periods


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=50)
    decision_date = date_field(_("Ngày quyết định"), required=False)
    reason = forms.CharField(
        label=_("Lý do không khen thưởng"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# The campaign-organisation kinds only where the campaign app is installed.
KIND_CHOICES = [
    (value, label)
    for value, label in CriterionKind.choices
    if campaign_criteria.available() or value not in campaign_criteria.KINDS
]
