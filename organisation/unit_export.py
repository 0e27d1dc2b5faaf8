"""The unit tree as of a date, written in the layout ``import_units`` reads (a round trip)."""

import datetime

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from organisation.models import Unit
from organisation.selectors import paths_on

HEADER = [
    "STT",
    "Tên đơn vị",
    "Đơn vị cấp trên",
    "Loại đơn vị",
    "Khu vực",
    "Mã đơn vị",
    "Trạng thái",
    "Ghi chú",
]


def tree_rows(on_date: datetime.date, under: Unit | None = None) -> list[tuple[Unit, Unit | None]]:
    """(unit, parent) for every unit alive on on_date (under ``under`` if given), each parent
    before its children, siblings in their sort order."""
    paths = paths_on(on_date)
    parent_of = dict(paths.filter(depth=1).values_list("descendant_id", "ancestor_id"))
    if under is not None:
        ids = set(paths.filter(ancestor=under).values_list("descendant_id", flat=True))
    else:
        ids = set(paths.filter(depth=0).values_list("descendant_id", flat=True))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    kids: dict[int | None, list[Unit]] = {}
    for pk, unit in units.items():
        parent = parent_of.get(pk) if pk != getattr(under, "pk", None) else None
        kids.setdefault(parent if parent in units else None, []).append(unit)
    rows: list[tuple[Unit, Unit | None]] = []

    def walk(parent_id):
        for unit in sorted(kids.get(parent_id, []), key=lambda u: (u.sort_order, u.name)):
            rows.append((unit, units.get(parent_of.get(unit.pk)) if parent_id else None))
            walk(unit.pk)

    walk(None)
    if under is not None and rows:
        real_parent = Unit.objects.filter(pk=parent_of.get(under.pk)).first()
        rows[0] = (under, real_parent)
    return rows


def units_workbook(on_date: datetime.date, under: Unit | None = None) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Don vi"
    ws.append(["DANH SÁCH ĐƠN VỊ"])
    ws.append([f"Cơ cấu tổ chức tại ngày {on_date:%d/%m/%Y}"])
    ws.append([])
    ws.append(HEADER)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=13)
    with translation.override("vi"):  # the words import_units reads, whatever the UI language
        for n, (unit, parent) in enumerate(tree_rows(on_date, under), start=1):
            ws.append(
                [
                    n,
                    unit.name,
                    parent.name if parent else "",
                    unit.get_kind_display(),
                    unit.get_sector_display(),
                    unit.code,
                    "Đang hoạt động",
                    "",
                ]
            )
    for column, width in zip("ABCDEFGH", (6, 48, 40, 26, 34, 14, 18, 20), strict=True):
        ws.column_dimensions[column].width = width
    return workbook
