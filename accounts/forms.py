"""Account forms. Choices offered are those accounts.permissions allows the actor."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from accounts import permissions


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class _RoleUnitForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"))
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        allowed = permissions.assignable_roles(actor)
        self.fields["role"].choices = permissions.role_choices(allowed)
        # Least privilege: a new account starts at the lowest role the actor may give.
        if allowed and not self.is_bound and "role" not in self.initial:
            self.fields["role"].initial = permissions.least_privileged_role(allowed)
        self.fields["unit"].queryset = permissions.assignable_units(actor).order_by(
            "kind", "sort_order", "name"
        )
        self.fields["unit"].empty_label = _("— chọn đơn vị —")


def _check_pair(form):
    data = form.cleaned_data
    if data.get("password1") != data.get("password2"):
        form.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))


class AccountCreateForm(_RoleUnitForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Chữ, số và @ . + - _ ; tối đa 150 ký tự."),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    field_order = ["username", "full_name", "email", "role", "unit", "password1", "password2"]

    def clean(self):
        cleaned = super().clean()
        _check_pair(self)
        return cleaned


class AccountEditForm(_RoleUnitForm):
    pass


class PasswordResetForm(forms.Form):
    password1 = forms.CharField(
        label=_("Mật khẩu mới"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
    )

    def clean(self):
        cleaned = super().clean()
        _check_pair(self)
        return cleaned


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Vai trò"), required=False)
    active = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Đang hoạt động")), ("0", _("Đã khoá"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Tất cả")), *permissions.role_choices()]
