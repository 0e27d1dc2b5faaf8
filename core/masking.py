"""Masking of personal data (Decree 13/2023/NĐ-CP) in lists and exports: the one mask.

Who may see a member's CCCD unmasked is decided by accounts.permissions.can_see_personal_data /
personal_data_unit_ids; this only hides.

    shown = mask_cccd(member.cccd) unless can_see_personal_data(user, member.union)
"""

MASK = "•"


def mask_cccd(cccd: str | None) -> str:
    """'012345678901' → '••••••••8901': the last four digits, enough to tell two people apart."""
    if not cccd:
        return ""
    text = str(cccd).strip()
    if len(text) <= 4:
        return MASK * len(text)
    return MASK * (len(text) - 4) + text[-4:]
