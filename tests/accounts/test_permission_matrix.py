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

import datetime
import importlib
import inspect
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.matrix_objects import UnitAObjects
from tests.actors import SYSTEM as SYSTEM_ACTOR

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


API_PERSON = {
    "full_name": "Lò Văn Api",
    "date_of_birth": "1991-03-02",
    "gender": "male",
    "cccd": "012345670009",
    "admitted_on": "2024-07-12",
}


def plan_period(o):
    return [o.plan.pk, o.period.code]


def report_a(o):
    o.report_a  # noqa: B018 - make sure the report exists
    return [o.deadline.pk, o.unit_a.pk]


# fmt: off
MATRIX: dict[str, Url] = {
    # project ---------------------------------------------------------------------------------
    "home": Url(get=SIGNED_IN, post=NOBODY, note="the home of each role; read-only"),
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
    "accounts:my_account": Url(get=SIGNED_IN, post=SIGNED_IN, note="one's own API tokens; POST creates one"),
    "accounts:api_token_revoke": Url(
        args=lambda o: [o.api_token.pk], get=NOBODY, post={GRASS}, note="only the token's owner"
    ),
    "accounts:audit_log": Url(get=AUDIT_OF_A | {OFF_B}, post=NOBODY, note="officers see only their subtree's rows"),
    "accounts:audit_export": Url(get=AUDIT_OF_A | {OFF_B}, post=NOBODY, note="the log's filtered rows, as the page"),
    "accounts:personal_data_log": Url(get=ONLY_ADMIN, post=NOBODY, note="processing log (Decree 13/2023)"),
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
    "progress:records_export": Url(
        args=lambda o: [o.plan.pk, o.period.code, o.unit_a.pk, o.indicator.pk],
        get=UNIT_A_READERS, post=UNIT_A_READERS,
    ),
    "progress:entry": Url(get=SIGNED_IN, post=SIGNED_IN),
    "progress:members": Url(get=SIGNED_IN, post=SIGNED_IN, note="rows filtered to the subtree"),
    "progress:members_export": Url(
        get=SIGNED_IN, post=SIGNED_IN, note="rows filtered to the subtree"
    ),
    "progress:add_members": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:import_members": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:batch": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:found_union": Url(get=ENTRY_PAGES, post=ENTRY_PAGES),
    "progress:departure": Url(args=lambda o: [o.member_a.pk], get=A_WRITERS, post=A_WRITERS),
    "progress:transfer": Url(args=lambda o: [o.member_a.pk], get=A_WRITERS, post=A_WRITERS),
    "progress:party_intro": Url(args=lambda o: [o.member_a.pk], get=A_WRITERS, post=A_WRITERS),
    "progress:party_outcome": Url(args=lambda o: [o.party_record_a.pk], get=A_WRITERS, post=A_WRITERS),
    "progress:correct_record": Url(args=lambda o: [o.batch_record_a.pk], get=ONLY_ADMIN, post=ONLY_ADMIN,
                                   note="correct or void a counted batch: province administrators"),
    # enterprises -----------------------------------------------------------------------------
    "enterprises:list": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:coverage": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:board": Url(get=SIGNED_IN, post=SIGNED_IN),
    "enterprises:case_list": Url(get=SIGNED_IN, post=SIGNED_IN, note="the board's cases, rows filtered to the subtree"),
    "enterprises:case_export": Url(get=SIGNED_IN, post=SIGNED_IN, note="rows filtered to the subtree"),
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
    "organisation:import": Url(get=ONLY_ADMIN, post=ONLY_ADMIN),
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
    # emulation: published rules and scores for every plan reader, drafts and decisions for the
    # province, proposals by a unit's officers for their own units
    "emulation:home": Url(get=SIGNED_IN, post=SIGNED_IN),
    "emulation:rules": Url(args=lambda o: [o.plan.pk], get=SIGNED_IN, post=ONLY_ADMIN,
                           note="POST opens the next draft version"),
    "emulation:rule_edit": Url(args=lambda o: [o.rule_draft.pk], get=ONLY_ADMIN, post=ONLY_ADMIN),
    "emulation:rule_publish": Url(args=lambda o: [o.rule_draft.pk], get=NOBODY, post=ONLY_ADMIN),
    "emulation:scores": Url(args=plan_period, get=SIGNED_IN, post=SIGNED_IN,
                            note="rows scoped to the units the user sees; ranks among all"),
    "emulation:scores_export": Url(args=plan_period, get=SIGNED_IN, post=SIGNED_IN,
                                   note="the ranking as Excel: the page's rows, ranks among all"),
    "emulation:unit_score": Url(args=lambda o: [*plan_period(o), o.unit_a.pk], get=UNIT_A_READERS,
                                post=UNIT_A_READERS),
    "emulation:proposals": Url(get=SIGNED_IN, post=SIGNED_IN, note="rows scoped by unit"),
    "emulation:proposals_export": Url(args=lambda o: ["docx"], get=SIGNED_IN, post=SIGNED_IN,
                                      note="list (xlsx) or tờ trình (docx) of the rows the user reads"),
    "emulation:proposal_create": Url(get=WRITERS_ANYWHERE, post=WRITERS_ANYWHERE,
                                     note="the unit is chosen among the user's own"),
    "emulation:proposal_detail": Url(args=lambda o: [o.proposal_a.pk], get=UNIT_A_READERS,
                                     post=UNIT_A_READERS),
    "emulation:proposal_action": Url(args=lambda o: [o.proposal_a.pk, "review"], get=NOBODY,
                                     post=ONLY_ADMIN),
    # api (JSON, /api/v1/): requests carry the role's API token (Bearer), not a session ----------
    "api:openapi-json": Url(get=EVERYONE, post=NOBODY, note="the schema holds no data"),
    "api:openapi-view": Url(get=EVERYONE, post=NOBODY, note="Swagger UI, no data"),
    "api:api-root": Url(get=NOBODY, post=NOBODY, note="404: the docs are at /api/v1/docs"),
    "api:units": Url(get=SIGNED_IN, post=NOBODY, note="rows filtered to the subtree"),
    "api:unit_changes": Url(get=SIGNED_IN, post=NOBODY),
    "api:unit": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_READERS, post=NOBODY),
    "api:plans": Url(get=SIGNED_IN, post=NOBODY),
    "api:plan": Url(args=lambda o: [o.plan.pk], get=SIGNED_IN, post=NOBODY),
    "api:targets": Url(args=plan_period, get=SIGNED_IN, post=NOBODY, note="rows filtered"),
    "api:figures": Url(args=plan_period, get=SIGNED_IN, post=NOBODY, note="the dashboard's rows"),
    "api:records": Url(get=SIGNED_IN, post=NOBODY, note="rows filtered to the subtree"),
    "api:admissions": Url(
        get=NOBODY, post=A_WRITERS,
        data=lambda o: {"union_id": o.grassroots_a.pk, "members": [API_PERSON]},
    ),
    "api:departures": Url(
        get=NOBODY, post=A_WRITERS,
        data=lambda o: {"member_id": o.member_a.pk, "on_date": "2024-07-25", "reason": "retired"},
    ),
    "api:transfers": Url(
        get=NOBODY, post=A_WRITERS,
        data=lambda o: {"member_id": o.member_a.pk, "to_union_id": o.grassroots_b.pk,
                        "on_date": "2024-07-25"},
    ),
    "api:party_introductions": Url(
        get=NOBODY, post=A_WRITERS, data=lambda o: {"member_id": o.member_a.pk, "on_date": "2024-07-25"},
    ),
    "api:party_outcome": Url(
        args=lambda o: [o.party_record_a.pk], get=NOBODY, post=A_WRITERS,
        data=lambda o: {"outcome": "admitted", "on_date": "2024-08-01"},
    ),
    "api:members": Url(get=SIGNED_IN, post=NOBODY, note="rows filtered, personal data masked"),
    "api:member": Url(args=lambda o: [o.member_a.pk], get=A_READERS, post=NOBODY),
    "api:enterprises": Url(get=SIGNED_IN, post=NOBODY),
    "api:enterprise": Url(args=lambda o: [o.enterprise_a.pk], get=UNIT_A_READERS, post=NOBODY),
    "api:founding_cases": Url(get=SIGNED_IN, post=NOBODY),
    "api:reports": Url(get=SIGNED_IN, post=NOBODY, note="rows filtered to the plan units seen"),
    "api:report": Url(args=report_a, get=UNIT_A_READERS, post=NOBODY),
    "api:report_submit": Url(
        args=report_a, get=NOBODY, post=UNIT_A_WRITERS, data=lambda o: {"results": "Ma trận"},
    ),
    "api:report_return": Url(
        args=report_a, get=NOBODY, post=ONLY_ADMIN, data=lambda o: {"reason": "Ma trận"},
        note="the province's review (a draft: the service's 400, let in)",
    ),
    "api:report_accept": Url(args=report_a, get=NOBODY, post=ONLY_ADMIN),
    "api:report_reopen": Url(
        args=report_a, get=NOBODY, post=ONLY_ADMIN, data=lambda o: {"reason": "Ma trận"},
    ),
    # campaign --------------------------------------------------------------------------------
    "campaign:board": Url(get=SIGNED_IN, post=NOBODY,
                          note="the province's board; a unit's officers are sent to their unit's page"),
    "campaign:export": Url(get=SIGNED_IN, post=NOBODY, note="rows filtered to the units read"),
    "campaign:unit": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_READERS, post=NOBODY),
    "campaign:committee": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:officer": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:task_create": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:meeting": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:budget": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:training": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:milestone": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:member_add": Url(args=lambda o: [o.committee_a.pk], get=NOBODY, post=UNIT_A_WRITERS),
    "campaign:member_remove": Url(
        args=lambda o: [o.committee_member_a.pk], get=NOBODY, post=UNIT_A_WRITERS
    ),
    "campaign:task": Url(args=lambda o: [o.task_a.pk], get=UNIT_A_READERS, post=UNIT_A_WRITERS),
    "campaign:task_comment": Url(
        args=lambda o: [o.task_a.pk], get=NOBODY, post=UNIT_A_READERS,
        note="anyone who may read the task comments on it, the province viewer too",
    ),
    "campaign:unit_plan": Url(args=lambda o: [o.unit_a.pk], get=UNIT_A_WRITERS, post=UNIT_A_WRITERS),
    "campaign:unit_plan_file": Url(
        args=lambda o: [o.unit_plan_a.pk], get=NOBODY, post=NOBODY,
        note="the matrix's unit plan has no file: 404 for everyone (readers: tests/campaign)",
    ),
    "campaign:norms": Url(get=SIGNED_IN, post=ONLY_ADMIN, note="the province sets the norms"),
    "campaign:norm_remove": Url(args=lambda o: [o.budget_norm.pk], get=NOBODY, post=ONLY_ADMIN),
    "campaign:budget_overview": Url(get=SIGNED_IN, post=NOBODY, note="rows filtered to the units read"),
    "campaign:task_evidence": Url(
        args=lambda o: [o.task_a.pk], get=NOBODY, post=NOBODY,
        note="the demo task has no evidence file: 404 for everyone",
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


def _api_tokens(users) -> dict:
    """One API token per signed-in role, for the api: URLs (made outside the rolled-back
    requests), with the cache's request counts cleared so the matrix is never throttled."""
    from django.core.cache import cache

    from api.services import create_token

    cache.clear()
    return {
        role: create_token(owner=user, user=SYSTEM_ACTOR)[1]
        for role, user in users.items()
        if user is not None
    }


def _request(client, method, path, data, token):
    if token is None:  # a page: form data, session cookie
        return client.post(path, data) if method == "post" else client.get(path)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "post":
        return client.post(path, json.dumps(data), content_type="application/json", headers=headers)
    return client.get(path, headers=headers)


def run_matrix(users, objects, keys):
    routes = all_patterns()
    failures, observed, checks, skipped = [], {}, 0, []
    tokens = _api_tokens(users) if any(k.startswith("api:") for k in keys) else {}
    for key in keys:
        url = entry_for(key)
        path = build_path(key, routes[key], url, objects)
        if path is None:
            skipped.append(key)
            continue
        for role in ROLES:
            for method, allowed in (("get", url.get), ("post", url.post)):
                client = Client()
                is_api = key.startswith("api:")
                if users[role] is not None and not is_api:
                    client.force_login(
                        users[role], backend="django.contrib.auth.backends.ModelBackend"
                    )
                data = url.data(objects) if url.data else {}
                token = tokens.get(role, "") if is_api else None
                with transaction.atomic():
                    try:
                        response = _request(client, method, path, data, token)
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
    "campaign": lambda k: k.startswith("campaign:"),
    "emulation": lambda k: k.startswith("emulation:"),
    "organisation": lambda k: k.startswith("organisation:"),
    "admin": lambda k: k.startswith("admin"),
    "api": lambda k: k.startswith("api:"),
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


# Services and commands ----------------------------------------------------------------------
# The same roles against every write service, called directly (as a command, an import or an
# API would): a role outside ``allowed`` must get PermissionDenied, a role inside must get past
# the check (the call may still refuse its input with a ServiceError). Every public function of
# a services module that takes the acting user as ``user=`` needs an entry, by name.

D = datetime.date
PERSON = {
    "full_name": "Lò Văn Ma Trận",
    "date_of_birth": D(1991, 3, 2),
    "gender": "male",
    "ethnicity": "Thái",
    "cccd": "012345670001",
    "job": "Công nhân",
    "admitted_on": D(2024, 7, 12),
}
SERVICE_MODULES = [
    "organisation.services",
    "plans.services",
    "progress.services",
    "enterprises.services",
    "reports.services",
    "emulation.services",
    "api.services",
    "campaign.services",
]
# Public functions taking user= that are not entry points: the caller already checked.
NOT_ENTRY_POINTS = {
    "progress.services.restamp_on_sector_change": "sector_changed receiver",
    "progress.services.throttle_member_entry": "a rate limit inside admit_members, not a write",
}


def _org(name):
    return getattr(importlib.import_module("organisation.services"), name)


def _svc(module, name):
    return getattr(importlib.import_module(f"{module}.services"), name)


def _below_a(o):
    return o.grassroots_a


def _child_of_a(o):
    """A unit directly below A on the period's last day: one A allocates to."""
    return _svc("plans", "cascade_children")(o.period, o.unit_a)[0]


def _plan_data(o):
    """The header of a new plan of the demo plan's issuer, for the next year."""
    return {
        "number": "KH-MT/MA-TRAN",
        "issued_on": D(o.plan.year + 1, 1, 5),
        "issuing_unit": o.plan.issuing_unit,
        "title": "Kế hoạch ma trận quyền",
        "year": o.plan.year + 1,
    }


def _draft_plan(o):
    """A draft plan of the same issuer, made by the system inside the rolled-back call."""
    return _svc("plans", "create_plan")(user=SYSTEM_ACTOR, data=_plan_data(o))


def _copied_plan(o):
    """A draft copy of the demo plan (periods, indicators, receiving units): ready to issue."""
    return _svc("plans", "copy_plan")(
        user=SYSTEM_ACTOR, source=o.plan, number="KH-MT/MA-TRAN", issued_on=D(o.plan.year + 1, 1, 5)
    )


def _save_one_period(o, u):
    from plans.forms import plan_formset
    from plans.models import Period

    plan = _draft_plan(o)
    prefix = plan_formset(Period, plan).prefix
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-code": "ma-tran",
        f"{prefix}-0-name": "Đợt ma trận",
        f"{prefix}-0-start": f"{plan.year}-01-01",
        f"{prefix}-0-end": f"{plan.year}-06-30",
        f"{prefix}-0-sort_order": "1",
    }
    formset = plan_formset(Period, plan, data)
    assert formset.is_valid(), formset.errors
    return _svc("plans", "save_plan_parts")(user=u, plan=plan, formset=formset)


