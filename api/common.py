"""Shared parameter types and helpers: bounded ids, dates and texts; limit/offset pages."""

import datetime
from typing import Annotated, Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
MAX_LIMIT = 500


def _day(value: datetime.date) -> datetime.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(_("Ngày phải trong khoảng 01/01/1900 – 31/12/2999."))
    return value


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Không được chứa ký tự NUL."))
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[datetime.date, AfterValidator(_day)]


def Text(max_length: int):  # noqa: N802 - a type factory
    return Annotated[str, Field(max_length=max_length), AfterValidator(_text)]


T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int
    limit: int
    offset: int
    items: list[T]


def page(rows, limit: int, offset: int, convert=None) -> dict:
    """One page of a queryset or a list, with the total count."""
    count = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    chunk = list(rows[offset : offset + limit])
    if convert is not None:
        chunk = [convert(row) for row in chunk]
    return {"count": count, "limit": limit, "offset": offset, "items": chunk}


def date_text(value) -> str | None:
    return value.isoformat() if value else None
