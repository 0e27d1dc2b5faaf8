"""Benchmark: what one dashboard request costs the server (issue 12 item 2).

Loads the demo (2024 only) in its OWN database, signs in as a province administrator and as a
unit officer, and requests the dashboard of each period (the year and the peak month) through
Django's test client with DEBUG off, as gunicorn would run it: middleware, session, context
processors, view, template. For each (user, period) it prints the median wall time and CPU
time of --repeat requests after a warm-up, the CPU median of --repeat more with the page
fragments cache emptied before each (every fragment drawn again), the CPU median of --repeat
more each right after one admission recorded through the write service (the first read after
a write: the figures changed, so the body is drawn again; the write itself is not timed), the
number of SQL queries, and how many of them repeat a query already made in the same request
(same SQL and parameters). Each run adds 4 × --repeat one-member admission batches to its
database.

    DATABASE_URL=sqlite:////tmp/bench-dash.sqlite3 .venv/bin/python bench/dashboard_profile.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash .venv/bin/python \
        bench/dashboard_profile.py --repeat 50

--profile N prints the N heaviest functions (cProfile, cumulative) of the province
administrator's year view (--cold: with the fragments cache emptied before each request, as
the first read after a write); --queries prints each request's SQL.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    url = os.environ.get("DATABASE_URL", "")
    if not url or ("db.sqlite3" in url and str(ROOT) in url):
        sys.exit("Set DATABASE_URL to the bench's own database (never the demo db.sqlite3).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def prepare():
    from django.core.management import call_command

    from accounts.models import Role, User
    from organisation.models import UnitKind
    from plans.models import Plan, PlanUnit

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # as gunicorn serves it (manifest)
    if not Plan.objects.filter(year=2024).exists():
        call_command("load_demo", "--only-2024", verbosity=0)
    plan = Plan.objects.get(year=2024)
    province = plan.issuing_unit
    rows = PlanUnit.objects.filter(plan=plan, unit__kind=UnitKind.DISTRICT).order_by("unit_id")
    district = rows.first().unit
    users = {}
    for username, role, unit in (
        ("bench.admin", Role.PROVINCE_ADMIN, province),
        ("bench.officer", Role.UNIT_OFFICER, district),
    ):
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.unit = role, unit
        user.set_unusable_password()
        user.save()
        users[role] = user
    return plan, users


def measure(client, url, repeat, write=None):
    """(walls, CPU times, the same with the page fragments cache emptied before each request —
    every fragment drawn again —, the same right after a write (``write()``, not timed: one
    admission, so the figures and the body's key change while the parts that do not depend on
    the figures stay cached), the queries of one request)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    walls, cpus, cold = [], [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.thread_time()
        client.get(url)
        cpus.append(time.thread_time() - c0)
        walls.append(time.perf_counter() - w0)
    for _ in range(repeat):
        caches["fragments"].clear()
        c0 = time.thread_time()
        client.get(url)
        cold.append(time.thread_time() - c0)
    written = []
    for _ in range(repeat if write else 0):
        write()
        c0 = time.thread_time()
        client.get(url)
        written.append(time.thread_time() - c0)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return walls, cpus, cold, written, queries.captured_queries


def _writer(plan, users):
    """One admission on 15/07/2024 (inside every 2024 period) in a CĐCS of the officer's
    district, through the write service: it changes a figure on both users' dashboards."""
    import datetime

    from accounts.models import Role
    from organisation.models import Unit, UnitKind, UnitPath
    from progress import services

    officer = users[Role.UNIT_OFFICER]
    below = UnitPath.objects.filter(ancestor=officer.unit, depth__gt=0).values("descendant_id")
    union = Unit.objects.filter(id__in=below, kind=UnitKind.GRASSROOTS).order_by("pk").first()

    def write():
        services.record_batch(
            kind="admitted", union=union, on_date=datetime.date(2024, 7, 15), count=1,
            user=users[Role.PROVINCE_ADMIN], note="bench",
        )  # fmt: skip

    return write


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--cold", action="store_true", help="--profile with the cache emptied")
    parser.add_argument("--queries", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    # Not setup_test_environment(): its template instrumentation would add to the cost.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    plan, users = prepare()
    print(f"# one dashboard request on {connection.vendor} (DEBUG off, test client)\n")
    print(
        "| user | period | units × indicators | wall median ms | CPU median / min ms "
        "| CPU median ms, cache emptied | CPU median ms, after a write | queries | repeated |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    write = _writer(plan, users)
    for role, user in users.items():
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for period in plan.periods.order_by("sort_order"):
            url = reverse("progress:dashboard", args=[plan.pk, period.code])
            walls, cpus, cold, written, queries = measure(client, url, args.repeat, write)
            html = client.get(url).content.decode()
            size = f"{html.count('data-unit=')} × {html.count('data-indicator=') // max(html.count('data-unit='), 1)}"
            seen = Counter(q["sql"] for q in queries)
            repeated = sum(n - 1 for n in seen.values())
            print(
                f"| {role} | {period.name} | {size} | {1000 * statistics.median(walls):.1f} | "
                f"{1000 * statistics.median(cpus):.1f} / {1000 * min(cpus):.1f} | "
                f"{1000 * statistics.median(cold):.1f} | "
                f"{1000 * statistics.median(written):.1f} | {len(queries)} | "
                f"{repeated} |"
            )
            if args.queries:
                for q in queries:
                    print(f"    {q['time']}s {q['sql'][:300]}")
    if args.profile:
        client = Client()
        client.force_login(
            users["province_admin"], backend="django.contrib.auth.backends.ModelBackend"
        )
        period = plan.periods.order_by("sort_order").first()
        url = reverse("progress:dashboard", args=[plan.pk, period.code])
        client.get(url)
        from django.core.cache import caches

        profiler = cProfile.Profile()
        for _ in range(args.repeat):
            if args.cold:
                caches["fragments"].clear()
            profiler.enable()
            client.get(url)
            profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
