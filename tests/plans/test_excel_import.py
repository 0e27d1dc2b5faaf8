"""export_targets / import_targets: round trip, bad input, forms typed by people."""

import pytest
from openpyxl import load_workbook

from plans.demo import PEAK_CODE, PLAN_NUMBER, YEAR_CODE
from plans.models import ImportFinding, Plan, Target, UnitNote
from tests.plans.excel_helpers import (
    column_of,
    edit,
    export,
    failed_import,
    nfd,
    row_of,
    run_import,
    snapshot,
    typed_form,
)

MT = "LĐLĐ huyện Mường Tè"
TD = "LĐLĐ huyện Tam Đường"
PARTY = "Giới thiệu đoàn viên ưu tú cho Đảng xem xét bồi dưỡng, kết nạp"
HCSN = "HCSN, SNCL, DN dưới 25 LĐ (người)"
TOTAL_MEMBERS = "Tổng thực tăng (người)"


@pytest.fixture
def exported(demo, tmp_path):
    return export(tmp_path / "bieu.xlsx")


def _target(unit, code, period=PEAK_CODE):
    return Target.objects.get(period__code=period, unit__name=unit, indicator__code=code)


# --- export --------------------------------------------------------------------------------------
def test_export_writes_one_sheet_per_period_in_the_official_layout(exported):
    workbook = load_workbook(exported)
    assert workbook.sheetnames == [YEAR_CODE, PEAK_CODE]
    ws = workbook[PEAK_CODE]
    assert ws["A1"].value == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    assert ws["A2"].value == "LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU"
    assert ws["A4"].value == "BIỂU GIAO CHỈ TIÊU"
    assert ws["A6"].value == (
        "(Kèm theo Kế hoạch số 78/KH-LĐLĐ, ngày 11/6/2024 của Ban Thường vụ LĐLĐ tỉnh)"
    )
    row = row_of(ws, MT)
    assert ws.cell(row, column_of(ws, TOTAL_MEMBERS)).value == 129
    assert ws.cell(row, 1).value == 8
    totals = row_of(ws, MT) + 4
    assert ws.cell(totals, 1).value == "Cộng:"
    assert ws.cell(totals, column_of(ws, TOTAL_MEMBERS)).value == 475
    assert ws.cell(totals + 1, 1).value == "Chỉ tiêu toàn tỉnh (theo kế hoạch)"
    year = workbook[YEAR_CODE]
    assert year.cell(row_of(year, MT), column_of(year, TOTAL_MEMBERS)).value is None
    province_row = row_of(year, MT) + 5
    assert year.cell(province_row, column_of(year, TOTAL_MEMBERS)).value == 1100


def test_export_of_one_period(demo, tmp_path):
    path = export(tmp_path / "peak.xlsx", period="Tháng cao điểm 2024")
    assert load_workbook(path).sheetnames == [PEAK_CODE]


# --- round trip ----------------------------------------------------------------------------------
def test_export_then_import_is_an_exact_round_trip(exported):
    before = snapshot()
    run_import(exported)
    assert snapshot() == before  # values, notes, encouraged flags, even versions


def test_changing_one_value_in_the_file_changes_exactly_that_target(exported):
    before = snapshot()
    edit(exported, PEAK_CODE, [(MT, PARTY, 1, 35)])
    run_import(exported)
    after = snapshot()
    changed = {k for k in after["targets"] if after["targets"][k] != before["targets"][k]}
    assert changed == {(PEAK_CODE, MT, "gioi-thieu-dang")}
    assert after["targets"][(PEAK_CODE, MT, "gioi-thieu-dang")][0] == 35
    assert after["notes"] == before["notes"]


def test_import_keeps_the_printed_totals_difference_as_a_finding(exported):
    def totals_300(ws):
        ws.cell(row_of(ws, MT) + 4, column_of(ws, PARTY)).value = 300

    edit(exported, PEAK_CODE, [totals_300])
    run_import(exported)
    finding = ImportFinding.objects.get(period__code=PEAK_CODE, source="bieu.xlsx")
    assert "dòng “Cộng” ghi 300 nhưng các dòng đơn vị cộng lại 275" in finding.message
    assert f"dòng {row_of(load_workbook(exported)[PEAK_CODE], MT) + 4}, cột K" in finding.location


# --- bad input -----------------------------------------------------------------------------------
def _assert_rejected(path, *expected):
    before = snapshot()
    message = failed_import(path)
    for text in expected:
        assert text in message, message
    assert "không có gì thay đổi" in message
    assert snapshot() == before
    return message


def test_unknown_unit_is_rejected_with_its_row(exported):
    ws = load_workbook(exported)[PEAK_CODE]
    row = row_of(ws, MT)

    def rename(ws):
        ws.cell(row, 2).value = "LĐLĐ huyện Mới"

    edit(exported, PEAK_CODE, [rename])
    _assert_rejected(
        exported,
        f"Trang tính “{PEAK_CODE}”, dòng {row}, cột B (“Đơn vị”): "
        "không có đơn vị “LĐLĐ huyện Mới” trong kế hoạch 78/KH-LĐLĐ.",
    )


