"""The allocation table (Biểu giao chỉ tiêu) as an official Excel form, one sheet per period.

Drawn from ``plans.table.allocation_table`` / ``header_layout``, the same source as the HTML
page, so the two cannot drift apart. After the printed form's "Cộng:" row the sheet carries one
more row, "Chỉ tiêu toàn tỉnh (theo kế hoạch)", with the province targets from the plan's text:
without it the year sheet (whose per-unit targets are not assigned yet) would carry no figure at
all, and the import reads it back, so export → import is an exact round trip. The import
recognises the row by its label and a form without it is accepted.
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.excel import OfficialSheet, write_official_sheet
from plans.models import Period, Plan
from plans.table import allocation_table

TITLE = "BIỂU GIAO CHỈ TIÊU"
PROVINCE_ROW_LABEL = "Chỉ tiêu toàn tỉnh (theo kế hoạch)"


def official_date(date) -> str:
    """Decree 30/2020: leading zero for days below 10 and for months 1 and 2 (11/6/2024)."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{day}/{month}/{date.year}"


def attached_line(plan: Plan) -> str:
    return _("(Kèm theo Kế hoạch số %(number)s, ngày %(date)s của %(body)s)") % {
        "number": plan.number,
        "date": official_date(plan.issued_on),
        "body": plan.issuing_body,
    }


def sheet_name(period: Period) -> str:
    """The sheet tab is the period's code: it is how the import finds the period again."""
    return period.code[:31]


def period_sheet(period: Period, visible_unit_ids=None) -> OfficialSheet:
    """visible_unit_ids as in ``allocation_table``: a unit officer gets only its own rows,
    without the totals and province rows (as on the page)."""
    plan = period.plan
    table = allocation_table(period, visible_unit_ids)
    layout = table.layout
    whole = visible_unit_ids is None
    extra = []
    if whole and any(value is not None for value in table.province_targets):
        extra.append((PROVINCE_ROW_LABEL, table.province_targets))
    return OfficialSheet(
        name=sheet_name(period),
        federation=plan.issuing_unit.name.upper(),
        title=TITLE,
        subtitle=period.table_title or period.name,
        attached_line=attached_line(plan),
        header_cells=layout.cells,
        header_depth=layout.depth,
        data_columns=len(layout.columns),
        rows=[(row.number, row.unit.name, row.values, row.note) for row in table.rows],
        totals=table.totals if whole else None,
        extra_rows=extra,
    )


def export_workbook(plan: Plan, periods=None, visible_unit_ids=None) -> Workbook:
    """One sheet per period (all the plan's periods when periods is None)."""
    workbook = Workbook()
    for period in periods if periods is not None else plan.periods.all():
        write_official_sheet(workbook, period_sheet(period, visible_unit_ids))
    return workbook
