"""Query-string values read safely: a bad value is a 400 (Bad Request), never a 500.

    from core.query import query_int
    union_id = query_int(request, "union")        # None when absent or empty
    page = query_int(request, "page", default=1)

Accepted: ASCII digits, optionally grouped by dots as Vietnamese numbers are written
("1.234"), at most 18 digits (inside every database's integer range). Refused with
``BadRequest``: "abc", "1.5", "-1", "²" (a digit to ``str.isdigit`` but not to ``int``), "%00".
"""

import re

from django.core.exceptions import BadRequest

_INT = re.compile(r"[0-9]{1,18}|[0-9]{1,3}(?:\.[0-9]{3}){1,5}")
MAX_QUERY_INT = 10**18 - 1


def parse_query_int(value: str | None) -> int | None:
    """The int in a query value; None for absent/empty; BadRequest for anything else."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if not _INT.fullmatch(text):
        raise BadRequest(f"not a whole number: {text[:40]!r}")
    number = int(text.replace(".", ""))
    if number > MAX_QUERY_INT:
        raise BadRequest("number out of range")
    return number


def query_int(request, name: str, *, default: int | None = None) -> int | None:
    """request.GET[name] as a non-negative int (see the module docstring)."""
    number = parse_query_int(request.GET.get(name))
    return default if number is None else number


def query_text(request, name: str, *, max_length: int = 200) -> str:
    """request.GET[name] as search text, trimmed; BadRequest for a NUL byte (no database
    stores one: PostgreSQL refuses it) and for text longer than max_length."""
    text = request.GET.get(name, "").strip()
    if "\x00" in text:
        raise BadRequest(f"{name}: contains a NUL byte")
    if len(text) > max_length:
        raise BadRequest(f"{name}: longer than {max_length} characters")
    return text
