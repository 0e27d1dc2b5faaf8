"""Write demo/bieu_giao_chi_tieu_nhu_ban_in.xlsx: the plan's table typed as printed.

The seed text's "BIỂU GIAO CHỈ TIÊU" with its header as printed and each row's numbers filled in
from the left, as a person would type it from the printout. Importing it reports the printed
totals that differ from the rows (and refuses it: read that way, parts exceed their totals).

    SECRET_KEY_FILE=.secret-key .venv/bin/python demo/make_printed_table_xlsx.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from plans.demo import PEAK_CODE  # noqa: E402
from plans.source_table import write_printed_xlsx  # noqa: E402

if __name__ == "__main__":
    path = write_printed_xlsx(ROOT / "demo" / "bieu_giao_chi_tieu_nhu_ban_in.xlsx", PEAK_CODE)
    print(f"Đã ghi {path}")
