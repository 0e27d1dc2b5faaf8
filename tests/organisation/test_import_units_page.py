"""The unit-list import page: a preview that saves nothing, then confirm; province admins only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from organisation.models import Unit
from tests.organisation.test_import_units import TREE, _file

URL = reverse("organisation:import")


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("quantri", "", "Mat-khau-dai-2026!"))
    return client


def _upload(path):
    with open(path, "rb") as f:
        return SimpleUploadedFile("don-vi.xlsx", f.read())


def test_preview_then_confirm(admin_client, tmp_path):
    page = admin_client.post(URL, {"file": _upload(_file(tmp_path, TREE)), "on_date": "01/07/2025"})
    html = page.content.decode()
    assert page.status_code == 200 and "Xem trước" in html and "Xác nhận nhập" in html
    assert "Công đoàn xã Thanh Xương" in html and not Unit.objects.exists()
    token = page.context["token"]
    done = admin_client.post(
        URL,
        {"token": token, "file_name": "don-vi.xlsx", "on_date": "01/07/2025", "action": "confirm"},
    )
    assert done.status_code == 302 and Unit.objects.count() == 5
    again = admin_client.post(
        URL,
        {"token": token, "file_name": "don-vi.xlsx", "on_date": "01/07/2025", "action": "confirm"},
    )
    assert again.status_code == 400  # the file is gone once used
    assert Unit.objects.count() == 5


def test_bad_rows_are_listed_and_nothing_saved(admin_client, tmp_path):
    rows = [["CĐCS A", "Công đoàn xã Không Có", "CĐCS", "", ""]]
    page = admin_client.post(URL, {"file": _upload(_file(tmp_path, rows)), "on_date": "01/07/2025"})
    assert page.status_code == 400
    assert "dòng 5" in page.content.decode() and not Unit.objects.exists()


def test_only_province_administrators(client, db, tmp_path):
    from accounts.models import Role

    viewer = User.objects.create_user(
        "xem", password="Mat-khau-dai-2026!", role=Role.PROVINCE_VIEWER
    )
    client.force_login(viewer)
    assert client.get(URL).status_code == 403
    page = client.post(URL, {"file": _upload(_file(tmp_path, TREE)), "on_date": "01/07/2025"})
    assert page.status_code == 403 and not Unit.objects.exists()