def _cell(unit, indicator, value):
    return _svc("plans", "CellChange")(unit, indicator, value)


SERVICES = {
    # organisation
    "organisation.services.create_unit": (
        UNIT_A_WRITERS,
        lambda o, u: _org("create_unit")(
            name="CĐCS Ma trận mới", kind="grassroots", parent=o.unit_a, sector="dn_small", user=u
        ),
    ),
    "organisation.services.create_unit_checked": (
        UNIT_A_WRITERS,
        lambda o, u: _org("create_unit_checked")(
            name="CĐCS Ma trận mới",
            kind="grassroots",
            parent=o.unit_a,
            sector="dn_small",
            valid_from=D(2024, 7, 1),
            user=u,
        ),
    ),
    "organisation.services.move_unit": (
        ONLY_ADMIN,
        lambda o, u: _org("move_unit")(
            unit=o.grassroots_a, new_parent=o.unit_b, on_date=D(2025, 1, 1), user=u
        ),
    ),
    "organisation.services.move_unit_checked": (
        ONLY_ADMIN,
        lambda o, u: _org("move_unit_checked")(
            unit=o.grassroots_a, new_parent=o.unit_b, on_date=D(2025, 1, 1), user=u
        ),
    ),
    "organisation.services.dissolve_unit": (
        ONLY_ADMIN,
        lambda o, u: _org("dissolve_unit")(unit=o.grassroots_a, on_date=D(2025, 1, 1), user=u),
    ),
    "organisation.services.dissolve_unit_checked": (
        ONLY_ADMIN,
        lambda o, u: _org("dissolve_unit_checked")(
            unit=o.grassroots_a, on_date=D(2025, 1, 1), user=u
        ),
    ),
    "organisation.services.set_sector": (
        ONLY_ADMIN,
        lambda o, u: _org("set_sector")(
            unit=o.grassroots_a, sector="dn_small", effective_from=D(2024, 7, 15), user=u
        ),
    ),
    "organisation.services.set_sector_checked": (
        ONLY_ADMIN,
        lambda o, u: _org("set_sector_checked")(
            unit=o.grassroots_a, sector="dn_small", effective_from=D(2024, 7, 15), user=u
        ),
    ),
    "organisation.services.create_units": (
        ONLY_ADMIN,
        lambda o, u: _org("create_units")(
            [
                _org("NewUnit")(
                    name="CĐCS Ma trận hàng loạt",
                    kind="grassroots",
                    parent=o.unit_a,
                    valid_from=D(2024, 7, 1),
                )
            ],
            user=u,
        ),
    ),
    "organisation.services.set_baselines": (
        ONLY_ADMIN,
        lambda o, u: _org("set_baselines")(
            rows=[(o.grassroots_a, 12, 20, "ma trận")], on_date=D(2025, 1, 1), user=u
        ),
    ),
    "organisation.services.set_baseline": (
        ONLY_ADMIN,
        lambda o, u: _org("set_baseline")(
            unit=o.grassroots_a, on_date=D(2025, 1, 1), members=12, workers=20, user=u
        ),
    ),
    "organisation.services.merge_units": (
        ONLY_ADMIN,
        lambda o, u: _org("merge_units")(
            sources=[o.unit_a], target=o.unit_b, on_date=D(2025, 6, 30), user=u
        ),
    ),
    "organisation.services.merge_into_new_unit": (
        ONLY_ADMIN,
        lambda o, u: _org("merge_into_new_unit")(
            sources=[o.unit_a],
            on_date=D(2025, 6, 30),
            name="Công đoàn xã Ma trận",
            kind="commune",
            parent=o.unit_b,
            sector="mixed",
            user=u,
        ),
    ),
    # plans: a target is allocated from above the unit (can_assign_targets)
    "plans.services.set_target": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "set_target")(
            period=o.period, unit=o.unit_a, indicator=o.indicator, value=7, user=u
        ),
    ),
    "plans.services.set_target (a unit below A)": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("plans", "set_target")(
            period=o.period, unit=_below_a(o), indicator=o.indicator, value=7, user=u
        ),
    ),
    # plans: authoring and amendments are the province's (can_manage_plans); a union allocates
    # to the units below it (can_assign_targets on each)
    "plans.services.create_plan": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "create_plan")(user=u, data=_plan_data(o)),
    ),
    "plans.services.update_plan": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "update_plan")(user=u, plan=o.plan, data={"signer_name": "A"}),
    ),
    "plans.services.save_plan_parts": (
        ONLY_ADMIN,
        _save_one_period,
    ),
    "plans.services.issue_plan": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "issue_plan")(user=u, plan=_copied_plan(o)),
    ),
    "plans.services.save_target_cells": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "save_target_cells")(
            user=u,
            period=o.period,
            cells=[_cell(o.unit_a, o.indicator, 7)],
            effective_on=D(2024, 8, 1),
            decision_number="1/QĐ-MT",
            reason="Ma trận",
        ),
    ),
    "plans.services.copy_plan": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "copy_plan")(
            user=u, source=o.plan, number="99/KH-MT", issued_on=D(2025, 3, 1)
        ),
    ),
    "plans.services.allocate_targets": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("plans", "allocate_targets")(
            user=u,
            period=o.period,
            parent=o.unit_a,
            cells=[_cell(_child_of_a(o), o.indicator, 7)],
        ),
    ),
    "plans.services.allocate_targets (nothing changed)": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("plans", "allocate_targets")(
            user=u, period=o.period, parent=o.unit_a, cells=[]
        ),
    ),
    "plans.services.set_unit_note": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "set_unit_note")(
            period=o.period, unit=o.unit_a, text="Ghi chú", user=u
        ),
    ),
    "plans.services.import_targets_file": (
        ONLY_ADMIN,
        lambda o, u: _svc("plans", "import_targets_file")(
            source=io.BytesIO(b"not a workbook"), source_name="x.xlsx", plan=o.plan, user=u
        ),
    ),
    # progress: a change to the grassroots union's records
    "progress.services.admit_members": (
        A_WRITERS,
        lambda o, u: _svc("progress", "admit_members")(
            union=o.grassroots_a, members=[PERSON], user=u
        ),
    ),
    "progress.services.record_batch": (
        A_WRITERS,
        lambda o, u: _svc("progress", "record_batch")(
            kind="admitted", union=o.grassroots_a, on_date=D(2024, 7, 12), count=2, user=u
        ),
    ),
    "progress.services.record_departure": (
        A_WRITERS,
        lambda o, u: _svc("progress", "record_departure")(
            member=o.member_a, on_date=D(2024, 7, 25), reason="moved", user=u
        ),
    ),
    "progress.services.transfer_member": (
        A_WRITERS,
        lambda o, u: _svc("progress", "transfer_member")(
            member=o.member_a, to_union=o.unit_b, on_date=D(2024, 7, 25), user=u
        ),
    ),
    "progress.services.introduce_to_party": (
        A_WRITERS,
        lambda o, u: _svc("progress", "introduce_to_party")(
            member=o.member_a, on_date=D(2024, 7, 25), user=u
        ),
    ),
    "progress.services.correct_record": (
        ONLY_ADMIN,
        lambda o, u: _svc("progress", "correct_record")(
            record=o.batch_record_a, count=1, reason="nhập nhầm", user=u
        ),
    ),
    "progress.services.void_record": (
        ONLY_ADMIN,
        lambda o, u: _svc("progress", "void_record")(
            record=o.batch_record_a, reason="nhập nhầm", user=u
        ),
    ),
    "progress.services.set_party_outcome": (
        A_WRITERS,
        lambda o, u: _svc("progress", "set_party_outcome")(
            record=o.party_record_a, outcome="admitted", on_date=D(2024, 7, 28), user=u
        ),
    ),
    "progress.services.found_grassroots_union": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("progress", "found_grassroots_union")(
            name="CĐCS Ma trận thành lập",
            parent=o.unit_a,
            founded_on=D(2024, 7, 20),
            sector="dn_small",
            user=u,
        ),
    ),
    "progress.services.restamp_sectors": (
        ONLY_ADMIN,
        lambda o, u: _svc("progress", "restamp_sectors")(union=o.grassroots_a, user=u),
    ),
    # enterprises: a change to the responsible upper-level union's data
    "enterprises.services.create_enterprise": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "create_enterprise")(
            name="Công ty Ma trận", unit=o.unit_a, user=u
        ),
    ),
    "enterprises.services.import_enterprises": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "import_enterprises")(
            creates=[{"name": "Công ty Ma trận nhập", "unit": o.unit_a, "workers": 12}],
            updates=[
                {
                    "enterprise": o.enterprise_a,
                    "changes": {"unit": o.unit_a},
                    "workers": 61,
                    "surveyed_on": D(2024, 7, 1),
                }
            ],
            user=u,
        ),  # fmt: skip
    ),
    "enterprises.services.update_enterprise": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "update_enterprise")(
            enterprise=o.enterprise_a, note="Đã khảo sát lại", user=u
        ),
    ),
    "enterprises.services.record_workforce": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "record_workforce")(
            enterprise=o.enterprise_a, workers=61, surveyed_on=D(2024, 7, 1), user=u
        ),
    ),
    "enterprises.services.link_union": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "link_union")(
            enterprise=o.enterprise_a, union=None, user=u
        ),
    ),
    "enterprises.services.create_informal_group": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "create_informal_group")(
            trade="Xe ôm", place="Bến xe Ma trận", workers=9, unit=o.unit_a, user=u
        ),
    ),
    "enterprises.services.start_case": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "start_case")(
            enterprise=o.enterprise_a, identified_on=D(2024, 7, 1), user=u
        ),
    ),
    "enterprises.services.record_committee": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "record_committee")(
            case=o.case_a, formed_on=D(2024, 7, 2), members=[], user=u
        ),
    ),
    "enterprises.services.record_conference": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "record_conference")(
            case=o.case_a, kind="congress", held_on=D(2024, 7, 3), applications=12, user=u
        ),
    ),
    "enterprises.services.record_decision": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "record_decision")(
            case=o.case_a,
            number="1/QĐ",
            decided_on=D(2024, 7, 4),
            signer="Chủ tịch",
            founding_members=[],
            user=u,
        ),
    ),
    "enterprises.services.record_ceremony": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("enterprises", "record_ceremony")(
            case=o.case_a, held_on=D(2024, 7, 5), user=u
        ),
    ),
    # reports: a unit's own officers write, the province reviews
    "reports.services.get_or_create_report": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("reports", "get_or_create_report")(
            deadline=o.deadline, unit=o.unit_a, user=u
        ),
    ),
    "reports.services.save_report": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("reports", "save_report")(
            report=o.report_a, user=u, expected_version=None
        ),
    ),
    "reports.services.submit_report": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("reports", "submit_report")(report=o.report_a, user=u),
    ),
    "reports.services.return_report": (
        ONLY_ADMIN,
        lambda o, u: _svc("reports", "return_report")(report=o.report_a, user=u, reason="x"),
    ),
    "reports.services.accept_report": (
        ONLY_ADMIN,
        lambda o, u: _svc("reports", "accept_report")(report=o.report_a, user=u),
    ),
    "reports.services.accept_reports": (
        ONLY_ADMIN,
        lambda o, u: _svc("reports", "accept_reports")(reports=[o.report_a], user=u),
    ),
    "reports.services.reopen_report": (
        ONLY_ADMIN,
        lambda o, u: _svc("reports", "reopen_report")(report=o.report_a, user=u, reason="x"),
    ),
    # api: a user manages its own tokens; a province administrator anyone's
    "api.services.create_token": (
        frozenset({ADMIN, GRASS}),
        lambda o, u: _svc("api", "create_token")(owner=o.grassroots_officer, user=u),
    ),
    "api.services.revoke_token": (
        frozenset({ADMIN, GRASS}),
        lambda o, u: _svc("api", "revoke_token")(token=o.api_token, user=u),
    ),
    "reports.services.save_deadline": (
        ONLY_ADMIN,
        lambda o, u: _svc("reports", "save_deadline")(plan=o.plan, deadline=o.deadline, user=u),
    ),
    # campaign: a change to the unit the row belongs to; the departments' tasks are the province's
    "campaign.services.save_committee": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "save_committee")(unit=o.unit_a, user=u),
    ),
    "campaign.services.add_committee_member": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "add_committee_member")(
            committee=o.committee_a, full_name="Tòng Văn Thành Viên", user=u
        ),
    ),
    "campaign.services.remove_committee_member": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "remove_committee_member")(
            member=o.committee_member_a, user=u
        ),
    ),
    "campaign.services.designate_officer": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "designate_officer")(
            unit=o.unit_a, full_name="Lò Thị Phụ Trách", since=D(2024, 6, 15), user=u
        ),
    ),
    "campaign.services.create_task": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "create_task")(
            plan=o.plan, unit=o.unit_a, title="Nhiệm vụ ma trận", user=u
        ),
    ),
    "campaign.services.create_task (a department's)": (
        ONLY_ADMIN,
        lambda o, u: _svc("campaign", "create_task")(
            plan=o.plan,
            unit=o.plan.issuing_unit,
            title="Nhiệm vụ ma trận",
            department="vanphong",
            user=u,
        ),
    ),
    "campaign.services.update_task": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "update_task")(task=o.task_a, status="doing", user=u),
    ),
    "campaign.services.record_meeting": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "record_meeting")(
            plan=o.plan,
            unit=o.unit_a,
            held_on=D(2024, 7, 15),
            chair="Chủ tịch",
            conclusions=["Đôn đốc khảo sát"],
            user=u,
        ),
    ),
    "campaign.services.add_budget_line": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "add_budget_line")(
            plan=o.plan,
            unit=o.unit_a,
            kind="estimate",
            category="training",
            amount=1000000,
            user=u,
        ),
    ),
    "campaign.services.add_training": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "add_training")(
            unit=o.unit_a, title="Lớp ma trận", held_on=D(2024, 8, 1), participants=20, user=u
        ),
    ),
    "campaign.services.add_task_comment": (
        UNIT_A_READERS,
        lambda o, u: _svc("campaign", "add_task_comment")(task=o.task_a, text="Ý kiến", user=u),
    ),
    "campaign.services.save_unit_plan": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("campaign", "save_unit_plan")(
            plan=o.plan, unit=o.unit_a, number="05/KH-MT", issued_on=D(2024, 6, 20), user=u
        ),
    ),
    "campaign.services.save_budget_norm": (
        ONLY_ADMIN,
        lambda o, u: _svc("campaign", "save_budget_norm")(
            plan=o.plan, category="training", measure="course", rate=5000000, user=u
        ),
    ),
    "campaign.services.remove_budget_norm": (
        ONLY_ADMIN,
        lambda o, u: _svc("campaign", "remove_budget_norm")(norm=o.budget_norm, user=u),
    ),
    "campaign.services.record_milestone": (
        A_WRITERS,
        lambda o, u: _svc("campaign", "record_milestone")(
            union=o.grassroots_a, kind="fees", reached_on=D(2024, 8, 1), user=u
        ),
    ),
    # emulation: the province writes the rule and decides; a unit's officers propose
    "emulation.services.new_version": (
        ONLY_ADMIN,
        lambda o, u: _svc("emulation", "new_version")(plan=o.plan, user=u),
    ),
    "emulation.services.save_rule": (
        ONLY_ADMIN,
        lambda o, u: _svc("emulation", "save_rule")(
            rule_set=o.rule_draft, criteria=[], bands={}, user=u
        ),
    ),
    "emulation.services.publish_rule": (
        ONLY_ADMIN,
        lambda o, u: _svc("emulation", "publish_rule")(
            rule_set=o.rule_draft, reason="Ma trận", user=u
        ),
    ),
    "emulation.services.propose_reward": (
        UNIT_A_WRITERS,
        lambda o, u: _svc("emulation", "propose_reward")(
            plan=o.plan,
            period=o.period,
            unit=o.unit_a,
            recipient_kind="collective",
            form="bang_khen",
            level="province",
            achievements="Ma trận",
            user=u,
        ),
    ),
    "emulation.services.review_proposal": (
        ONLY_ADMIN,
        lambda o, u: _svc("emulation", "review_proposal")(proposal=o.proposal_a, user=u),
    ),
    "emulation.services.approve_proposal": (
        ONLY_ADMIN,
        lambda o, u: _svc("emulation", "approve_proposal")(
            proposal=o.proposal_a, decision_number="1/QĐ", decision_date=D(2024, 9, 1), user=u
        ),
    ),
    "emulation.services.decline_proposal": (
        ONLY_ADMIN,
        lambda o, u: _svc("emulation", "decline_proposal")(
            proposal=o.proposal_a, reason="Ma trận", user=u
        ),
    ),
}


