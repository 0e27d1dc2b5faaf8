"""Writes to the organisation structure. Every change to links rebuilds the affected paths.

Each write takes the acting user (``user=``) and checks accounts.permissions itself
(PermissionDenied): creating a unit under a parent (``can_create_unit_under``), moving,
dissolving, merging and changing the sector (``can_manage_structure``).
"""

import contextlib
import datetime
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from accounts.permissions import (
    can_create_unit_under,
    can_manage_structure,
    recorded_user,
    require,
)
from core.text import name_key
from organisation.models import (
    BEGINNING_OF_TIME,
    END_OF_TIME,
    Baseline,
    Sector,
    SectorChange,
    Unit,
    UnitKind,
    UnitLink,
    UnitPath,
)

MAX_DEPTH = 12  # far deeper than any real hierarchy; guards against a cycle in bad data

# Sent inside set_sector's transaction, with unit= and user=, after a unit's sector history
# changed. Apps that stamp a sector on their own rows (progress) subscribe in their AppConfig
# and return how many rows they re-stamped; set_sector returns the sum. Organisation never
# imports them: the dependency points from progress to organisation only.
sector_changed = Signal()

# Sent inside rebuild_paths' transaction, with unit_ids= (None = the whole tree), after the
# paths of those units' subtrees changed, so apps that keep figures per ancestor (progress's
# rollup) move them in the same transaction.
paths_rebuilt = Signal()

# Sent inside merge_units' transaction, with sources=, target=, on_date= and user=, after the
# units under the sources moved to target: apps that own rows of a unit (progress's members,
# enterprises' register and founding cases) move them to target from the day after on_date.
units_merged = Signal()

# Sent at the start of a structure change made of several steps that other apps follow (a
# merge: paths rebuilt, then the merged members moved), with no arguments: each receiver returns
# a context manager the change then runs inside, in its transaction (progress: its rollup
# written once at the end, in one lock order). Only for changes with no inner savepoint that a
# caller rolls back and goes on, since what a receiver collects would not be rolled back.
write_scopes = Signal()


@contextmanager
def _one_write_scope():
    with contextlib.ExitStack() as stack:
        for _receiver, scope in write_scopes.send(sender=Unit):
            if scope is not None:
                stack.enter_context(scope)
        yield


# Sent by dissolve_problems with unit= and on_date=: each receiver returns a list of Vietnamese
# problems (e.g. "still has members") that refuse ending the unit on that date.
dissolve_vetoes = Signal()


def _require_create(user, parent: Unit | None, kind: str) -> None:
    if parent is None:
        require(can_manage_structure(user))
    else:
        require(can_create_unit_under(user, parent, kind))


@transaction.atomic
def create_unit(
    *,
    name: str,
    kind: str,
    parent: Unit | None = None,
    sector: str = Sector.MIXED,
    valid_from: datetime.date = BEGINNING_OF_TIME,
    sort_order: int = 0,
    short_name: str = "",
    code: str = "",
    is_simulated: bool = False,
    user,
) -> Unit:
    _require_create(user, parent, kind)
    unit = Unit.objects.create(
        name=name,
        kind=kind,
        sector=sector,
        sort_order=sort_order,
        short_name=short_name,
        code=code,
        founded_on=valid_from,
        is_simulated=is_simulated,
    )
    if sector != Sector.MIXED:
        SectorChange.objects.create(unit=unit, sector=sector, effective_from=valid_from)
    if parent is not None:
        UnitLink.objects.create(child=unit, parent=parent, valid_from=valid_from)
    rebuild_paths([unit])
    return unit


@dataclass
class NewUnit:
    """One unit for ``create_units``; parent is a Unit, another NewUnit of the batch, or None."""

    name: str
    kind: str
    parent: "Unit | NewUnit | None"
    valid_from: datetime.date
    sector: str = Sector.MIXED
    code: str = ""
    unit: Unit | None = None  # filled in when created (unsaved until then, for the checks)

    def __post_init__(self):
        self.unit = Unit(
            name=self.name,
            name_key=name_key(self.name),
            kind=self.kind,
            sector=self.sector,
            code=self.code,
            founded_on=self.valid_from,
        )

    @property
    def parent_unit(self) -> Unit | None:
        return self.parent.unit if isinstance(self.parent, NewUnit) else self.parent


