"""Benchmark: the member and enterprise imports against a bare parse of the same file.

Generates (in its OWN database, never the demo one) a member list and an enterprise survey list
in the layouts the tests use (tests/progress/excel_files.py, tests/enterprises/conftest.py):
title rows, a header, one row per person / enterprise; a tenth of the enterprises are already
in the register (the import updates them and adds a survey), the others are new. For each file,
side by side in one run:

- the bare parse: openpyxl ``load_workbook(read_only=True, data_only=True)`` reading every
  row's values, nothing else;
- the full import: ``call_command("import_members" | "import_enterprises", …)`` — reading,
  checking, writing with history and the rollup — inside a transaction rolled back afterwards,
  so every run starts from the same database. On PostgreSQL the foreign keys a commit would
  check (Django defers them to the commit) are checked before the rollback
  (``SET CONSTRAINTS ALL IMMEDIATE``): without it the bench left out a fifth of the import.

The two are run in turns (parse, import, parse, import…), each from a freshly collected heap,
so that a change in the machine's load falls on both. Prints the median of --runs runs of
each, their ratio, and the median of each import's ratio to the parse just before it
("paired", the steadier figure on a shared machine; the aim: ≤ 2×).

openpyxl writes text as inline strings; Excel (and LibreOffice) keep it in a shared-strings
table, which openpyxl's read-only parse reads up front and which makes its parse of the cells
cheaper. --shared-strings times files in that form (the same rows, text moved to the table by
tests/core/xlsx_variants.py), as a list saved by Excel arrives.

Usage (from the project root):

    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 .venv/bin/python bench/import_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \
        .venv/bin/python bench/import_bench.py --full

--as-officer runs each import as the province's administrator (``--as bench.admin``), as an
upload through the web is attributed to its officer: every row then names its account (the
system actor of a plain command names none); the per-account limit of CCCDs a minute is
lifted for it.

Quick sizes by default (2 000 members, 200 enterprises); --full is 20 000 and 2 000;
--members N / --enterprises N for others; --shared-strings as above; --only members |
enterprises times that import alone.

--writers-wait: instead of the ratios, how long other officers' saves wait behind a member
import. ``manage.py import_members`` of the member list (new CCCDs each time; committed, as
an officer's import is) runs in its own process while 8 writer threads save admission batches
(``services.record_batch``) for another CĐCS of the same province, on days of the list's
admissions (so on PostgreSQL they share the province's rollup rows with the import). Prints
the import's time, the saves done meanwhile and their wait: median / p95 / max (the aim:
≤ 1 s), and every error.

    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 .venv/bin/python bench/import_bench.py \
        --full --writers-wait
"""

