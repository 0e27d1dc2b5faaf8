"""Masking of personal data (Decree 13/2023/NĐ-CP) in lists and exports: the one mask.

Who may see a member's CCCD unmasked is decided by accounts.permissions.can_see_personal_data /
personal_data_unit_ids; this only hides.

    shown = mask_cccd(member.cccd) unless can_see_personal_data(user, member.union)
"""

import datetime

MASK = "•"

# Personal data fields (Decree 13/2023), by field name on any model: shown in full only where
# can_see_personal_data allows; masked on pages, in exports and in the audit trail, and never
# searchable by someone who may not see them.
PERSONAL_FIELDS = ("cccd", "date_of_birth", "ethnicity")


def mask_cccd(cccd: str | None) -> str:
    """'012345678901' → '••••••••8901': the last four digits, enough to tell two people apart."""
    if not cccd:
        return ""
    text = str(cccd).strip()
    if len(text) <= 4:
        return MASK * len(text)
    return MASK * (len(text) - 4) + text[-4:]


def mask_date(value: datetime.date | str | None) -> str:
    """A date of birth shows its year only: '••/••/1990'."""
    if not value:
        return ""
    if isinstance(value, datetime.date):
        return f"{MASK * 2}/{MASK * 2}/{value.year:04d}"
    text = str(value).strip()
    year = text[-4:] if text[-4:].isdigit() else ""
    return f"{MASK * 2}/{MASK * 2}/{year}" if year else MASK * 8


def mask_hidden(value) -> str:
    """Sensitive data shown to nobody without the right (ethnicity): not even its length."""
    return MASK * 3 if value else ""


def mask_field(name: str, value) -> str:
    """The masked display of personal field ``name`` (one of PERSONAL_FIELDS)."""
    if name == "cccd":
        return mask_cccd(value)
    if name == "date_of_birth":
        return mask_date(value)
    return mask_hidden(value)


def is_personal(name: str) -> bool:
    return name in PERSONAL_FIELDS


def sees_unit(allowed: set[int] | None, unit_id) -> bool:
    """With allowed = accounts.permissions.personal_data_unit_ids(user): may see unit's data."""
    return allowed is None or unit_id in allowed


def log_personal_data_access(user, *, purpose: str, subjects, path: str = "") -> None:
    """Record that user was shown the unmasked personal data of subjects (Decree 13/2023,
    processing log). subjects: model instances (or (label, pk) pairs); nothing is written when
    there are none, or no signed-in user.
    """
    from core.models import PersonalDataAccess

    keys = []
    for subject in subjects:
        if isinstance(subject, tuple):
            label, pk = subject
        else:
            label, pk = subject._meta.label_lower, subject.pk
        keys.append(f"{label}:{pk}")
    if not keys or user is None or not getattr(user, "is_authenticated", False):
        return
    keys = sorted(set(keys))
    PersonalDataAccess.objects.create(
        user=user, purpose=purpose[:50], path=path[:500], subjects=keys, count=len(keys)
    )
