"""Masking of personal data (Decree 13/2023/NĐ-CP) in lists and exports.

Who may see a member's CCCD and date of birth unmasked is decided by
accounts.permissions.can_see_personal_data / personal_data_unit_ids; these helpers only hide.

    shown = mask_cccd(member.cccd) unless can_see_personal_data(user, member.union)
"""

import datetime

MASK = "•"


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


def cccd_for(user, unit, cccd: str | None) -> str:
    from accounts.permissions import can_see_personal_data

    return (cccd or "") if can_see_personal_data(user, unit) else mask_cccd(cccd)


def birth_date_for(user, unit, value) -> str:
    from accounts.permissions import can_see_personal_data

    if value and can_see_personal_data(user, unit):
        return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else str(value)
    return mask_date(value)
