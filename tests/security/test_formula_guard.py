"""Exports never carry formulas: text starting with = + - @ tab CR is written as text."""

import io
import pathlib
import re

from openpyxl import Workbook, load_workbook

from core.excel import guard_formulas, workbook_bytes
from enterprises.export import workbook_bytes as enterprise_workbook_bytes
from enterprises.models import Enterprise

HOSTILE = '=HYPERLINK("http://x","y")'


def _cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


def test_an_enterprise_named_like_a_formula_is_exported_as_text(tree):
    Enterprise.objects.create(name=HOSTILE, unit=tree.district_a, industry="=1+1")
    cells = _cells(enterprise_workbook_bytes(Enterprise.objects.all()))
    named = [c for c in cells if c.value == HOSTILE]
    industry = [c for c in cells if c.value == "=1+1"]
    assert named and industry
    assert all(c.data_type == "s" for c in named + industry)
    assert not [c for c in cells if c.data_type == "f"]


def test_every_dangerous_prefix_is_text_and_the_value_is_unchanged():
    workbook = Workbook()
    values = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "Công ty = 1", "1-2"]
    for row, value in enumerate(values, start=1):
        workbook.active.cell(row=row, column=1, value=value)
    workbook.active.cell(row=20, column=1, value=-5)  # a number stays a number
    cells = {c.row: c for c in _cells(workbook_bytes(workbook)) if c.value is not None}
    for row, value in enumerate(values, start=1):
        assert cells[row].value == value
        assert cells[row].data_type == "s"
        assert cells[row].quotePrefix is (row <= 6)
    assert cells[20].value == -5 and cells[20].data_type == "n"


def test_write_only_workbooks_are_refused():
    workbook = Workbook(write_only=True)
    try:
        guard_formulas(workbook)
    except ValueError:
        return
    raise AssertionError("a write-only workbook cannot be guarded")


def test_every_workbook_writer_saves_through_core_excel():
    """No module saves an openpyxl workbook itself: the guard is in one place."""
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        if any(part in {"tests", ".venv", "migrations", "bench"} for part in path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if "Workbook(" not in text or path.as_posix().endswith("core/excel.py"):
            continue
        for line in text.splitlines():
            if re.search(r"(?<!save_workbook)\.save\(", line) and "update_fields" not in line:
                offenders.append(f"{path.relative_to(root)}: {line.strip()}")
    assert offenders == []
