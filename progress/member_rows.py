"""Validation of new-member rows, shared by the entry page, the Excel import and the CLI.

Each row is checked on its own (name, dates, gender, CCCD) and against the others (the same
CCCD twice) and the register (a CCCD that is already a current member). Every problem is one
``core.spreadsheet.Problem`` naming the row and the column, in Vietnamese.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheet import Problem
from core.text import clean, name_key, parse_date
from organisation.models import Unit
from progress.models import Gender
from progress.selectors import current_member_by_cccd

# Column key -> Vietnamese column label as in the units' own lists.
COLUMNS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "ethnicity": "Dân tộc",
    "cccd": "Số CCCD",
    "job": "Nghề nghiệp",
    "admitted_on": "Ngày kết nạp",
}

GENDER_WORDS = {
    "nam": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "nữ": Gender.FEMALE,
    "nu": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
}


@dataclass
class RawRow:
    number: int  # row number as the user sees it (spreadsheet row, or line on the page)
    values: dict  # column key -> str | date | number | None
    columns: dict = field(default_factory=dict)  # column key -> column letter ("F")
    sheet: str | None = None


def parse_cccd(value) -> str:
    """12 digits. A number from Excel lost its leading zero(s): every CCCD starts with a
    3-digit province code beginning with 0, so a number is zero-padded back to 12 digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(12)
    return clean(value).replace(" ", "").replace(".", "")


def validate_rows(
    rows: list[RawRow], union: Unit | None, today: datetime.date | None = None
) -> tuple[list[dict], list[Problem]]:
    """Return (clean member dicts for admit_members, errors). Valid only if errors is empty."""
    today = today or timezone.localdate()
    errors: list[Problem] = []
    good: list[tuple[RawRow, dict]] = []
    first_seen: dict[str, int] = {}

    def err(raw, key, message):
        errors.append(Problem(raw.sheet, raw.number, raw.columns.get(key), COLUMNS[key], message))

    for raw in rows:
        v = raw.values
        before = len(errors)
        data: dict = {}
        data["full_name"] = clean(v.get("full_name"))
        if not data["full_name"]:
            err(raw, "full_name", _("thiếu họ và tên."))
        for key in ("date_of_birth", "admitted_on"):
            try:
                data[key] = parse_date(v.get(key))
            except ValueError as exc:
                err(raw, key, _("“%(v)s” không phải ngày (dd/mm/yyyy).") % {"v": exc})
                data[key] = None
                continue
            if data[key] is None:
                err(raw, key, _("thiếu ngày."))
            elif data[key] > today:
                err(raw, key, _("ngày %(d)s ở tương lai.") % {"d": data[key].strftime("%d/%m/%Y")})
        birth, admitted = data.get("date_of_birth"), data.get("admitted_on")
        if birth and admitted and birth >= admitted:
            err(raw, "date_of_birth", _("ngày sinh phải trước ngày kết nạp."))
        if admitted and union is not None and admitted < union.founded_on:
            err(
                raw,
                "admitted_on",
                _("trước ngày thành lập CĐCS (%(d)s).")
                % {"d": union.founded_on.strftime("%d/%m/%Y")},
            )
        gender_text = name_key(v.get("gender"))
        data["gender"] = GENDER_WORDS.get(gender_text, "")
        if not data["gender"]:
            err(raw, "gender", _("“%(v)s” không phải Nam/Nữ.") % {"v": clean(v.get("gender"))})
        data["ethnicity"] = clean(v.get("ethnicity"))
        data["job"] = clean(v.get("job"))
        cccd = parse_cccd(v.get("cccd"))
        data["cccd"] = cccd
        if not (len(cccd) == 12 and cccd.isdigit()):
            err(raw, "cccd", _("“%(v)s” không phải số CCCD 12 chữ số.") % {"v": cccd})
        elif cccd in first_seen:
            err(
                raw,
                "cccd",
                _("số CCCD %(c)s trùng với dòng %(r)s.") % {"c": cccd, "r": first_seen[cccd]},
            )
        else:
            first_seen[cccd] = raw.number
        if len(errors) == before:
            good.append((raw, data))
    existing = current_member_by_cccd(d["cccd"] for _r, d in good)
    for raw, data in good:
        member = existing.get(data["cccd"])
        if member:
            err(
                raw,
                "cccd",
                _("số CCCD %(c)s đã là đoàn viên của %(u)s.")
                % {"c": data["cccd"], "u": member.union},
            )
    errors.sort(key=lambda e: e.row)
    return [d for _r, d in good], errors