def write_services() -> set[str]:
    """Every public function of SERVICE_MODULES with a keyword-only ``user`` parameter."""
    found = set()
    for name in SERVICE_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != name:
                continue
            parameter = inspect.signature(value).parameters.get("user")
            if parameter is not None and parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                found.add(f"{name}.{attr}")
    return found


def test_every_write_service_has_an_entry():
    named = {key.split(" ")[0] for key in SERVICES}
    missing = sorted(write_services() - named - set(NOT_ENTRY_POINTS))
    assert not missing, f"Write services with no entry in SERVICES: {missing}"


def service_outcome(call, objects, user) -> str:
    from django.core.exceptions import PermissionDenied, ValidationError

    from plans.excel_import import ImportFailed

    with transaction.atomic():
        try:
            call(objects, user)
            got = "ok"
        except PermissionDenied:
            got = "denied"
        except (ValidationError, ImportFailed):  # ServiceError: past the permission check
            got = "ok"
        except Exception as exc:  # noqa: BLE001 - anything else is a finding
            got = f"error {type(exc).__name__}: {exc}"
        transaction.set_rollback(True)
    return got


def test_write_services_check_permissions_themselves(matrix_users):
    users, objects = matrix_users
    # Built once outside the rolled-back calls below.
    for name in (
        "party_record_a",
        "batch_record_a",
        "report_a",
        "case_a",
        "enterprise_a",
        "deadline",
        "api_token",
        "committee_a",
        "committee_member_a",
        "task_a",
        "budget_norm",
        "unit_plan_a",
        "rule_draft",
        "proposal_a",
    ):
        getattr(objects, name)
    failures = []
    for key, (allowed, call) in SERVICES.items():
        for role in ROLES:
            user = users[role] if users[role] is not None else AnonymousUser()
            got = service_outcome(call, objects, user)
            expected = "ok" if role in allowed else "denied"
            if got != expected:
                failures.append(f"{key} as {role}: expected {expected}, got {got}")
    assert not failures, "\n".join(failures)


