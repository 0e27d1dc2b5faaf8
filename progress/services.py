"""Writes for progress: admissions, departures, transfers, new unions, Party introductions.

Every write is atomic and stamps each record's sector from its union as of the record's date.
Each takes the acting user (``user=``) and checks its rights through accounts.permissions
(PermissionDenied), then checks the data (ProgressError).
"""

import datetime
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_manage_structure, recorded_user, require, require_edit
from core import bulk, collector
from core.errors import ServiceError
from core.text import clean
from organisation.models import Sector, Unit, UnitKind
from organisation.selectors import sector_as_of, sectors_as_of
from organisation.services import create_unit
from progress import rollup
from progress.models import (
    RECORD_COUNT_MAX,
    Gender,
    LeaveReason,
    Member,
    PartyOutcome,
    Record,
    RecordKind,
)
from progress.selectors import current_member_by_cccd
from progress.stock import STOCK_SIGNS, stock_of

MEMBER_FIELDS = ("full_name", "date_of_birth", "gender", "ethnicity", "cccd", "job")
GENDERS = frozenset(Gender.values)


class ProgressError(ServiceError):
    """Bad input to a progress service; the message is Vietnamese and names the problem."""


@dataclass
class NewMember:
    full_name: str
    date_of_birth: datetime.date
    gender: str
    ethnicity: str
    cccd: str
    job: str
    admitted_on: datetime.date


def _check_union(union: Unit, on_date: datetime.date) -> None:
    if union.kind not in UnitKind.grassroots_level():
        raise ProgressError(
            _("“%(name)s” không phải công đoàn cơ sở hoặc nghiệp đoàn cơ sở.") % {"name": union}
        )
    if on_date < union.founded_on:
        raise ProgressError(
            _("Ngày %(date)s trước ngày thành lập của “%(name)s”.")
            % {"date": on_date.strftime("%d/%m/%Y"), "name": union}
        )
    if union.dissolved_on and on_date > union.dissolved_on:
        raise ProgressError(_("“%(name)s” đã giải thể.") % {"name": union})


def _check_date(on_date: datetime.date) -> None:
    if on_date > timezone.localdate():
        raise ProgressError(
            _("Ngày %(date)s ở tương lai.") % {"date": on_date.strftime("%d/%m/%Y")}
        )


def _record(*, kind, union, on_date, user, count=1, simulated=False, **fields) -> Record:
    return Record.objects.create(
        kind=kind,
        union=union,
        date=on_date,
        sector=sector_as_of(union, on_date),
        count=count,
        entered_by=recorded_user(user),
        is_simulated=simulated,
        **fields,
    )


def normalise_member(data: dict, admitted_on: datetime.date) -> NewMember:
    gender = data.get("gender") or ""
    if gender not in GENDERS:
        raise ProgressError(_("Giới tính không hợp lệ: “%(g)s”.") % {"g": gender})
    cccd = clean(data.get("cccd")).replace(" ", "")
    if len(cccd) != 12 or not cccd.isdigit():
        raise ProgressError(_("Số CCCD “%(c)s” phải gồm đúng 12 chữ số.") % {"c": cccd})
    name = clean(data.get("full_name"))
    if not name:
        raise ProgressError(_("Thiếu họ và tên."))
    birth = data.get("date_of_birth")
    if not isinstance(birth, datetime.date):
        raise ProgressError(_("Thiếu ngày sinh."))
    return NewMember(
        full_name=name,
        date_of_birth=birth,
        gender=gender,
        ethnicity=clean(data.get("ethnicity")),
        cccd=cccd,
        job=clean(data.get("job")),
        admitted_on=data.get("admitted_on") or admitted_on,
    )


# Member entry throttle: distinct CCCDs a signed-in user may submit (checked against the register)
# per minute, on every path (entry page, Excel import, founding members). Commands (user=None)
# are not throttled. settings.MEMBER_ENTRY_PER_MINUTE overrides the default.
MEMBER_ENTRY_PER_MINUTE = 600


