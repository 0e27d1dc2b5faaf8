"""Benchmark: the wire size of the heaviest pages, gzip-compressed as a browser receives them.

Loads the demo (in its OWN database, never the demo one), signs in as a province administrator
(who sees every page and every unit), and walks the site from the home page and the dashboards
of every period — following the links of each page (GET only; exports, sign-out, admin and
language switches skipped) up to --max-pages pages. Every page is requested with
``Accept-Encoding: gzip``; prints the heaviest pages with their HTML size and wire size, and
exits 1 when one is over --limit KB on the wire (or is not compressed).

Usage (from the project root):

    DATABASE_URL=sqlite:////tmp/bench-pages.sqlite3 .venv/bin/python bench/page_sizes.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages .venv/bin/python bench/page_sizes.py
"""

import argparse
import gzip
import html
import os
import re
import sys
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SKIP = re.compile(r"export|\.xlsx|/logout|/i18n/|/admin/|/static/|/media/|/healthz")
HREF = re.compile(r'href="(/[^"]*)"')


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


def prepare():
    from django.core.management import call_command

    from accounts.models import Role, User
    from accounts.services import create_user
    from core.demo import load_demo
    from organisation.models import Unit, UnitKind

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    load_demo()
    print(f"  demo loaded in {time.perf_counter() - t0:.1f} s")
    user = User.objects.filter(username="bench.pages").first()
    if user is None:
        user = create_user(
            username="bench.pages",
            password="Bench-Pages-2024!",
            role=Role.PROVINCE_ADMIN,
            unit=Unit.objects.filter(kind=UnitKind.PROVINCE).first(),
            validate=False,
        )
    return user


def start_urls():
    from django.urls import reverse

    from plans.models import Period

    urls = [reverse("home"), reverse("progress:dashboard_home")]
    # The long lists first (the walk stops at --max-pages).
    for name in ("progress:members", "enterprises:list", "enterprises:board", "organisation:tree",
                 "reports:list", "accounts:audit_log", "plans:list"):  # fmt: skip
        urls.append(reverse(name))
    for period in Period.objects.order_by("plan_id", "sort_order"):
        urls.append(reverse("progress:dashboard", args=[period.plan_id, period.code]))
    return urls


def crawl(client, max_pages: int):
    """(url, HTML bytes, wire bytes, Content-Encoding) of every page reached."""
    seen, pages = set(), []
    queue = deque(start_urls())
    while queue and len(pages) < max_pages:
        url = urldefrag(html.unescape(queue.popleft()))[0]
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        wire = response.content
        encoding = response.get("Content-Encoding", "")
        body = gzip.decompress(wire) if encoding == "gzip" else wire
        pages.append((url, len(body), len(wire), encoding))
        queue.extend(HREF.findall(body.decode("utf-8", "replace")))
    return pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-pages", type=int, default=3000)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--limit", type=float, default=50.0, help="KB on the wire (1 KB = 1024)")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host is allowed
    print(f"# page sizes on {connection.vendor}")
    user = prepare()
    client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    pages = crawl(client, args.max_pages)
    pages.sort(key=lambda page: -page[2])
    print(f"  {len(pages)} pages walked")
    print()
    print("| page | HTML KB | on the wire KB (gzip) | ratio |")
    print("|---|---|---|---|")
    for url, body, wire, encoding in pages[: args.top]:
        shown = f"{wire / 1024:.1f}" + ("" if encoding == "gzip" else " (not compressed)")
        print(f"| `{url}` | {body / 1024:.1f} | {shown} | {body / max(wire, 1):.1f}× |")
    over = [p for p in pages if p[2] > args.limit * 1024]
    plain = [p for p in pages if p[3] != "gzip" and p[1] >= 200]
    total = sum(p[2] for p in pages)
    print()
    print(
        f"  heaviest on the wire: {pages[0][2] / 1024:.1f} KB; all {len(pages)} pages "
        f"{total / 1024:.0f} KB; over {args.limit:g} KB: {len(over)}; not compressed: {len(plain)}"
    )
    if over or plain:
        sys.exit(1)


if __name__ == "__main__":
    main()
