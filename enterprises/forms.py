"""Forms for the register and the founding steps. Business rules live in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import date_field, parse_date_text
from core.spreadsheet import check_upload
from core.text import NotANumber, clean, parse_int
from enterprises import rules
from enterprises.models import ConferenceKind, Ownership
from progress.models import Gender


class VietnameseIntegerField(forms.CharField):
    """A whole number typed as 1200, "1.200" or "1 200"."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_int(value)
        except NotANumber as exc:
            raise forms.ValidationError(
                _("“%(v)s” không phải số nguyên."), params={"v": value}
            ) from exc


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Tên doanh nghiệp"), max_length=255)
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=20,
        required=False,
        help_text=_("10 chữ số, hoặc 13 chữ số cho chi nhánh (0100109106-001); có thể để trống."),
    )
    unit = forms.ModelChoiceField(label=_("Công đoàn cấp trên phụ trách"), queryset=None)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    commune = forms.CharField(label=_("Xã/phường/thị trấn"), max_length=100, required=False)
    ownership = forms.ChoiceField(label=_("Loại hình sở hữu"), choices=Ownership.choices)
    industry = forms.CharField(label=_("Ngành nghề"), max_length=150, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class NewEnterpriseForm(EnterpriseForm):
    workers = VietnameseIntegerField(label=_("Số lao động"), required=False)
    surveyed_on = date_field(_("Ngày khảo sát"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("workers") is not None and not data.get("surveyed_on"):
            self.add_error("surveyed_on", _("Nhập ngày khảo sát cho số lao động."))
        return data


class SurveyForm(forms.Form):
    workers = VietnameseIntegerField(label=_("Số lao động"))
    surveyed_on = date_field(_("Ngày khảo sát"))
    source = forms.CharField(label=_("Nguồn"), max_length=255, required=False)

    def clean_workers(self):
        value = self.cleaned_data["workers"]
        if value is None or value < 0:
            raise forms.ValidationError(_("Nhập số lao động (số nguyên không âm)."))
        return value


class InformalGroupForm(forms.Form):
    trade = forms.CharField(label=_("Ngành nghề"), max_length=150)
    place = forms.CharField(label=_("Địa bàn"), max_length=255)
    commune = forms.CharField(label=_("Xã/phường/thị trấn"), max_length=100, required=False)
    workers = VietnameseIntegerField(label=_("Số người lao động"))
    unit = forms.ModelChoiceField(label=_("Công đoàn cấp trên phụ trách"), queryset=None)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CommitteeForm(forms.Form):
    formed_on = date_field(_("Ngày thành lập Ban vận động"))


class ConferenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=ConferenceKind.choices)
    held_on = date_field(_("Ngày tổ chức"))
    applications = VietnameseIntegerField(
        label=_("Số đơn xin gia nhập công đoàn"),
        help_text=_("Ít nhất %(n)s đơn.") % {"n": rules.MIN_FOUNDING_MEMBERS},
    )


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=50)
    decided_on = date_field(_("Ngày quyết định"))
    signer = forms.CharField(label=_("Người ký"), max_length=150)
    union_name = forms.CharField(label=_("Tên CĐCS/nghiệp đoàn"), max_length=255, required=False)
    decision_file = forms.FileField(
        label=_("Bản quét quyết định (PDF, JPG, PNG; tối đa 10 MB)"), required=False
    )


class CeremonyForm(forms.Form):
    held_on = date_field(_("Ngày lễ công bố"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    unit = forms.ModelChoiceField(
        label=_("Công đoàn cấp trên cho các dòng không ghi đơn vị"), queryset=None, required=False
    )
    survey_date = date_field(_("Ngày khảo sát cho các dòng không ghi ngày"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_survey_date(self):
        value = self.cleaned_data.get("survey_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Ngày khảo sát ở tương lai."))
        return value


class LinkUnionForm(forms.Form):
    union = forms.ModelChoiceField(label=_("CĐCS đã có"), queryset=None, required=False)

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions


# --- Multi-row inputs (committee members, founding members) ---------------------------------

COMMITTEE_ROWS = 5
FOUNDING_ROWS = 10
MAX_ROWS = 200


def _row_count(post, name, default) -> int:
    """The number of rows the page says it sent: junk or a huge number is not trusted."""
    try:
        count = int(post.get(name) or default)
    except ValueError:
        count = default
    return max(0, min(count, MAX_ROWS))


def read_committee_rows(post) -> list[dict]:
    rows = []
    for i in range(_row_count(post, "committee_rows", COMMITTEE_ROWS)):
        rows.append(
            {
                "full_name": clean(post.get(f"cm-{i}-full_name")),
                "position": clean(post.get(f"cm-{i}-position")),
            }
        )
    return rows


def read_founding_rows(post) -> tuple[list[dict], list[str]]:
    """Founding members typed on the decision page; (rows, errors naming the row)."""
    rows, errors = [], []
    for i in range(_row_count(post, "founding_rows", FOUNDING_ROWS)):
        name = clean(post.get(f"fm-{i}-full_name"))
        raw = {
            key: clean(post.get(f"fm-{i}-{key}"))
            for key in ("date_of_birth", "gender", "ethnicity", "cccd", "job")
        }
        if not name and not any(raw.values()):
            continue
        label = _("Đoàn viên dòng %(n)s") % {"n": i + 1}
        if not name:
            errors.append(f"{label}: {_('thiếu họ và tên.')}")
            continue
        birth = parse_date_text(raw["date_of_birth"])
        if birth is None:
            errors.append(f"{label} ({name}): {_('ngày sinh không hợp lệ.')}")
        if raw["gender"] not in Gender.values:
            errors.append(f"{label} ({name}): {_('chọn giới tính.')}")
        cccd = raw["cccd"].replace(" ", "")
        if len(cccd) != 12 or not cccd.isdigit():
            errors.append(f"{label} ({name}): {_('số CCCD phải gồm đúng 12 chữ số.')}")
        rows.append({**raw, "full_name": name, "date_of_birth": birth, "cccd": cccd})
    return rows, errors
