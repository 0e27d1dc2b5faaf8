"""Forms of the campaign pages. Business rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import (
    BudgetCategory,
    BudgetKind,
    Department,
    MemberBody,
    MemberRole,
    MilestoneKind,
    NormMeasure,
    TaskStatus,
)
from core.dates import date_field
from enterprises.forms import VietnameseIntegerField
from enterprises.uploads import MAX_DECISION_BYTES


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Tên ban chỉ đạo"), max_length=255, required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50, required=False)
    decision_on = date_field(_("Ngày quyết định"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ, nơi công tác"), max_length=255, required=False)
    role = forms.ChoiceField(label=_("Vai trò"), choices=MemberRole.choices, initial="member")
    body = forms.ChoiceField(label=_("Thuộc"), choices=MemberBody.choices, initial="union")
    assignment = forms.CharField(
        label=_("Nhiệm vụ được phân công"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OfficerForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    since = date_field(_("Phụ trách từ ngày"))


class TaskCreateForm(forms.Form):
    title = forms.CharField(label=_("Nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ChoiceField(
        label=_("Ban phụ trách"),
        choices=[("", "—"), *Department.choices],
        required=False,
        help_text=_("Chỉ với nhiệm vụ của các ban thuộc LĐLĐ tỉnh."),
    )
    owner = forms.CharField(label=_("Người phụ trách"), max_length=150, required=False)
    due_on = date_field(_("Hạn hoàn thành"), required=False)

    def __init__(self, *args, province=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not province:
            del self.fields["department"]


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=TaskStatus.choices)
    done_on = date_field(_("Ngày hoàn thành"), required=False)
    owner = forms.CharField(label=_("Người phụ trách"), max_length=150, required=False)
    due_on = date_field(_("Hạn hoàn thành"), required=False)
    evidence_link = forms.URLField(
        label=_("Đường dẫn minh chứng"), max_length=500, required=False, assume_scheme="https"
    )
    evidence_file = forms.FileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("Bản quét PDF, JPG hoặc PNG, tối đa %(mb)s MB.")
        % {"mb": MAX_DECISION_BYTES // 1048576},
    )
    comment = forms.CharField(
        label=_("Ghi chú, ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingForm(forms.Form):
    held_on = date_field(_("Ngày họp"))
    chair = forms.CharField(label=_("Chủ trì"), max_length=150)
    attendees = forms.CharField(
        label=_("Thành phần dự"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label=_("Nội dung, đánh giá tình hình"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    conclusions = forms.CharField(
        label=_("Kết luận, nhiệm vụ giao"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một kết luận; mỗi kết luận thành một nhiệm vụ của đơn vị."),
    )
    due_on = date_field(_("Hạn thực hiện các kết luận"), required=False)

    def clean_conclusions(self):
        return [
            line.strip() for line in self.cleaned_data["conclusions"].splitlines() if line.strip()
        ]


class BudgetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=BudgetKind.choices)
    category = forms.ChoiceField(label=_("Nội dung chi"), choices=BudgetCategory.choices)
    amount = VietnameseIntegerField(label=_("Số tiền (đồng)"), help_text=_("Ví dụ: 1.000.000"))
    quantity = VietnameseIntegerField(
        label=_("Số lượng"),
        required=False,
        help_text=_(
            "Theo đơn vị tính của định mức (số CĐCS, số lớp, số cộng tác viên…): để so dự toán "
            "với định mức."
        ),
    )
    recorded_on = date_field(_("Ngày lập"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Tên lớp"), max_length=255)
    held_on = date_field(_("Ngày tổ chức"))
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    participants = VietnameseIntegerField(label=_("Số người dự"))
    unions = forms.ModelMultipleChoiceField(
        label=_("CĐCS được tập huấn"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    content = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unions"].queryset = unions


class MilestoneForm(forms.Form):
    union = forms.ModelChoiceField(label=_("CĐCS"), queryset=None)
    kind = forms.ChoiceField(label=_("Mốc"), choices=MilestoneKind.choices)
    reached_on = date_field(_("Ngày đạt"))
    better_terms = VietnameseIntegerField(
        label=_("Số điều khoản có lợi hơn luật"),
        required=False,
        help_text=_("Chỉ với thỏa ước lao động tập thể."),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions


class UnitPlanForm(forms.Form):
    number = forms.CharField(label=_("Số kế hoạch"), max_length=50)
    issued_on = date_field(_("Ngày ban hành"))
    file = forms.FileField(
        label=_("Tệp kế hoạch"),
        required=False,
        help_text=_("Bản quét PDF, JPG hoặc PNG, tối đa %(mb)s MB.")
        % {"mb": MAX_DECISION_BYTES // 1048576},
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Ý kiến"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NormForm(forms.Form):
    category = forms.ChoiceField(label=_("Nội dung chi"), choices=BudgetCategory.choices)
    measure = forms.ChoiceField(label=_("Tính theo"), choices=NormMeasure.choices)
    rate = VietnameseIntegerField(label=_("Định mức (đồng)"), help_text=_("Ví dụ: 3.000.000"))
    note = forms.CharField(label=_("Căn cứ, ghi chú"), max_length=500, required=False)
