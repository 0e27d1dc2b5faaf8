"""Benchmark: ``refresh_progress_rollup`` running while 8 officers save records.

Builds (in its OWN database, never the demo one) a province with upper-level unions and
grassroots unions, bulk-inserts records that bypass the rollup (so the refresh has real work),
then starts the refresh and 8 writer threads that call ``services.record_batch`` until the
refresh ends. Prints: refresh time, saves done, the longest and the p95 save wait, errors
(a deadlock would be one), and whether ``check_progress_rollup`` finds any difference afterwards.

Usage (from the project root; PostgreSQL is where row locks matter):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_refresh \
        .venv/bin/python bench/refresh_bench.py --records 200000
    DATABASE_URL=sqlite:////tmp/bench-refresh.sqlite3 .venv/bin/python bench/refresh_bench.py
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITERS = 8


def setup_django():
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to the bench's own database (never the demo db.sqlite3).")
    if "db.sqlite3" in url and str(ROOT) in url:
        sys.exit("Refusing to benchmark in the demo database; use a separate file.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def build(n_upper: int, n_grass: int, n_records: int, rng: random.Random):
    from django.core.management import call_command
    from django.db import connection

    from accounts.permissions import system_actor
    from organisation.models import Sector, Unit, UnitKind
    from organisation.services import create_unit, set_baselines
    from progress.models import Record, RecordKind

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        tables = [Record._meta.db_table, Unit._meta.db_table]
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    if Unit.objects.exists():
        sys.exit("The bench database already holds units; give it an empty database.")
    actor = system_actor("refresh_bench")
    province = create_unit(name="LĐLĐ tỉnh Thử", kind=UnitKind.PROVINCE, user=actor)
    uppers = [
        create_unit(name=f"LĐLĐ huyện {u:03d}", kind=UnitKind.DISTRICT, parent=province, user=actor)
        for u in range(n_upper)
    ]
    unions = [
        create_unit(
            name=f"CĐCS {g:04d}",
            kind=UnitKind.GRASSROOTS,
            parent=uppers[g % n_upper],
            sector=Sector.STATE_ADMIN,
            valid_from=datetime.date(2020, 1, 1),
            user=actor,
        )
        for g in range(n_grass)
    ]
    # Every union with a baseline (through the service): the records bulk-inserted below then
    # leave members now behind too, and the refresh repairs both rollups.
    set_baselines(
        rows=[(u, 20, 40, "refresh_bench") for u in unions],
        on_date=datetime.date(2023, 12, 31),
        user=actor,
    )
    start = datetime.date(2024, 1, 1)
    batch = []
    for _ in range(n_records):
        batch.append(
            Record(
                kind=RecordKind.ADMITTED,
                union=unions[rng.randrange(n_grass)],
                date=start + datetime.timedelta(days=rng.randrange(366)),
                sector="hcsn",
                count=rng.randint(1, 5),
            )
        )
        if len(batch) == 20_000:
            Record.objects.bulk_create(batch)  # bypasses the rollup: the refresh repairs it
            batch = []
    Record.objects.bulk_create(batch)
    return unions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upper", type=int, default=10)
    parser.add_argument("--unions", type=int, default=200)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, connections

    from accounts.permissions import system_actor
    from progress import rollup, services
    from progress.models import RecordKind

    actor = system_actor("refresh_bench")

    rng = random.Random(args.seed)
    print(f"# refresh bench on {connection.vendor}: {args.records} records, {WRITERS} writers")
    t0 = time.perf_counter()
    unions = build(args.upper, args.unions, args.records, rng)
    print(f"  built in {time.perf_counter() - t0:.1f} s")
    connections.close_all()

    waits: list[float] = []
    errors: list[str] = []
    done = threading.Event()
    lock = threading.Lock()

    def writer(seed: int):
        own = random.Random(seed)
        try:
            while not done.is_set():
                union = unions[own.randrange(len(unions))]
                day = datetime.date(2024, 1, 1) + datetime.timedelta(days=own.randrange(366))
                began = time.perf_counter()
                try:
                    services.record_batch(
                        kind=RecordKind.ADMITTED, union=union, on_date=day, count=1, user=actor
                    )
                except Exception as error:  # noqa: BLE001 — counted and printed
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    continue
                with lock:
                    waits.append(time.perf_counter() - began)
        finally:
            connections.close_all()

    refresh_time = [0.0]

    def refresher():
        try:
            began = time.perf_counter()
            rollup.rebuild()
            refresh_time[0] = time.perf_counter() - began
        except Exception as error:  # noqa: BLE001
            errors.append(f"refresh: {type(error).__name__}: {error}")
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # writers running before the refresh starts
    refresher_thread = threading.Thread(target=refresher)
    refresher_thread.start()
    refresher_thread.join(timeout=600)
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    differences = rollup.differences()
    waits.sort()
    p95 = waits[int(0.95 * (len(waits) - 1))] if waits else 0.0
    print("| measure | value |")
    print("|---|---|")
    print(f"| refresh completed | {'yes' if refresh_time[0] else 'NO'} |")
    print(f"| refresh time | {refresh_time[0]:.2f} s |")
    print(f"| saves during the run | {len(waits)} |")
    print(f"| save wait: median / p95 / max | {statistics.median(waits) * 1000:.0f} / "
          f"{p95 * 1000:.0f} / {max(waits) * 1000:.0f} ms |" if waits else "| saves | none |")  # fmt: skip
    print(f"| errors (deadlocks included) | {len(errors)} |")
    print(f"| rollup differences afterwards | {len(differences)} |")
    for error in errors[:10]:
        print("  ", error)
    sys.exit(1 if errors or differences or not refresh_time[0] else 0)


if __name__ == "__main__":
    main()
