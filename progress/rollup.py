"""A per-day rollup of the figures for national-scale ranges, kept safe by a freshness stamp.

``DayTotal`` holds SUM(count) per (ancestor, day, sector, kind) for every ancestor above the
grassroots level, so a national whole-year figure reads ~1 row per ancestor, day and category
instead of joining millions of records to their paths.

Correctness never depends on it: ``achieved()`` reads the rollup only while ``RollupStamp`` matches
the data (highest record id and highest path id), and aggregates the records directly otherwise.
- Records written through the ORM (services, ``Model.save``/``delete``) update the rollup in the
  same transaction (signals below) and move the stamp along only if it was current.
- A change of the hierarchy (``organisation.services`` rebuilds paths) or a bulk insert leaves the
  stamp behind, so the figures fall back to the direct aggregate until ``rebuild()`` (command
  ``refresh_progress_rollup``, for a nightly timer and after bulk loads) runs. Founding a union
  (``found_grassroots_union``) only adds paths of a new unit and keeps the stamp current.
- Writes that bypass signals *and* keep the highest ids (``QuerySet.update`` of records) must be
  followed by ``rebuild()``.
"""

import datetime

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from organisation.models import Unit, UnitKind, UnitPath
from progress.models import DayTotal, Record, RollupStamp

GRASSROOTS = tuple(UnitKind.grassroots_level())


def max_ids() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {Record._meta.db_table}),"
            f" (SELECT MAX(id) FROM {UnitPath._meta.db_table})"
        )
        record_max, path_max = cursor.fetchone()
    return record_max or 0, path_max or 0


def _stamp() -> RollupStamp | None:
    return RollupStamp.objects.filter(pk=1).first()


def is_fresh() -> bool:
    stamp = _stamp()
    return stamp is not None and (stamp.record_max, stamp.path_max) == max_ids()


@transaction.atomic
def rebuild() -> int:
    """Recompute the whole rollup from the records, in the database. Returns the rows made."""
    table = DayTotal._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers update the rollup in their own transaction; wait for them, block new ones.
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        record_max, path_max = max_ids()
        cursor.execute(f"DELETE FROM {table}")
        kinds = ", ".join(["%s"] * len(GRASSROOTS))
        cursor.execute(
            f"""
            INSERT INTO {table} (ancestor_id, date, sector, kind, total)
            SELECT p.ancestor_id, r.date, r.sector, r.kind, SUM(r.count)
            FROM {Record._meta.db_table} r
            JOIN {UnitPath._meta.db_table} p
              ON p.descendant_id = r.union_id AND p.valid_from <= r.date AND p.valid_to >= r.date
            JOIN {Unit._meta.db_table} a ON a.id = p.ancestor_id
            WHERE a.kind NOT IN ({kinds}) AND r.id <= %s
            GROUP BY p.ancestor_id, r.date, r.sector, r.kind
            """,
            [*GRASSROOTS, record_max],
        )
        made = cursor.rowcount
    RollupStamp.objects.update_or_create(
        pk=1,
        defaults={"record_max": record_max, "path_max": path_max, "rebuilt_at": timezone.now()},
    )
    return made


def grouped_sums(start: datetime.date, end: datetime.date, unit_ids) -> dict:
    """ancestor -> (sector, kind) -> SUM(total), from the rollup (units above grassroots only)."""
    result: dict = {uid: {} for uid in unit_ids}
    rows = (
        DayTotal.objects.filter(ancestor_id__in=list(unit_ids), date__gte=start, date__lte=end)
        .values("ancestor_id", "sector", "kind")
        .order_by()
        .annotate(sum=Sum("total"))
        .values_list("ancestor_id", "sector", "kind", "sum")
    )
    for ancestor_id, sector, kind, total in rows:
        if total:  # rows brought back to 0 by a deletion are left in place
            result[ancestor_id][(sector, kind)] = int(total)
    return result


def _apply(union_id, day, sector, kind, delta) -> None:
    ancestors = UnitPath.objects.filter(
        descendant_id=union_id, valid_from__lte=day, valid_to__gte=day
    ).exclude(ancestor__kind__in=GRASSROOTS)
    for ancestor_id in ancestors.values_list("ancestor_id", flat=True):
        key = dict(ancestor_id=ancestor_id, date=day, sector=sector, kind=kind)
        if not DayTotal.objects.filter(**key).update(total=F("total") + delta):
            DayTotal.objects.create(**key, total=delta)


def _state(record):
    return (record.union_id, record.date, record.sector, record.kind, record.count)


@receiver(pre_save, sender=Record)
def _remember_old(sender, instance, raw=False, **kwargs):
    instance._rollup_old = None
    if instance.pk and not raw:
        old = Record.objects.filter(pk=instance.pk).first()
        instance._rollup_old = _state(old) if old else None


@receiver(post_save, sender=Record)
def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    with transaction.atomic():
        stamp = RollupStamp.objects.select_for_update().filter(pk=1).first()
        if stamp is None:
            return  # no rollup yet: nothing to keep up to date
        old = getattr(instance, "_rollup_old", None)
        new = _state(instance)
        if old == new:
            return
        if old:
            _apply(*old[:4], -old[4])
        _apply(*new[:4], new[4])
        if created:
            others = (
                Record.objects.exclude(pk=instance.pk)
                .order_by("-id")
                .values_list("id", flat=True)
                .first()
                or 0
            )
            if stamp.record_max == others:
                stamp.record_max = instance.pk
                stamp.save(update_fields=["record_max"])


@receiver(post_delete, sender=Record)
def _on_delete(sender, instance, **kwargs):
    if RollupStamp.objects.filter(pk=1).exists():
        _apply(*_state(instance)[:4], -instance.count)


def note_new_unit_paths(path_max_before: int) -> None:
    """A brand-new unit's paths change no existing figure: keep a current stamp current."""
    stamp = RollupStamp.objects.select_for_update().filter(pk=1).first()
    if stamp is not None and stamp.path_max == path_max_before:
        stamp.path_max = max_ids()[1]
        stamp.save(update_fields=["path_max"])
