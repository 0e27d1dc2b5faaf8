"""Validation of new-member rows, shared by the entry page, the Excel import and the CLI.

Each row is checked on its own (name, dates, gender, CCCD) and against the others (the same
CCCD twice) and the register (a CCCD that is already a current member). Every problem is one
``core.spreadsheet.Problem`` naming the row and the column, in Vietnamese.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core import collector
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


@collector.paused()
def validate_rows(
    rows: list[RawRow], union: Unit | None, today: datetime.date | None = None, *, user=None
) -> tuple[list[dict], list[Problem]]:
    """Return (clean member dicts for admit_members, errors). Valid only if errors is empty.

    ``user`` (the person entering; None for commands) is throttled and is told of a CCCD
    already in the register only as far as they may see it (progress.services).
    """
    from progress.services import ProgressError, duplicate_cccd_message, throttle_member_entry

    today = today or timezone.localdate()
    errors: list[Problem] = []
    good: list[tuple[RawRow, dict]] = []
    first_seen: dict[str, int] = {}

    def err(raw, key, message):
        errors.append(Problem(raw.sheet, raw.number, raw.columns.get(key), COLUMNS[key], message))

    # A list repeats its dates, genders, ethnicities and jobs: each distinct cell read once.
    dates: dict = {}
    genders: dict = {}
    texts: dict = {}

    def date_of(value):
        """(date or None, the text that is not a date or None)."""
        found = dates.get(value) if isinstance(value, str) else None
        if found is None:
            try:
                found = (parse_date(value), None)
            except ValueError as exc:
                found = (None, str(exc))
            if isinstance(value, str):
                dates[value] = found
        return found

    def text_of(value):
        if not isinstance(value, str):
            return clean(value)
        found = texts.get(value)
        if found is None:
            found = texts[value] = clean(value)
        return found

    founded_on = union.founded_on if union is not None else None
    for raw in rows:
        v = raw.values
        before = len(errors)
        data: dict = {}
        data["full_name"] = clean(v.get("full_name"))
        if not data["full_name"]:
            err(raw, "full_name", _("thiếu họ và tên."))
        for key in ("date_of_birth", "admitted_on"):
            day, bad = date_of(v.get(key))
            data[key] = day
            if bad is not None:
                err(raw, key, _("“%(v)s” không phải ngày (dd/mm/yyyy).") % {"v": bad})
                continue
            if day is None:
                err(raw, key, _("thiếu ngày."))
            elif day > today:
                err(raw, key, _("ngày %(d)s ở tương lai.") % {"d": day.strftime("%d/%m/%Y")})
        birth, admitted = data["date_of_birth"], data["admitted_on"]
        if birth and admitted and birth >= admitted:
            err(raw, "date_of_birth", _("ngày sinh phải trước ngày kết nạp."))
        if admitted and founded_on is not None and admitted < founded_on:
            err(
                raw,
                "admitted_on",
                _("trước ngày thành lập CĐCS (%(d)s).") % {"d": founded_on.strftime("%d/%m/%Y")},
            )
        gender = v.get("gender")
        data["gender"] = genders.get(gender) if isinstance(gender, str) else None
        if data["gender"] is None:
            data["gender"] = GENDER_WORDS.get(name_key(gender), "")
            if isinstance(gender, str):
                genders[gender] = data["gender"]
        if not data["gender"]:
            err(raw, "gender", _("“%(v)s” không phải Nam/Nữ.") % {"v": clean(gender)})
        data["ethnicity"] = text_of(v.get("ethnicity"))
        data["job"] = text_of(v.get("job"))
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
    try:
        throttle_member_entry(user=user, cccds=[d["cccd"] for _r, d in good])
    except ProgressError as exc:
        first = good[0][0] if good else rows[0]
        err(first, "cccd", " ".join(exc.messages))
        return [], errors
    existing = current_member_by_cccd(d["cccd"] for _r, d in good)
    for raw, data in good:
        member = existing.get(data["cccd"])
        if member:
            err(raw, "cccd", duplicate_cccd_message(user, member))
    errors.sort(key=lambda e: e.row)
    return [d for _r, d in good], errors
