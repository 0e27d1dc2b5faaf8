"""The seed's allocation table read as printed, and its findings (DOMAIN.md)."""

from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook

from plans import source_table
from plans.demo import PEAK_CODE, PLAN_NUMBER
from plans.models import ImportFinding, Plan
from tests.actors import SYSTEM
from tests.plans.excel_helpers import failed_import, snapshot

SHIPPED = Path(settings.BASE_DIR) / source_table.PRINTED_XLSX


def test_the_printed_table_is_read_by_structure():
    table = source_table.demo_table()
    assert [g.name for g in table.groups] == [
        "Giao phát triển ĐV tháng cao điểm",
        "Giao thành lập CĐCS tháng cao điểm",
        "Giới thiệu đoàn viên ưu tú cho Đảng xem xét bồi dưỡng, kết nạp",
    ]
    assert len(table.rows) == 11
    assert table.rows[7].label == "LĐLĐ huyện Mường Tè"
    assert table.rows[7].numbers == [129, 0, 129, 0, 0, 3, 0, 30]
    assert table.totals.numbers == [475, 77, 348, 50, 13, 8, 2, 275]
    assert table.rows[5].note == "Khuyến khích TL 01 CĐCS và KN mới 12 ĐV"


def test_the_findings_domain_names():
    messages = [f"{f.location}: {f.message}" for f in source_table.demo_table().findings]
    # (a) the printed totals of the 5th number column and of the "CĐCS new" column
    assert any(
        "Cột số thứ 5" in m and "ghi 13 nhưng các ô của 11 đơn vị cộng lại 0" in m for m in messages
    )
    assert any(
        "Cột số thứ 6" in m
        and "“Tổng số (đơn vị)”" in m
        and "ghi 8 nhưng các ô của 11 đơn vị cộng lại 13" in m
        for m in messages
    )
    # (b) four CĐCS columns named, three numbers carried
    assert any(
        "Giao thành lập CĐCS tháng cao điểm" in m
        and "tiêu đề ghi 4 cột (Tổng số (đơn vị); Khu vực phi chính thức; DN có dưới 25 LĐ "
        "(đơn vị); DN có trên 25 LĐ (đơn vị)) nhưng mỗi dòng đơn vị chỉ mang 3 số"
        in m
        for m in messages
    )
    # the members group carries the unnamed fourth number (informal) that makes 475 = 77+348+50
    assert any("Giao phát triển ĐV" in m and "mang 4 số" in m for m in messages)
    assert len(messages) == 4


def test_a_generic_table_with_fewer_numbers_than_named_columns():
    text = "\n".join(
        [
            "BIỂU GIAO CHỈ TIÊU",
            "Tiêu đề",
            "TT\tĐơn vị\tNhóm A\t\t\tNhóm B\tGhi chú",
            "\t\tTổng\tTrong đó:\t",
            "\t\t\tX\tY\t",
            "1\tĐơn vị 1\t5\t2\t3\t7\t",
            "2\tĐơn vị 2\t4\t4\t0\t1\tghi chú",
            "Cộng:\t\t9\t6\t3\t9\t",
        ]
    )
    table = source_table.parse_printed_table(text)
    assert [g.width for g in table.groups] == [3, 1]
    messages = [f.message for f in table.findings]
    assert messages == [
        "Cột số thứ 4 (số thứ 1 của nhóm “Nhóm B”): dòng “Cộng” ghi 9 nhưng các ô của "
        "2 đơn vị cộng lại 8."
    ]


def test_load_demo_records_the_findings_on_the_peak_month_idempotently(demo):
    from plans import demo as plans_demo

    peak = Plan.objects.get(number=PLAN_NUMBER).periods.get(code=PEAK_CODE)
    assert peak.import_findings.filter(source=source_table.SOURCE_NAME).count() == 4
    plans_demo.load(user=SYSTEM)
    plans_demo.load(user=SYSTEM)
    assert ImportFinding.objects.filter(source=source_table.SOURCE_NAME).count() == 4
    assert not ImportFinding.objects.exclude(period=peak).exists()


def test_the_plan_page_shows_the_source_findings(client_for, admin_user):
    plan = Plan.objects.get(number=PLAN_NUMBER)
    html = client_for(admin_user).get(f"/plans/{plan.pk}/{PEAK_CODE}/").content.decode()
    assert "ghi 13 nhưng các ô của 11 đơn vị cộng lại 0" in html
    assert "nhưng mỗi dòng đơn vị chỉ mang 3 số" in html


def test_the_shipped_printed_xlsx_is_the_one_the_script_makes(tmp_path):
    made = source_table.write_printed_xlsx(tmp_path / "printed.xlsx", PEAK_CODE)

    def values(path):
        ws = load_workbook(path).worksheets[0]
        return [[c.value for c in row] for row in ws.iter_rows()]

    assert values(made) == values(SHIPPED)


def test_importing_the_printed_table_reports_its_totals_mismatches(demo):
    before = snapshot()
    message = failed_import(SHIPPED)
    assert "Cảnh báo (dòng “Cộng” khác tổng các dòng)" in message
    assert (
        "cột G (“Khu vực phi chính thức”): dòng “Cộng” ghi 13 nhưng các dòng đơn vị cộng lại 0."
        in message
    )
    assert (
        "cột H (“DN có dưới 25 LĐ (đơn vị)”): dòng “Cộng” ghi 8 nhưng các dòng đơn vị cộng lại 13."
        in message
    )
    # read under the printed header, parts exceed totals and a members column is missing
    assert "vượt quá “Tổng số (đơn vị)” (0)" in message
    assert "thiếu cột “Kết nạp mới khu vực phi chính thức (người)”" in message
    assert snapshot() == before  # the demo's consistent reading is not overwritten