def throttle_member_entry(*, user, cccds) -> None:
    """Refuse (ProgressError) once user has submitted more than the limit of distinct CCCDs in
    the current minute, so the register cannot be probed CCCD by CCCD in bulk."""
    if recorded_user(user) is None:  # anonymous or a command's system actor: not throttled
        return
    limit = getattr(settings, "MEMBER_ENTRY_PER_MINUTE", MEMBER_ENTRY_PER_MINUTE)
    window = int(time.time() // 60)
    joined = user.date_joined.timestamp() if getattr(user, "date_joined", None) else 0
    key = f"progress:member-entry:{user.pk}:{joined:.0f}:{window}"
    seen = cache.get(key) or set()
    new = {hashlib.sha256(str(c).encode()).hexdigest()[:20] for c in cccds} - seen
    if len(new) > limit:
        # Waiting would not help: the list alone is over the limit.
        raise ProgressError(
            _(
                "Danh sách có %(k)s số CCCD, quá giới hạn %(n)s số CCCD một phút cho một tài "
                "khoản (để bảo vệ sổ đoàn viên); hãy chia thành các tệp tối đa %(n)s dòng và "
                "nhập cách nhau một phút, hoặc nhờ quản trị viên nhập bằng lệnh import_members."
            )
            % {"k": len(new), "n": limit}
        )
    if len(seen) + len(new) > limit:
        raise ProgressError(
            _(
                "Đã nhập quá %(n)s số CCCD trong một phút (giới hạn để bảo vệ sổ đoàn viên); "
                "hãy chờ một phút rồi nhập tiếp."
            )
            % {"n": limit}
        )
    if new:
        cache.set(key, seen | new, 120)


def duplicate_cccd_message(user, member: Member) -> str:
    """'số CCCD … đã là đoàn viên của …' only to a user who may see the member's union; anyone
    else gets a neutral message that names no union and confirms no membership (no oracle)."""
    from accounts.permissions import can_view_unit

    if user is None or can_view_unit(user, member.union):
        return _("số CCCD %(c)s đã là đoàn viên của %(u)s.") % {
            "c": member.cccd,
            "u": member.union,
        }
    return _(
        "số CCCD %(c)s không nhập được vào đơn vị này; hãy kiểm tra lại số CCCD hoặc liên hệ "
        "Ban Tổ chức LĐLĐ tỉnh."
    ) % {"c": member.cccd}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def admit_members(*, union: Unit, members: list[dict], user, simulated=False) -> "Admitted":
    """Admit people to union: a Member and an ADMITTED record each. All or nothing.

    Each dict has full_name, date_of_birth, gender, ethnicity, cccd, job, admitted_on.

    Every row is checked first, the register looked up for the CCCDs included, before the
    transaction opens: it holds only the writes (on SQLite every transaction takes the write
    lock at its start, so other officers' saves wait behind those alone). A CCCD admitted
    elsewhere in between is refused by the database's constraint on current members, with
    the same message as the check's.
    """
    with collector.paused():
        rows, checked = _checked_admissions(union, members, user, simulated)
        try:
            with transaction.atomic():
                return _write_admissions(union, rows, checked, user, simulated)
        except IntegrityError:
            existing = current_member_by_cccd((row["cccd"] for row in rows), first=True)
            if existing is None:
                raise
            raise ProgressError(_capital(duplicate_cccd_message(user, existing))) from None


def _checked_admissions(union: Unit, members: list[dict], user, simulated: bool):
    """admit_members' checks, no write: (the rows to write, the admission dates)."""
    require_edit(user, union)
    # normalise_member's checks, in its order, for every person first; the texts a list
    # repeats (ethnicities, jobs) cleaned once each, and each admission date checked once.
    texts: dict = {}

    def text(value):
        if not isinstance(value, str):
            return clean(value)
        found = texts.get(value)
        if found is None:
            found = texts[value] = clean(value)
        return found

    rows = []
    for data in members:
        gender = data.get("gender") or ""
        if gender not in GENDERS:
            raise ProgressError(_("Giới tính không hợp lệ: “%(g)s”.") % {"g": gender})
        cccd = data.get("cccd")
        if not (isinstance(cccd, str) and len(cccd) == 12 and cccd.isdigit()):
            cccd = clean(cccd).replace(" ", "")
            if len(cccd) != 12 or not cccd.isdigit():
                raise ProgressError(_("Số CCCD “%(c)s” phải gồm đúng 12 chữ số.") % {"c": cccd})
        name = clean(data.get("full_name"))
        if not name:
            raise ProgressError(_("Thiếu họ và tên."))
        birth = data.get("date_of_birth")
        if not isinstance(birth, datetime.date):
            raise ProgressError(_("Thiếu ngày sinh."))
        rows.append(
            {
                "full_name": name,
                "date_of_birth": birth,
                "gender": gender,
                "ethnicity": text(data.get("ethnicity")),
                "cccd": cccd,
                "job": text(data.get("job")),
                "admitted_on": data.get("admitted_on"),
                "left_on": None,
                "is_simulated": simulated,
                "union_id": union.pk,
            }
        )
    seen: set[str] = set()
    checked: set[datetime.date] = set()
    for row in rows:
        if row["cccd"] in seen:
            raise ProgressError(_("Số CCCD %(c)s bị trùng trong danh sách.") % {"c": row["cccd"]})
        seen.add(row["cccd"])
        admitted_on = row["admitted_on"]
        if not isinstance(admitted_on, datetime.date):
            raise ProgressError(_("Thiếu ngày kết nạp."))
        if admitted_on not in checked:
            _check_date(admitted_on)
            _check_union(union, admitted_on)
            checked.add(admitted_on)
        if row["date_of_birth"] >= admitted_on:
            raise ProgressError(_("Ngày sinh phải trước ngày kết nạp."))
    throttle_member_entry(user=user, cccds=seen)
    existing = current_member_by_cccd(seen, first=True)
    if existing:
        raise ProgressError(_capital(duplicate_cccd_message(user, existing)))
    return rows, checked


def _write_admissions(union: Unit, rows: list[dict], checked: set, user, simulated: bool):
    """admit_members' writes, in its transaction."""
    # In bulk (core.bulk): the members (COPY on PostgreSQL), then their records and the
    # history rows of both written by the database from the rows just written (INSERT …
    # SELECT), one rollup upsert per (ancestor, day, sector, kind).
    ids = bulk.insert(Member, rows, returning=True)
    bulk.insert_history(Member, rows, ids)
    sectors = sectors_as_of(union, checked)
    entered_by = recorded_user(user)
    entered_by_id = entered_by.pk if entered_by is not None else None
    admitted = RecordKind.ADMITTED.value
    one_sector = set(sectors.values())
    record_ids = bulk.insert_from(
        Record,
        Member,
        ids,
        {
            "kind": admitted,
            "date": bulk.From("admitted_on"),
            "union_id": bulk.From("union_id"),
            "sector": one_sector.pop()
            if len(one_sector) == 1
            else bulk.Mapped("admitted_on", sectors),
            "count": 1,
            "member_id": bulk.From("id"),
            "entered_by_id": entered_by_id,
            "is_simulated": simulated,
        },
    )
    if len(record_ids) != len(ids):
        raise RuntimeError("admit_members: a member without its record")
    bulk.insert_history(Record, [], record_ids)
    per_day: dict[datetime.date, int] = {}
    for row in rows:
        per_day[row["admitted_on"]] = per_day.get(row["admitted_on"], 0) + 1
    rollup.add_states(
        (union.pk, day, sectors[day], admitted, count) for day, count in per_day.items()
    )
    return Admitted(rows, ids)


class Admitted(Sequence):
    """The members admit_members saved, as model instances built when first looked at (an
    import of 20 000 people only counts them)."""

    def __init__(self, rows: list[dict], ids: list[int]):
        self._rows, self._ids, self._members = rows, ids, None

    def _built(self) -> list[Member]:
        if self._members is None:
            names = [f.attname for f in Member._meta.concrete_fields]
            self._members = []
            for row, key in zip(self._rows, self._ids, strict=True):
                row["id"] = key
                self._members.append(
                    Member.from_db(connection.alias, names, [row[n] for n in names])
                )
        return self._members

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())


