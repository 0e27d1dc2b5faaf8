"""Text helpers for Vietnamese input: Unicode normalisation, name matching, numbers as text."""

import datetime
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Vietnamese text arrives in NFC and NFD; we store NFC only."""
    return unicodedata.normalize("NFC", text or "")


def clean(text) -> str:
    """NFC, non-breaking spaces as spaces, runs of spaces collapsed, trimmed."""
    if text is None:
        return ""
    return _SPACES.sub(" ", nfc(str(text)).replace("\u00a0", " ")).strip()


def name_key(text) -> str:
    """Key for matching names typed by people: case, spacing and normal form do not matter."""
    return clean(text).casefold()


class NotANumber(ValueError):
    pass


_VN_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_int(value) -> int | None:
    """Read a whole number written by a Vietnamese user: 1100, "1.100", "1 100", 1100.0.

    Blank means None. Anything else that is not a whole number raises NotANumber.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise NotANumber(str(value))
    text = clean(value).replace(" ", "")
    if text in {"", "-", "–"}:
        return None
    if _VN_THOUSANDS.match(text):
        return int(text.replace(".", ""))
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        return int(text.replace(",", ""))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+[.,]0+", text):
        return int(re.split(r"[.,]", text)[0])
    raise NotANumber(text)


def format_int(value: int | None) -> str:
    """1100 → "1.100" (Vietnamese grouping), None → ""."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".")


DATE_TEXT_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_date(value) -> datetime.date | None:
    """A date as Excel gives it (date/datetime) or as typed text: dd/mm/yyyy (also dd-mm-yyyy,
    dd.mm.yyyy, yyyy-mm-dd). Blank means None; anything else raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = clean(value)
    if not text:
        return None
    for fmt in DATE_TEXT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
