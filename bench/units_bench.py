"""Benchmark of ``import_units``: a province's unit list into an empty database, the same file
again (nothing changes), and a reorganisation file (a tenth of the CĐCS move), each side by side
with a bare read-only openpyxl parse of the same file.

Runs in its OWN database (never the demo one):

    DATABASE_URL=sqlite:////tmp/units-bench.sqlite3 .venv/bin/python bench/units_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/units_bench.py \
        --units 135000 --repeat 1

--units is the number of rows (1 province, one commune union per 15 CĐCS, the rest CĐCS with
"Số đoàn viên" and "Số lao động"). Medians of --repeat runs, printed as a Markdown table.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["STT", "Tên đơn vị", "Cấp trên trực tiếp", "Loại đơn vị", "Khu vực", "Số đoàn viên",
          "Số lao động", "Trạng thái"]  # fmt: skip
PROVINCE = "Liên đoàn Lao động tỉnh Thử Nghiệm"
SECTORS = ["HCSN", "SNCL", "DN ngoài nhà nước", "DN nhà nước", "FDI"]


def setup_django():
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL to the bench's own database (never the demo db.sqlite3).")
    if "db.sqlite3" in url and str(ROOT) in url:
        sys.exit("Refusing to benchmark in the demo database; use a separate file.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def unit_rows(n: int, moved_share: float = 0.0) -> list[list]:
    communes = max(1, n // 16)
    rows = [[PROVINCE, "Tổng Liên đoàn Lao động Việt Nam", "LĐLĐ tỉnh", "", None, None, ""]]
    rows += [
        [f"Công đoàn xã Thử {c:04d}", PROVINCE, "công đoàn xã", "", None, None, ""]
        for c in range(communes)
    ]
    for g in range(n - 1 - communes):
        commune = g % communes
        if moved_share and g % round(1 / moved_share) == 0:
            commune = (commune + 1) % communes
        rows.append(
            [
                f"CĐCS Đơn vị Thử {g:06d}",
                f"Công đoàn xã Thử {commune:04d}",
                "CĐCS",
                SECTORS[g % len(SECTORS)],
                20 + g % 200,
                30 + g % 250,
                "",
            ]
        )
    return rows


def write_file(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["LIÊN ĐOÀN LAO ĐỘNG TỈNH THỬ NGHIỆM"])
    sheet.append(["DANH SÁCH ĐƠN VỊ"])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    workbook.save(path)
    return path


def bare_parse(path: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    for _row in workbook.active.iter_rows(values_only=True):
        pass
    workbook.close()
    return time.perf_counter() - start


def clear_units() -> None:
    """Empty the bench's own database (every table: it holds nothing else)."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


def timed_import(path: Path, on_date: datetime.date) -> tuple[float, dict]:
    from accounts.permissions import system_actor
    from organisation.unit_import import import_units

    start = time.perf_counter()
    result = import_units(source=path, on_date=on_date, user=system_actor("units_bench"))
    return time.perf_counter() - start, result.counts()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="units-bench-"))
    first = write_file(folder / "don-vi.xlsx", unit_rows(args.units))
    moved = write_file(folder / "sap-xep.xlsx", unit_rows(args.units, moved_share=0.1))
    times = {key: [] for key in ("parse", "empty", "again", "parse_moved", "moved")}
    counts = {}
    for _ in range(args.repeat):
        clear_units()
        times["parse"].append(bare_parse(first))
        seconds, counts["empty"] = timed_import(first, datetime.date(2025, 7, 1))
        times["empty"].append(seconds)
        seconds, counts["again"] = timed_import(first, datetime.date(2025, 7, 1))
        times["again"].append(seconds)
        times["parse_moved"].append(bare_parse(moved))
        seconds, counts["moved"] = timed_import(moved, datetime.date(2026, 1, 1))
        times["moved"].append(seconds)
    med = {key: statistics.median(values) for key, values in times.items()}
    print(f"\n{args.units} units, {connection.vendor}, median of {args.repeat}\n")
    print("| step | bare parse (s) | import (s) | ratio | what it did |")
    print("|---|---|---|---|---|")
    for key, parse_key, label in (
        ("empty", "parse", "into an empty database"),
        ("again", "parse", "the same file again"),
        ("moved", "parse_moved", "a tenth of the CĐCS moved"),
    ):
        what = ", ".join(f"{k}: {v}" for k, v in counts[key].items() if v)
        print(
            f"| {label} | {med[parse_key]:.2f} | {med[key]:.2f} | "
            f"{med[key] / med[parse_key]:.0f}× | {what} |"
        )


if __name__ == "__main__":
    main()