import argparse
import datetime
import gc
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNION = "CĐCS Công ty Bench"
OTHER_UNION = "CĐCS Công ty Bench Hai"  # where the officers save during --writers-wait
WRITERS = 8
UPPER = ["LĐLĐ huyện Bench Một", "LĐLĐ huyện Bench Hai", "LĐLĐ huyện Bench Ba"]
EXISTING_SHARE = 0.1  # of the enterprise rows, already in the register
SURNAMES = ["Lò", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Sơn"]
ETHNICITIES = ["Kinh", "Thái", "Mông", "Dao", "Hà Nhì", "Giáy"]
KINDS = ["Công ty TNHH", "Công ty cổ phần", "DNTN", "Hợp tác xã", "TNHH MTV", "FDI"]


class Rollback(Exception):
    pass


def setup_django():
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to the bench's own database (never the demo db.sqlite3).")
    if "db.sqlite3" in url and str(ROOT) in url:
        sys.exit("Refusing to benchmark in the demo database; use a separate file.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # As a command runs in production: with DEBUG on, Django also keeps every query's text.
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()


def prepare(n_enterprises: int, rng: random.Random):
    """The units (created once) and the register part of the enterprise list."""
    from django.core.management import call_command

    from accounts.permissions import system_actor
    from enterprises.models import Enterprise
    from enterprises.services import create_enterprise
    from organisation.models import Sector, Unit, UnitKind
    from organisation.services import create_unit

    call_command("migrate", verbosity=0)
    actor = system_actor("import_bench")
    province = Unit.objects.filter(name="LĐLĐ tỉnh Bench").first() or create_unit(
        name="LĐLĐ tỉnh Bench", kind=UnitKind.PROVINCE, user=actor
    )
    uppers = []
    for name in UPPER:
        uppers.append(
            Unit.objects.filter(name=name).first()
            or create_unit(name=name, kind=UnitKind.DISTRICT, parent=province, user=actor)
        )
    for name, upper in ((UNION, uppers[0]), (OTHER_UNION, uppers[1])):
        if not Unit.objects.filter(name=name).exists():
            create_unit(
                name=name,
                kind=UnitKind.GRASSROOTS,
                parent=upper,
                sector=Sector.ENTERPRISE_LARGE,
                valid_from=datetime.date(2020, 1, 1),
                user=actor,
            )
    rows = enterprise_rows(n_enterprises, rng)
    existing = rows[: int(n_enterprises * EXISTING_SHARE)]
    have = set(Enterprise.objects.values_list("name", flat=True))
    by_name = {u.name: u for u in uppers}
    for _number, name, tax, _address, unit, _kind, _industry, workers, _day in existing:
        if name not in have:
            create_enterprise(
                name=name,
                unit=by_name[unit],
                user=actor,
                tax_code=tax,
                workers=workers - 3,
                surveyed_on=datetime.date(2023, 6, 1),
            )
    return rows


def officer() -> str:
    """The username of the bench province's administrator (created once)."""
    from accounts.models import Role, User
    from organisation.models import Unit

    user = User.objects.filter(username="bench.admin").first() or User(username="bench.admin")
    user.role, user.unit = Role.PROVINCE_ADMIN, Unit.objects.get(name="LĐLĐ tỉnh Bench")
    user.set_unusable_password()
    user.save()
    return user.username


def tax_codes(rng: random.Random):
    """Distinct valid 10-digit tax codes (mst check digit)."""
    from stdnum.vn import mst

    seen = set()
    while True:
        body = f"01{rng.randrange(10**7):07d}"
        digit = mst.calc_check_digit(body)
        if len(digit) == 1 and body not in seen:
            seen.add(body)
            yield body + digit


def enterprise_rows(n: int, rng: random.Random) -> list[tuple]:
    codes = tax_codes(random.Random(11))
    rows = []
    for i in range(1, n + 1):
        rows.append(
            (
                i,
                f"{rng.choice(KINDS)} Bench {i:05d}",
                next(codes) if i % 5 else None,  # a fifth without a tax code: matched by name
                f"Số {i}, đường {rng.choice(GIVEN)}",
                UPPER[i % len(UPPER)],
                rng.choice(KINDS),
                rng.choice(["Chế biến chè", "Xây dựng", "Thương mại", "Khai khoáng"]),
                rng.randint(5, 900),
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 6):02d}/2024",
            )
        )
    return rows


def write_enterprises(path: Path, rows):
    from tests.enterprises.conftest import xlsx_bytes

    header = (
        "STT", "Tên doanh nghiệp", "Mã số thuế", "Địa chỉ", "Công đoàn cấp trên", "Loại hình",
        "Ngành nghề", "Số lao động", "Ngày khảo sát",
    )  # fmt: skip
    title = [("LIÊN ĐOÀN LAO ĐỘNG TỈNH BENCH",), ("DANH SÁCH DOANH NGHIỆP KHẢO SÁT NĂM 2024",), ()]
    path.write_bytes(xlsx_bytes([*title, header, *rows]))


def member_rows(n: int, rng: random.Random, first: int = 1) -> list[list]:
    rows = []
    for i in range(first, first + n):
        rows.append(
            [
                f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {i}",
                datetime.datetime(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                rng.choice(["Nam", "Nữ"]),
                rng.choice(ETHNICITIES),
                f"0{rng.randint(1, 96):02d}{i:09d}",
                "Công nhân",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 6):02d}/2024",
            ]
        )
    return rows