def new_unit_problems(spec: NewUnit) -> list[str]:
    """create_problems for a unit of a batch, its parent possibly not saved yet. Twins are the
    caller's to rule out (the unit import matches every name against the register first)."""
    if spec.kind == UnitKind.PROVINCE:
        return (
            []
            if spec.parent is None
            else create_problems(
                name=spec.name, kind=spec.kind, parent=spec.parent_unit, valid_from=spec.valid_from
            )
        )
    if spec.parent is None:
        return [_("Chưa chọn đơn vị cấp trên.")]
    return _parent_problems(spec.parent_unit, spec.valid_from)


@transaction.atomic
def create_units(specs: list[NewUnit], *, user) -> list[Unit]:
    """Many new units at once (the unit import): each checked (``new_unit_problems``), then
    written in bulk with their history, parents before children, and one rebuild of the paths.
    All or nothing: any problem raises ValidationError listing them."""
    from django.core.exceptions import ValidationError
    from simple_history.utils import bulk_create_with_history

    from accounts import audit

    require(can_manage_structure(user))
    problems = [f"{spec.name}: {p}" for spec in specs for p in new_unit_problems(spec)]
    if problems:
        raise ValidationError(problems)
    history = {"default_user": recorded_user(user), "default_change_reason": audit.reason_for(user)}
    waves: dict[int, list[NewUnit]] = defaultdict(list)
    depth: dict[int, int] = {}
    for spec in specs:  # parents come first in specs
        parent = spec.parent
        depth[id(spec)] = depth[id(parent)] + 1 if isinstance(parent, NewUnit) else 0
        waves[depth[id(spec)]].append(spec)
    for level in sorted(waves):
        wave = waves[level]
        bulk_create_with_history([s.unit for s in wave], Unit, batch_size=2000, **history)
        links = [
            UnitLink(child=s.unit, parent=s.parent_unit, valid_from=s.valid_from)
            for s in wave
            if s.parent is not None
        ]
        bulk_create_with_history(links, UnitLink, batch_size=2000, **history)
        SectorChange.objects.bulk_create(
            [
                SectorChange(unit=s.unit, sector=s.sector, effective_from=s.valid_from)
                for s in wave
                if s.sector != Sector.MIXED
            ],
            batch_size=2000,
        )
    created = [spec.unit for spec in specs]
    rebuild_paths(created)
    return created


@transaction.atomic
def move_unit(*, unit: Unit, new_parent: Unit, on_date: datetime.date, user) -> UnitLink:
    """From on_date on, unit belongs to new_parent; its earlier link ends the day before."""
    require(can_manage_structure(user))
    day_before = on_date - datetime.timedelta(days=1)
    for link in UnitLink.objects.filter(child=unit, valid_to__gte=on_date):
        if link.valid_from >= on_date:
            link.delete()
        else:
            link.valid_to = day_before
            link.save(update_fields=["valid_to"])
    link = UnitLink.objects.create(child=unit, parent=new_parent, valid_from=on_date)
    rebuild_paths([unit])
    return link


def _end_links(unit: Unit, on_date: datetime.date) -> None:
    """The unit's links end with it on on_date; a link that would only start later goes."""
    UnitLink.objects.filter(child=unit, valid_from__gt=on_date).delete()
    UnitLink.objects.filter(child=unit, valid_to__gt=on_date).update(valid_to=on_date)


@transaction.atomic
def dissolve_unit(*, unit: Unit, on_date: datetime.date, user) -> None:
    """The unit ends on on_date (inclusive); its links end with it."""
    require(can_manage_structure(user))
    unit.dissolved_on = on_date
    unit.save(update_fields=["dissolved_on"])
    _end_links(unit, on_date)
    rebuild_paths([unit])


# Sent inside set_baseline(s)' transaction, after the writes, with before= (unit id -> its
# baselines before, as [(on_date, members, workers)] sorted by date): apps that keep members now
# per ancestor (progress's stock rollup) update it in the same transaction. The units' rows are
# locked first, so writers of their records wait for it.
baselines_changed = Signal()


