"""Build member lists as units keep them in Excel (title rows, header, Excel or text dates)."""

import datetime

from openpyxl import Workbook

HEADER = [
    "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Nghề nghiệp",
    "Ngày kết nạp",
]  # fmt: skip


def member_list(path, rows, *, title_rows=True):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    if title_rows:
        sheet.append(["LĐLĐ HUYỆN MƯỜNG TÈ"])
        sheet.append(["DANH SÁCH ĐOÀN VIÊN KẾT NẠP MỚI THÁNG 7/2024"])
        sheet.append([])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    workbook.save(path)
    return path


def good_rows(n=3, start=1):
    return [
        [
            f"Lò Văn Thử {i}",
            datetime.datetime(1995, 3, i),
            "Nam",
            "Thái",
            f"01209500{i:04d}",
            "Công nhân",
            "15/07/2024",
        ]
        for i in range(start, start + n)
    ]