def bare_parse(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = 0
        for sheet in workbook.worksheets:
            for _values in sheet.iter_rows(values_only=True):
                rows += 1
        return rows
    finally:
        workbook.close()


def full_import(command: str, *args) -> str:
    """The import as a command runs it, then rolled back (the next run starts the same)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    out = io.StringIO()
    try:
        with transaction.atomic():
            call_command(command, *args, stdout=out, stderr=out)
            if connection.vendor == "postgresql":
                # What the commit would check: Django's foreign keys are deferred to it
                # (SQLite checks them row by row as they are written).
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            raise Rollback
    except Rollback:
        pass
    return out.getvalue()


def settle():
    """After a rolled-back import, untimed: PostgreSQL's dead rows vacuumed away (autovacuum
    would in time; this server may have it off), so every run starts from the same tables."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def timed_in_turns(fns, runs: int) -> tuple[list[tuple[float, object]], list[list[float]]]:
    """Each function run ``runs`` times, in turns; (median seconds, last result) of each, and
    every run's seconds (by function, in turn order)."""
    times: list[list[float]] = [[] for _ in fns]
    results: list[object] = [None for _ in fns]
    for _ in range(runs):
        for at, fn in enumerate(fns):
            gc.collect()  # each run starts from a clean heap: no collection owed by the last
            t0 = time.perf_counter()
            results[at] = fn()
            times[at].append(time.perf_counter() - t0)
            settle()
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)], times


