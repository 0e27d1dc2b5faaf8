"""Load test: N signed-in officers against a real server on loopback (issue 12 item 5).

Each virtual officer signs in as a unit officer of one district, then loops for --seconds:
mostly dashboard reads (the year and the peak month, their records drill-down), and every
--write-every-th request an admission batch ("Nhập theo số lượng") for one of its CĐCS. The
server is gunicorn with the project's settings (as `make run` starts it), on its OWN database:

    DATABASE_URL=sqlite:////tmp/load.sqlite3 .venv/bin/python bench/load_test.py --users 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load .venv/bin/python bench/load_test.py \
        --users 200 --seconds 60

--import-rows N runs an N-row member import (import_members) in a separate process while the
officers work, to see that a long import never turns their pages into errors; a second row
gives the figures of the requests that started while it ran. --pause S makes
each officer wait S seconds (±50 %) after each request, as a person reading the page; without
it the officers loop with no pause and the latency is the queue (officers ÷ throughput).
--rate R paces them instead: together they start R requests a second on a fixed schedule (each
officer one every officers ÷ R seconds, ±50 %), whatever the server's answers take (an open
workload, as people arriving at a deadline). A request that starts late because its officer was
still waiting for the previous answer counts from the moment it was due, so a slow server's
queue shows in the latency instead of hiding in fewer requests (no "coordinated omission").

The officers sign in first (up to 10 minutes each, 3 tries: 200 slow password hashes at once);
the clock (and the counts) start once all of them are signed in. A write's time is the POST and
the page its redirect leads to (the entry page, which lists the batch), as a browser sees it. Printed:
requests/s, median / p95 / max latency for reads and for writes, the server's CPU time
(gunicorn master and workers, from /proc) per request — a figure that other load on the machine
disturbs far less than latency —, errors by kind (HTTP status, "database is locked" in a body,
connection errors, a sign-in that failed, a page that is the sign-in page instead — an officer
signed out —, a write answered with the form again instead of the register). Exit code 1 on any
error.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Tai-Thu-2024!"
WRITE_DAY = datetime.date(2024, 7, 15)  # the day every admission batch is recorded on
DAY_TEXT = WRITE_DAY.strftime("%d/%m/%Y")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup_django():
    url = os.environ.get("DATABASE_URL", "")
    if not url or ("db.sqlite3" in url and str(ROOT) in url):
        sys.exit("Set DATABASE_URL to the load test's own database (never the demo db.sqlite3).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare(users: int) -> dict:
    """Demo data (2024 only), one account per virtual officer, the URLs they use."""
    from django.core.management import call_command
    from django.db.models import Q

    from accounts.models import Role, User
    from organisation.models import Unit, UnitKind, UnitPath
    from plans.models import Plan

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--only-2024", verbosity=0)
    from django.contrib.auth.hashers import make_password

    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("pk"))
    plan = Plan.objects.get(year=2024)
    accounts = []
    # One deliberately slow hash for every account (the same password): 200 hashes took minutes.
    password = make_password(PASSWORD)
    for n in range(users):
        district = districts[n % len(districts)]
        username = f"tai.{n:03d}"
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.unit = Role.UNIT_OFFICER, district
        user.password = password
        user.save()
        below = UnitPath.objects.filter(ancestor=district, depth__gt=0).values("descendant_id")
        unions = Unit.objects.filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=WRITE_DAY),
            id__in=below, kind=UnitKind.GRASSROOTS, founded_on__lte=WRITE_DAY,
        ).order_by("pk")  # fmt: skip
        # The district's officers enter for different CĐCS (the n-th officer of a district for
        # its n-th CĐCS, round the list), as a district's staff share out its unions.
        mine = list(unions.values_list("pk", flat=True))
        accounts.append((username, mine[(n // len(districts)) % len(mine)]))
    periods = [p.code for p in plan.periods.all()]
    return {"plan": plan.pk, "periods": periods, "accounts": accounts}


class Officer(threading.Thread):
    def __init__(self, base, username, union_id, setup, args, stats, stop, go, ready):
        super().__init__(daemon=True)
        self.base, self.username, self.union_id = base, username, union_id
        self.setup, self.args, self.stats, self.stop = setup, args, stats, stop
        self.go, self.ready = go, ready
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.jitter = random.Random(username)
        self.due = 0.0  # --rate: when this officer's next request is due (perf_counter)

    def _start(self) -> float:
        """When the request counts from: now, or with --rate the moment it was due (after
        waiting for it if it is still to come)."""
        if not self.args.rate:
            return time.perf_counter()
        self.stop.wait(max(0.0, self.due - time.perf_counter()))
        due = self.due
        self.due += len(self.setup["accounts"]) / self.args.rate * self.jitter.uniform(0.5, 1.5)
        return due

    def _call(self, kind, path, data=None, *, timeout=60, count=True):
        """The page's text and the URL it ended on (after redirects); errors counted."""
        started = self._start() if count else time.perf_counter()
        if self.stop.is_set() and count:
            return "", ""
        try:
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            request = urllib.request.Request(self.base + path, data=body)
            request.add_header("Referer", self.base + path)
            with self.opener.open(request, timeout=timeout) as response:
                text = response.read().decode("utf-8", "replace")
                status, landed = response.status, response.geturl()
        except urllib.error.HTTPError as exc:
            text, status, landed = exc.read().decode("utf-8", "replace"), exc.code, ""
        except Exception as exc:  # a refused or reset connection is an error too
            if count:
                self.stats.error(f"connection: {type(exc).__name__}")
            return "", ""
        elapsed = time.perf_counter() - started
        if not count:
            return text, landed
        if status >= 400:
            self.stats.error(f"HTTP {status}")
        elif "database is locked" in text:
            self.stats.error("database is locked")
        elif urllib.parse.urlsplit(landed).path.startswith("/accounts/login/"):
            self.stats.error("signed out (the sign-in page instead)")
        elif kind == "write" and urllib.parse.urlsplit(landed).path != "/progress/entry/":
            self.stats.error("write refused (the form again)")
        else:
            self.stats.ok(kind, elapsed, started)
        return text, landed

    def _form(self, path, fields):
        page, _landed = self._call("read", path)
        token = CSRF.search(page)
        if token:
            self._call("write", path, {"csrfmiddlewaretoken": token.group(1), **fields})

    def sign_in(self) -> bool:
        """Before the clock starts, not counted: 200 sign-ins at once queue for minutes behind
        their deliberately slow password hashes, so each may take up to 10 minutes, 3 tries."""
        for _attempt in range(3):
            page, _landed = self._call("signin", "/accounts/login/", timeout=600, count=False)
            token = CSRF.search(page)
            if not token:
                continue
            fields = {"username": self.username, "password": PASSWORD}
            _page, landed = self._call(
                "signin", "/accounts/login/", {"csrfmiddlewaretoken": token.group(1), **fields},
                timeout=600, count=False,
            )  # fmt: skip
            if landed and not urllib.parse.urlsplit(landed).path.startswith("/accounts/login/"):
                return True
        return False

    def run(self):
        # Signed in before the clock starts: the officers are already at work (a sign-in costs
        # a deliberately slow password hash; 200 of them in the window measured the hashing).
        if not self.sign_in():
            self.stats.error("sign-in failed")
        self.ready.release()
        self.go.wait()
        if self.args.rate:  # spread the officers' first requests over one interval
            interval = len(self.setup["accounts"]) / self.args.rate
            self.due = time.perf_counter() + self.jitter.uniform(0, interval)
        plan, periods = self.setup["plan"], self.setup["periods"]
        # Each officer's writes fall on its own turns (else all would write at once, every
        # --write-every-th round).
        n = self.jitter.randrange(self.args.write_every)
        while not self.stop.is_set():
            n += 1
            if n % self.args.write_every == 0:
                self._form(
                    "/progress/batch/",
                    {"union": self.union_id, "kind": "admitted", "date": DAY_TEXT, "count": 1,
                     "reason": "", "note": "tải thử"},
                )  # fmt: skip
            else:
                self._call("read", f"/progress/{plan}/{periods[n % len(periods)]}/")
            if self.args.pause:  # an officer reading the page before the next click
                self.stop.wait(self.args.pause * self.jitter.uniform(0.5, 1.5))


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = {"read": [], "write": []}
        self.started: list[tuple[float, str, float]] = []  # (start, kind, seconds) of each
        self.errors: dict[str, int] = {}

    def ok(self, kind, seconds, started):
        with self.lock:
            self.times[kind].append(seconds)
            self.started.append((started, kind, seconds))

    def reset(self):
        with self.lock:
            self.times = {"read": [], "write": []}
            self.started = []

    def between(self, start, end) -> dict[str, list[float]]:
        """The times of the requests that started in [start, end]."""
        times = {"read": [], "write": []}
        for began, kind, seconds in self.started:
            if start <= began <= end:
                times[kind].append(seconds)
        return times

    def error(self, what):
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def _percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master and its workers so far (Linux /proc)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def start_server(port: int, workers: int, threads: int, preload: bool) -> subprocess.Popen:
    """gunicorn as `make run` starts it (config/gunicorn.py), with these workers and threads."""
    env = {**os.environ, "DEBUG": "0", "WEB_WORKERS": str(workers), "WEB_THREADS": str(threads)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", *(["--preload"] if preload else [])],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except Exception:
            time.sleep(0.2)
    server.kill()
    sys.exit("The server did not start.")


def start_import(rows: int, union_name: str) -> subprocess.Popen:
    sys.path.insert(0, str(ROOT))
    from tests.progress.excel_files import good_rows, member_list  # the layout the tests use

    folder = Path(tempfile.mkdtemp())
    path = folder / "tai.xlsx"
    people = [good_rows(1)[0][:] for _ in range(rows)]
    # CCCDs not used by an earlier run on the same database (they would all be refused).
    first = 40_000_000_000 + (int(time.time()) % 5_000) * 1_000_000
    for i, row in enumerate(people):
        row[0] = f"Người Tải Thử {i}"
        row[4] = f"0{first + i:011d}"
    member_list(path, people)
    # Its messages to a file: a pipe nobody reads fills up and stops the import.
    log = (folder / "import.log").open("w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_members", str(path), "--union", union_name],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--write-every", type=int, default=10)
    from config import gunicorn as served  # what `make run` serves with, unless given

    parser.add_argument("--workers", type=int, default=served.workers)
    parser.add_argument("--threads", type=int, default=served.threads)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--import-rows", type=int, default=0)
    # Seconds each officer waits after a request (±50 %): 0 is a closed loop, where latency is
    # the queue (officers ÷ throughput); a pause models people reading the page.
    parser.add_argument("--pause", type=float, default=0.0)
    # Requests a second the officers start together, on a schedule (an open workload); 0 = off.
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--preload", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    setup_django()
    from organisation.models import Unit

    setup = prepare(args.users)
    server = start_server(args.port, args.workers, args.threads, args.preload)
    importer = None
    try:
        stats, stop, go, ready = (
            Stats(),
            threading.Event(),
            threading.Event(),
            threading.Semaphore(0),
        )
        officers = [
            Officer(f"http://127.0.0.1:{args.port}", u, union, setup, args, stats, stop, go, ready)
            for u, union in setup["accounts"]
        ]
        for officer in officers:
            officer.start()
        for _officer in officers:
            ready.acquire()  # every officer signed in
        stats.reset()
        if args.import_rows:
            union = Unit.objects.get(pk=setup["accounts"][0][1])
            importer = start_import(args.import_rows, union.name)
        cpu_before = server_cpu_seconds(server.pid)
        started = time.perf_counter()
        import_ended = None
        go.set()
        while time.perf_counter() - started < args.seconds:
            time.sleep(0.05)
            if importer is not None and import_ended is None and importer.poll() is not None:
                import_ended = time.perf_counter()  # the figures "during the import" end here
        stop.set()
        for officer in officers:
            officer.join(timeout=70)
        elapsed = time.perf_counter() - started
        cpu = server_cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    reads, writes = stats.times["read"], stats.times["write"]
    total = len(reads) + len(writes)
    from django.db import connection

    print(
        f"\n{args.users} officers, {args.seconds} s, {connection.vendor}, gunicorn "
        f"{args.workers}×{args.threads}{' --preload' if args.preload else ''}"
        f"{f', a pause of {args.pause} s between requests' if args.pause else ''}"
        f"{f', paced at {args.rate:g} requests/s' if args.rate else ''}"
        f"{f', while importing {args.import_rows} members' if importer else ''}\n"
    )
    print(
        "| requests | req/s | all median / p95 / max (ms) | read median / p95 / max (ms) "
        "| write median / p95 / max (ms) | server CPU ms / request | errors |"
    )
    print("|---|---|---|---|---|---|---|")

    def ms(values):
        if not values:
            return "—"
        return " / ".join(
            f"{1000 * v:.0f}"
            for v in (statistics.median(values), _percentile(values, 0.95), max(values))
        )

    errors = ", ".join(f"{k}: {v}" for k, v in stats.errors.items()) or "0"
    per_request = f"{1000 * cpu / total:.1f}" if total else "—"
    print(
        f"| {total} | {total / elapsed:.0f} | {ms(reads + writes)} | {ms(reads)} | {ms(writes)} "
        f"| {per_request} | {errors} |"
    )
    if importer is not None:
        window = (import_ended or time.perf_counter()) - started
        during = stats.between(started, started + window)
        count = len(during["read"]) + len(during["write"])
        print(
            f"| {count} during the import ({window:.0f} s{'' if import_ended else ', unfinished'}) "
            f"| {count / window:.0f} | {ms(during['read'] + during['write'])} "
            f"| {ms(during['read'])} | {ms(during['write'])} | | |"
        )
        code = importer.wait(timeout=600)
        print(
            f"\nimport_members exit code {code} (output: {Path(importer.args[3]).parent / 'import.log'})"
        )
    sys.exit(1 if stats.errors else 0)


if __name__ == "__main__":
    main()
