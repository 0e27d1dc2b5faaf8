"""Benchmark of the progress figures at national scale.

Builds (in its OWN database, never the demo one) a national tree — 63 provinces, about 700
upper-level unions, 135 000 grassroots unions — and about 2 000 000 records in 2024, then times:

- ``achieved()`` for a province dashboard (the province + its upper-level unions) and for the
  national dashboard (the nation + 63 provinces, and the nation + all 700 upper-level unions),
  for the peak month (July) and the whole year;
- the full dashboard build (``progress.dashboard.build``: plan units, targets, figures);
- the direct aggregate (``selectors.direct_sums``: records joined to their paths, what the
  figures fall back to while the per-day rollup is stale);
- the bare SQL aggregate (records joined to paths, SUM(count) GROUP BY ancestor, nothing else)
  for comparison.

After building (or with --reuse, if stale) it rebuilds the rollup (``progress.rollup``) and
prints how long that took.

Usage (from the project root):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/progress_bench.py
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/progress_bench.py --scale 0.1

--scale multiplies the number of units and records (1.0 = national). --reuse keeps an existing
data set of the same scale. Results are printed as a Markdown table.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = 63
UPPER_LEVEL = 700
GRASSROOTS = 135_000
RECORDS = 2_000_000
YEAR_START = datetime.date(2024, 1, 1)
BEGIN = datetime.date(1900, 1, 1)
END = datetime.date(9999, 12, 31)
SECTORS = ["hcsn", "sncl", "dn_small", "dn_large", "informal"]
SECTOR_WEIGHTS = [15, 25, 30, 25, 5]
KINDS = ["admitted", "left", "party_introduced"]
KIND_WEIGHTS = [60, 32, 7]
TRANSFER_SHARE = 0.01  # pairs of rows
FOUNDED_SHARE = 0.005


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


def insert(table, columns, rows):
    """Bulk insert rows (tuples): COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cols = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row) for row in rows],
            )