def writers_wait(n_members: int, rng: random.Random) -> None:
    """The --writers-wait measurement (see the module's note)."""
    import subprocess
    import threading

    from django.db import connections

    from accounts.permissions import system_actor
    from organisation.models import Unit
    from progress import services
    from progress.models import Member, RecordKind
    from tests.core.xlsx_variants import with_shared_strings
    from tests.progress.excel_files import member_list

    actor = system_actor("import_bench")
    other = Unit.objects.get(name=OTHER_UNION)
    # New CCCDs each time, never those of the ratio runs (numbered from 1): the last 9 digits
    # from 500 000 000 on, past the members already in the bench's database.
    first = 500_000_000 + (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    waits: list[float] = []
    errors: list[str] = []
    done = threading.Event()
    lock = threading.Lock()

    def writer(seed: int):
        own = random.Random(seed)
        try:
            while not done.is_set():
                day = datetime.date(2024, own.randint(1, 6), own.randint(1, 28))
                began = time.perf_counter()
                try:
                    services.record_batch(
                        kind=RecordKind.ADMITTED, union=other, on_date=day, count=1, user=actor
                    )
                except Exception as error:  # noqa: BLE001 — counted and printed
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    continue
                with lock:
                    waits.append(time.perf_counter() - began)
        finally:
            connections.close_all()

    with tempfile.TemporaryDirectory() as folder:
        path = member_list(Path(folder) / "members.xlsx", member_rows(n_members, rng, first))
        if "--shared-strings" in sys.argv:
            path.write_bytes(with_shared_strings(path.read_bytes()))
        connections.close_all()
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # the writers running before the import starts
        before = len(waits)
        began = time.perf_counter()
        command = [sys.executable, str(ROOT / "manage.py"), "import_members", str(path)]
        finished = subprocess.run(
            [*command, "--union", UNION], cwd=ROOT, capture_output=True, text=True, check=False
        )
        took = time.perf_counter() - began
        time.sleep(0.5)  # and a little after it
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    during = sorted(waits[before:])
    if finished.returncode != 0:
        errors.append(f"import_members exit {finished.returncode}: {finished.stderr[-500:]}")

    def ms(seconds):
        return f"{seconds * 1000:,.0f}"

    print(f"| measure | value |\n|---|---|\n| import_members ({n_members:,} rows) | {took:.2f} s |")
    print(f"| saves by {WRITERS} officers during the import | {len(during)} |")
    if during:
        p95 = during[int(0.95 * (len(during) - 1))]
        print(
            f"| save wait: median / p95 / max | {ms(statistics.median(during))} / {ms(p95)} / "
            f"{ms(during[-1])} ms |"
        )
    print(f"| errors | {len(errors)} |")
    for error in errors[:10]:
        print("  ", error)
    sys.exit(1 if errors else 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="20 000 members, 2 000 enterprises")
    parser.add_argument("--members", type=int)
    parser.add_argument("--enterprises", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--shared-strings", action="store_true", help="text in a shared-strings table (as Excel)"
    )
    parser.add_argument(
        "--only",
        choices=("members", "enterprises"),
        help="time only this import (the other list is not written)",
    )
    parser.add_argument(
        "--as-officer",
        action="store_true",
        help="import as the province's administrator account (as an upload through the web)",
    )
    parser.add_argument(
        "--writers-wait",
        action="store_true",
        help="the wait of 8 officers' saves during a committed member import",
    )
    args = parser.parse_args()
    n_members = args.members or (20_000 if args.full else 2_000)
    n_enterprises = args.enterprises or (2_000 if args.full else 200)
    setup_django()
    from django.conf import settings
    from django.db import connection

    from progress.models import Member
    from tests.core.xlsx_variants import with_shared_strings
    from tests.progress.excel_files import member_list

    rng = random.Random(args.seed)
    strings = "shared-strings table" if args.shared_strings else "inline strings (openpyxl's)"
    print(f"# import bench on {connection.vendor}, text as {strings}: median of {args.runs} runs")
    t0 = time.perf_counter()
    rows = prepare(n_enterprises, rng)
    actor = ["--as", officer()] if args.as_officer else []
    if args.as_officer:
        # What is timed is the import, not the per-account limit on CCCDs a minute (which
        # refuses a list of more than 600 from one account: progress.services).
        settings.MEMBER_ENTRY_PER_MINUTE = 10**9
    settle()
    if args.writers_wait:
        writers_wait(n_members, rng)
        return
    before = Member.objects.count()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        members_file = Path(folder) / "members.xlsx"
        enterprises_file = Path(folder) / "enterprises.xlsx"
        wanted = []
        if args.only in (None, "members"):
            member_list(members_file, member_rows(n_members, rng))
            wanted.append(members_file)
        if args.only in (None, "enterprises"):
            write_enterprises(enterprises_file, rows)
            wanted.append(enterprises_file)
        if args.shared_strings:
            for path in wanted:
                path.write_bytes(with_shared_strings(path.read_bytes()))
        print(f"  files written in {time.perf_counter() - t0:.1f} s")
        cases = [
            (f"import_members ({n_members:,} rows)", members_file,
             lambda: full_import("import_members", str(members_file), "--union", UNION, *actor),
             f"Đã kết nạp {n_members}"),
            (f"import_enterprises ({n_enterprises:,} rows, "
             f"{int(n_enterprises * EXISTING_SHARE):,} already registered)", enterprises_file,
             lambda: full_import("import_enterprises", str(enterprises_file), *actor),
             "bị từ chối: 0"),
        ]  # fmt: skip
        for label, path, run, expect in cases:
            if path not in wanted:
                continue
            ((t_parse, _n), (t_import, output)), (parses, imports) = timed_in_turns(
                [lambda path=path: bare_parse(path), run], args.runs
            )
            # Each import against the parse just before it: the machine's load shifts both.
            paired = statistics.median(i / p for p, i in zip(parses, imports, strict=True))
            if expect not in output:
                sys.exit(f"{label}: unexpected output:\n{output[:2000]}")
            results.append((label, path.stat().st_size, t_parse, t_import, paired))
    if Member.objects.count() != before:
        sys.exit("The imports were not rolled back.")
    print()
    print("| import | file KB | bare parse s | full import s | import / parse | paired |")
    print("|---|---|---|---|---|---|")
    for label, size, t_parse, t_import, paired in results:
        print(
            f"| {label} | {size / 1024:,.0f} | {t_parse:.2f} | {t_import:.2f} | "
            f"{t_import / t_parse:.2f}× | {paired:.2f}× |"
        )


if __name__ == "__main__":
    main()
