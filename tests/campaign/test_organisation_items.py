"""Issue 14, the rest: unit implementation plans, budget norms and the budget overview, comments
on tasks, the Word reports' "Công tác tổ chức thực hiện", export_campaign's own-plan column;
each against hand counts, and a unit officer unable to touch another unit's items."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from campaign import selectors, services
from campaign.models import BudgetNorm, Task, TaskComment, UnitPlan
from organisation.models import Unit, UnitKind, UnitPath
from plans.demo import PLAN_NUMBER
from plans.models import Plan
from progress.models import Record, RecordKind
from reports.document import build_document
from reports.models import ReportingDeadline
from reports.word import docx_bytes
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def plan(demo):
    return Plan.objects.get(number=PLAN_NUMBER)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _row(rows, unit):
    return next(r for r in rows if r.unit == unit)


def _new_union(unit, name="CĐCS Công ty Mới"):
    from progress.services import found_grassroots_union

    return found_grassroots_union(
        name=f"{name} thuộc {unit.name}",
        parent=unit,
        founded_on=D(2024, 7, 20),
        sector="dn_small",
        user=SYSTEM,
    )


def _admitted_by_hand(unit, year):
    total = 0
    for record in Record.objects.filter(kind=RecordKind.ADMITTED, date__year=year):
        if UnitPath.objects.filter(
            ancestor=unit,
            descendant_id=record.union_id,
            valid_from__lte=record.date,
            valid_to__gte=record.date,
        ).exists():
            total += record.count
    return total


def _new_unions_by_hand(unit, year):
    return sum(
        1
        for u in Unit.objects.filter(kind__in=UnitKind.grassroots_level(), founded_on__year=year)
        if UnitPath.objects.filter(
            ancestor=unit, descendant=u, valid_from__lte=u.founded_on, valid_to__gte=u.founded_on
        ).exists()
    )


# --- unit implementation plans ------------------------------------------------------------------


def test_a_unit_plan_with_its_file_clears_the_flag_everywhere(
    plan, unit_a, officer_a, officer_b, viewer_user, admin_user, client_for, media, tmp_path
):
    board = selectors.board(plan, admin_user)
    assert "own_plan" in [k for k, _l in _row(board.rows, unit_a).missing]
    page = client_for(officer_a).get(f"/campaign/units/{unit_a.pk}/?plan={plan.pk}")
    assert "Đơn vị chưa có kế hoạch thực hiện." in page.content.decode()

    client = client_for(officer_a)
    response = client.post(
        f"/campaign/units/{unit_a.pk}/plan/?plan={plan.pk}",
        {
            "number": "05/KH-LĐLĐ",
            "issued_on": "25/06/2024",
            "note": "Theo chỉ tiêu được giao",
            "file": SimpleUploadedFile("Kế hoạch 05.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    record = UnitPlan.objects.get(plan=plan, unit=unit_a)
    assert (record.number, record.issued_on, record.file_name) == (
        "05/KH-LĐLĐ",
        D(2024, 6, 25),
        "Kế hoạch 05.pdf",
    )
    assert record.file.name.startswith(f"campaign/unit-plans/{unit_a.pk}/")
    assert "Kế" not in record.file.name and record.history.count() == 1  # audited

    row = _row(selectors.board(plan, admin_user).rows, unit_a)
    assert row.unit_plan == record and "own_plan" not in [k for k, _l in row.missing]
    assert selectors.board(plan, admin_user).totals["own_plans"] == 1
    html = client.get(f"/campaign/units/{unit_a.pk}/?plan={plan.pk}").content.decode()
    assert "Số 05/KH-LĐLĐ ngày 25/06/2024" in html and "Kế hoạch 05.pdf" in html
    board_html = client_for(admin_user).get(f"/campaign/?plan={plan.pk}").content.decode()
    assert "05/KH-LĐLĐ" in board_html

    # The file goes to readers of the unit only.
    url = f"/campaign/unit-plans/{record.pk}/file/"
    download = client_for(viewer_user).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(officer_b).get(url).status_code == 403

    # In the export.
    out = tmp_path / "to-chuc.xlsx"
    call_command("export_campaign", "--plan", PLAN_NUMBER, "--out", str(out))
    values = [[c.value for c in r] for r in load_workbook(out).active.iter_rows()]
    mt = next(r for r in values if r[1] == "LĐLĐ huyện Mường Tè")
    assert mt[5] == "05/KH-LĐLĐ ngày 25/06/2024"
    other = next(r for r in values if r[1] == "LĐLĐ huyện Tam Đường")
    assert other[5] == "Chưa có"
    assert next(r for r in values if r[0] == "Cộng:")[5] == "1/11"


def test_a_unit_plan_is_checked(plan, unit_a, province, officer_a, officer_b, media):
    fake = SimpleUploadedFile("ke-hoach.pdf", b"not a pdf")
    with pytest.raises(Exception, match="không phải tệp PDF thật"):
        services.save_unit_plan(
            plan=plan, unit=unit_a, number="05", issued_on=D(2024, 6, 25), file=fake, user=officer_a
        )
    with pytest.raises(services.CampaignError, match="trước ngày 11/06/2024"):
        services.save_unit_plan(
            plan=plan, unit=unit_a, number="05", issued_on=D(2024, 6, 1), user=officer_a
        )
    with pytest.raises(services.CampaignError, match="Thiếu số kế hoạch"):
        services.save_unit_plan(
            plan=plan, unit=unit_a, number=" ", issued_on=D(2024, 6, 25), user=officer_a
        )
    with pytest.raises(PermissionDenied):
        services.save_unit_plan(
            plan=plan, unit=unit_a, number="05", issued_on=D(2024, 6, 25), user=officer_b
        )
    with pytest.raises(services.CampaignError, match="không phải công đoàn cấp trên"):
        services.save_unit_plan(
            plan=plan, unit=province, number="05", issued_on=D(2024, 6, 25), user=SYSTEM
        )
    assert not UnitPlan.objects.exists()
    first = services.save_unit_plan(
        plan=plan, unit=unit_a, number="05", issued_on=D(2024, 6, 25), user=officer_a
    )
    again = services.save_unit_plan(
        plan=plan, unit=unit_a, number="07/KH", issued_on=D(2024, 7, 1), user=officer_a
    )
    assert first.pk == again.pk and UnitPlan.objects.get().number == "07/KH"


# --- budget norms and the budget overview ------------------------------------------------------


def test_norms_are_the_provinces_and_the_budget_compares_against_them(
    plan, unit_a, unit_b, officer_a, admin_user, viewer_user, client_for
):
    for user in (officer_a, viewer_user):
        with pytest.raises(PermissionDenied):
            services.save_budget_norm(
                plan=plan, category="founding", measure="new_union", rate=3000000, user=user
            )
    response = client_for(admin_user).post(
        f"/campaign/norms/?plan={plan.pk}",
        {"category": "founding", "measure": "new_union", "rate": "3.000.000", "note": "CV 12"},
    )
    assert response.status_code == 302
    services.save_budget_norm(
        plan=plan, category="training", measure="course", rate=10000000, user=admin_user
    )
    assert BudgetNorm.objects.get(plan=plan, category="founding").rate == 3000000
    assert (
        client_for(officer_a)
        .post(
            f"/campaign/norms/?plan={plan.pk}",
            {"category": "other", "measure": "unit", "rate": "1"},
        )
        .status_code
        == 403
    )
    norms_page = client_for(officer_a).get(f"/campaign/norms/?plan={plan.pk}").content.decode()
    assert "3.000.000" in norms_page and "norm-form" not in norms_page

    def line(unit, kind, category, amount, quantity=None):
        services.add_budget_line(
            plan=plan,
            unit=unit,
            kind=kind,
            category=category,
            amount=amount,
            quantity=quantity,
            user=SYSTEM,
        )

    line(unit_a, "estimate", "founding", 12000000, 3)  # 3 × 3.000.000 = 9.000.000: over
    line(unit_a, "estimate", "training", 10000000, 1)  # = the norm
    line(unit_a, "estimate", "propaganda", 2000000)  # no norm
    line(unit_a, "settlement", "founding", 6000000)
    line(unit_a, "settlement", "training", 9000000)
    line(unit_b, "estimate", "founding", 3000000)  # normed, no quantity

    table = {r.label: r for r in selectors.budget_table(plan, unit_a)}
    founding, training = table["Hỗ trợ thành lập CĐCS"], table["Tập huấn"]
    assert (founding.estimated, founding.norm_amount, founding.over_norm) == (
        12000000,
        9000000,
        True,
    )
    assert (training.norm_amount, training.over_norm, training.settled) == (
        10000000,
        False,
        9000000,
    )
    assert table["Tuyên truyền"].norm_amount is None
    assert selectors.budget_total(list(table.values())) == {
        "estimated": 24000000,
        "settled": 15000000,
        "norm_amount": 19000000,
        "spent_percent": 62.5,
    }

    _new_union(unit_a)
    overview = selectors.budget_overview(plan, admin_user)
    a, b = _row(overview.rows, unit_a), _row(overview.rows, unit_b)
    assert (a.estimated, a.norm_amount, a.settled) == (24000000, 19000000, 15000000)
    assert a.over_norm == ["Hỗ trợ thành lập CĐCS"] and b.unquantified == ["Hỗ trợ thành lập CĐCS"]
    members = _admitted_by_hand(unit_a, 2024)
    unions = _new_unions_by_hand(unit_a, 2024)
    assert (a.new_members, a.new_unions) == (members, unions) and unions >= 1
    assert a.cost_per_member == (round(15000000 / members) if members else None)
    assert a.cost_per_union == round(15000000 / unions)
    assert overview.rows[-1].is_province and len(overview.rows) == 12
    total = overview.total
    assert (total.estimated, total.settled) == (27000000, 15000000)
    assert total.new_members == sum(_admitted_by_hand(r.unit, 2024) for r in overview.rows[:-1])

    html = client_for(admin_user).get(f"/campaign/budget/?plan={plan.pk}").content.decode()
    assert "24.000.000" in html and "vượt định mức" in html and "chưa ghi số lượng" in html
    own = client_for(officer_a).get(f"/campaign/budget/?plan={plan.pk}").content.decode()
    assert "LĐLĐ huyện Mường Tè" in own and "LĐLĐ huyện Tam Đường" not in own
    unit_page = client_for(officer_a).get(f"/campaign/units/{unit_a.pk}/?plan={plan.pk}")
    assert "19.000.000" in unit_page.content.decode()


# --- comments on tasks --------------------------------------------------------------------------


def test_anyone_who_reads_a_task_comments_on_it(
    plan, unit_a, officer_a, officer_b, viewer_user, client_for
):
    task = Task.objects.filter(plan=plan, unit=unit_a).order_by("id").first()
    response = client_for(officer_a).post(
        f"/campaign/tasks/{task.pk}/comments/", {"text": "Đã liên hệ 3 doanh nghiệp"}
    )
    assert response.status_code == 302
    services.add_task_comment(task=task, text="Đề nghị báo cáo trước 15/8", user=viewer_user)
    with pytest.raises(services.CampaignError, match="Thiếu nội dung"):
        services.add_task_comment(task=task, text="  ", user=officer_a)
    with pytest.raises(PermissionDenied):
        services.add_task_comment(task=task, text="Xen vào", user=officer_b)
    assert (
        client_for(officer_b)
        .post(f"/campaign/tasks/{task.pk}/comments/", {"text": "X"})
        .status_code
        == 403
    )
    comments = list(TaskComment.objects.filter(task=task).order_by("id"))
    assert [c.author for c in comments] == [officer_a, viewer_user]
    assert all(c.unit_id == unit_a.pk and c.history.count() == 1 for c in comments)
    html = client_for(officer_a).get(f"/campaign/tasks/{task.pk}/").content.decode()
    assert "Đã liên hệ 3 doanh nghiệp" in html and "Đề nghị báo cáo trước 15/8" in html
    assert "t.viewer" in html


# --- the Word reports ---------------------------------------------------------------------------


def _section(document):
    texts = [p.text for p in document.paragraphs]
    start = texts.index("I. CÔNG TÁC TỔ CHỨC THỰC HIỆN")
    end = next(i for i, t in enumerate(texts) if t.startswith("II. "))
    assert texts[end] == "II. KẾT QUẢ ĐẠT ĐƯỢC"
    return texts[start + 1 : end]


def test_the_unit_report_carries_its_organisation_figures(plan, unit_a, admin_user):
    deadline = ReportingDeadline.objects.get(code="ket-thuc-thang-cao-diem-2024")
    services.save_committee(
        unit=unit_a, decision_number="12/QĐ-LĐLĐ", decision_on=D(2024, 6, 20), user=SYSTEM
    )
    committee = unit_a.steering_committee
    for name in ("Lò Văn Một", "Lò Văn Hai"):
        services.add_committee_member(committee=committee, full_name=name, user=SYSTEM)
    services.designate_officer(
        unit=unit_a,
        full_name="Lò Thị Một",
        position="Phó Chủ tịch",
        since=D(2024, 6, 15),
        user=SYSTEM,
    )
    services.save_unit_plan(
        plan=plan, unit=unit_a, number="05/KH-LĐLĐ", issued_on=D(2024, 6, 25), user=SYSTEM
    )
    tasks = list(Task.objects.filter(plan=plan, unit=unit_a).order_by("id"))
    services.update_task(task=tasks[0], status="done", user=SYSTEM)
    services.add_budget_line(
        plan=plan, unit=unit_a, kind="estimate", category="other", amount=8000000, user=SYSTEM
    )
    services.add_budget_line(
        plan=plan, unit=unit_a, kind="settlement", category="other", amount=2000000, user=SYSTEM
    )
    union = _new_union(unit_a)
    services.add_training(
        unit=unit_a,
        title="Lớp 1",
        held_on=D(2024, 8, 1),
        participants=25,
        unions=[union],
        user=SYSTEM,
    )
    services.record_milestone(union=union, kind="fees", reached_on=D(2024, 8, 1), user=SYSTEM)
    status = selectors.unit_statuses(plan, [unit_a], admin_user)[0]
    new = status.new_unions

    document = Document(io.BytesIO(docx_bytes(build_document(deadline, unit_a, None))))
    lines = _section(document)
    assert lines[0] == (
        "- Ban chỉ đạo phát triển đoàn viên: thành lập theo Quyết định số 12/QĐ-LĐLĐ ngày "
        "20/06/2024, 2 thành viên."
    )
    assert lines[1] == (
        "- Cán bộ phụ trách công tác phát triển đoàn viên: Lò Thị Một, Phó Chủ tịch "
        "(từ ngày 15/06/2024)."
    )
    assert lines[2] == "- Kế hoạch thực hiện của đơn vị: số 05/KH-LĐLĐ ngày 25/06/2024."
    assert lines[3].startswith(f"- Nhiệm vụ: 1/{status.tasks_total} nhiệm vụ đã hoàn thành")
    assert lines[4] == (
        "- Kinh phí: dự toán 8.000.000 đồng, quyết toán 2.000.000 đồng (25,0% dự toán)."
    )
    share = f"{100 / new:.1f}".replace(".", ",")
    assert lines[5] == (
        f"- Tập huấn cán bộ CĐCS mới: 1 lớp, 25 lượt người dự; 1/{new} CĐCS thành lập mới "
        f"được tập huấn ({share}%)."
    )
    assert f"bắt đầu thu đoàn phí 1/{new}" in lines[6]
    assert "ký thỏa ước lao động tập thể 0/" in lines[6]
    # The results table still follows "Kết quả đạt được".
    assert document.tables[1].rows[0].cells[1].text == "Nội dung"


def test_the_province_report_carries_the_board_totals(plan, unit_a, unit_b, admin_user):
    deadline = ReportingDeadline.objects.get(code="ket-thuc-thang-cao-diem-2024")
    services.save_committee(
        unit=unit_a, decision_number="12/QĐ", decision_on=D(2024, 6, 20), user=SYSTEM
    )
    services.designate_officer(
        unit=unit_a, full_name="Lò Thị Một", since=D(2024, 6, 15), user=SYSTEM
    )
    services.designate_officer(
        unit=unit_b, full_name="Tẩn Thị Hai", since=D(2024, 6, 15), user=SYSTEM
    )
    services.save_unit_plan(
        plan=plan, unit=unit_b, number="09/KH", issued_on=D(2024, 6, 28), user=SYSTEM
    )
    province_task = Task.objects.filter(plan=plan, unit=plan.issuing_unit).first()
    services.update_task(task=province_task, status="done", user=SYSTEM)
    services.add_budget_line(
        plan=plan, unit=unit_b, kind="estimate", category="other", amount=1100000, user=SYSTEM
    )
    board = selectors.board(plan, admin_user)
    t = board.totals
    document = Document(io.BytesIO(docx_bytes(build_document(deadline, plan.issuing_unit, None))))
    lines = _section(document)
    assert lines[0].startswith("- Ban chỉ đạo phát triển đoàn viên của tỉnh:")
    assert lines[1].startswith(
        "- Công đoàn cấp trên cơ sở đã thành lập ban chỉ đạo có quyết định: 1/11 đơn vị; chưa có:"
    )
    assert "LĐLĐ huyện Mường Tè" not in lines[1] and "LĐLĐ huyện Tam Đường" in lines[1]
    assert lines[2].startswith("- Đã cử cán bộ phụ trách công tác phát triển đoàn viên: 2/11")
    assert lines[3].startswith("- Đã ban hành kế hoạch thực hiện của đơn vị: 1/11 đơn vị")
    assert lines[4].startswith(
        f"- Nhiệm vụ: {t['tasks_done']}/{t['tasks_total']} nhiệm vụ đã hoàn thành"
    )
    assert t["tasks_done"] == 1 and "các ban, Văn phòng LĐLĐ tỉnh: 1/" in lines[4]
    assert lines[5] == "- Kinh phí: dự toán 1.100.000 đồng, quyết toán 0 đồng (0,0% dự toán)."


def test_a_grassroots_report_has_no_organisation_section(demo):
    from campaign.report_section import section

    deadline = ReportingDeadline.objects.get(code="ket-thuc-thang-cao-diem-2024")
    union = Unit.objects.filter(kind=UnitKind.GRASSROOTS).first()
    assert section(deadline, union, consolidated=False) is None


# --- export_campaign ----------------------------------------------------------------------------


def test_export_has_one_row_per_unit_with_every_item(plan, unit_a, tmp_path, admin_user):
    services.save_unit_plan(
        plan=plan, unit=unit_a, number="05/KH", issued_on=D(2024, 6, 25), user=SYSTEM
    )
    services.designate_officer(
        unit=unit_a, full_name="Lò Thị Một", since=D(2024, 6, 15), user=SYSTEM
    )
    out = tmp_path / "board.xlsx"
    call_command("export_campaign", "--plan", PLAN_NUMBER, "--out", str(out))
    rows = [[c.value for c in r] for r in load_workbook(out).active.iter_rows()]
    header = [v for r in rows[:12] for v in r if isinstance(v, str)]
    for text in (
        "Ban chỉ đạo",
        "Cán bộ phụ trách",
        "Kế hoạch của đơn vị",
        "Nhiệm vụ",
        "Xong",
        "Kinh phí (đồng)",
        "Dự toán",
        "Quyết toán",
        "Số lớp",
        "Thỏa ước LĐTT",
    ):
        assert text in header
    units = [r for r in rows if isinstance(r[0], int)]
    board = selectors.board(plan, admin_user)
    assert [r[1] for r in units] == [s.unit.name for s in board.unit_rows]
    for values, status in zip(units, board.unit_rows, strict=True):
        assert values[6:9] == [status.tasks_done, status.tasks_total, status.tasks_overdue]
        assert values[9:11] == [status.estimated, status.settled]
    mt = next(r for r in units if r[1] == "LĐLĐ huyện Mường Tè")
    assert mt[4] == "Lò Thị Một" and mt[5] == "05/KH ngày 25/06/2024"