def _lock_and_read_baselines(unit_ids) -> dict[int, list[tuple]]:
    """Lock the units (ascending id, as every writer does) and read their baselines."""
    ids = sorted(set(unit_ids))
    list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    before: dict[int, list[tuple]] = {pk: [] for pk in ids}
    rows = Baseline.objects.filter(unit_id__in=ids).order_by("unit_id", "on_date")
    for unit_id, day, members, workers in rows.values_list(
        "unit_id", "on_date", "members", "workers"
    ):
        before[unit_id].append((day, members, workers))
    return before


def _write_baseline(*, unit, on_date, members, workers, source) -> Baseline | None:
    baseline = Baseline.objects.filter(unit=unit, on_date=on_date).first()
    if baseline is None:
        return Baseline.objects.create(
            unit=unit, on_date=on_date, members=members, workers=workers, source=source
        )
    changed = False
    for field, value in (("members", members), ("workers", workers)):
        if value is not None and getattr(baseline, field) != value:
            setattr(baseline, field, value)
            changed = True
    if not changed:
        return None
    baseline.source = source or baseline.source
    baseline.save()
    return baseline


@transaction.atomic
def set_baseline(
    *, unit: Unit, on_date: datetime.date, members=None, workers=None, source: str = "", user
) -> Baseline | None:
    """The unit's stock on on_date (số đoàn viên, số lao động tại ngày); an empty figure keeps
    what the baseline of that day already says. Returns None when nothing changed."""
    require(can_manage_structure(user))
    before = _lock_and_read_baselines([unit.pk])
    baseline = _write_baseline(
        unit=unit, on_date=on_date, members=members, workers=workers, source=source
    )
    if baseline is not None:
        baselines_changed.send(sender=Baseline, before=before)
    return baseline


@transaction.atomic
def set_baselines(*, rows: list[tuple[Unit, int | None, int | None, str]], on_date, user) -> int:
    """set_baseline for many units on one date (the unit import): the new ones written in bulk
    with their history; rows are (unit, members, workers, source). Returns how many changed."""
    from simple_history.utils import bulk_create_with_history

    from accounts import audit

    require(can_manage_structure(user))
    before = _lock_and_read_baselines([r[0].pk for r in rows])
    existing = {
        b.unit_id: b
        for b in Baseline.objects.filter(unit__in=[r[0] for r in rows], on_date=on_date)
    }
    new, changed = [], 0
    for unit, members, workers, source in rows:
        if unit.pk in existing:
            written = _write_baseline(
                unit=unit, on_date=on_date, members=members, workers=workers, source=source
            )
            changed += written is not None
        else:
            new.append(
                Baseline(
                    unit=unit, on_date=on_date, members=members, workers=workers, source=source
                )
            )
    bulk_create_with_history(
        new,
        Baseline,
        batch_size=2000,
        default_user=recorded_user(user),
        default_change_reason=audit.reason_for(user),
    )
    if changed or new:
        baselines_changed.send(sender=Baseline, before=before)
    return changed + len(new)


@transaction.atomic
def set_sector(*, unit: Unit, sector: str, effective_from: datetime.date, user) -> int:
    """The unit's sector from effective_from on; returns the rows other apps re-stamped."""
    require(can_manage_structure(user))
    SectorChange.objects.update_or_create(
        unit=unit, effective_from=effective_from, defaults={"sector": sector}
    )
    latest = SectorChange.objects.filter(unit=unit).order_by("-effective_from").first()
    if unit.sector != latest.sector:
        unit.sector = latest.sector
        unit.save(update_fields=["sector"])
    responses = sector_changed.send(sender=Unit, unit=unit, user=user)
    return sum(count or 0 for _receiver, count in responses)


def _intersect(a, b):
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


class HierarchyCycle(ValueError):
    """The links make a unit its own ancestor (or a chain deeper than any real hierarchy)."""

    def __init__(self, unit_id: int):
        super().__init__(f"Unit hierarchy too deep or cyclic at unit {unit_id}")
        self.unit_id = unit_id


