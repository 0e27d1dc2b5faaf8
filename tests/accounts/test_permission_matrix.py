"""Permission matrix: every URL of the project × six roles × read (GET) and write (POST).

Each URL name has one entry in MATRIX (or matches one of RULES, for the Django admin's
generated model pages): how to build its arguments for an object of unit A, and which roles
may read it and write to it. Every other role must be refused: 403, 404, 405 or a redirect to
a sign-in page. A URL without an entry fails ``test_every_url_has_an_entry`` by name.

Roles: anonymous; province administrator; province viewer; officer of unit A (Mường Tè);
officer of unit B (Tam Đường); grassroots officer of a CĐCS under unit A.

Writes are POSTs with ``data`` (empty by default, so a permitted user usually gets the form
back with errors: the point is that the view let them in); each request runs in a transaction
that is rolled back, so one role's write does not change what the next role sees.
Set MATRIX_OBSERVE=1 to print the observed outcome of every URL, for writing new entries.
"""

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.matrix_objects import UnitAObjects

ANON, ADMIN, VIEWER, OFF_A, OFF_B, GRASS = (
    "anonymous",
    "province_admin",
    "province_viewer",
    "officer_a",
    "officer_b",
    "grassroots_officer",
)
ROLES = [ANON, ADMIN, VIEWER, OFF_A, OFF_B, GRASS]

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANON}
PROVINCE = frozenset({ADMIN, VIEWER})
ONLY_ADMIN = frozenset({ADMIN})
NOBODY = frozenset()
# Unit A's own pages (district level): the province and A's officers; the CĐCS officer below A
# sees only its own grassroots union.
UNIT_A_READERS = frozenset({ADMIN, VIEWER, OFF_A})
# Objects of the grassroots union below A (members, records): its officer too.
A_READERS = frozenset({ADMIN, VIEWER, OFF_A, GRASS})
A_WRITERS = frozenset({ADMIN, OFF_A, GRASS})
# Entry pages not tied to one object: they open for every role that writes somewhere (the
# union to write to is then chosen among the user's own). Flagged: the province viewer also
# gets these pages (with nothing to choose); see the report of issue 6.
ENTRY_PAGES = frozenset({ADMIN, VIEWER, OFF_A, OFF_B, GRASS})
ACCOUNT_MANAGERS_OF_A = frozenset({ADMIN, OFF_A})
AUDIT_OF_A = frozenset({ADMIN, VIEWER, OFF_A})
UNIT_A_WRITERS = frozenset({ADMIN, OFF_A})
# Create pages of upper-level data (enterprises, informal groups): every role that may write to
# some upper-level union; a grassroots officer may not.
WRITERS_ANYWHERE = frozenset({ADMIN, OFF_A, OFF_B})


def no_args(o):
    return []


@dataclass
class Url:
    get: frozenset
    post: frozenset
    args: Callable = no_args
    data: Callable | None = None
    # For views that answer a refused write with a redirect and a message: the write counts as
    # allowed only if effect(objects) differs after the POST.
    effect: Callable | None = None
    note: str = ""


def plan_period(o):
    return [o.plan.pk, o.period.code]


def report_a(o):
    o.report_a  # noqa: B018 - make sure the report exists
    return [o.deadline.pk, o.unit_a.pk]


