"""Benchmark: ``core.excel.write_list_sheet`` + ``workbook_bytes`` for a long list.

Builds a ListSheet of --rows rows × 7 columns (STT, name, date of birth, gender, a number, a
grassroots union, an admission date: text, numbers and dates, like the member register) and
times, median of --repeat runs, side by side:

- ``before``: the body styled cell by cell as write_list_sheet did until now (font, border,
  alignment and number format set on each cell: openpyxl looks each one up in the workbook's
  style lists every time);
- ``after``: write_list_sheet as it is (each look set once, the cells created with its style
  ids and appended a row at a time);
- ``bare``: openpyxl ``ws.append`` of the same values, no styles at all, saved with
  ``workbook.save`` (the floor: what openpyxl needs to write the cells at all).

"write" is building the sheet, "bytes" is ``workbook_bytes`` (formula guard + save). It also
checks that ``before`` and ``after`` give every cell the same value and look. No database.

Usage (from the project root; about 40 s for the default 10 000 rows, 3 runs; `make bench`
runs it with --rows 3000, about 10 s):

    .venv/bin/python bench/excel_bench.py [--rows 10000] [--repeat 3]
"""

import argparse
import datetime
import io
import statistics
import sys
import time
from copy import copy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from core.excel import (  # noqa: E402
    BORDER,
    DATE_FORMAT,
    LIST_HEADER_ROW,
    NUMBER_FORMAT,
    ListSheet,
    _font,
    workbook_bytes,
    write_list_sheet,
)

COLUMNS = [
    ("STT", 6),
    ("Họ và tên", 28),
    ("Ngày sinh", 12),
    ("Giới tính", 9),
    ("Số lao động", 12),
    ("CĐCS", 36),
    ("Ngày kết nạp", 12),
]


def list_sheet(rows: int) -> ListSheet:
    values = [
        (
            index,
            f"Nguyễn Thị Hồng Nhung {index}",
            datetime.date(1970 + index % 35, 1 + index % 12, 1 + index % 28),
            "Nữ" if index % 2 else "Nam",
            25 + index * 7 % 5000,
            f"CĐCS Công ty TNHH May mặc Lai Châu số {index % 300}",
            datetime.date(2024, 1 + index % 12, 1 + index % 28),
        )
        for index in range(1, rows + 1)
    ]
    return ListSheet(
        name="Sổ đoàn viên",
        federation="LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU",
        title="SỔ ĐOÀN VIÊN",
        subtitle="Mọi CĐCS — Xuất ngày 03/12/2026",
        columns=COLUMNS,
        rows=values,
    )


def write_before(workbook, sheet: ListSheet):
    """The body as write_list_sheet wrote it until now: every cell styled on its own."""
    ws = write_list_sheet(workbook, ListSheet(**{**sheet.__dict__, "rows": []}))
    body = _font(sheet.font_size)
    for offset, values in enumerate(sheet.rows, start=1):
        row = LIST_HEADER_ROW + offset
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.font = body
            cell.border = BORDER
            if isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="center", vertical="center")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="right", vertical="center")
            else:
                cell.alignment = Alignment(vertical="center", wrap_text=True)
    last_row = LIST_HEADER_ROW + len(sheet.rows)
    ws.auto_filter.ref = f"A{LIST_HEADER_ROW}:{get_column_letter(len(sheet.columns))}{last_row}"
    return ws


def write_after(workbook, sheet: ListSheet):
    return write_list_sheet(workbook, sheet)


def write_bare(workbook, sheet: ListSheet):
    ws = workbook.active
    ws.append([header for header, _width in sheet.columns])
    for values in sheet.rows:
        ws.append(values)
    return ws


def bare_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(write, to_bytes, sheet: ListSheet) -> tuple[float, float, Workbook]:
    workbook = Workbook()
    start = time.perf_counter()
    write(workbook, sheet)
    built = time.perf_counter()
    to_bytes(workbook)
    return built - start, time.perf_counter() - built, workbook


def looks(workbook) -> list[tuple]:
    """Each cell's coordinate, value and look (font, border, alignment, fill, number format);
    the look is read once per distinct set of style ids, so comparing two sheets is quick."""
    ws = workbook.worksheets[0]
    known: dict = {}
    cells = []
    for row in ws.iter_rows():
        for c in row:
            ids = tuple(c._style or ())
            if ids not in known:
                known[ids] = tuple(copy(x) for x in (c.font, c.border, c.alignment, c.fill)) + (
                    c.number_format,
                )
            cells.append((c.coordinate, c.value, known[ids]))
    return cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sheet = list_sheet(args.rows)
    cells = args.rows * len(COLUMNS)
    variants = [
        ("before", write_before, workbook_bytes),
        ("after", write_after, workbook_bytes),
        ("bare", write_bare, bare_bytes),
    ]
    times = {name: [] for name, _write, _bytes in variants}
    books = {}
    for _ in range(args.repeat):
        for name, write, to_bytes in variants:  # interleaved: a busy machine hits all alike
            write_s, bytes_s, books[name] = run(write, to_bytes, sheet)
            times[name].append((write_s, bytes_s, write_s + bytes_s))
    print(f"write_list_sheet + workbook_bytes, {args.rows} rows × {len(COLUMNS)} columns")
    print(f"({cells} body cells), median of {args.repeat} (each column its own median):")
    print(f"{'':8} {'write':>8} {'bytes':>8} {'total':>8}")
    medians = {}
    for name, runs in times.items():
        medians[name] = [statistics.median(r[i] for r in runs) for i in range(3)]
        write_s, bytes_s, total = medians[name]
        print(f"{name:8} {write_s:7.2f}s {bytes_s:7.2f}s {total:7.2f}s")
    before, after = medians["before"][2], medians["after"][2]
    print(f"after is {before / after:.1f}× faster than before in total")
    print(f"({medians['before'][0] / medians['after'][0]:.1f}× on write alone)")
    same = looks(books["before"]) == looks(books["after"])
    print("before and after: every cell the same value and look:", "yes" if same else "NO")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