def test_a_value_that_is_not_a_number_is_rejected(exported):
    ws = load_workbook(exported)[PEAK_CODE]
    row, col = row_of(ws, TD), column_of(ws, HCSN)
    edit(exported, PEAK_CODE, [(TD, HCSN, 1, "mười")])
    _assert_rejected(
        exported,
        f"Trang tính “{PEAK_CODE}”, dòng {row}, cột {chr(64 + col)} (“{HCSN}”): "
        "“mười” không phải là số nguyên.",
    )


def test_a_negative_value_is_rejected(exported):
    ws = load_workbook(exported)[PEAK_CODE]
    row, col = row_of(ws, MT), column_of(ws, PARTY)
    edit(exported, PEAK_CODE, [(MT, PARTY, 1, -5)])
    _assert_rejected(
        exported,
        f"dòng {row}, cột {chr(64 + col)} (“{PARTY}”): chỉ tiêu không được âm (-5).",
    )


def test_a_part_above_its_total_is_rejected(exported):
    ws = load_workbook(exported)[PEAK_CODE]
    row, col = row_of(ws, MT), column_of(ws, HCSN)
    edit(exported, PEAK_CODE, [(MT, HCSN, 1, 999)])
    _assert_rejected(
        exported,
        f"dòng {row}, cột {chr(64 + col)} (“{HCSN}”): “{HCSN}” (999) vượt quá "
        f"“{TOTAL_MEMBERS}” (129) của {MT}.",
    )


def test_every_problem_is_listed_not_only_the_first(exported):
    edit(exported, PEAK_CODE, [(MT, PARTY, 1, -1), (TD, PARTY, 1, "x")])
    message = _assert_rejected(exported, "(-1)", "“x” không phải là số nguyên")
    assert "2 lỗi" in message


HEAD_1 = [
    "STT",
    "  đơn   VỊ ",
    "Giao phát triển ĐV tháng cao điểm",
    None,
    None,
    None,
    "Giao thành lập CĐCS tháng cao điểm",
    None,
    None,
    None,
    "Giới thiệu đoàn viên ưu tú cho Đảng",
    "Ghi chú",
]
HEAD_2 = [
    None,
    None,
    "Tổng thực tăng (người)",
    "Trong đó:",
    None,
    None,
    "Tổng số (đơn vị)",
    "Trong đó",
]
HEAD_3 = [
    None,
    None,
    None,
    "HCSN, SNCL, DN dưới 25 LĐ (người)",
    "DN có trên 25 LĐ",
    "Khu vực phi chính thức",
    None,
    "Khu vực phi chính thức",
    "DN có dưới 25 LĐ",
    "DN có từ 25 lao động trở lên",
]
MERGES = ["C5:F5", "G5:J5", "K5:K7", "L5:L7", "A5:A7", "B5:B7", "C6:C7", "D6:F6", "G6:G7", "H6:J6"]


def _typed_rows(extra_rows=(), head_3=HEAD_3, head_1=HEAD_1):
    return [
        ["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"],
        ["Liên đoàn Lao động tỉnh Lai Châu"],
        ["BIỂU GIAO CHỈ TIÊU THÁNG CAO ĐIỂM (bản gõ lại)"],
        [],
        head_1,
        HEAD_2,
        head_3,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)"],
        [
            1,
            nfd("  lđlđ   HUYỆN  mường tè "),
            "1.100",
            "0",
            "1.100",
            " 0 ",
            3,
            0,
            0,
            "3",
            "30",
            nfd("Khuyến khích vượt mức"),
        ],
        [2, "LĐLĐ huyện Tam Đường", 91, 0, 91, 0, 2, 0, 0, 2, 41, None],
        *extra_rows,
        ["Tổng cộng", None, "1.191", 0, "1.191", 0, 5, 0, 0, 5, 70, None],
        [],
        [None, None, None, None, None, None, None, None, "TM. BAN THƯỜNG VỤ"],
    ]


def test_a_hand_typed_messy_form_is_read(demo, tmp_path):
    path = typed_form(tmp_path / "go-tay.xlsx", _typed_rows(), MERGES)
    others = {k: v for k, v in snapshot()["targets"].items() if k[1] not in {MT, TD}}
    run_import(path, period=PEAK_CODE)
    assert _target(MT, "dv-thuc-tang").value == 1100
    assert _target(MT, "dv-dn-tu-25").value == 1100  # "DN có trên 25 LĐ" under the members group
    assert _target(MT, "cdcs-dn-tu-25").value == 3  # "… từ 25 lao động trở lên" under CĐCS
    assert _target(MT, "cdcs-moi").value == 3
    assert _target(TD, "gioi-thieu-dang").value == 41
    note = UnitNote.objects.get(period__code=PEAK_CODE, unit__name=MT)
    assert note.text == "Khuyến khích vượt mức" and note.encouraged
    assert {k: v for k, v in snapshot()["targets"].items() if k[1] not in {MT, TD}} == others
    findings = list(ImportFinding.objects.filter(source="go-tay.xlsx"))
    assert len(findings) == 1  # party: printed 70, rows 30 + 41 = 71
    assert "ghi 70 nhưng các dòng đơn vị cộng lại 71" in findings[0].message