def _paths_for(unit_id, life, links_by_child):
    """All (ancestor, depth, from, to) reachable upward from unit_id, as date ranges."""
    found = [(unit_id, 0, life)]
    frontier = [(unit_id, 0, life)]
    while frontier:
        node, depth, span = frontier.pop()
        if depth >= MAX_DEPTH:
            raise HierarchyCycle(node)
        for parent_id, link_span in links_by_child.get(node, ()):
            overlap = _intersect(span, link_span)
            if overlap:
                found.append((parent_id, depth + 1, overlap))
                frontier.append((parent_id, depth + 1, overlap))
    return found


# Inside ``paths_deferred()`` rebuild_paths only notes the units; one rebuild runs at the end.
_deferred_paths: ContextVar[set[int] | None] = ContextVar("deferred_paths", default=None)
LARGE_REBUILD = 5000  # above this many units, rebuild the whole tree (one pass, no huge IN list)


@contextmanager
def paths_deferred():
    """Many creations in one transaction (the unit import): each would rebuild the paths, which
    reads every link; instead, rebuild once for all of them when the block ends without error.
    Inside the block, paths of the new units do not exist yet: callers check what they need
    (parents, cycles, twins) from the units and links themselves."""
    if _deferred_paths.get() is not None:  # already deferring: the outer block rebuilds
        yield
        return
    token = _deferred_paths.set(set())
    try:
        yield
        pending = _deferred_paths.get()
    finally:
        _deferred_paths.reset(token)
    if pending:
        rebuild_paths(None if len(pending) > LARGE_REBUILD else Unit.objects.filter(pk__in=pending))


@transaction.atomic
def rebuild_paths(units=None) -> int:
    """Recompute the closure rows of ``units`` and everything ever below them (all if None)."""
    pending = _deferred_paths.get()
    if pending is not None:
        if units is None:
            pending.update(Unit.objects.values_list("id", flat=True))
        else:
            pending.update(u.pk for u in units)
        return 0
    if units is None:
        affected = set(Unit.objects.values_list("id", flat=True))
        UnitPath.objects.all().delete()
    else:
        ids = {u.pk for u in units}
        below = UnitPath.objects.filter(ancestor_id__in=ids).values_list("descendant_id", flat=True)
        affected = ids | set(below)
        UnitPath.objects.filter(descendant_id__in=affected).delete()
    links_by_child = defaultdict(list)
    for child_id, parent_id, start, end in UnitLink.objects.values_list(
        "child_id", "parent_id", "valid_from", "valid_to"
    ):
        links_by_child[child_id].append((parent_id, (start, end)))
    lives = {
        pk: (start, end or END_OF_TIME)
        for pk, start, end in Unit.objects.filter(id__in=affected).values_list(
            "id", "founded_on", "dissolved_on"
        )
    }
    rows = []
    for unit_id in affected:
        for ancestor_id, depth, (start, end) in _paths_for(unit_id, lives[unit_id], links_by_child):
            rows.append(
                UnitPath(
                    ancestor_id=ancestor_id,
                    descendant_id=unit_id,
                    depth=depth,
                    valid_from=start,
                    valid_to=end,
                )
            )
    UnitPath.objects.bulk_create(rows, batch_size=5000)
    paths_rebuilt.send(sender=Unit, unit_ids=None if units is None else affected)
    return len(rows)


def province_of(unit: Unit) -> Unit | None:
    """The province federation above (or equal to) unit, at any time."""
    if unit.kind == UnitKind.PROVINCE:
        return unit
    path = (
        UnitPath.objects.filter(descendant=unit, ancestor__kind=UnitKind.PROVINCE)
        .select_related("ancestor")
        .first()
    )
    return path.ancestor if path else None


# Checks and reorganisations for the structure pages ------------------------------------------
# The ``*_problems`` functions return Vietnamese messages (empty list = allowed); the forms show
# them, and the ``*_checked`` services and ``merge_units`` refuse with the same messages
# (django.core.exceptions.ValidationError), changing nothing.


