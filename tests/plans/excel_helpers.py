"""Helpers for the Excel tests: exporting, importing via the commands, snapshots, cell lookup."""

import unicodedata

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from plans.demo import PLAN_NUMBER
from plans.models import Target, UnitNote


def export(path, period=None):
    args = ["export_targets", "--plan", PLAN_NUMBER, "--out", str(path)]
    if period:
        args += ["--period", period]
    call_command(*args)
    return path


def run_import(path, period=None):
    args = ["import_targets", str(path), "--plan", PLAN_NUMBER]
    if period:
        args += ["--period", period]
    call_command(*args)


def failed_import(path, period=None) -> str:
    with pytest.raises(CommandError) as caught:
        run_import(path, period)
    assert caught.value.returncode != 0
    return str(caught.value)


def snapshot() -> dict:
    targets = {
        (t.period.code, t.unit.name, t.indicator.code): (t.value, t.note, t.encouraged, t.version)
        for t in Target.objects.select_related("period", "unit", "indicator")
    }
    notes = {
        (n.period.code, n.unit.name): (n.text, n.encouraged)
        for n in UnitNote.objects.select_related("period", "unit")
    }
    return {"targets": targets, "notes": notes}


def row_of(ws, unit_name: str) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 2).value == unit_name:
            return row
    raise AssertionError(unit_name)


def column_of(ws, header: str, occurrence: int = 1) -> int:
    seen = 0
    for row in ws.iter_rows(min_row=1, max_row=12):
        for cell in row:
            if cell.value == header:
                seen += 1
                if seen == occurrence:
                    return cell.column
    raise AssertionError(header)


def edit(path, sheet: str, changes) -> None:
    """changes: [(unit name, header, occurrence, value)] or callables taking the worksheet."""
    workbook = load_workbook(path)
    ws = workbook[sheet]
    for change in changes:
        if callable(change):
            change(ws)
            continue
        unit, header, occurrence, value = change
        ws.cell(row_of(ws, unit), column_of(ws, header, occurrence)).value = value
    workbook.save(path)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def typed_form(path, rows, merges=(), title="Sheet1"):
    """A workbook typed by a person: rows is a list of lists (None = empty cell)."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = title
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for merge in merges:
        ws.merge_cells(merge)
    workbook.save(path)
    return path
