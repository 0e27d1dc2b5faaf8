"""The campaign's organisation (issue 14): committees, officers, tasks with evidence, budget,
trainings, CĐCS milestones; the province board against hand counts; who may do what."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaign import demo, selectors, services
from campaign.models import (
    BudgetKind,
    Department,
    DesignatedOfficer,
    MemberRole,
    Milestone,
    SteeringCommittee,
    Task,
    TaskStatus,
)
from organisation.models import Unit, UnitKind, UnitPath
from plans.demo import PLAN_NUMBER
from plans.models import Plan
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def plan(demo):
    return Plan.objects.get(number=PLAN_NUMBER)


def _row(board, unit):
    return next(r for r in board.rows if r.unit == unit)


def _new_union_of(unit):
    """A CĐCS founded under unit in July 2024 (the demo founds none under Mường Tè)."""
    from progress.services import found_grassroots_union

    below = UnitPath.objects.filter(ancestor=unit, depth__gt=0).values("descendant_id")
    found = (
        Unit.objects.filter(id__in=below, kind=UnitKind.GRASSROOTS, founded_on__year=2024)
        .order_by("founded_on", "id")
        .first()
    )
    return found or found_grassroots_union(
        name=f"CĐCS Công ty Mới thuộc {unit.name}",
        parent=unit,
        founded_on=D(2024, 7, 20),
        sector="dn_small",
        user=SYSTEM,
    )


# --- demo ---------------------------------------------------------------------------------------


def test_demo_has_the_plans_committee_and_tasks_and_is_idempotent(plan, province):
    committee = SteeringCommittee.objects.get(unit=province)
    assert committee.name == demo.COMMITTEE_NAME and not committee.has_decision
    tasks = Task.objects.filter(plan=plan)
    units = plan.plan_units.count()
    assert units == 11
    assert tasks.count() == len(demo.DEPARTMENT_TASKS) + units * len(demo.UNIT_TASKS)
    assert set(tasks.filter(unit=province).values_list("department", flat=True)) == set(
        Department.values
    )
    before = tasks.count()
    demo.load(user=SYSTEM)
    assert Task.objects.filter(plan=plan).count() == before
    assert SteeringCommittee.objects.count() == 1


# --- committees ---------------------------------------------------------------------------------


def test_a_unit_officer_sets_up_its_committee_with_members(unit_a, officer_a):
    committee = services.save_committee(
        unit=unit_a, decision_number="12/QĐ-LĐLĐ", decision_on=D(2024, 6, 20), user=officer_a
    )
    assert committee.name == "Ban Chỉ đạo Phát triển đoàn viên LĐLĐ huyện Mường Tè"
    services.add_committee_member(
        committee=committee,
        full_name="Lò Văn Trưởng",
        position="Phó Bí thư Huyện ủy",
        role=MemberRole.HEAD,
        body="party",
        assignment="Chỉ đạo chung",
        user=officer_a,
    )
    with pytest.raises(services.CampaignError, match="đã có trưởng ban"):
        services.add_committee_member(
            committee=committee, full_name="Người Khác", role=MemberRole.HEAD, user=officer_a
        )
    with pytest.raises(services.CampaignError, match="cùng nhau"):
        services.save_committee(unit=unit_a, decision_number="12/QĐ", user=officer_a)
    assert committee.members.count() == 1
    assert committee.history.count() >= 1  # audited


def test_an_officer_cannot_touch_another_units_items(unit_a, unit_b, officer_b, viewer_user):
    committee = services.save_committee(unit=unit_a, user=SYSTEM)
    for user in (officer_b, viewer_user):
        with pytest.raises(PermissionDenied):
            services.save_committee(unit=unit_a, user=user)
        with pytest.raises(PermissionDenied):
            services.add_committee_member(committee=committee, full_name="X", user=user)
        with pytest.raises(PermissionDenied):
            services.designate_officer(unit=unit_a, full_name="X", since=D(2024, 6, 1), user=user)


# --- officer ------------------------------------------------------------------------------------


def test_a_new_officer_ends_the_previous_one(unit_a, officer_a):
    services.designate_officer(
        unit=unit_a, full_name="Lò Thị Một", since=D(2024, 6, 15), phone="0912", user=officer_a
    )
    services.designate_officer(
        unit=unit_a, full_name="Giàng A Hai", since=D(2025, 1, 1), user=officer_a
    )
    first, second = DesignatedOfficer.objects.filter(unit=unit_a).order_by("since")
    assert first.until == D(2024, 12, 31) and second.until is None
    with pytest.raises(services.CampaignError, match="phải sau ngày"):
        services.designate_officer(
            unit=unit_a, full_name="Ba", since=D(2024, 12, 1), user=officer_a
        )


# --- tasks --------------------------------------------------------------------------------------


def test_overdue_is_computed_from_the_due_date(plan, unit_a, officer_a):
    today = timezone.localdate()
    late = services.create_task(
        plan=plan,
        unit=unit_a,
        title="Việc trễ",
        due_on=today - datetime.timedelta(days=1),
        user=officer_a,
    )
    on_time = services.create_task(
        plan=plan, unit=unit_a, title="Việc còn hạn", due_on=today, user=officer_a
    )
    assert late.overdue and late.status_label == "Quá hạn"
    assert not on_time.overdue
    services.update_task(task=late, status=TaskStatus.DONE, user=officer_a)
    late.refresh_from_db()
    assert not late.overdue and late.done_on == today


def test_department_tasks_are_the_provinces(plan, province, officer_a, admin_user):
    with pytest.raises(PermissionDenied):
        services.create_task(
            plan=plan, unit=province, title="X", department=Department.OFFICE, user=officer_a
        )
    task = Task.objects.filter(plan=plan, unit=province).first()
    with pytest.raises(PermissionDenied):
        services.update_task(task=task, status=TaskStatus.DOING, user=officer_a)
    services.update_task(task=task, status=TaskStatus.DOING, user=admin_user)


def test_evidence_file_is_checked_stored_under_a_random_name_and_served_to_readers(
    plan, unit_a, officer_a, officer_b, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    task = Task.objects.filter(plan=plan, unit=unit_a).first()
    fake = SimpleUploadedFile("bien-ban.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(Exception, match="không phải tệp PDF thật"):
        services.update_task(task=task, evidence_file=fake, user=officer_a)
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(Exception, match="chỉ nhận"):
        services.update_task(task=task, evidence_file=exe, user=officer_a)

    client = client_for(officer_a)
    response = client.post(
        f"/campaign/tasks/{task.pk}/",
        {
            "status": "done",
            "done_on": "2024-07-30",
            "evidence_link": "https://laichau.gov.vn/tin-tuc",
            "evidence_file": SimpleUploadedFile("Biên bản.pdf", PDF),
            "comment": "Đã tổ chức lễ công bố",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.status == "done" and task.done_on == D(2024, 7, 30)
    stored = task.evidence_file.name
    assert stored.startswith(f"campaign/evidence/{unit_a.pk}/") and "Biên" not in stored
    assert (settings.MEDIA_ROOT / stored).read_bytes() == PDF
    download = client.get(f"/campaign/tasks/{task.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(officer_b).get(f"/campaign/tasks/{task.pk}/evidence/").status_code == 403


# --- budget, trainings, milestones --------------------------------------------------------------


def test_budget_amounts_show_with_dot_thousands(plan, unit_a, officer_a, client_for):
    services.add_budget_line(
        plan=plan,
        unit=unit_a,
        kind=BudgetKind.ESTIMATE,
        category="training",
        amount=15000000,
        user=officer_a,
    )
    services.add_budget_line(
        plan=plan,
        unit=unit_a,
        kind=BudgetKind.SETTLEMENT,
        category="training",
        amount=1000000,
        user=officer_a,
    )
    with pytest.raises(services.CampaignError, match="lớn hơn 0"):
        services.add_budget_line(
            plan=plan, unit=unit_a, kind="estimate", category="other", amount=0, user=officer_a
        )
    response = client_for(officer_a).post(
        f"/campaign/units/{unit_a.pk}/budget/?plan={plan.pk}",
        {"kind": "estimate", "category": "propaganda", "amount": "2.500.000"},
    )
    assert response.status_code == 302
    html = client_for(officer_a).get(f"/campaign/units/{unit_a.pk}/?plan={plan.pk}").content
    html = html.decode()
    assert "15.000.000" in html and "1.000.000" in html and "17.500.000" in html


def test_training_and_milestones_of_new_unions(plan, unit_a, unit_b, officer_a):
    union = _new_union_of(unit_a)
    assert union is not None
    other = _new_union_of(unit_b)
    with pytest.raises(services.CampaignError, match="không phải CĐCS thuộc"):
        services.add_training(
            unit=unit_a,
            title="Lớp 1",
            held_on=D(2024, 8, 10),
            participants=30,
            unions=[other],
            user=officer_a,
        )
    services.add_training(
        unit=unit_a,
        title="Lớp 1",
        held_on=D(2024, 8, 10),
        participants=30,
        unions=[union],
        user=officer_a,
    )
    services.record_milestone(
        union=union, kind="agreement", reached_on=D(2024, 10, 1), better_terms=3, user=officer_a
    )
    services.record_milestone(union=union, kind="fees", reached_on=D(2024, 8, 1), user=officer_a)
    with pytest.raises(services.CampaignError, match="trước ngày thành lập"):
        services.record_milestone(
            union=union, kind="dialogue", reached_on=D(2024, 1, 1), user=officer_a
        )
    with pytest.raises(PermissionDenied):
        services.record_milestone(
            union=other, kind="fees", reached_on=D(2024, 8, 1), user=officer_a
        )
    assert Milestone.objects.get(union=union, kind="agreement").better_terms == 3
    rows = selectors.new_unions_of(unit_a, 2024)
    row = next(r for r in rows if r["union"] == union)
    assert row["trained"]
    assert [bool(m) for _k, m in row["milestones"]] == [True, False, False, True]


# --- the board ----------------------------------------------------------------------------------


def test_board_figures_against_hand_counts(plan, unit_a, unit_b, admin_user):
    today = timezone.localdate()
    services.save_committee(
        unit=unit_a, decision_number="12/QĐ", decision_on=D(2024, 6, 20), user=SYSTEM
    )
    services.designate_officer(
        unit=unit_a, full_name="Lò Thị Một", since=D(2024, 6, 15), user=SYSTEM
    )
    tasks = list(Task.objects.filter(plan=plan, unit=unit_a).order_by("id"))
    services.update_task(task=tasks[0], status="done", user=SYSTEM)
    services.update_task(task=tasks[1], status="doing", user=SYSTEM)
    services.add_budget_line(
        plan=plan, unit=unit_a, kind="estimate", category="other", amount=5000000, user=SYSTEM
    )
    trained = _new_union_of(unit_a)
    new_a = (
        UnitPath.objects.filter(
            ancestor=unit_a,
            depth__gt=0,
            descendant__kind__in=UnitKind.grassroots_level(),
            descendant__founded_on__year=2024,
        )
        .values("descendant_id")
        .distinct()
        .count()
    )
    services.add_training(
        unit=unit_a,
        title="Lớp",
        held_on=D(2024, 8, 1),
        participants=12,
        unions=[trained],
        user=SYSTEM,
    )
    overdue_by_hand = sum(
        1
        for t in Task.objects.filter(plan=plan, unit=unit_a)
        if t.status != "done" and t.due_on and t.due_on < today
    )
    board = selectors.board(plan, admin_user)
    a, b = _row(board, unit_a), _row(board, unit_b)
    assert a.has_committee and a.officer.full_name == "Lò Thị Một"
    assert (a.tasks_done, a.tasks_total, a.tasks_overdue) == (1, 7, overdue_by_hand)
    assert a.estimated == 5000000 and a.settled == 0
    assert (a.trainings, a.trained_people, a.new_unions, a.trained_unions) == (1, 12, new_a, 1)
    keys = [k for k, _label in a.missing]
    assert "committee" not in keys and "officer" not in keys and "budget" not in keys
    assert "members" in keys and "own_plan" in keys
    assert [k for k, _l in b.missing][:2] == ["committee", "officer"]
    assert board.totals["committees"] == 1 and board.totals["officers"] == 1
    assert board.totals["units"] == 11
    assert b.next_steps[0].text.startswith("Đôn đốc đơn vị")


def test_a_unit_with_its_own_plan_is_not_flagged(plan, unit_a, admin_user):
    Plan.objects.create(
        number="05/KH-LĐLĐ-MT",
        issued_on=D(2024, 6, 25),
        issuing_unit=unit_a,
        title="Kế hoạch phát triển đoàn viên năm 2024",
        year=2024,
    )
    row = _row(selectors.board(plan, admin_user), unit_a)
    assert [p.number for p in row.own_plans] == ["05/KH-LĐLĐ-MT"]
    assert "own_plan" not in [k for k, _l in row.missing]


# --- pages --------------------------------------------------------------------------------------


def test_board_page_for_the_province_and_redirect_for_an_officer(
    plan, unit_a, admin_user, viewer_user, officer_a, client_for
):
    html = client_for(admin_user).get("/campaign/").content.decode()
    assert "Tổ chức thực hiện kế hoạch" in html and "LĐLĐ huyện Mường Tè" in html
    assert "Chưa cử" in html and 'class="missing"' in html
    assert "Ghi quyết định thành lập ban chỉ đạo" in html  # the province's own row
    viewer = client_for(viewer_user).get("/campaign/").content.decode()
    assert "LĐLĐ huyện Mường Tè" in viewer
    assert "Đôn đốc" not in viewer and "Ghi quyết định" not in viewer
    response = client_for(officer_a).get("/campaign/")
    assert response.status_code == 302 and f"/campaign/units/{unit_a.pk}/" in response.url
    page = client_for(officer_a).get(response.url).content.decode()
    assert "Cử cán bộ phụ trách phát triển đoàn viên" in page and "Thêm nhiệm vụ" in page


def test_an_officer_fills_in_committee_officer_and_a_task_through_the_pages(
    plan, unit_a, officer_a, client_for
):
    client = client_for(officer_a)
    base = f"/campaign/units/{unit_a.pk}"
    assert (
        client.post(
            f"{base}/committee/",
            {"name": "", "decision_number": "15/QĐ-LĐLĐ", "decision_on": "20/06/2024"},
        ).status_code
        == 302
    )
    committee = SteeringCommittee.objects.get(unit=unit_a)
    assert (
        client.post(
            f"/campaign/committees/{committee.pk}/members/",
            {"full_name": "Lò Văn Trưởng", "role": "head", "body": "party", "assignment": "Chung"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base}/officer/", {"full_name": "Lò Thị Một", "since": "15/06/2024", "phone": "0912"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base}/tasks/new/?plan={plan.pk}",
            {"title": "Khảo sát doanh nghiệp mới", "owner": "Lò Thị Một", "due_on": "30/09/2024"},
        ).status_code
        == 302
    )
    html = client.get(f"{base}/?plan={plan.pk}").content.decode()
    assert "15/QĐ-LĐLĐ" in html and "Lò Văn Trưởng" in html and "Trưởng ban" in html
    assert "Lò Thị Một" in html and "Khảo sát doanh nghiệp mới" in html and "30/09/2024" in html
    member = committee.members.get()
    assert client.post(f"/campaign/members/{member.pk}/remove/").status_code == 302
    assert not committee.members.exists()


def test_a_grassroots_officer_records_its_own_milestone(plan, unit_a, client_for):
    from accounts.models import Role
    from accounts.services import create_user
    from tests.conftest import PASSWORD

    union = _new_union_of(unit_a)
    officer = create_user(
        username="t.cdcs.quality",
        password=PASSWORD,
        role=Role.GRASSROOTS_OFFICER,
        unit=union,
        validate=False,
    )
    client = client_for(officer)
    assert client.get("/campaign/").status_code == 302
    response = client.post(
        f"/campaign/units/{union.pk}/milestones/new/",
        {"union": union.pk, "kind": "democracy", "reached_on": "01/09/2024"},
    )
    assert response.status_code == 302
    assert Milestone.objects.get(union=union).kind == "democracy"
    assert client.get(f"/campaign/units/{unit_a.pk}/").status_code == 403


def test_the_board_is_a_fixed_number_of_queries(
    plan, admin_user, client_for, django_assert_max_num_queries
):
    client = client_for(admin_user)
    client.get("/campaign/")
    with django_assert_max_num_queries(20) as captured:
        client.get("/campaign/")
    before = len(captured)
    for unit in Unit.objects.filter(kind=UnitKind.DISTRICT):
        services.save_committee(unit=unit, user=SYSTEM)
        services.designate_officer(unit=unit, full_name="Cán bộ", since=D(2024, 6, 1), user=SYSTEM)
    with django_assert_max_num_queries(before):
        client.get("/campaign/")


def test_export_campaign_writes_the_board_in_the_official_layout(plan, unit_a, tmp_path):
    from django.core.management import call_command
    from openpyxl import load_workbook

    services.save_committee(
        unit=unit_a, decision_number="12/QĐ", decision_on=D(2024, 6, 20), user=SYSTEM
    )
    services.add_budget_line(
        plan=plan, unit=unit_a, kind="estimate", category="other", amount=5000000, user=SYSTEM
    )
    out = tmp_path / "to-chuc.xlsx"
    call_command("export_campaign", "--plan", PLAN_NUMBER, "--out", str(out))
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    assert any(v == "BIỂU THEO DÕI CÔNG TÁC TỔ CHỨC THỰC HIỆN" for row in values for v in row)
    row = next(r for r in values if r[1] == "LĐLĐ huyện Mường Tè")
    assert row[2] == "12/QĐ ngày 20/6/2024" and row[4] == "Chưa cử" and row[9] == 5000000
    assert row[6:9] == [0, 7, 2]  # tasks done, total, overdue (the demo's two dated tasks)
    totals = next(r for r in values if r[0] == "Cộng:")
    assert totals[2] == "1/11" and totals[7] == 77 and totals[9] == 5000000
    assert any(str(r[0]).startswith("Liên đoàn Lao động tỉnh Lai Châu") for r in values)


def test_an_officer_downloads_only_its_own_row(plan, officer_a, client_for):
    from openpyxl import load_workbook

    response = client_for(officer_a).get(f"/campaign/export.xlsx?plan={plan.pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [r[1].value for r in sheet.iter_rows() if isinstance(r[0].value, int)]
    assert names == ["LĐLĐ huyện Mường Tè"]


def test_a_review_meetings_conclusions_become_tasks(plan, unit_a, officer_a, client_for):
    client = client_for(officer_a)
    response = client.post(
        f"/campaign/units/{unit_a.pk}/meetings/new/?plan={plan.pk}",
        {
            "held_on": "15/07/2024",
            "chair": "Chủ tịch LĐLĐ huyện",
            "attendees": "Ban Thường vụ, cán bộ phụ trách",
            "conclusions": "Hoàn thành hồ sơ CĐCS Sâm Pu Si Lung\n\nKhảo sát thêm doanh nghiệp",
            "due_on": "31/07/2024",
        },
    )
    assert response.status_code == 302
    tasks = Task.objects.filter(unit=unit_a, meeting__isnull=False).order_by("id")
    assert [t.title for t in tasks] == [
        "Hoàn thành hồ sơ CĐCS Sâm Pu Si Lung",
        "Khảo sát thêm doanh nghiệp",
    ]
    assert all(t.due_on == D(2024, 7, 31) and t.overdue for t in tasks)
    html = client.get(f"/campaign/units/{unit_a.pk}/?plan={plan.pk}").content.decode()
    assert "Chủ tịch LĐLĐ huyện" in html and "Khảo sát thêm doanh nghiệp" in html
    with pytest.raises(services.CampaignError, match="trước ngày họp"):
        services.record_meeting(
            plan=plan,
            unit=unit_a,
            held_on=D(2024, 7, 15),
            chair="X",
            due_on=D(2024, 7, 1),
            user=officer_a,
        )
    row = _row(selectors.board(plan, officer_a), unit_a)
    assert row.meetings == 1 and row.tasks_total == 9
