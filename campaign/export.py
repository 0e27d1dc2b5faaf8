"""The province board (Tổ chức thực hiện) as an Excel sheet in the official layout: one row per
receiving unit — committee, officer, own plan, tasks done / total / overdue, budget estimated /
settled, trainings, new CĐCS and their milestones — then the province's own row."""

from django.utils import timezone
from openpyxl import Workbook

from campaign.selectors import Board
from core.excel import OfficialSheet, workbook_bytes, write_official_sheet
from core.text import clean
from plans.excel_export import official_date
from plans.table import HeaderCell

# (group header or None, [column headers]); a group of one column without a group header spans
# both header rows.
GROUPS = [
    ("Ban chỉ đạo", ["Số, ngày quyết định", "Số thành viên"]),
    (None, ["Cán bộ phụ trách"]),
    (None, ["Kế hoạch của đơn vị"]),
    ("Nhiệm vụ", ["Xong", "Tổng số", "Quá hạn"]),
    ("Kinh phí (đồng)", ["Dự toán", "Quyết toán"]),
    (None, ["Giao ban"]),
    ("Tập huấn cán bộ CĐCS mới", ["Số lớp", "Số người dự"]),
    (
        "CĐCS mới thành lập trong năm",
        [
            "Số CĐCS",
            "Được tập huấn",
            "Thỏa ước LĐTT",
            "Đối thoại",
            "Quy chế dân chủ",
            "Thu đoàn phí",
        ],
    ),
]


def header() -> tuple[list[HeaderCell], int]:
    cells, col = [], 0
    for group, columns in GROUPS:
        if group is None:
            cells.append(HeaderCell(columns[0], 0, col, rowspan=2))
        else:
            cells.append(HeaderCell(group, 0, col, colspan=len(columns)))
            cells += [HeaderCell(text, 1, col + i) for i, text in enumerate(columns)]
        col += len(columns)
    return cells, 2


def _committee(r) -> str:
    if r.committee is None:
        return "Chưa có"
    if not r.committee.has_decision:
        return "Chưa ghi quyết định"
    return f"{r.committee.decision_number} ngày {official_date(r.committee.decision_on)}"


def row_values(r) -> list:
    province = r.is_province
    return [
        _committee(r),
        r.committee_members,
        "" if province else (r.officer.full_name if r.officer else "Chưa cử"),
        "" if province else (r.own_plan_label or "Chưa có"),
        r.tasks_done,
        r.tasks_total,
        r.tasks_overdue,
        r.estimated,
        r.settled,
        r.meetings,
        r.trainings,
        r.trained_people,
        None if province else r.new_unions,
        None if province else r.trained_unions,
        *([None] * 4 if province else [n for _s, _l, n in r.milestone_cells]),
    ]


def board_workbook(board: Board) -> Workbook:
    plan = board.plan
    rows = [
        (number, r.unit.name, row_values(r), "; ".join(label for _k, label in r.missing))
        for number, r in enumerate(board.unit_rows, start=1)
    ]
    t = board.totals
    units = t["units"]
    unit_rows = board.unit_rows
    totals = [
        f"{t['committees']}/{units}",
        sum(r.committee_members for r in unit_rows),
        f"{t['officers']}/{units}",
        f"{t['own_plans']}/{units}",
        sum(r.tasks_done for r in unit_rows),
        sum(r.tasks_total for r in unit_rows),
        sum(r.tasks_overdue for r in unit_rows),
        sum(r.estimated for r in unit_rows),
        sum(r.settled for r in unit_rows),
        sum(r.meetings for r in unit_rows),
        sum(r.trainings for r in unit_rows),
        sum(r.trained_people for r in unit_rows),
        t["new_unions"],
        t["trained_unions"],
        *[sum(r.milestone_cells[i][2] for r in unit_rows) for i in range(4)],
    ]
    extra = [
        (f"{r.unit.name} (các ban, Văn phòng)", row_values(r)) for r in board.rows if r.is_province
    ]
    cells, depth = header()
    workbook = Workbook()
    write_official_sheet(
        workbook,
        OfficialSheet(
            name="To chuc thuc hien",
            federation=clean(plan.issuing_unit.name).upper(),
            title="BIỂU THEO DÕI CÔNG TÁC TỔ CHỨC THỰC HIỆN",
            subtitle=f"Kế hoạch phát triển đoàn viên, thành lập CĐCS năm {plan.year}",
            attached_line=(
                f"(Theo Kế hoạch số {plan.number}, ngày {official_date(plan.issued_on)}; "
                f"lập ngày {official_date(timezone.localdate())})"
            ),
            header_cells=cells,
            header_depth=depth,
            data_columns=len(totals),
            rows=rows,
            totals=totals,
            extra_rows=extra,
        ),
    )
    return workbook


def board_bytes(board: Board) -> bytes:
    return workbook_bytes(board_workbook(board))
