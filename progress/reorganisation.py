"""What a reorganisation does to a union's members (receivers of organisation's signals).

A moved CĐCS keeps its members and records: figures follow the tree valid on each date, so
nothing needs to change here. A merged CĐCS ends; its current members belong to the surviving
union from the day after the merge, and its stock (baseline plus records) goes with them as one
pair of "sáp nhập" records, which the stock counts and the plan's "thực tăng" does not.
Ending a CĐCS that still has current members is refused: they must be moved or merged first.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organisation.models import Unit, UnitKind
from progress import rollup
from progress.models import Member, Record, RecordKind
from progress.services import _record, union_size

GRASSROOTS = UnitKind.grassroots_level()


def _current_members(unit: Unit, on_date: datetime.date):
    """Members of unit admitted by on_date who had not left by then."""
    return Member.objects.filter(union=unit, admitted_on__lte=on_date, left_on__isnull=True)


def _records_after(unit: Unit, on_date: datetime.date) -> list[str]:
    """A union cannot end on a date it has records after (they would count nowhere)."""
    later = Record.objects.filter(union=unit, date__gt=on_date).order_by("date").first()
    if later is None:
        return []
    return [
        _("“%(unit)s” có bản ghi ngày %(d)s, sau ngày kết thúc %(end)s.")
        % {
            "unit": unit.name,
            "d": later.date.strftime("%d/%m/%Y"),
            "end": on_date.strftime("%d/%m/%Y"),
        }
    ]


def dissolve_veto(sender, unit: Unit, on_date: datetime.date, **kwargs) -> list[str]:
    """organisation.services.dissolve_vetoes' receiver: a CĐCS with members cannot just end."""
    if unit.kind not in GRASSROOTS:
        return []
    later = _records_after(unit, on_date)
    if later:
        return later
    # Its members by the register or by its stock (baseline and counted records), whichever
    # says more: a union that reported totals only has members too.
    count = max(_current_members(unit, on_date).count(), union_size(unit, on_date))
    if not count:
        return []
    return [
        _(
            "“%(unit)s” còn %(n)s đoàn viên: hãy chuyển họ sang công đoàn cơ sở khác, hoặc sáp "
            "nhập đơn vị vào đơn vị khác, trước khi kết thúc hoạt động."
        )
        % {"unit": unit.name, "n": count}
    ]


def merged(sender, sources, target: Unit, on_date: datetime.date, user, **kwargs) -> int:
    """organisation.services.units_merged' receiver: members and stock go to target.
    Returns how many members moved."""
    moved = 0
    next_day = on_date + datetime.timedelta(days=1)
    records = []
    for source in sources:
        if source.kind not in GRASSROOTS:
            continue  # an upper-level union's CĐCS moved with it; their members go with them
        later = _records_after(source, on_date)
        if later:
            raise ValidationError(later)
        members = list(_current_members(source, on_date))
        stock = union_size(source, on_date)
        if (members or stock) and target.kind not in GRASSROOTS:
            raise ValidationError(
                _(
                    "“%(unit)s” còn đoàn viên: chỉ sáp nhập được vào một công đoàn cơ sở, "
                    "không vào “%(target)s”."
                )
                % {"unit": source.name, "target": target.name}
            )
        for member in members:
            member.union = target
            member.save(update_fields=["union"])
        moved += len(members)
        if stock:
            key = Record.new_transfer_key()
            note = _("Sáp nhập “%(s)s” vào “%(t)s”") % {"s": source.name, "t": target.name}
            for kind, union, other in (
                (RecordKind.MERGED_OUT, source, target),
                (RecordKind.MERGED_IN, target, source),
            ):
                records.append(
                    _record(
                        kind=kind,
                        union=union,
                        on_date=next_day,
                        user=user,
                        count=stock,
                        other_union=other,
                        transfer_key=key,
                        note=note,
                    )
                )
    if records:
        rollup.add_records(records)
    return moved