def build(scale: float, rng: random.Random) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from organisation.models import Unit, UnitPath
    from plans.demo import INDICATORS
    from plans.models import Indicator, Period, Plan, PlanUnit, Target
    from progress.models import Record

    call_command("migrate", verbosity=0)
    n_upper = max(PROVINCES, int(UPPER_LEVEL * scale))
    n_grass = max(n_upper, int(GRASSROOTS * scale))
    n_records = int(RECORDS * scale)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {Unit._meta.db_table} RESTART IDENTITY CASCADE")
        else:
            for model in (Target, PlanUnit, Indicator, Period, Plan, Record, UnitPath, Unit):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
    t0 = time.perf_counter()
    unit_cols = [
        "id", "name", "short_name", "name_key", "kind", "sector", "code", "sort_order",
        "founded_on", "is_simulated",
    ]  # fmt: skip
    units, paths = [], []
    next_id = 1
    nation = next_id
    units.append((nation, "Tổng LĐLĐ Việt Nam", "", "tổng lđlđ việt nam", "province", "mixed",
                  "", 0, BEGIN, False))  # fmt: skip
    paths.append((nation, nation, 0, BEGIN, END))
    provinces, uppers, grassroots = [], [], []
    for p in range(PROVINCES):
        next_id += 1
        provinces.append(next_id)
        name = f"LĐLĐ tỉnh {p + 1:02d}"
        units.append((next_id, name, "", name.lower(), "province", "mixed", "", p, BEGIN, False))
        paths += [(next_id, next_id, 0, BEGIN, END), (nation, next_id, 1, BEGIN, END)]
    upper_province = {}
    for u in range(n_upper):
        next_id += 1
        province = provinces[u % PROVINCES]
        uppers.append(next_id)
        upper_province[next_id] = province
        name = f"LĐLĐ huyện {u + 1:03d}"
        units.append((next_id, name, "", name.lower(), "district", "mixed", "", u, BEGIN, False))
        paths += [
            (next_id, next_id, 0, BEGIN, END),
            (province, next_id, 1, BEGIN, END),
            (nation, next_id, 2, BEGIN, END),
        ]
    grass_sector = {}
    for g in range(n_grass):
        next_id += 1
        upper = uppers[g % n_upper]
        sector = rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        grassroots.append(next_id)
        grass_sector[next_id] = sector
        kind = "informal" if sector == "informal" else "grassroots"
        name = f"CĐCS {g + 1:06d}"
        units.append((next_id, name, "", name.lower(), kind, sector, "", 0, BEGIN, False))
        paths += [
            (next_id, next_id, 0, BEGIN, END),
            (upper, next_id, 1, BEGIN, END),
            (upper_province[upper], next_id, 2, BEGIN, END),
            (nation, next_id, 3, BEGIN, END),
        ]
    with transaction.atomic():
        insert(Unit._meta.db_table, unit_cols, units)
        insert(
            UnitPath._meta.db_table,
            ["ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"],
            paths,
        )
    print(f"  units {len(units):,}, paths {len(paths):,} in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    record_cols = [
        "kind", "date", "union_id", "sector", "count", "member_id", "other_union_id",
        "transfer_key", "leave_reason", "party_outcome", "party_outcome_on", "note",
        "entered_by_id", "entered_at", "is_simulated",
    ]  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    # Skewed: a third of the unions produce most records (as in life).
    weights = [3 if i % 3 == 0 else 1 for i in range(len(grassroots))]
    made = 0
    chunk = 200_000
    with transaction.atomic():
        while made < n_records:
            size = min(chunk, n_records - made)
            unions = rng.choices(grassroots, weights, k=size)
            rows = []
            for union in unions:
                day = YEAR_START + datetime.timedelta(days=rng.randrange(366))
                roll = rng.random()
                if roll < TRANSFER_SHARE:
                    target = rng.choice(grassroots)
                    key = uuid.uuid4()
                    for kind, here, there in (
                        ("transfer_out", union, target),
                        ("transfer_in", target, union),
                    ):
                        rows.append((kind, day, here, grass_sector[here], 1, None, there, key,
                                     "", "", None, "", None, now, True))  # fmt: skip
                    continue
                kind = (
                    "union_founded"
                    if roll < TRANSFER_SHARE + FOUNDED_SHARE
                    else rng.choices(KINDS, KIND_WEIGHTS)[0]
                )
                count = 1 if rng.random() < 0.9 or kind == "union_founded" else rng.randint(2, 20)
                rows.append((kind, day, union, grass_sector[union], count, None, None, None,
                             "retired" if kind == "left" else "", "", None, "", None, now,
                             True))  # fmt: skip
            insert(Record._meta.db_table, record_cols, rows)
            made += size
    print(f"  records {made:,} in {time.perf_counter() - t0:.1f} s")

    # Plans: a national plan (the provinces receive targets) and one province's plan.
    national = _plan("QG/2024", nation, provinces, INDICATORS, rng)
    province_uppers = [u for u in uppers if upper_province[u] == provinces[0]]
    province_plan = _plan("T01/2024", provinces[0], province_uppers, INDICATORS, rng)
    with connection.cursor() as cursor:
        # After a bulk load: statistics, and (PostgreSQL) the visibility map for index-only scans.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "nation": nation,
        "provinces": provinces,
        "uppers": uppers,
        "province": provinces[0],
        "province_uppers": province_uppers,
        "national_plan": national,
        "province_plan": province_plan,
    }


def _wide_plan(ids: dict):
    """A national plan given straight to every upper-level union (the 700-unit view), made once
    and kept with the data set."""
    from plans.demo import INDICATORS
    from plans.models import Plan

    found = Plan.objects.filter(number="QG-700/2024").first()
    if found is None:
        found = _plan("QG-700/2024", ids["nation"], ids["uppers"], INDICATORS, random.Random(700))
    return found


def _plan(number, issuer, unit_ids, indicators, rng):
    from plans.models import Indicator, Period, Plan, PlanUnit, Target

    plan = Plan.objects.create(
        number=number, issued_on=YEAR_START, issuing_unit_id=issuer, title=number, year=2024
    )
    periods = [
        Period.objects.create(
            plan=plan, code="nam-2024", name="Năm 2024", start=YEAR_START,
            end=datetime.date(2024, 12, 31), sort_order=1,
        ),
        Period.objects.create(
            plan=plan, code="thang-7", name="Tháng 7", start=datetime.date(2024, 7, 1),
            end=datetime.date(2024, 7, 31), sort_order=2,
        ),
    ]  # fmt: skip
    made = {}
    for order, (
        code,
        parent,
        relation,
        measure,
        sectors,
        uom,
        minimum,
        group,
        header,
        name,
    ) in enumerate(indicators, start=1):
        made[code] = Indicator.objects.create(
            plan=plan, code=code, parent=made.get(parent), relation=relation, measure=measure,
            sectors=sectors, unit_of_measure=uom, is_minimum=minimum, group_header=group,
            header=header, name=name, sort_order=order,
        )  # fmt: skip
    PlanUnit.objects.bulk_create(
        [PlanUnit(plan=plan, unit_id=u, row_number=i) for i, u in enumerate(unit_ids, start=1)]
    )
    Target.objects.bulk_create(
        [
            Target(period=p, unit_id=u, indicator=ind, value=rng.randint(10, 500))
            for p in periods
            for u in [issuer, *unit_ids]
            for ind in made.values()
        ]
    )
    return plan


