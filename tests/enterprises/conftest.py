import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.models import Enterprise

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pdf_upload():
    return SimpleUploadedFile("qd-12.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def sam_pu(demo):
    return Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")


def founders(n=5, start=1):
    return [
        {
            "full_name": f"Người sáng lập {i}",
            "date_of_birth": datetime.date(1990, 1, i),
            "gender": "male" if i % 2 else "female",
            "ethnicity": "Kinh",
            "cccd": f"0011900{i:05d}",
            "job": "Công nhân",
        }
        for i in range(start, start + n)
    ]


def xlsx_bytes(rows, merges=()) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Khảo sát"
    for row in rows:
        sheet.append(list(row))
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded decisions and pending imports go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
