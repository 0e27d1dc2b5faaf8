"""import_plan: a plan from the form a federation already has; round trips on three layouts
(the seed's, a year form with women and informal parts, a cascaded CĐCS form) and bad input."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from organisation.models import Sector, UnitKind
from organisation.services import create_unit
from plans.models import Indicator, Measure, Plan, Relation, Target
from tests.actors import SYSTEM
from tests.plans.factories import LONG_AGO, federation

D = datetime.date


def _targets(plan) -> dict:
    return {
        (t.period.name, t.unit.name, t.indicator.header): t.value
        for t in Target.objects.filter(period__plan=plan).select_related(
            "period", "unit", "indicator"
        )
    }


def _table(path) -> list:
    """Every sheet's rows from the header down (the lines above name the plan)."""
    book = load_workbook(path, data_only=True)
    out = []
    for ws in book.worksheets:
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(rows) if "Đơn vị" in r)
        out.append((ws.title, rows[start:]))
    return out


def _import(path, number, issuer, *extra):
    call_command(
        "import_plan",
        str(path),
        "--number",
        number,
        "--date",
        "05/01/2026",
        "--issuer",
        issuer,
        *extra,
    )
    return Plan.objects.get(number=number)


def _failed(path, *extra, issuer="LĐLĐ tỉnh Thử Nghiệm") -> str:
    before = (Plan.objects.count(), Target.objects.count(), Indicator.objects.count())
    with pytest.raises(CommandError) as caught:
        _import(path, "99/KH-LỖI", issuer, *extra)
    assert (Plan.objects.count(), Target.objects.count(), Indicator.objects.count()) == before
    return str(caught.value)


def test_the_seed_form_round_trips(demo, tmp_path):
    from plans.demo import PLAN_NUMBER

    seed = Plan.objects.get(number=PLAN_NUMBER)
    exported = tmp_path / "78.xlsx"
    call_command("export_targets", "--plan", PLAN_NUMBER, "--out", str(exported))
    call_command(
        "import_plan",
        str(exported),
        "--number",
        "78-BẢN-SAO",
        "--date",
        "11/06/2024",
        "--issuer",
        seed.issuing_unit.name,
        "--period",
        "thang-cao-diem-2024=01/07/2024-31/07/2024",
    )
    plan = Plan.objects.get(number="78-BẢN-SAO")
    periods = {p.name: (p.start, p.end) for p in plan.periods.all()}
    assert periods == {p.name: (p.start, p.end) for p in seed.periods.all()}
    assert _targets(plan) == _targets(seed)
    measures = {
        i.header: (i.measure, i.sectors, i.parent_id is not None) for i in plan.indicators.all()
    }
    assert measures["Tổng thực tăng (người)"] == (Measure.NET_MEMBERS, "", False)
    assert measures["DN có từ 25 LĐ trở lên (người)"] == (Measure.NET_MEMBERS, "dn_large", True)
    assert measures["Kết nạp mới khu vực phi chính thức (người)"][:2] == (
        Measure.ADMITTED_MEMBERS,
        "informal",
    )
    assert plan.indicators.get(header="DN có từ 25 LĐ trở lên (người)").is_minimum is False
    again = tmp_path / "again.xlsx"
    call_command("export_targets", "--plan", "78-BẢN-SAO", "--out", str(again))
    assert _table(again) == _table(exported)


def _year_form(path, units, *, title="Biểu giao chỉ tiêu phát triển đoàn viên năm 2026"):
    book = Workbook()
    ws = book.active
    ws.title = "Năm 2026"
    ws["A1"] = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    ws["A2"] = title
    ws.append([])
    ws.append(
        [
            "TT",
            "Đơn vị",
            "Kết nạp đoàn viên",
            None,
            None,
            "Thành lập CĐCS tại DN từ 20 LĐ trở lên (đơn vị)",
            "Bình quân giới thiệu đoàn viên cho Đảng trên một CĐCS",
            "Ghi chú",
        ]
    )
    ws.append([None, None, "Tổng số (người)", "Trong đó:", None, None, None, None])
    ws.append([None, None, None, "Nữ (người)", "Khu vực phi chính thức (người)", None, None, None])
    for cell in ("A4:A6", "B4:B6", "C4:E4", "C5:C6", "D5:E5", "F4:F6", "G4:G6", "H4:H6"):
        ws.merge_cells(cell)
    for n, (name, values) in enumerate(units, start=1):
        ws.append([n, name, *values, None])

    def number(v):
        return int(str(v).replace(".", "")) if str(v).replace(".", "").isdecimal() else 0

    ws.append([None, "Cộng", *[sum(number(v[i]) for _n, v in units) for i in range(5)], None])
    book.save(path)
    return path


