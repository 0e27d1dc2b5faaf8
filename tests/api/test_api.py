"""The JSON API (issue 16): tokens, scoping like the pages, the dashboard's numbers, writes
through the services, JSON errors in Vietnamese."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import create_token, revoke_token
from organisation.models import Unit, UnitKind, UnitPath
from plans.demo import PEAK_CODE
from plans.models import Period
from progress import dashboard as boards
from progress.models import Member, Record
from tests.accounts.matrix_objects import UnitAObjects
from tests.actors import SYSTEM
from tests.api.conftest import token_for

D = datetime.date
API = "/api/v1"


def person(cccd="012345600001", **extra):
    return {
        "full_name": "Lò Thị Api",
        "date_of_birth": "1995-04-03",
        "gender": "female",
        "ethnicity": "Thái",
        "cccd": cccd,
        "job": "Công nhân",
        "admitted_on": "2024-07-15",
        **extra,
    }


@pytest.fixture
def objects(unit_a, unit_b, admin_user):
    return UnitAObjects(unit_a, unit_b, admin_user)


@pytest.fixture
def period(demo):
    return Period.objects.select_related("plan").get(code=PEAK_CODE)


def grassroots_of(unit):
    below = UnitPath.objects.filter(ancestor=unit, depth__gt=0).values("descendant_id")
    return (
        Unit.objects.filter(id__in=below, kind__in=UnitKind.grassroots_level())
        .order_by("id")
        .first()
    )


def subtree_ids(unit):
    return set(UnitPath.objects.filter(ancestor=unit).values_list("descendant_id", flat=True))


# Auth ----------------------------------------------------------------------------------------


def test_without_a_token_every_endpoint_answers_401_in_json(demo):
    for path in ("/units", "/plans", "/records", "/members", "/enterprises", "/reports"):
        response = Client().get(API + path)
        assert response.status_code == 401, path
        assert "Bearer" in response.json()["detail"]
        assert response["WWW-Authenticate"] == "Bearer"
    # a session is not an API sign-in either
    response = Client().post(API + "/records/admissions", {}, content_type="application/json")
    assert response.status_code == 401


def test_a_wrong_revoked_or_expired_token_or_a_locked_account_is_refused(officer_a):
    good = token_for(officer_a)
    assert (
        Client(headers={"Authorization": f"Bearer {good}"}).get(API + "/plans").status_code == 200
    )
    assert (
        Client(headers={"Authorization": f"Bearer {good}x"}).get(API + "/plans").status_code == 401
    )
    assert Client(headers={"Authorization": good}).get(API + "/plans").status_code == 401

    token, raw = create_token(owner=officer_a, user=SYSTEM)
    revoke_token(token=token, user=officer_a)
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get(API + "/plans").status_code == 401

    token, raw = create_token(owner=officer_a, expires_days=1, user=SYSTEM)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get(API + "/plans").status_code == 401

    officer_a.is_active = False
    officer_a.save()
    assert (
        Client(headers={"Authorization": f"Bearer {good}"}).get(API + "/plans").status_code == 401
    )


def test_only_the_hash_is_stored_and_last_use_is_recorded(officer_a):
    token, raw = create_token(owner=officer_a, name="BI", user=SYSTEM)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.name, stored.hint, stored.key_hash} and raw.startswith(stored.hint)
    assert stored.last_used_at is None
    Client(headers={"Authorization": f"Bearer {raw}"}).get(API + "/plans")
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_throttled_per_token_with_a_vietnamese_429(officer_a, settings):
    settings.API_RATE_PER_MINUTE = 3
    one = Client(headers={"Authorization": f"Bearer {token_for(officer_a)}"})
    other = Client(headers={"Authorization": f"Bearer {token_for(officer_a)}"})
    codes = [one.get(API + "/plans").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = one.get(API + "/plans")
    assert response.status_code == 429 and "Quá nhiều yêu cầu" in response.json()["detail"]
    assert int(response["Retry-After"]) >= 1
    assert other.get(API + "/plans").status_code == 200  # per token


def test_the_request_count_is_shared_by_every_worker_process(officer_a, settings):
    """gunicorn's workers are separate processes: each has its own cache connection objects,
    and the count must live where all of them read it (the database cache), not in memory."""
    import time

    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from api import auth
    from core.cache import DatabaseCache

    assert isinstance(caches["default"], DatabaseCache)
    # only the rendered-fragments cache (content-hashed, never stale) may live in memory
    shared = [a for a in settings.CACHES if a != "fragments"]
    assert not any(isinstance(caches[a], LocMemCache) for a in shared)
    token, raw = create_token(owner=officer_a, user=SYSTEM)
    window = int(time.time() // 60)
    # "process" 1 counts two requests; "process" 2 (a new backend object, no local state)
    # reads the same count and adds to it
    first = caches.create_connection("default")
    second = caches.create_connection("default")
    assert first is not second
    auth.cache = first
    try:
        assert [auth.request_count(token.pk, window) for _ in range(2)] == [1, 2]
        auth.cache = second
        assert second.get(f"api:rate:{token.pk}:{window}") == 2
        assert auth.request_count(token.pk, window) == 3
        assert first.get(f"api:rate:{token.pk}:{window}") == 3
    finally:
        auth.cache = caches["default"]
    # the limit is then reached whichever process answers: 429 in Vietnamese, Retry-After
    settings.API_RATE_PER_MINUTE = 3
    caches["default"].set(f"api:rate:{token.pk}:{int(time.time() // 60)}", 3, 120)
    caches["default"].set(f"api:rate:{token.pk}:{int(time.time() // 60) + 1}", 3, 120)
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get(API + "/plans")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Quá nhiều yêu cầu: mỗi mã API được 3 yêu cầu")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_create_api_token_prints_the_token_once(officer_a, capsys):
    call_command("create_api_token", officer_a.username, "--expires", "30")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert token.user == officer_a
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get(API + "/plans").status_code == 200


def test_the_account_page_lists_and_revokes_ones_own_tokens(client_for, officer_a, officer_b):
    token, raw = create_token(owner=officer_a, name="Kịch bản Zalo", user=SYSTEM)
    other, _raw = create_token(owner=officer_b, user=SYSTEM)
    client = client_for(officer_a)
    page = client.get("/accounts/me/")
    assert page.status_code == 200
    assert "Kịch bản Zalo" in page.content.decode() and raw not in page.content.decode()
    assert client.post(f"/accounts/me/api-tokens/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/me/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    created = client.post("/accounts/me/", {"name": "Mới", "expires_days": "7"})
    assert created.status_code == 200
    assert ApiToken.objects.filter(user=officer_a, name="Mới").count() == 1
    assert client.post("/accounts/me/", {"expires_days": "0"}).status_code == 400


# Scoping -------------------------------------------------------------------------------------


def test_a_unit_officer_reads_only_its_subtree(api_client, officer_a, unit_a, objects):
    objects.member_a  # noqa: B018
    mine = subtree_ids(unit_a)
    client = api_client(officer_a)
    units = client.get(API + "/units", {"on": "2024-07-31", "limit": 500}).json()
    assert units["count"] >= 2 and {u["id"] for u in units["items"]} <= mine
    records = client.get(API + "/records", {"limit": 500}).json()
    assert records["count"] > 0 and {r["union_id"] for r in records["items"]} <= mine
    members = client.get(API + "/members", {"limit": 500}).json()
    assert members["count"] > 0 and {m["union_id"] for m in members["items"]} <= mine
    enterprises = client.get(API + "/enterprises").json()
    assert {e["unit_id"] for e in enterprises["items"]} <= mine
    other = next(u for u in Unit.objects.exclude(id__in=mine).order_by("id"))
    assert client.get(f"{API}/units/{other.pk}").status_code == 404
    outside = Member.objects.exclude(union_id__in=mine).first()
    assert client.get(f"{API}/members/{outside.pk}").status_code == 404
    assert client.get(f"{API}/members/{objects.member_a.pk}").status_code == 200


def test_personal_data_masked_by_the_pages_rule(api_client, officer_a, viewer_user, objects):
    member = objects.member_a
    own = api_client(officer_a).get(f"{API}/members/{member.pk}").json()
    assert own["cccd"] == member.cccd and own["date_of_birth"] == "1990-05-17"
    assert own["masked"] is False
    seen = api_client(viewer_user).get(f"{API}/members/{member.pk}").json()
    assert seen["cccd"] == "••••••••8901" and seen["date_of_birth"] == "••/••/1990"
    assert seen["ethnicity"] == "•••" and seen["masked"] is True


def test_an_officer_cannot_admit_to_another_districts_union(api_client, officer_a, unit_b):
    union_b = grassroots_of(unit_b)
    before = Member.objects.count()
    response = api_client(officer_a).post(
        API + "/records/admissions",
        {"union_id": union_b.pk, "members": [person()]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    assert Member.objects.count() == before


def test_a_viewer_writes_nothing(api_client, viewer_user, objects):
    response = api_client(viewer_user).post(
        API + "/records/departures",
        {"member_id": objects.member_a.pk, "on_date": "2024-07-25", "reason": "retired"},
        content_type="application/json",
    )
    assert response.status_code == 403
    objects.member_a.refresh_from_db()
    assert objects.member_a.left_on is None


# Figures -------------------------------------------------------------------------------------


def _cells(data):
    return {
        (row["unit_id"], cell["indicator_id"]): (cell["target"], cell["achieved"], cell["percent"])
        for row in data["rows"]
        for cell in row["cells"]
    }


def _board_cells(board):
    rows = [*board.rows, *([board.province] if board.province else [])]
    return {
        (row.unit.pk, c.indicator.pk): (c.target, c.achieved, c.percent)
        for row in rows
        for c in row.cells
    }


def test_figures_equal_the_dashboard(api_client, admin_user, officer_a, period, unit_a):
    url = f"{API}/plans/{period.plan_id}/periods/{period.code}/figures"
    province = api_client(admin_user).get(url).json()
    assert _cells(province) == _board_cells(boards.build(period, visible_unit_ids=None))
    own = api_client(officer_a).get(url).json()
    assert {r["unit_id"] for r in own["rows"]} == {unit_a.pk}
    assert _cells(own) == _board_cells(boards.build(period, visible_unit_ids={unit_a.pk}))
    drill = api_client(officer_a).get(url, {"under": unit_a.pk}).json()
    built = boards.build(period, visible_unit_ids=subtree_ids(unit_a), parent=unit_a)
    assert _cells(drill) == _board_cells(built)


def test_an_admission_through_the_api_moves_the_figure_by_its_count(
    api_client, officer_a, period, unit_a
):
    client = api_client(officer_a)
    url = f"{API}/plans/{period.plan_id}/periods/{period.code}/figures"
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    indicator = next(
        i
        for i in first.json()["indicators"]
        if i["measure"] == "net_members" and not i["sectors"] and i["parent_id"] is None
    )
    before = _cells(first.json())[unit_a.pk, indicator["id"]][1]
    union = grassroots_of(unit_a)
    response = client.post(
        API + "/records/admissions",
        {"union_id": union.pk, "members": [person("012345600011"), person("012345600012")]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["admitted"] == 2 and body["members"][0]["cccd"] == "012345600011"
    assert Record.objects.filter(member_id=body["members"][0]["id"], kind="admitted").exists()
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again["ETag"] != etag
    assert _cells(again.json())[unit_a.pk, indicator["id"]][1] == before + 2
    # and the dashboard's own figure (the page's progress.dashboard.build) moved with it
    board = boards.build(period, visible_unit_ids={unit_a.pk})
    assert _board_cells(board)[unit_a.pk, indicator["id"]][1] == before + 2


# Writes and errors ---------------------------------------------------------------------------


def test_bad_rows_get_one_vietnamese_message_per_field_and_nothing_is_written(
    api_client, officer_a, unit_a
):
    union = grassroots_of(unit_a)
    before = Member.objects.count()
    response = api_client(officer_a).post(
        API + "/records/admissions",
        {
            "union_id": union.pk,
            "members": [person("012345600021"), person("12ab", gender="x")],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "không phải số CCCD 12 chữ số" in fields["members.1.cccd"]
    assert "Nam/Nữ" in fields["members.1.gender"]
    assert Member.objects.count() == before


def test_malformed_input_is_a_400_never_a_500(api_client, officer_a, period):
    client = api_client(officer_a)
    cases = [
        ("post", "/records/admissions", {"union_id": "x", "members": []}),
        ("post", "/records/departures", {"member_id": 2**70, "on_date": "31/07/2024"}),
        ("post", "/records/transfers", "not json"),
        ("get", "/records", {"date_from": "hôm qua"}),
        ("get", "/units", {"on": "0001-01-01"}),
        ("get", "/members", {"q": "a\x00b"}),
        ("get", "/records", {"limit": 10**6}),
    ]
    for method, path, data in cases:
        if method == "post":
            response = client.post(API + path, data, content_type="application/json")
        else:
            response = client.get(API + path, data)
        assert response.status_code == 400, (path, response.content)
        body = response.json()
        assert body["detail"] and all(e["message"] for e in body.get("errors", []))
    missing = client.post(API + "/records/departures", {}, content_type="application/json")
    assert {e["field"] for e in missing.json()["errors"]} == {"member_id", "on_date", "reason"}
    # the wording of the same mistake on a page's form (Django's own messages)
    assert missing.json()["errors"][0]["message"] == "Trường này là bắt buộc."
    bad_date = client.post(
        API + "/records/departures",
        {"member_id": 1, "on_date": "31/07/2024", "reason": "retired"},
        content_type="application/json",
    )
    assert bad_date.json()["errors"] == [{"field": "on_date", "message": "Nhập một ngày hợp lệ."}]
    bad_reason = client.post(
        API + "/records/departures",
        {"member_id": 1, "on_date": "2024-07-31", "reason": "bay"},
        content_type="application/json",
    )
    assert bad_reason.json()["errors"][0]["message"].startswith("Hãy chọn một lựa chọn hợp lệ.")


def test_a_service_refusal_is_a_400_with_its_message(api_client, officer_a, objects):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = api_client(officer_a).post(
        API + "/records/departures",
        {"member_id": objects.member_a.pk, "on_date": future, "reason": "retired"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "ở tương lai" in response.json()["detail"]


def test_departure_transfer_and_party_introduction_go_through_the_services(
    api_client, officer_a, objects, unit_a
):
    client = api_client(officer_a)
    member = objects.member_a
    intro = client.post(
        API + "/records/party-introductions",
        {"member_id": member.pk, "on_date": "2024-07-20"},
        content_type="application/json",
    )
    assert intro.status_code == 201 and intro.json()["party_outcome"] == "pending"
    outcome = client.post(
        f"{API}/records/{intro.json()['id']}/party-outcome",
        {"outcome": "admitted", "on_date": "2024-08-20"},
        content_type="application/json",
    )
    assert outcome.status_code == 200 and outcome.json()["party_outcome"] == "admitted"
    other = (
        Unit.objects.filter(id__in=subtree_ids(unit_a), kind=UnitKind.GRASSROOTS)
        .exclude(pk=member.union_id)
        .order_by("id")
        .first()
    )
    moved = client.post(
        API + "/records/transfers",
        {"member_id": member.pk, "to_union_id": other.pk, "on_date": "2024-07-25"},
        content_type="application/json",
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["transfer_in"]["union_id"] == other.pk
    left = client.post(
        API + "/records/departures",
        {"member_id": member.pk, "on_date": "2024-07-28", "reason": "retired"},
        content_type="application/json",
    )
    assert left.status_code == 201
    member.refresh_from_db()
    assert member.left_on == D(2024, 7, 28) and member.union == other
    assert Record.objects.get(pk=left.json()["id"]).entered_by == officer_a


def test_report_submit_saves_and_submits_in_one_transaction(api_client, officer_a, objects):
    from reports.models import Report, ReportingDeadline

    unit = objects.unit_a
    deadline = (
        ReportingDeadline.objects.filter(plan=objects.plan)
        .exclude(reports__unit=unit)
        .order_by("id")
        .first()
    )
    client = api_client(officer_a)
    url = f"{API}/reports/{deadline.pk}/{unit.pk}/submit"
    refused = client.post(url, {"difficulties": "Địa bàn rộng"}, content_type="application/json")
    assert refused.status_code == 400 and "Kết quả đạt được" in refused.json()["detail"]
    assert not Report.objects.filter(deadline=deadline, unit=unit, difficulties__gt="").exists()
    done = client.post(url, {"results": "Kết nạp 12 đoàn viên."}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted" and done.json()["figures"]["rows"]
    listed = client.get(API + "/reports", {"deadline": deadline.pk}).json()
    assert [r["status"] for r in listed["items"]] == ["submitted"]
    assert (
        api_client(objects.admin).post(url, {}, content_type="application/json").status_code == 400
    )


def test_the_schema_documents_every_endpoint(demo):
    schema = Client().get(API + "/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/units/changes",
        "/api/v1/plans/{plan_id}/periods/{period}/figures",
        "/api/v1/records/admissions",
        "/api/v1/members",
        "/api/v1/enterprises",
        "/api/v1/reports/{deadline_id}/{unit_id}/submit",
    } <= paths
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = Client().get(API + "/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def _submitted_report(client, objects):
    from reports.models import ReportingDeadline

    unit = objects.unit_a
    deadline = (
        ReportingDeadline.objects.filter(plan=objects.plan)
        .exclude(reports__unit=unit)
        .order_by("id")
        .first()
    )
    url = f"{API}/reports/{deadline.pk}/{unit.pk}"
    done = client.post(url + "/submit", {"results": "Kết nạp 12."}, content_type="application/json")
    assert done.status_code == 200, done.content
    return url, done.json()


def test_the_province_returns_accepts_and_reopens_a_report_through_the_services(
    api_client, officer_a, admin_user, viewer_user, objects
):
    from reports.models import Report, ReportEvent

    officer = api_client(officer_a)
    url, submitted = _submitted_report(officer, objects)
    admin = api_client(admin_user)
    post = lambda client, action, data: client.post(  # noqa: E731
        f"{url}/{action}", data, content_type="application/json"
    )
    # neither the unit's officer nor the viewer reviews (403), nothing changes
    assert post(officer, "accept", {}).status_code == 403
    assert post(api_client(viewer_user), "return", {"reason": "x"}).status_code == 403
    # a return needs a reason: the service's message (as the report page shows it), on the field
    refused = post(admin, "return", {"reason": "  "})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "reason", "message": "Cần ghi lý do trả lại báo cáo."}
    ]
    # a stale version: 409, nothing written
    stale = post(admin, "return", {"reason": "Thiếu số liệu", "expected_version": 1})
    assert stale.status_code == 409 and "vừa được" in stale.json()["detail"]
    report = Report.objects.get(deadline_id=submitted["deadline_id"], unit=objects.unit_a)
    assert report.status == "submitted" and report.version == submitted["version"]
    returned = post(
        admin, "return", {"reason": "Thiếu số liệu", "expected_version": submitted["version"]}
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "Thiếu số liệu"
    # a returned report cannot be accepted: the service's message, 400
    not_yet = post(admin, "accept", {})
    assert not_yet.status_code == 400 and "chưa duyệt được" in not_yet.json()["detail"]
    again = officer.post(url + "/submit", {}, content_type="application/json")
    assert again.json()["status"] == "resubmitted"
    accepted = post(admin, "accept", {})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_at"]
    reopened = post(admin, "reopen", {"reason": "Sửa số liệu"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "returned"
    actions = list(
        ReportEvent.objects.filter(report=report).order_by("id").values_list("action", "actor")
    )
    assert [a for a, _ in actions][-4:] == ["returned", "resubmitted", "accepted", "reopened"]
    assert {u for a, u in actions if a in ("returned", "accepted")} == {admin_user.pk}
    listed = admin.get(API + "/reports", {"unit": objects.unit_a.pk, "status": "returned"})
    assert [r["deadline_id"] for r in listed.json()["items"]] == [submitted["deadline_id"]]
    # no report yet for that unit: 404 (nothing to review)
    assert (
        admin.post(
            f"{API}/reports/{submitted['deadline_id']}/{objects.unit_b.pk}/accept",
            {},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_gzipped_figure_answer_gets_its_304_with_the_weak_etag(api_client, officer_a, period):
    client = api_client(officer_a)
    url = f"{API}/plans/{period.plan_id}/periods/{period.code}/figures"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip" and first["ETag"].startswith('W/"')
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]})
    assert again.status_code == 304
    plain = client.get(url, headers={"If-None-Match": first["ETag"].removeprefix("W/")})
    assert plain.status_code == 304


def test_lists_filter_by_unit_date_and_kind(api_client, admin_user, unit_a, objects):
    client = api_client(admin_user)
    objects.member_a  # noqa: B018
    mine = subtree_ids(unit_a)
    records = client.get(
        API + "/records",
        {"unit": unit_a.pk, "kind": "admitted", "date_from": "2024-07-01", "date_to": "2024-07-31"},
    ).json()
    assert records["count"] > 0
    for r in records["items"]:
        assert r["union_id"] in mine and r["kind"] == "admitted"
        assert "2024-07-01" <= r["date"] <= "2024-07-31"
    members = client.get(
        API + "/members",
        {"unit": unit_a.pk, "admitted_from": "2024-01-01", "admitted_to": "2024-12-31"},
    ).json()
    assert all(m["union_id"] in mine for m in members["items"])
    assert all("2024-01-01" <= m["admitted_on"] <= "2024-12-31" for m in members["items"])
    cases = client.get(API + "/founding-cases", {"unit": unit_a.pk, "limit": 500}).json()
    assert all(c["unit_id"] in mine for c in cases["items"])
    page_1 = client.get(API + "/units", {"limit": 2, "offset": 0}).json()
    page_2 = client.get(API + "/units", {"limit": 2, "offset": 2}).json()
    assert page_1["count"] == page_2["count"] > 4
    assert not {u["id"] for u in page_1["items"]} & {u["id"] for u in page_2["items"]}
    kinds = client.get(API + "/units", {"kind": "grassroots", "limit": 500}).json()
    assert kinds["count"] > 0 and {u["kind"] for u in kinds["items"]} == {"grassroots"}


def test_a_muong_te_token_writes_nothing_outside_muong_te(
    api_client, officer_a, admin_user, unit_a, unit_b, objects, period
):
    """Every write and the review of another district: refused (403, or 404 for what the
    token does not even see), and nothing written anywhere."""
    from reports.models import Report, ReportingDeadline

    union_b = objects.grassroots_b
    (member_b,) = (
        api_client(admin_user)
        .post(
            API + "/records/admissions",
            {"union_id": union_b.pk, "members": [person("012345600031")]},
            content_type="application/json",
        )
        .json()["members"]
    )
    client = api_client(officer_a)
    records, members = Record.objects.count(), Member.objects.count()
    reports = Report.objects.count()
    post = lambda path, data: client.post(  # noqa: E731
        API + path, data, content_type="application/json"
    )
    on = {"on_date": "2024-07-25"}
    outside = [
        post("/records/admissions", {"union_id": union_b.pk, "members": [person()]}),
        post("/records/departures", {"member_id": member_b["id"], "reason": "retired", **on}),
        post("/records/transfers", {"member_id": member_b["id"], "to_union_id": 1, **on}),
        post("/records/party-introductions", {"member_id": member_b["id"], **on}),
    ]
    deadline = ReportingDeadline.objects.filter(plan=objects.plan).order_by("id").first()
    outside.append(post(f"/reports/{deadline.pk}/{unit_b.pk}/submit", {"results": "x"}))
    assert [r.status_code for r in outside] == [403, 404, 404, 404, 403]
    assert all(r.json()["detail"] for r in outside)
    assert (Record.objects.count(), Member.objects.count()) == (records, members)
    assert Report.objects.count() == reports
    # and reads of Tam Đường: 404, the figures of its subtree refused
    assert client.get(f"{API}/members/{member_b['id']}").status_code == 404
    assert client.get(f"{API}/units/{unit_b.pk}").status_code == 404
    figures = f"{API}/plans/{period.plan_id}/periods/{period.code}/figures"
    assert client.get(figures, {"under": unit_b.pk}).status_code in (403, 404)
    assert client.get(f"{API}/reports/{deadline.pk}/{unit_b.pk}").status_code == 403
    assert client.get(API + "/records", {"unit": unit_b.pk}).json()["count"] == 0
    # The one write that reaches another district is the page's own rule: a member of one's
    # own CĐCS may be transferred to a CĐCS anywhere (transfer_member writes the "in" record
    # there); the API allows exactly that and no more.
    moved = post(
        "/records/transfers", {"member_id": objects.member_a.pk, "to_union_id": union_b.pk, **on}
    )
    assert moved.status_code == 201


def test_a_failing_multi_row_admission_writes_nothing(api_client, officer_a, unit_a, objects):
    """All or nothing: a list whose last row repeats a CCCD already in the register (or one
    earlier in the same list) admits nobody, and says which row."""
    union = grassroots_of(unit_a)
    taken = objects.member_a.cccd
    client = api_client(officer_a)
    records, members = Record.objects.count(), Member.objects.count()
    for rows in (
        [person("012345600041"), person("012345600042"), person(taken)],
        [person("012345600043"), person("012345600043")],
    ):
        response = client.post(
            API + "/records/admissions",
            {"union_id": union.pk, "members": rows},
            content_type="application/json",
        )
        assert response.status_code in (400, 409), response.content
        assert response.json()["detail"]
        assert (Record.objects.count(), Member.objects.count()) == (records, members)
