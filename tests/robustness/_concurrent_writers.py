"""N threads, each its own database connection, each incrementing one shared target M times
through plans.services.set_target with the version it read (retrying when refused as stale).

Prints one JSON line: writes, retries, errors (with "database is locked" counted), final value.
Run: DATABASE_URL=... python -m tests.robustness._concurrent_writers THREADS INCREMENTS
"""

import json
import sys
import threading

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from organisation.models import UnitKind  # noqa: E402
from organisation.services import create_unit  # noqa: E402
from plans.models import Indicator, Measure, Period, Plan, Target, UnitOfMeasure  # noqa: E402
from plans.services import StaleEdit, set_target  # noqa: E402
from tests.actors import SYSTEM  # noqa: E402


def setup():
    call_command("migrate", verbosity=0, interactive=False)
    province = create_unit(name="LĐLĐ tỉnh thử tải", kind=UnitKind.PROVINCE, user=SYSTEM)
    unit = create_unit(
        name="LĐLĐ huyện thử tải", kind=UnitKind.DISTRICT, parent=province, user=SYSTEM
    )
    plan = Plan.objects.create(
        number="01/KH-TT", issued_on="2024-06-11", issuing_unit=province, title="Thử tải", year=2024
    )
    period = Period.objects.create(
        plan=plan, code="nam", name="Năm 2024", start="2024-01-01", end="2024-12-31"
    )
    indicator = Indicator.objects.create(
        plan=plan,
        code="tt",
        name="Thực tăng",
        header="Thực tăng",
        measure=Measure.NET_MEMBERS,
        unit_of_measure=UnitOfMeasure.PERSON,
    )
    set_target(period=period, unit=unit, indicator=indicator, value=0, user=SYSTEM)
    return period.pk, unit.pk, indicator.pk


def main(threads: int, increments: int):
    period_id, unit_id, indicator_id = setup()
    history_before = Target.history.count()
    connection.close()
    stats = {"writes": 0, "retries": 0, "errors": [], "locked": 0}
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker():
        period = Period.objects.get(pk=period_id)
        indicator = Indicator.objects.get(pk=indicator_id)
        unit = indicator.plan.issuing_unit.__class__.objects.get(pk=unit_id)
        start.wait()
        done = 0
        try:
            while done < increments:
                current = Target.objects.get(period=period, unit=unit, indicator=indicator)
                try:
                    set_target(
                        period=period,
                        unit=unit,
                        indicator=indicator,
                        value=current.value + 1,
                        expected_version=current.version,
                        user=SYSTEM,
                    )
                except StaleEdit:
                    with lock:
                        stats["retries"] += 1
                    continue
                done += 1
                with lock:
                    stats["writes"] += 1
        except Exception as exc:  # noqa: BLE001 - reported to the test
            with lock:
                stats["errors"].append(repr(exc))
                stats["locked"] += "database is locked" in str(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    target = Target.objects.get(period_id=period_id, unit_id=unit_id, indicator_id=indicator_id)
    stats.update(
        value=target.value,
        version=target.version,
        history_added=Target.history.count() - history_before,
        vendor=connection.vendor,
        journal_mode=_journal_mode(),
    )
    print(json.dumps(stats))


def _journal_mode():
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