def test_a_year_form_with_women_and_informal_parts_round_trips(db, tmp_path):
    fed = federation()
    path = _year_form(
        tmp_path / "nam-2026.xlsx",
        [(fed.d1.name, ["1.200", 500, 100, 3, 1]), (fed.d2.name, [800, 300, 50, 1, 1])],
    )
    plan = _import(path, "12/KH-LĐLĐ", fed.province.name)
    period = plan.periods.get()
    assert (period.name, period.start, period.end) == ("Năm 2026", D(2026, 1, 1), D(2026, 12, 31))
    ind = {i.header: i for i in plan.indicators.all()}
    total = ind["Tổng số (người)"]
    assert (total.measure, total.group_header) == (Measure.ADMITTED_MEMBERS, "Kết nạp đoàn viên")
    women, informal = ind["Nữ (người)"], ind["Khu vực phi chính thức (người)"]
    assert (women.measure, women.parent, women.relation) == (
        Measure.WOMEN_ADMITTED,
        total,
        Relation.SUBSET,
    )
    assert (informal.measure, informal.sector_list, informal.relation) == (
        Measure.ADMITTED_MEMBERS,
        [Sector.INFORMAL],
        Relation.SUBSET,
    )
    sized = ind["Thành lập CĐCS tại DN từ 20 LĐ trở lên (đơn vị)"]
    assert (sized.measure, sized.threshold, sized.is_minimum) == (
        Measure.NEW_UNIONS_SIZED,
        20,
        False,
    )
    ratio = ind["Bình quân giới thiệu đoàn viên cho Đảng trên một CĐCS"]
    assert (ratio.measure, ratio.unit_of_measure) == (
        Measure.PARTY_INTRODUCTIONS_PER_UNION,
        "người/CĐCS",
    )
    assert plan.enterprise_min_workers == 20
    assert _targets(plan)[("Năm 2026", fed.d1.name, "Tổng số (người)")] == 1200
    exported = tmp_path / "out.xlsx"
    call_command("export_targets", "--plan", plan.number, "--out", str(exported))
    again = _import(exported, "12b/KH-LĐLĐ", fed.province.name)
    assert {k[1:]: v for k, v in _targets(again).items()} == {
        k[1:]: v for k, v in _targets(plan).items()
    }


def test_a_cascaded_cdcs_form_round_trips(db, tmp_path):
    fed = federation()
    for name in ("CĐCS Trường Một", "CĐCS Trường Hai"):
        create_unit(
            user=SYSTEM, name=name, kind=UnitKind.GRASSROOTS, parent=fed.d1, valid_from=LONG_AGO
        )
    book = Workbook()
    ws = book.active
    ws.title = "Tháng cao điểm"
    ws["A1"] = "Giao chỉ tiêu tháng cao điểm từ 01/7 đến 31/7/2026"
    ws.append(
        [
            "TT",
            "Đơn vị",
            "Phát triển đoàn viên thực tăng (người)",
            "Giới thiệu đoàn viên ưu tú cho Đảng (người)",
        ]
    )
    ws.append(["(1)", "(2)", "(3)", "(4)"])
    ws.append([1, "CĐCS Trường Một", 6, 2])
    ws.append([2, "CĐCS Trường Hai", "4", 1])
    ws.append([None, "Cộng", 10, 3])
    book.save(tmp_path / "cdcs.xlsx")
    plan = _import(tmp_path / "cdcs.xlsx", "03/KH-CĐ", fed.d1.name)
    period = plan.periods.get()
    assert (period.name, period.start, period.end) == (
        "Tháng cao điểm 2026",
        D(2026, 7, 1),
        D(2026, 7, 31),
    )
    assert plan.issuing_unit == fed.d1
    assert _targets(plan) == {
        ("Tháng cao điểm 2026", "CĐCS Trường Một", "Phát triển đoàn viên thực tăng (người)"): 6,
        (
            "Tháng cao điểm 2026",
            "CĐCS Trường Một",
            "Giới thiệu đoàn viên ưu tú cho Đảng (người)",
        ): 2,
        ("Tháng cao điểm 2026", "CĐCS Trường Hai", "Phát triển đoàn viên thực tăng (người)"): 4,
        (
            "Tháng cao điểm 2026",
            "CĐCS Trường Hai",
            "Giới thiệu đoàn viên ưu tú cho Đảng (người)",
        ): 1,
    }
    exported = tmp_path / "out.xlsx"
    call_command("export_targets", "--plan", plan.number, "--out", str(exported))
    again = _import(
        exported, "03b/KH-CĐ", fed.d1.name, "--period", f"{period.code}=01/07/2026-31/07/2026"
    )
    assert {k[1:]: v for k, v in _targets(again).items()} == {
        k[1:]: v for k, v in _targets(plan).items()
    }