def _d(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _not_alive(unit: Unit, on_date: datetime.date) -> str | None:
    """Why unit does not exist on on_date (before founding or after dissolution), if so."""
    if on_date < unit.founded_on:
        return _("“%(unit)s” thành lập ngày %(founded)s, sau ngày %(date)s.") % {
            "unit": unit.name,
            "founded": _d(unit.founded_on),
            "date": _d(on_date),
        }
    if unit.dissolved_on is not None and on_date > unit.dissolved_on:
        return _("“%(unit)s” đã giải thể ngày %(dissolved)s, trước ngày %(date)s.") % {
            "unit": unit.name,
            "dissolved": _d(unit.dissolved_on),
            "date": _d(on_date),
        }
    return None


def _parent_problems(parent: Unit, on_date: datetime.date) -> list[str]:
    problems = []
    if parent.kind in UnitKind.grassroots_level():
        problems.append(
            _("Đơn vị cấp trên “%(unit)s” là công đoàn cơ sở, không có đơn vị trực thuộc.")
            % {"unit": parent.name}
        )
    why = _not_alive(parent, on_date) or _ends_later(parent, on_date)
    if why:
        problems.append(_("Đơn vị cấp trên: %(why)s") % {"why": why})
    return problems


def _ends_later(unit: Unit, on_date: datetime.date) -> str | None:
    """A unit that ends on or after on_date cannot take a unit from on_date: the link would
    outlive it."""
    if unit.dissolved_on is not None and unit.dissolved_on >= on_date:
        return _("“%(unit)s” kết thúc hoạt động ngày %(date)s, không nhận thêm đơn vị.") % {
            "unit": unit.name,
            "date": _d(unit.dissolved_on),
        }
    return None


def create_problems(
    *, name: str, kind: str, parent: Unit | None, valid_from: datetime.date
) -> list[str]:
    """Why a unit named name cannot be created under parent from valid_from."""
    problems = []
    if kind == UnitKind.PROVINCE:
        # A provincial federation is a top unit (its parent, the national federation, is not
        # kept): how a federation that is not the demo starts on an empty database.
        if parent is not None:
            return [_("Liên đoàn lao động tỉnh là đơn vị cấp cao nhất: bỏ trống đơn vị cấp trên.")]
        twin = Unit.objects.filter(kind=UnitKind.PROVINCE, name_key=name_key(name)).first()
        if twin is not None:
            problems.append(_("Đã có đơn vị “%(name)s”.") % {"name": twin.name})
        return problems
    if parent is None:
        return [_("Chưa chọn đơn vị cấp trên.")]
    problems += _parent_problems(parent, valid_from)
    from organisation.selectors import children

    twin = children(parent, valid_from).filter(name_key=name_key(name)).first()
    if twin is not None:
        problems.append(
            _("Ngày %(date)s “%(parent)s” đã có đơn vị trực thuộc tên “%(name)s”.")
            % {"date": _d(valid_from), "parent": parent.name, "name": twin.name}
        )
    return problems


def move_problems(*, unit: Unit, new_parent: Unit, on_date: datetime.date) -> list[str]:
    """Why unit cannot belong to new_parent from on_date."""
    problems = []
    if unit.kind == UnitKind.PROVINCE:
        problems.append(_("Không chuyển liên đoàn lao động tỉnh sang đơn vị khác."))
    why = _not_alive(unit, on_date)
    if why:
        problems.append(
            _("Ngày chuyển %(date)s không hợp lệ: %(why)s") % {"date": _d(on_date), "why": why}
        )
    if new_parent.pk == unit.pk:
        return [*problems, _("Đơn vị không thể trực thuộc chính nó.")]
    if UnitPath.objects.filter(
        ancestor=unit, descendant=new_parent, valid_to__gte=on_date
    ).exists():
        problems.append(
            _(
                "“%(parent)s” nằm trong cây trực thuộc của “%(unit)s” (từ ngày %(date)s trở đi): "
                "chuyển như vậy sẽ tạo vòng lặp."
            )
            % {"parent": new_parent.name, "unit": unit.name, "date": _d(on_date)}
        )
    problems += _parent_problems(new_parent, on_date)
    if UnitLink.objects.filter(
        child=unit, parent=new_parent, valid_from__lte=on_date, valid_to__gte=on_date
    ).exists():
        problems.append(
            _("Ngày %(date)s “%(unit)s” đã trực thuộc “%(parent)s”.")
            % {"date": _d(on_date), "unit": unit.name, "parent": new_parent.name}
        )
    return problems


def _children_after(parents, on_date: datetime.date):
    """Units linked to one of parents on some day after on_date."""
    ids = UnitLink.objects.filter(parent__in=parents, valid_to__gt=on_date).values("child_id")
    return Unit.objects.filter(id__in=ids).order_by("sort_order", "name")


def dissolve_problems(*, unit: Unit, on_date: datetime.date) -> list[str]:
    problems = []
    if unit.kind == UnitKind.PROVINCE:
        problems.append(_("Không giải thể liên đoàn lao động tỉnh trên trang này."))
    if unit.dissolved_on is not None:
        problems.append(
            _("“%(unit)s” đã giải thể ngày %(date)s.")
            % {"unit": unit.name, "date": _d(unit.dissolved_on)}
        )
    if on_date < unit.founded_on:
        problems.append(
            _("Ngày giải thể %(date)s trước ngày thành lập %(founded)s của “%(unit)s”.")
            % {"date": _d(on_date), "founded": _d(unit.founded_on), "unit": unit.name}
        )
    remaining = list(_children_after([unit], on_date).filter(dissolved_on__isnull=True)[:6])
    if remaining:
        names = ", ".join(u.name for u in remaining[:5]) + ("…" if len(remaining) > 5 else "")
        problems.append(
            _(
                "Sau ngày %(date)s “%(unit)s” vẫn còn đơn vị trực thuộc (%(names)s): hãy chuyển "
                "chúng sang đơn vị khác trước, hoặc dùng chức năng hợp nhất."
            )
            % {"date": _d(on_date), "unit": unit.name, "names": names}
        )
    for _receiver, vetoes in dissolve_vetoes.send(sender=Unit, unit=unit, on_date=on_date):
        problems.extend(vetoes or [])
    return problems


def sector_problems(*, unit: Unit, effective_from: datetime.date) -> list[str]:
    why = _not_alive(unit, effective_from)
    if why:
        return [
            _("Ngày áp dụng %(date)s không hợp lệ: %(why)s")
            % {"date": _d(effective_from), "why": why}
        ]
    return []


def merge_problems(*, sources, target: Unit | None, on_date: datetime.date) -> list[str]:
    """Why sources cannot end on on_date with everything under them moved to target."""
    sources = list(sources)
    if not sources:
        return [_("Chưa chọn đơn vị được hợp nhất.")]
    problems = []
    for source in sources:
        if target is not None and source.pk == target.pk:
            problems.append(
                _("“%(unit)s” vừa là đơn vị được hợp nhất vừa là đơn vị nhận.")
                % {"unit": source.name}
            )
            continue
        if source.kind == UnitKind.PROVINCE:
            problems.append(_("Không hợp nhất liên đoàn lao động tỉnh."))
        if source.dissolved_on is not None:
            problems.append(
                _("“%(unit)s” đã giải thể ngày %(date)s.")
                % {"unit": source.name, "date": _d(source.dissolved_on)}
            )
        elif on_date < source.founded_on:
            problems.append(
                _("Ngày giải thể %(date)s trước ngày thành lập %(founded)s của “%(unit)s”.")
                % {"date": _d(on_date), "founded": _d(source.founded_on), "unit": source.name}
            )
        if (
            target is not None
            and UnitPath.objects.filter(
                ancestor=source, descendant=target, valid_to__gte=on_date
            ).exists()
        ):
            problems.append(
                _(
                    "Đơn vị nhận “%(target)s” trực thuộc “%(unit)s”, đơn vị sẽ giải thể: "
                    "hãy chọn đơn vị nhận khác."
                )
                % {"target": target.name, "unit": source.name}
            )
    if target is None:
        return problems
    next_day = on_date + datetime.timedelta(days=1)
    why = _not_alive(target, next_day) or _ends_later(target, next_day)
    if why:
        problems.append(_("Đơn vị nhận: %(why)s") % {"why": why})
    if target.kind in UnitKind.grassroots_level() and _children_after(sources, on_date).exists():
        problems.append(
            _("Đơn vị nhận “%(target)s” là công đoàn cơ sở, không nhận được đơn vị trực thuộc.")
            % {"target": target.name}
        )
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        from django.core.exceptions import ValidationError

        raise ValidationError(problems)


@transaction.atomic
def merge_units(*, sources, target: Unit, on_date: datetime.date, user) -> list[Unit]:
    """Sources end on on_date; every unit under them belongs to target from the day after.

    Atomic: on a problem (ValidationError with Vietnamese messages) nothing changes. Links and
    paths up to on_date stay as they were, so figures for earlier dates add up the old way.
    Returns the units moved.
    """
    require(can_manage_structure(user))
    sources = list(Unit.objects.select_for_update().filter(pk__in=[s.pk for s in sources]))
    _refuse(merge_problems(sources=sources, target=target, on_date=on_date))
    with _one_write_scope():  # the paths' and the merged members' rollup writes: one
        moved = _merge(sources, target, on_date, user)
    return moved


def _merge(sources, target: Unit, on_date: datetime.date, user) -> list[Unit]:
    next_day = on_date + datetime.timedelta(days=1)
    moved = list(_children_after(sources, on_date))
    for child in moved:
        for link in UnitLink.objects.filter(child=child, valid_to__gte=next_day):
            if link.valid_from >= next_day:
                link.delete()
            else:
                link.valid_to = on_date
                link.save(update_fields=["valid_to"])
        start = max(next_day, child.founded_on)
        UnitLink.objects.create(child=child, parent=target, valid_from=start)
    for source in sources:
        source.dissolved_on = on_date
        source.save(update_fields=["dissolved_on"])
        _end_links(source, on_date)
    rebuild_paths([*sources, *moved, target])
    units_merged.send(sender=Unit, sources=sources, target=target, on_date=on_date, user=user)
    return moved


@transaction.atomic
def merge_into_new_unit(
    *, sources, on_date: datetime.date, name: str, kind: str, parent: Unit, sector: str, user
) -> Unit:
    """Create unit name under parent from on_date + 1, then merge sources into it."""
    require(can_manage_structure(user))
    target = create_unit_checked(
        name=name,
        kind=kind,
        parent=parent,
        sector=sector,
        valid_from=on_date + datetime.timedelta(days=1),
        user=user,
    )
    merge_units(sources=sources, target=target, on_date=on_date, user=user)
    return target


@transaction.atomic
def create_unit_checked(
    *, name: str, kind: str, parent: Unit, sector: str, valid_from: datetime.date, user, **extra
) -> Unit:
    """create_unit after the structure page's checks."""
    _require_create(user, parent, kind)
    _refuse(create_problems(name=name, kind=kind, parent=parent, valid_from=valid_from))
    return create_unit(
        name=name,
        kind=kind,
        parent=parent,
        sector=sector,
        valid_from=valid_from,
        user=user,
        **extra,
    )


@transaction.atomic
def move_unit_checked(*, unit: Unit, new_parent: Unit, on_date: datetime.date, user) -> UnitLink:
    require(can_manage_structure(user))
    _refuse(move_problems(unit=unit, new_parent=new_parent, on_date=on_date))
    return move_unit(unit=unit, new_parent=new_parent, on_date=on_date, user=user)


@transaction.atomic
def dissolve_unit_checked(*, unit: Unit, on_date: datetime.date, user) -> None:
    require(can_manage_structure(user))
    _refuse(dissolve_problems(unit=unit, on_date=on_date))
    dissolve_unit(unit=unit, on_date=on_date, user=user)


@transaction.atomic
def set_sector_checked(*, unit: Unit, sector: str, effective_from: datetime.date, user) -> int:
    """set_sector after the structure page's checks; returns the rows re-stamped."""
    require(can_manage_structure(user))
    _refuse(sector_problems(unit=unit, effective_from=effective_from))
    return set_sector(unit=unit, sector=sector, effective_from=effective_from, user=user)