@transaction.atomic
def record_batch(
    *,
    kind: str,
    union: Unit,
    on_date: datetime.date,
    count: int,
    user,
    note="",
    reason="",
    simulated=False,
) -> Record:
    """A counted batch of admissions or departures, for units that only report totals."""
    require_edit(user, union)
    if kind not in (RecordKind.ADMITTED, RecordKind.LEFT):
        raise ProgressError(_("Chỉ nhập số lượng cho kết nạp hoặc giảm đoàn viên."))
    if count < 1:
        raise ProgressError(_("Số lượng phải từ 1 trở lên."))
    if kind == RecordKind.LEFT and reason not in LeaveReason.values:
        raise ProgressError(_("Chọn lý do giảm đoàn viên."))
    _check_date(on_date)
    _check_union(union, on_date)
    check_batch_count(union=union, on_date=on_date, count=count)
    record = _record(
        kind=kind,
        union=union,
        on_date=on_date,
        user=user,
        count=count,
        note=note,
        leave_reason=reason if kind == RecordKind.LEFT else "",
        simulated=simulated,
    )
    rollup.add_records([record])
    return record


# Bounds on a counted batch, from the database's integer range down to the domain: never more
# than BATCH_HARD_CAP (far below the 2³¹ of the column and of the rollup), and never more than
# the union's size (its current members, or the workforce of its enterprises, whichever is
# larger) plus BATCH_MARGIN. The database refuses a count above the cap too (record_count_bounded).
BATCH_HARD_CAP = RECORD_COUNT_MAX
BATCH_MARGIN = 1_000


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def union_size(union: Unit, on_date: datetime.date) -> int:
    """Members of union on on_date, at least 0: its baseline plus the records since
    (progress.stock), or, with no baseline, what its records add up to."""
    stock = stock_of(union, on_date)
    if stock.members is not None:
        return max(stock.members, 0)
    signed = Case(
        *[When(kind=k, then=Value(v)) for k, v in STOCK_SIGNS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    total = Record.objects.filter(union=union, date__lte=on_date).aggregate(
        n=Sum(signed * F("count"))
    )["n"]
    return max(int(total or 0), 0)


def union_workforce(union: Unit) -> int:
    """Workers of the enterprises whose grassroots union this is, or its baseline's workers,
    whichever is larger (0 if neither is known)."""
    from enterprises.models import Enterprise

    total = Enterprise.objects.filter(grassroots_union=union).aggregate(n=Sum("workers"))["n"]
    baseline = stock_of(union, timezone.localdate()).workers
    return max(int(total or 0), baseline or 0)


def batch_limit(union: Unit, on_date: datetime.date) -> tuple[int, int]:
    """(the union's size, the largest counted batch it may record on on_date)."""
    size = max(union_size(union, on_date), union_workforce(union))
    return size, min(BATCH_HARD_CAP, size + BATCH_MARGIN)


def check_batch_count(*, union: Unit, on_date: datetime.date, count) -> None:
    """Refuse (ProgressError, Vietnamese) a count that is not a whole number in the bounds."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise ProgressError(_("Số lượng phải là số nguyên."))
    if count < 1:
        raise ProgressError(_("Số lượng phải từ 1 trở lên."))
    if count > BATCH_HARD_CAP:
        raise ProgressError(
            _("Số lượng %(n)s quá lớn: một lần nhập tối đa %(max)s người.")
            % {"n": _number(count), "max": _number(BATCH_HARD_CAP)}
        )
    size, limit = batch_limit(union, on_date)
    if count > limit:
        raise ProgressError(
            _(
                "Số lượng %(n)s vượt quá quy mô của “%(u)s” (%(size)s đoàn viên/lao động đã ghi "
                "nhận, cộng thêm tối đa %(margin)s): tối đa %(max)s người một lần."
            )
            % {
                "n": _number(count),
                "u": union,
                "size": _number(size),
                "margin": _number(BATCH_MARGIN),
                "max": _number(limit),
            }
        )


@transaction.atomic
def record_departure(
    *, member: Member, on_date: datetime.date, reason: str, user, note="", simulated=False
) -> Record:
    require_edit(user, member.union)
    if reason not in LeaveReason.values:
        raise ProgressError(_("Chọn lý do giảm đoàn viên."))
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise ProgressError(_("%(n)s không còn là đoàn viên.") % {"n": member.full_name})
    if on_date < member.admitted_on:
        raise ProgressError(_("Ngày giảm trước ngày kết nạp."))
    _check_date(on_date)
    member.left_on = on_date
    member.save(update_fields=["left_on"])
    record = _record(
        kind=RecordKind.LEFT,
        union=member.union,
        on_date=on_date,
        user=user,
        member=member,
        leave_reason=reason,
        note=note,
        simulated=simulated,
    )
    rollup.add_records([record])
    return record


@transaction.atomic
def transfer_member(
    *, member: Member, to_union: Unit, on_date: datetime.date, user, note="", simulated=False
) -> tuple[Record, Record]:
    """Out of the member's union, into to_union: two records sharing one transfer key."""
    require_edit(user, member.union)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise ProgressError(_("%(n)s không còn là đoàn viên.") % {"n": member.full_name})
    if to_union.pk == member.union_id:
        raise ProgressError(_("Đơn vị chuyển đến trùng đơn vị hiện tại."))
    if on_date < member.admitted_on:
        raise ProgressError(_("Ngày chuyển trước ngày kết nạp."))
    _check_date(on_date)
    _check_union(to_union, on_date)
    key = Record.new_transfer_key()
    source = member.union
    out = _record(
        kind=RecordKind.TRANSFER_OUT,
        union=source,
        on_date=on_date,
        user=user,
        member=member,
        other_union=to_union,
        transfer_key=key,
        note=note,
        simulated=simulated,
    )
    into = _record(
        kind=RecordKind.TRANSFER_IN,
        union=to_union,
        on_date=on_date,
        user=user,
        member=member,
        other_union=source,
        transfer_key=key,
        note=note,
        simulated=simulated,
    )
    member.union = to_union
    member.save(update_fields=["union"])
    rollup.add_records([out, into])
    return out, into


@transaction.atomic
def introduce_to_party(
    *, member: Member, on_date: datetime.date, user, note="", simulated=False
) -> Record:
    require_edit(user, member.union)
    if member.left_on is not None:
        raise ProgressError(_("%(n)s không còn là đoàn viên.") % {"n": member.full_name})
    _check_date(on_date)
    if Record.objects.filter(
        kind=RecordKind.PARTY_INTRODUCED, member=member, party_outcome__in=["", "pending"]
    ).exists():
        raise ProgressError(
            _("%(n)s đã được giới thiệu và đang chờ kết quả.") % {"n": member.full_name}
        )
    record = _record(
        kind=RecordKind.PARTY_INTRODUCED,
        union=member.union,
        on_date=on_date,
        user=user,
        member=member,
        party_outcome=PartyOutcome.PENDING,
        note=note,
        simulated=simulated,
    )
    rollup.add_records([record])
    return record


@transaction.atomic
def set_party_outcome(*, record: Record, outcome: str, on_date: datetime.date, user) -> Record:
    require_edit(user, record.union)
    if record.kind != RecordKind.PARTY_INTRODUCED:
        raise ProgressError(_("Bản ghi không phải giới thiệu cho Đảng."))
    if outcome not in PartyOutcome.values:
        raise ProgressError(_("Kết quả không hợp lệ."))
    if on_date < record.date:
        raise ProgressError(_("Ngày có kết quả trước ngày giới thiệu."))
    record.party_outcome = outcome
    record.party_outcome_on = on_date
    record.save(update_fields=["party_outcome", "party_outcome_on"])
    return record


@transaction.atomic
def found_grassroots_union(
    *,
    name: str,
    parent: Unit,
    founded_on: datetime.date,
    sector: str,
    user,
    kind=UnitKind.GRASSROOTS,
    founding_members: list[dict] = (),
    enterprise_id=None,
    simulated: bool = False,
) -> Unit:
    """Create the CĐCS/nghiệp đoàn under parent, its 'union founded' record (counted as a new
    grassroots union in its sector) and one 'member admitted' record per founding member
    (dict keys: full_name, date_of_birth, gender, ethnicity, cccd, job), atomically.

    ``enterprise_id`` is accepted for the enterprises app, which links its own model to the
    returned unit; it is kept in the founding record's note for the audit trail.
    """
    require_edit(user, parent)
    if kind not in UnitKind.grassroots_level():
        raise ProgressError(_("Loại đơn vị phải là CĐCS hoặc nghiệp đoàn cơ sở."))
    if sector not in Sector.values or sector == Sector.MIXED:
        raise ProgressError(_("Chọn khu vực của CĐCS."))
    if kind == UnitKind.INFORMAL and sector != Sector.INFORMAL:
        raise ProgressError(_("Nghiệp đoàn cơ sở thuộc khu vực phi chính thức."))
    name = clean(name)
    if not name:
        raise ProgressError(_("Thiếu tên CĐCS."))
    _check_date(founded_on)
    if parent.kind in UnitKind.grassroots_level():
        raise ProgressError(_("Đơn vị cấp trên không thể là một CĐCS."))
    # The union, its record and its members: one rollup write (paths, figures and members
    # now), in lock order.
    with rollup.batched():
        union = create_unit(
            name=name,
            kind=kind,
            parent=parent,
            sector=sector,
            valid_from=founded_on,
            is_simulated=simulated,
            user=user,
        )
        founded = _record(
            kind=RecordKind.UNION_FOUNDED,
            union=union,
            on_date=founded_on,
            user=user,
            note=f"enterprise:{enterprise_id}" if enterprise_id else "",
            simulated=simulated,
        )
        rollup.add_records([founded])
        if founding_members:
            admit_members(
                union=union,
                members=[
                    {**m, "admitted_on": m.get("admitted_on") or founded_on}
                    for m in founding_members
                ],
                user=user,
                simulated=simulated,
            )
    return union


def restamp_on_sector_change(sender, *, unit: Unit, user, **kwargs) -> int:
    """organisation.services.sector_changed: progress keeps its own stamps in step."""
    return restamp_sectors(union=unit, user=user)


@transaction.atomic
def restamp_sectors(*, union: Unit, user) -> int:
    """Re-stamp the sector of union's records after its sector history was corrected."""
    require(can_manage_structure(user))
    changed = 0
    with rollup.batched():  # one rollup write for all of them, in lock order
        for record in Record.objects.filter(union=union):
            sector = sector_as_of(union, record.date)
            if sector != record.sector:
                Record.objects.filter(pk=record.pk).update_with_rollup(sector=sector)
                changed += 1
    return changed


# Corrections: a province administrator corrects or voids a counted batch, with a reason kept in
# the audit trail (simple-history's change reason); the rollup follows through the signals of
# progress.rollup, and a current stamp is kept current.
CORRECTABLE_KINDS = (RecordKind.ADMITTED, RecordKind.LEFT)


def _correctable(record: Record, *, user, reason: str) -> str:
    from accounts.permissions import can_correct_records, require

    require(can_correct_records(user))
    if record.member_id is not None or record.kind not in CORRECTABLE_KINDS:
        raise ProgressError(
            _(
                "Chỉ sửa hoặc huỷ được bản ghi nhập theo số lượng; bản ghi gắn với một đoàn viên "
                "được sửa qua sổ đoàn viên."
            )
        )
    reason = clean(reason)
    if len(reason) < 5:
        raise ProgressError(_("Ghi lý do sửa hoặc huỷ bản ghi (ít nhất 5 ký tự)."))
    return reason[:100]


@transaction.atomic
def correct_record(*, record: Record, count, reason: str, user) -> Record:
    """Set a counted batch's count to count (bounded like a new batch), with a reason. The
    rollup follows (``update_with_rollup``); the history row carries the reason and the user."""
    from accounts.audit import acting_as

    record = Record.objects.select_for_update().get(pk=record.pk)
    reason = _correctable(record, user=user, reason=reason)
    check_batch_count(union=record.union, on_date=record.date, count=count)
    if count == record.count:
        raise ProgressError(_("Số lượng mới trùng số lượng đang ghi."))
    Record.objects.filter(pk=record.pk).update_with_rollup(count=count)
    record.refresh_from_db()
    record._change_reason = _("Sửa số lượng: %(r)s") % {"r": reason}
    with acting_as(user):
        record.save(update_fields=["count"])  # no rollup field changes now: writes the history
    return record


@transaction.atomic
def void_record(*, record: Record, reason: str, user) -> None:
    """Delete a counted batch, with a reason; its history row keeps what it was and why, and
    the rollup subtracts it (``delete_with_rollup``)."""
    from accounts.audit import acting_as

    record = Record.objects.select_for_update().get(pk=record.pk)
    reason = _correctable(record, user=user, reason=reason)
    with acting_as(user):
        Record.objects.filter(pk=record.pk).delete_with_rollup()
    deleted = record.history.model.objects.filter(id=record.pk, history_type="-")
    deleted.update(history_change_reason=_("Huỷ bản ghi: %(r)s") % {"r": reason})