def test_a_typed_form_missing_a_column_is_rejected(demo, tmp_path):
    head_1 = HEAD_1[:10] + [None, "Ghi chú"]
    path = typed_form(
        tmp_path / "thieu-cot.xlsx", _typed_rows(head_1=head_1), [m for m in MERGES if m != "K5:K7"]
    )
    before = snapshot()
    message = failed_import(path, period=PEAK_CODE)
    assert "Trang tính “Sheet1”, dòng 5: thiếu cột “Giới thiệu đoàn viên ưu tú cho Đảng" in message
    assert snapshot() == before


def test_an_ambiguous_column_without_group_context_is_rejected(demo, tmp_path):
    rows = _typed_rows()
    rows[4] = ["TT", "Đơn vị"] + [None] * 8 + ["Giới thiệu đoàn viên ưu tú cho Đảng", "Ghi chú"]
    path = typed_form(tmp_path / "mo-ho.xlsx", rows, [])
    message = failed_import(path, period=PEAK_CODE)
    assert "cột F (“Khu vực phi chính thức”): tiêu đề cột có thể là" in message


def test_sheets_are_matched_to_periods_by_name(demo, tmp_path):
    path = typed_form(tmp_path / "ten-dot.xlsx", _typed_rows(), MERGES, title="Tháng cao điểm 2024")
    run_import(path)
    assert _target(TD, "gioi-thieu-dang").value == 41


def test_a_sheet_named_after_no_period_needs_the_period_option(demo, tmp_path):
    path = typed_form(tmp_path / "sheet1.xlsx", _typed_rows(), MERGES)
    message = failed_import(path)
    assert "Trang tính “Sheet1”: tên trang tính không phải mã hay tên một đợt" in message


def test_a_file_that_is_not_excel_is_rejected(demo, tmp_path):
    path = tmp_path / "khong-phai.xlsx"
    path.write_text("TT;Đơn vị")
    assert "không phải tệp Excel .xlsx" in failed_import(path)


def test_unknown_plan_and_period_are_refused(demo, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Không tìm thấy kế hoạch"):
        call_command("export_targets", "--plan", "1/KH", "--out", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="không có đợt"):
        call_command(
            "export_targets", "--plan", PLAN_NUMBER, "--period", "x", "--out", str(tmp_path / "x")
        )


def test_import_writes_history_with_the_import(exported):
    edit(exported, PEAK_CODE, [(MT, PARTY, 1, 36)])
    run_import(exported)
    target = _target(MT, "gioi-thieu-dang")
    assert target.history.count() >= 2
    assert Plan.objects.get(number=PLAN_NUMBER)


def test_dry_run_checks_and_changes_nothing(exported):
    from django.core.management import call_command

    edit(exported, PEAK_CODE, [(MT, PARTY, 1, 99)])
    before = snapshot()
    findings = ImportFinding.objects.count()
    call_command("import_targets", str(exported), "--plan", PLAN_NUMBER, "--dry-run")
    assert snapshot() == before
    assert ImportFinding.objects.count() == findings


def test_a_new_import_replaces_earlier_import_findings_but_keeps_the_source_ones(exported):
    from plans.source_table import SOURCE_NAME

    def totals_300(ws):
        ws.cell(row_of(ws, MT) + 4, column_of(ws, PARTY)).value = 300

    edit(exported, PEAK_CODE, [totals_300])
    run_import(exported)
    assert ImportFinding.objects.filter(source="bieu.xlsx").count() == 1
    clean_copy = export(exported.parent / "sach.xlsx")
    run_import(clean_copy)
    assert not ImportFinding.objects.filter(source="bieu.xlsx").exists()
    assert ImportFinding.objects.filter(source=SOURCE_NAME).count() == 4


def test_a_million_row_form_is_refused_within_budget(demo, tmp_path, settings):
    """Past the zip check (cap raised), the 5 000-row cap holds while streaming."""
    from tests.core.test_spreadsheet import _within_budget, million_rows_file

    settings.IMPORT_MAX_UNPACKED_BYTES = 500 * 1024 * 1024
    path = tmp_path / "trieu-dong.xlsx"
    path.write_bytes(million_rows_file())
    before = snapshot()
    message = _within_budget(lambda: failed_import(path, PEAK_CODE))
    assert "quá giới hạn 5000 dòng" in message
    assert snapshot() == before


def test_only_a_plan_manager_may_import_targets(demo, exported, officer_a):
    from django.core.exceptions import PermissionDenied

    from plans.services import import_targets_file

    plan = Plan.objects.get(number=PLAN_NUMBER)
    before = snapshot()
    with pytest.raises(PermissionDenied), exported.open("rb") as handle:
        import_targets_file(source=handle, source_name="bieu.xlsx", plan=plan, user=officer_a)
    assert snapshot() == before