def timed(fn, repeat=5, before=None):
    """Median ms of fn() over repeat runs, after one to warm up; before() runs untimed ahead of
    each run."""
    fn()  # warm the cache
    runs = []
    for _ in range(repeat):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def bare(start, end, unit_ids):
    """The bare aggregate: records joined to their valid paths, SUM(count) per ancestor."""
    from django.db import connection

    marks = ", ".join(["%s"] * len(unit_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.ancestor_id, SUM(r.count) FROM progress_record r
                JOIN organisation_unitpath p ON p.descendant_id = r.union_id
                 AND p.valid_from <= r.date AND p.valid_to >= r.date
                WHERE r.date >= %s AND r.date <= %s AND p.ancestor_id IN ({marks})
                GROUP BY p.ancestor_id""",
            [start, end, *unit_ids],
        )
        return cursor.fetchall()


def run(ids: dict) -> list[tuple]:
    from plans.models import Period
    from progress import dashboard, selectors

    today = datetime.date(2024, 12, 31)
    rows = []
    cases = [
        ("province (1 + its upper-level unions)", ids["province_plan"],
         [ids["province"], *ids["province_uppers"]]),
        ("national (nation + 63 provinces)", ids["national_plan"],
         [ids["nation"], *ids["provinces"]]),
        ("national (nation + every upper-level union)", ids["national_plan"],
         [ids["nation"], *ids["uppers"]]),
    ]  # fmt: skip
    for label, plan, unit_ids in cases:
        for code in ("thang-7", "nam-2024"):
            period = Period.objects.get(plan=plan, code=code)
            t_achieved = timed(
                lambda period=period, unit_ids=unit_ids: selectors.achieved(period, unit_ids)
            )
            t_direct = timed(
                lambda period=period, unit_ids=unit_ids: selectors.direct_sums(
                    period.start, period.end, unit_ids
                )
            )
            t_bare = timed(
                lambda period=period, unit_ids=unit_ids: bare(period.start, period.end, unit_ids)
            )
            t_board = None
            if "every" not in label:
                t_board = timed(
                    lambda period=period: dashboard.build(
                        period, visible_unit_ids=None, today=today
                    )
                )
            rows.append((label, period.name, len(unit_ids), t_achieved, t_board, t_direct, t_bare))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep an existing data set")
    parser.add_argument(
        "--pages",
        action="store_true",
        help="also time whole dashboard pages, before and after a move",
    )
    parser.add_argument(
        "--baselines",
        action="store_true",
        help="with --pages: give nine CĐCS in ten a baseline first (the 'members now' column)",
    )
    parser.add_argument("--only-pages", action="store_true", help="skip the figures table")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from organisation.models import Unit
    from plans.models import Plan, PlanUnit

    rng = random.Random(args.seed)
    print(f"# progress bench on {connection.vendor}, scale {args.scale}")
    if args.reuse and Plan.objects.filter(number="QG/2024").exists():
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        national = Plan.objects.get(number="QG/2024")
        province_plan = Plan.objects.get(number="T01/2024")
        ids = {
            "nation": national.issuing_unit_id,
            "provinces": list(
                PlanUnit.objects.filter(plan=national).values_list("unit_id", flat=True)
            ),
            "uppers": list(Unit.objects.filter(kind="district").values_list("id", flat=True)),
            "province": province_plan.issuing_unit_id,
            "province_uppers": list(
                PlanUnit.objects.filter(plan=province_plan).values_list("unit_id", flat=True)
            ),
            "national_plan": national,
            "province_plan": province_plan,
        }
    else:
        t0 = time.perf_counter()
        ids = build(args.scale, rng)
        print(f"  built in {time.perf_counter() - t0:.1f} s")
    from progress import rollup
    from progress.models import DayTotal, Record

    if not rollup.is_built():
        t0 = time.perf_counter()
        rows = rollup.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"  rollup rebuilt: {rows:,} rows in {time.perf_counter() - t0:.1f} s")
    print(
        f"  {Unit.objects.count():,} units, {Record.objects.count():,} records, "
        f"{DayTotal.objects.count():,} rollup rows"
    )
    print()
    if args.only_pages:
        args.pages = True
    else:
        print_figures(ids)
    if args.pages:
        if args.baselines:
            added = ensure_baselines()
            print(f"  baselines: {added:,} added (31/12/2023)")
        print()
        print(
            "| page | period | whole page ms, cold / cached body "
            "| after a reorganisation ms, cold / cached |"
        )
        print("|---|---|---|---|")
        for label, period, before, after in pages(ids):
            print(f"| {label} | {period} | {before} | {after} |")


def print_figures(ids: dict) -> None:
    print(
        "| scope | period | units | achieved() ms (rollup) | dashboard build ms "
        "| direct aggregate ms (no rollup) | bare SQL ms | achieved / bare |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, period, n, t_ach, t_board, t_direct, t_bare in run(ids):
        board = f"{t_board:.1f}" if t_board is not None else "—"
        print(
            f"| {label} | {period} | {n} | {t_ach:.1f} | {board} | {t_direct:.1f} | "
            f"{t_bare:.1f} | {t_ach / t_bare:.2f}× |"
        )


class _Rollback(Exception):
    pass


def ensure_baselines() -> int:
    """Nine CĐCS in ten have a baseline (members, workers) on 31/12/2023, as a federation's
    imported list gives them: the dashboards' "members now" adds the records since."""
    from django.db import connection

    from organisation.models import Baseline

    if Baseline.objects.exists():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO organisation_baseline (unit_id, on_date, members, workers, source) "
            "SELECT id, %s, 15 + id %% 40, 30 + id %% 90, 'bench' FROM organisation_unit "
            "WHERE kind IN ('grassroots', 'informal') AND id %% 10 <> 0",
            [datetime.date(2023, 12, 31)],
        )
        added = cursor.rowcount
    from progress import stock_rollup

    stock_rollup.rebuild()  # written in bulk, past the services: members now follows
    return added


def pages(ids: dict, repeat: int = 5) -> list[tuple]:
    """Whole-page times (test client, DEBUG as set, the whole stack: middleware, session, view,
    figures, chart, template) of the province and national dashboards, month and year, before
    and after a reorganisation: one upper-level union of the first province moves to the second
    province on 15/07/2024 (in a transaction rolled back afterwards, so --reuse stays valid)."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from organisation.models import Unit
    from organisation.services import move_unit
    from plans.models import Period

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("collectstatic", "--noinput", verbosity=0)  # as gunicorn serves it (manifest)
    user = User.objects.filter(username="bench.pages").first()
    if user is None:
        user = User.objects.create_superuser("bench.pages", None, None)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cases = [
        ("province dashboard (13 rows)", ids["province_plan"]),
        ("national dashboard (64 rows)", ids["national_plan"]),
        (f"national, every upper-level union ({len(ids['uppers']) + 1} rows)", _wide_plan(ids)),
    ]

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def times():
        found = []
        for label, plan in cases:
            for code in ("thang-7", "nam-2024"):
                period = Period.objects.get(plan=plan, code=code)
                url = reverse("progress:dashboard", args=[plan.pk, period.code])
                warm = timed(lambda url=url: page(url), repeat)
                # Cold: the rendered fragments thrown away first, as after any write.
                cold = timed(lambda url=url: page(url), repeat, before=caches["fragments"].clear)
                found.append((label, period.name, f"{cold:.1f} / {warm:.1f}"))
        return found

    before = times()
    try:
        with transaction.atomic():
            province = Unit.objects.get(pk=ids["province"])
            moved = Unit.objects.get(pk=ids["province_uppers"][-1])
            target = Unit.objects.filter(pk__in=ids["provinces"]).exclude(pk=province.pk).first()
            t0 = time.perf_counter()
            move_unit(unit=moved, new_parent=target, on_date=datetime.date(2024, 7, 15), user=user)
            print(f"  moved {moved.name} (its CĐCS and records) to {target.name} in "
                  f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
            after = times()
            raise _Rollback
    except _Rollback:
        pass
    return [(b[0], b[1], b[2], a[2]) for b, a in zip(before, after, strict=True)]


if __name__ == "__main__":
    main()
