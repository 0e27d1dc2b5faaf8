"""Schema-driven fuzzing (schemathesis) of every endpoint with a Mường Tè officer's token:
no server error and every documented answer matches the schema. Kept quick: a few examples
per operation, hypothesis' example database off."""

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core import NOT_SET  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.api.conftest import token_for  # noqa: E402

EXAMPLES = 12


def _fuzz_operation(operation, headers: dict, seen: dict) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    run()


def _fuzz(schema, token):
    # identity: the WSGI call returns the body as sent, and GZipMiddleware would compress it
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    failures, per_operation = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz_operation(operation, headers, per_operation.setdefault(operation.label, {}))
        except Exception as exc:  # noqa: BLE001 - collect every operation's finding
            failures.append(f"{operation.label}: {exc}")
    return failures, per_operation


def _existing_ids(officer) -> dict:
    """Ids of real objects in the officer's subtree, as explicit examples: random ids are
    nearly always 404, and the answers worth checking against the schema are the 200s."""
    from enterprises.models import Enterprise
    from organisation.models import Unit, UnitKind, UnitPath
    from plans.models import Period
    from progress.models import Member, Record, RecordKind
    from reports.models import ReportingDeadline

    unit = officer.unit
    below = UnitPath.objects.filter(ancestor=unit).values("descendant_id")
    period = Period.objects.filter(plan__plan_units__unit=unit).order_by("id").first()
    unions = Unit.objects.filter(id__in=below, kind__in=UnitKind.grassroots_level())
    current = Member.objects.filter(union_id__in=below, left_on__isnull=True).order_by("id")
    member, leaver = current[0], current[1]
    union = member.union
    other_union = unions.exclude(pk=union.pk).order_by("id")[0]
    record = Record.objects.filter(union_id__in=below, kind=RecordKind.PARTY_INTRODUCED).order_by(
        "id"
    ) or Record.objects.filter(union_id__in=below).order_by("id")
    enterprise = Enterprise.objects.filter(unit_id__in=below).order_by("id").first()
    return {
        "plan_id": period.plan_id,
        "period": period.code,
        "unit_id": unit.pk,
        "union_id": union.pk,
        "member_id": member.pk,
        "leaver_id": leaver.pk,
        "other_union_id": other_union.pk,
        "record_id": record[0].pk,
        "enterprise_id": enterprise.pk if enterprise else 1,
        "deadline_id": ReportingDeadline.objects.filter(plan_id=period.plan_id)
        .order_by("id")
        .first()
        .pk,
    }


def _bodies(ids: dict) -> dict:
    return {
        "/api/v1/records/admissions": {
            "union_id": ids["union_id"],
            "members": [
                {
                    "full_name": "Lò Văn Fuzz",
                    "date_of_birth": "1990-01-02",
                    "gender": "male",
                    "cccd": "012345999001",
                    "admitted_on": "2024-07-10",
                }
            ],
        },
        "/api/v1/records/party-introductions": {
            "member_id": ids["member_id"],
            "on_date": "2024-07-12",
        },
        "/api/v1/records/departures": {
            "member_id": ids["leaver_id"],
            "on_date": "2024-07-20",
            "reason": "retired",
        },
        "/api/v1/records/transfers": {
            "member_id": ids["member_id"],
            "to_union_id": ids["other_union_id"],
            "on_date": "2024-07-15",
        },
        "/api/v1/records/{record_id}/party-outcome": {
            "outcome": "admitted",
            "on_date": "2024-08-01",
        },
        "/api/v1/reports/{deadline_id}/{unit_id}/submit": {"results": "Kết quả (kiểm thử)."},
        "/api/v1/reports/{deadline_id}/{unit_id}/return": {"reason": "Kiểm thử."},
        "/api/v1/reports/{deadline_id}/{unit_id}/reopen": {"reason": "Kiểm thử."},
        "/api/v1/reports/{deadline_id}/{unit_id}/accept": {},
    }


def _real_cases(schema, token, ids: dict) -> tuple[list[str], dict]:
    """Every operation once on real objects (random ids are nearly always 404, and the answers
    most worth checking against the schema are the 200s): each GET must answer 200."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    bodies = _bodies(ids)
    failures, statuses = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        case = operation.Case(
            path_parameters={n: ids[n] for n in names},
            body=bodies.get(operation.path, {}) if operation.method.upper() == "POST" else NOT_SET,
        )
        try:
            response = case.call(headers=headers)
            statuses[operation.label] = response.status_code
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
            if operation.method.upper() == "GET":
                assert response.status_code == 200, response.text[:300]
        except Exception as exc:  # noqa: BLE001 - collect every operation's finding
            failures.append(f"{operation.label} (real objects): {exc}")
    return failures, statuses


def test_no_endpoint_fails_or_breaks_its_schema(demo, officer_a, admin_user, settings_rate):
    """Every operation of the schema, with a Mường Tè officer's token (its own subtree) and a
    province administrator's (everything: more answers that are 200 and checked against the
    schema, and the review endpoints let in)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    ids = _existing_ids(officer_a)
    documented = {
        f"{method.upper()} {path}"
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    failures, totals = [], {}
    for user in (officer_a, admin_user):
        token = token_for(user)
        found, real = _real_cases(schema, token, ids)
        failures += [f"[{user.username}] {f}" for f in found]
        print(user.username, "real objects:", real)
        found, per_operation = _fuzz(schema, token)
        failures += [f"[{user.username}] {f}" for f in found]
        for label, statuses in per_operation.items():
            for code, n in statuses.items():
                totals.setdefault(label, {}).setdefault(code, 0)
                totals[label][code] += n
    for label in sorted(totals):
        print(label, dict(sorted(totals[label].items())))
    # every documented operation was fuzzed, several times, and the token was used
    assert set(totals) == documented and len(documented) >= 24
    assert all(sum(s.values()) >= 2 * EXAMPLES // 2 for s in totals.values())
    assert not any(401 in s for s in totals.values())
    answered = sum(n for s in totals.values() for code, n in s.items() if code < 300)
    assert answered > len(documented) * 2
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_rate(settings):
    """No throttling, and requests that keep the test's database connection (as Django's test
    client does: a WSGI request would otherwise close it at its end, on PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.API_RATE_PER_MINUTE = 100_000
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