def test_a_command_acts_as_its_system_actor_or_as_the_account_named(matrix_users, tmp_path):
    """Commands: the system actor may everything; --as USERNAME has that account's rights."""
    from django.core.management import CommandError, call_command

    from progress.models import Member
    from tests.progress.excel_files import good_rows, member_list

    users, objects = matrix_users
    union = objects.grassroots_a
    path = member_list(tmp_path / "members.xlsx", good_rows(1))
    before = Member.objects.count()
    for role in (VIEWER, OFF_B):
        with pytest.raises(CommandError, match="không có quyền"):
            call_command(
                "import_members", str(path), "--union", union.name, "--as", users[role].username
            )
        assert Member.objects.count() == before
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("import_members", str(path), "--union", union.name, "--as", "khong.co.ai")
    call_command("import_members", str(path), "--union", union.name, "--as", users[OFF_A].username)
    assert Member.objects.count() == before + 1
    member = Member.objects.latest("id")
    assert member.records.get().entered_by == users[OFF_A]


def test_the_system_actor_is_named_in_the_audit_trail(matrix_users, tmp_path):
    from django.core.management import call_command

    from progress.models import Member
    from tests.progress.excel_files import good_rows, member_list

    _users, objects = matrix_users
    path = member_list(tmp_path / "members.xlsx", good_rows(1))
    call_command("import_members", str(path), "--union", objects.grassroots_a.name)
    member = Member.objects.latest("id")
    record = member.records.get()
    assert record.entered_by is None
    row = member.history.get()
    assert row.history_user is None and row.history_change_reason == "lệnh import_members"