def test_dry_run_saves_nothing(db, tmp_path):
    fed = federation()
    path = _year_form(tmp_path / "f.xlsx", [(fed.d1.name, [10, 5, 1, 1, 1])])
    call_command(
        "import_plan",
        str(path),
        "--number",
        "X",
        "--date",
        "05/01/2026",
        "--issuer",
        fed.province.name,
        "--dry-run",
    )
    assert not Plan.objects.filter(number="X").exists()


def test_an_unreadable_header_is_refused_naming_it_and_the_known_words(db, tmp_path):
    fed = federation()
    path = _year_form(tmp_path / "f.xlsx", [(fed.d1.name, [10, 5, 1, 1, 1])])
    book = load_workbook(path)
    book.active["F4"] = "Số tiền đoàn phí (đồng)"
    book.save(path)
    message = _failed(path)
    assert "cột F (“Số tiền đoàn phí (đồng)”)" in message
    assert "không hiểu tiêu đề" in message and "thực tăng" in message


def test_an_unknown_unit_is_listed(db, tmp_path):
    fed = federation()
    path = _year_form(
        tmp_path / "f.xlsx", [(fed.d1.name, [10, 5, 1, 1, 1]), ("LĐLĐ huyện Không Có", [1] * 5)]
    )
    message = _failed(path)
    assert "dòng 8, cột B" in message and "không có đơn vị “LĐLĐ huyện Không Có”" in message


def test_two_sheets_for_the_same_dates_are_refused(db, tmp_path):
    fed = federation()
    path = _year_form(tmp_path / "f.xlsx", [(fed.d1.name, [10, 5, 1, 1, 1])])
    book = load_workbook(path)
    copy = book.copy_worksheet(book.active)
    copy.title = "Năm 2026 (2)"
    book.save(path)
    assert "cũng là đợt 01/01/2026–31/12/2026" in _failed(path)


def test_a_part_above_its_total_and_a_number_that_is_not_whole_are_refused(db, tmp_path):
    fed = federation()
    path = _year_form(
        tmp_path / "f.xlsx", [(fed.d1.name, [10, 50, 1, 1, 1]), (fed.d2.name, [10, "2,5", 1, 1, 1])]
    )
    message = _failed(path)
    assert "dòng 7" in message and "vượt quá" in message
    assert "dòng 8, cột D" in message and "“2,5”" in message


def test_a_campaign_without_dates_needs_them(db, tmp_path):
    fed = federation()
    path = _year_form(
        tmp_path / "f.xlsx", [(fed.d1.name, [10, 5, 1, 1, 1])], title="Tháng cao điểm"
    )
    book = load_workbook(path)
    book.active.title = "Cao điểm"
    book.save(path)
    assert '--period "Cao điểm=DD/MM/YYYY-DD/MM/YYYY"' in _failed(path)
    plan = _import(path, "04/KH", fed.province.name, "--period", "Cao điểm=01/07/2026-31/07/2026")
    assert plan.periods.get().start == D(2026, 7, 1)


def test_the_wizard_reads_asks_for_missing_dates_and_creates_on_confirm(
    db, tmp_path, client, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from accounts.models import Role
    from accounts.services import create_user
    from tests.conftest import PASSWORD

    settings.MEDIA_ROOT = tmp_path / "media"
    fed = federation()
    admin = create_user(
        username="t.wizard",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=fed.province,
        validate=False,
    )
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    path = _year_form(tmp_path / "f.xlsx", [(fed.d1.name, [10, 5, 1, 1, 1])], title="Cao điểm")
    book = load_workbook(path)
    book.active.title = "Tháng cao điểm"
    book.save(path)
    url = reverse("plans:import_plan")
    header = {"number": "07/KH-LĐLĐ", "issued_on": "05/01/2026", "issuer": fed.province.pk}
    upload = SimpleUploadedFile("bieu.xlsx", path.read_bytes())
    response = client.post(url, {**header, "file": upload, "action": "preview"})
    assert response.status_code == 400
    assert response.context["date_fields"] == [("Tháng cao điểm", "")]
    token = response.context["token"]
    step = {
        **header,
        "token": token,
        "sheet-1": "Tháng cao điểm",
        "dates-1": "01/07/2026-31/07/2026",
    }
    response = client.post(url, {**step, "action": "preview"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Nữ (người)”: Đoàn viên nữ kết nạp mới" in page and 'id="confirm"' in page
    assert not Plan.objects.filter(number="07/KH-LĐLĐ").exists()
    response = client.post(url, {**step, "action": "confirm"})
    plan = Plan.objects.get(number="07/KH-LĐLĐ")
    assert response.status_code == 302
    assert plan.periods.get().name == "Tháng cao điểm 2026"
    assert _targets(plan)[("Tháng cao điểm 2026", fed.d1.name, "Tổng số (người)")] == 10
    assert not list((tmp_path / "media" / "plan_imports").iterdir())