# fmt: off
MATRIX: dict[str, Url] = {
    # project ---------------------------------------------------------------------------------
    "home": Url(get=SIGNED_IN, post=SIGNED_IN),
    "healthz": Url(get=EVERYONE, post=EVERYONE, note="load-balancer check, no data"),
    "set_language": Url(get=SIGNED_IN, post=SIGNED_IN),
    # accounts --------------------------------------------------------------------------------
    "accounts:login": Url(get=EVERYONE, post=EVERYONE),
    "accounts:logout": Url(get=NOBODY, post=SIGNED_IN),
    "accounts:user_list": Url(get=ACCOUNT_MANAGERS_OF_A | {OFF_B}, post=ACCOUNT_MANAGERS_OF_A | {OFF_B}),
    "accounts:user_create": Url(get=ACCOUNT_MANAGERS_OF_A | {OFF_B}, post=ACCOUNT_MANAGERS_OF_A | {OFF_B}),
    "accounts:user_edit": Url(
        args=lambda o: [o.grassroots_officer.pk], get=ACCOUNT_MANAGERS_OF_A, post=ACCOUNT_MANAGERS_OF_A
    ),
    "accounts:user_set_active": Url(
        args=lambda o: [o.grassroots_officer.pk], get=NOBODY, post=ACCOUNT_MANAGERS_OF_A
    ),
    "accounts:user_reset_password": Url(
        args=lambda o: [o.grassroots_officer.pk], get=ACCOUNT_MANAGERS_OF_A, post=ACCOUNT_MANAGERS_OF_A
    ),
    "accounts:audit_log": Url(get=AUDIT_OF_A | {OFF_B}, post=NOBODY, note="officers see only their subtree's rows"),
    "accounts:object_history": Url(
        args=lambda o: ["plans", "target", o.target_a.pk], get=AUDIT_OF_A, post=NOBODY
    ),
    # plans -----------------------------------------------------------------------------------
    "plans:list": Url(get=SIGNED_IN, post=SIGNED_IN, note="POST renders the list, writes nothing"),
    "plans:detail": Url(args=lambda o: [o.plan.pk], get=SIGNED_IN, post=SIGNED_IN),
    "plans:period": Url(args=plan_period, get=SIGNED_IN, post=SIGNED_IN),
    "plans:edit": Url(args=plan_period, get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:export_all": Url(args=lambda o: [o.plan.pk], get=SIGNED_IN, post=SIGNED_IN),
    "plans:export": Url(args=plan_period, get=SIGNED_IN, post=SIGNED_IN),
    "plans:import": Url(args=plan_period, get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:create": Url(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:import_plan": Url(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:setup": Url(args=lambda o: [o.plan.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:periods": Url(args=lambda o: [o.plan.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:indicators": Url(args=lambda o: [o.plan.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:units": Url(args=lambda o: [o.plan.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:issue": Url(args=lambda o: [o.plan.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:copy": Url(args=lambda o: [o.plan.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:allocate": Url(
        args=lambda o: [o.plan.pk, o.period.code, o.unit_a.pk], get=UNIT_A_WRITERS,
        post=UNIT_A_WRITERS, note="unit A allocates to its CĐCS",
    ),
    "plans:allocate_export": Url(
        args=lambda o: [o.plan.pk, o.period.code, o.unit_a.pk], get=UNIT_A_WRITERS,
        post=UNIT_A_WRITERS,
    ),
    "plans:allocate_import": Url(
        args=lambda o: [o.plan.pk, o.period.code, o.unit_a.pk], get=UNIT_A_WRITERS,
        post=UNIT_A_WRITERS,
    ),
    "plans:amendments": Url(
        args=lambda o: [o.plan.pk], get=SIGNED_IN, post=SIGNED_IN,
        note="officers see only their rows' changes; POST renders, writes nothing",
    ),
    # progress --------------------------------------------------------------------------------
    "progress:dashboard_home": Url(get=SIGNED_IN, post=SIGNED_IN),
    "progress:dashboard": Url(args=plan_period, get=SIGNED_IN, post=SIGNED_IN),
    "progress:export": Url(args=plan_period, get=SIGNED_IN, post=SIGNED_IN),
    "progress:records": Url(
        args=lambda o: [o.plan.pk, o.period.code, o.unit_a.pk, o.indicator.pk],
        get=UNIT_A_READERS, post=UNIT_A_READERS,
    ),
    "progress:entry": Url(get=SIGNED_IN, post=SIGNED_IN),
    "progress:members": Url(get=SIGNED_IN, post=SIGNED_IN, note="rows filtered to the subtree"),
    "progress:add_members": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:import_members": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:batch": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:found_union": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:departure": Url(args=lambda o: [o.member_a.pk], get=A_WRITERS, post=A_WRITERS),
    "progress:transfer": Url(args=lambda o: [o.member_a.pk], get=A_WRITERS, post=A_WRITERS),
    "progress:party_intro": Url(args=lambda o: [o.member_a.pk], get=A_WRITERS, post=A_WRITERS),
    "progress:party_outcome": Url(args=lambda o: [o.party_record_a.pk], get=A_WRITERS, post=A_WRITERS),
    # enterprises -----------------------------------------------------------------------------
    "enterprises:list": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:coverage": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:board": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:informal_list": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:export": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:create": Url(get=WRITERS_ANYWHERE, post=WRITERS_ANYWHERE),
    "enterprises:informal_create": Url(get=WRITERS_ANYWHERE, post=WRITERS_ANYWHERE),
    "enterprises:import": Url(get=WRITERS_ANYWHERE, post=WRITERS_ANYWHERE),
    "enterprises:import_preview": Url(
        get=SIGNED_IN, post=SIGNED_IN,
        note="with nothing pending it redirects to the upload page, which refuses the viewer",
    ),
    "enterprises:detail": Url(args=lambda o: [o.enterprise_a.pk], get=UNIT_A_READERS, post=UNIT_A_READERS),
    "enterprises:edit": Url(args=lambda o: [o.enterprise_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "enterprises:add_survey": Url(args=lambda o: [o.enterprise_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "enterprises:link_union": Url(args=lambda o: [o.enterprise_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "enterprises:case": Url(args=lambda o: [o.case_a.pk], get=UNIT_A_READERS, post=UNIT_A_READERS),
    "enterprises:case_step": Url(
        args=lambda o: [o.case_a.pk, "committee"], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS
    ),
    "enterprises:decision_file": Url(
        args=lambda o: [o.case_a.pk], get=NOBODY, post=NOBODY,
        note="the demo case has no scanned decision yet: 404 for everyone",
    ),
    "enterprises:informal_detail": Url(args=lambda o: [o.informal_a.pk], get=UNIT_A_READERS, post=UNIT_A_READERS),
    # organisation ----------------------------------------------------------------------------
    "organisation:tree": Url(get=SIGNED_IN, post=NOBODY, note="rows filtered to the subtree"),
    "organisation:detail": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_READERS, post=NOBODY),
    "organisation:create": Url(get=UNIT_A_WRITERS | {OFF_B}, post=UNIT_A_WRITERS | {OFF_B}),
    "organisation:merge": Url(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "organisation:move": Url(args=lambda o: [o.unit_a.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "organisation:dissolve": Url(args=lambda o: [o.unit_a.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "organisation:sector": Url(args=lambda o: [o.unit_a.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    # reports ---------------------------------------------------------------------------------
    "reports:list": Url(get=SIGNED_IN, post=NOBODY),
    "reports:calendar": Url(args=lambda o: [o.plan.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "reports:deadline_edit": Url(
        args=lambda o: [o.plan.pk, o.deadline.pk], get=ONLY_ADMIN, post=ONLY_ADMIN
    ),
    "reports:consolidation": Url(args=lambda o: [o.deadline.pk], get=PROVINCE, post=NOBODY),
    "reports:bulk_accept": Url(args=lambda o: [o.deadline.pk], get=NOBODY, post=ONLY_ADMIN),
    "reports:detail": Url(args=report_a, get=UNIT_A_READERS, post=NOBODY),
    "reports:save": Url(args=report_a, get=NOBODY, post=UNIT_A_WRITERS),
    "reports:print": Url(args=report_a, get=UNIT_A_READERS, post=NOBODY),
    "reports:export": Url(args=lambda o: [*report_a(o), "docx"], get=UNIT_A_READERS, post=NOBODY),
    "reports:transition": Url(
        args=lambda o: [*report_a(o), "reopen"], get=NOBODY, post=ONLY_ADMIN,
        data=lambda o: {"reason": "Kiểm tra ma trận quyền"}, effect=lambda o: o.report_status(),
        note="reopening an accepted report is the province's",
    ),
}

# Django admin's generated pages: regular expressions on the URL name (or route, when unnamed).
# The admin is for superusers (IT staff); none of the six roles has model permissions there.
RULES: list[tuple[str, Url]] = [
    (r"^admin:\w+_\w+_(changelist|add|change|delete|history|simple_history)$", Url(get=NOBODY, post=NOBODY)),
    (r"^admin:app_list$", Url(args=lambda o: ["auth"], get=NOBODY, post=NOBODY)),
    (r"^admin:(index|password_change)$", Url(get=ONLY_ADMIN, post=ONLY_ADMIN)),
    (r"^admin:(password_change_done|jsi18n)$", Url(get=ONLY_ADMIN, post=NOBODY)),
    (r"^admin:login$", Url(get=EVERYONE, post=EVERYONE)),
    (r"^admin:logout$", Url(get=SIGNED_IN - {ADMIN}, post=SIGNED_IN,
                            note="GET: 405 for staff, a harmless redirect to the admin index for others")),
    (r"^admin:autocomplete$", Url(get=NOBODY, post=NOBODY)),
    (r"^admin:view_on_site$", Url(args=lambda o: [1, 1], get=NOBODY, post=NOBODY)),
    (r"^admin/\w+/\w+/<path:object_id>/$", Url(args=None, get=ONLY_ADMIN, post=ONLY_ADMIN,
                                                 note="redirect to the change page, which refuses")),
    (r"^admin/\(\?P<url>\.\*\)\$$", Url(get=NOBODY, post=NOBODY)),
]
# fmt: on


# ---------------------------------------------------------------------------------------------
def all_patterns():
    """(key, route, pattern) for every URL pattern; key is the name, or the route if unnamed."""

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace + (f"{p.namespace}:" if p.namespace else "")
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                key = namespace + p.name if p.name else route
                yield key, route

    seen = {}
    for key, route in walk(get_resolver().url_patterns):
        seen.setdefault(key, route)
    return seen


def entry_for(key: str) -> Url | None:
    if key in MATRIX:
        return MATRIX[key]
    for regex, url in RULES:
        if re.match(regex, key):
            return url
    return None


def _admin_model_args(key):
    """For admin:<app>_<model>_change and friends: the args of an existing object of that model
    (None: not a per-object admin page; False: no object of that model to open)."""
    from django.apps import apps

    match = re.match(r"^admin:(\w+?)_(\w+?)_(change|delete|history|simple_history)$", key)
    if not match:
        return None
    for model in apps.get_models():
        if (model._meta.app_label, model._meta.model_name) != (match[1], match[2]):
            continue
        if match[3] == "simple_history":
            attr = model._meta.simple_history_manager_attribute
            record = getattr(model, attr).order_by("history_id").first()
            pk = getattr(record, model._meta.pk.attname) if record else None
            return [pk, record.history_id] if record else False
        obj = model._default_manager.order_by("pk").first()
        return [obj.pk] if obj is not None else False
    return None


def build_path(key, route, url: Url, objects) -> str | None:
    if key.startswith("admin:"):
        args = _admin_model_args(key)
        if args is False:
            return None  # no object of that model to open: counted as skipped
        if args is not None:
            return reverse(key, args=args)
    if url.args is None:  # unnamed route with one <path:...> converter
        return "/" + re.sub(r"<[^>]+>", "1", route)
    if not (":" in key or key in MATRIX or key.isidentifier()):
        return "/" + route.replace("(?P<url>.*)$", "nonexistent/")
    return reverse(key, args=url.args(objects))


def outcome(response) -> str:
    if 200 <= response.status_code < 300:
        return "ok"
    if response.status_code == 400:
        return "ok"  # let in, the (empty) input refused
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        # A redirect to a sign-in page asking to come back ("?next=") is a refusal; logging out
        # and landing on the sign-in page is not.
        return "login" if "/login/" in location and "next=" in location else "ok"
    return str(response.status_code)


def _admin_objects(objects):
    """One object of every model the admin lists, so each admin page has something to open."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="Ma trận quyền")
    common = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "x"}
    common.update(http_accept="*/*", path_info="/accounts/login/")
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**common, locked_out=False)
    objects.informal_a  # noqa: B018
    objects.member_a  # noqa: B018


@pytest.fixture
def matrix_users(admin_user, viewer_user, officer_a, officer_b, unit_a, unit_b):
    objects = UnitAObjects(unit_a, unit_b, admin_user)
    _admin_objects(objects)
    users = {
        ANON: None,
        ADMIN: admin_user,
        VIEWER: viewer_user,
        OFF_A: officer_a,
        OFF_B: officer_b,
        GRASS: objects.grassroots_officer,
    }
    return users, objects


def run_matrix(users, objects, keys):
    routes = all_patterns()
    failures, observed, checks, skipped = [], {}, 0, []
    for key in keys:
        url = entry_for(key)
        path = build_path(key, routes[key], url, objects)
        if path is None:
            skipped.append(key)
            continue
        for role in ROLES:
            for method, allowed in (("get", url.get), ("post", url.post)):
                client = Client()
                if users[role] is not None:
                    client.force_login(
                        users[role], backend="django.contrib.auth.backends.ModelBackend"
                    )
                data = url.data(objects) if url.data else {}
                with transaction.atomic():
                    try:
                        response = (
                            getattr(client, method)(path, data)
                            if method == "post"
                            else client.get(path)
                        )
                        got = outcome(response)
                    except Exception as exc:  # noqa: BLE001 - a server error is a finding
                        got = f"error {type(exc).__name__}: {exc}"
                    transaction.set_rollback(True)
                checks += 1
                observed.setdefault(key, {}).setdefault(method, {})[role] = got
                expected_ok = role in allowed
                if got.startswith("error") or (got == "ok") != expected_ok:
                    failures.append(
                        f"{key} [{path}] {method.upper()} as {role}: expected "
                        f"{'allowed' if expected_ok else 'refused'}, got {got}"
                    )
    if os.environ.get("MATRIX_OBSERVE"):
        for key, methods in observed.items():
            print(
                key, {m: sorted(r for r, g in v.items() if g == "ok") for m, v in methods.items()}
            )
    return failures, checks, skipped


GROUPS = {
    "project": lambda k: ":" not in k and not k.startswith("admin/"),
    "accounts": lambda k: k.startswith("accounts:"),
    "plans": lambda k: k.startswith("plans:"),
    "progress": lambda k: k.startswith("progress:"),
    "enterprises": lambda k: k.startswith("enterprises:"),
    "reports": lambda k: k.startswith("reports:"),
    "organisation": lambda k: k.startswith("organisation:"),
    "admin": lambda k: k.startswith("admin"),
}


def test_every_url_has_an_entry():
    routes = all_patterns()
    missing = sorted(k for k in routes if entry_for(k) is None)
    assert not missing, (
        "These URL names have no entry in tests/accounts/test_permission_matrix.py MATRIX "
        f"(add one per URL: args for an object of unit A, roles allowed to GET and POST): {missing}"
    )
    stale = sorted(k for k in MATRIX if k not in routes)
    assert not stale, f"MATRIX entries for URL names that no longer exist: {stale}"
    ungrouped = [k for k in routes if not any(match(k) for match in GROUPS.values())]
    assert not ungrouped, f"URL names in no GROUPS entry of the matrix test: {ungrouped}"


@pytest.mark.parametrize("group", list(GROUPS))
def test_permission_matrix(group, matrix_users):
    users, objects = matrix_users
    keys = [k for k in all_patterns() if GROUPS[group](k) and entry_for(k) is not None]
    failures, checks, skipped = run_matrix(users, objects, keys)
    print(f"matrix {group}: {len(keys)} URLs, {checks} checks, skipped {skipped}")
    assert not failures, "\n".join(failures)
