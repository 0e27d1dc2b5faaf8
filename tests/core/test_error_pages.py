"""403, 404 and 500 pages are Vietnamese and in the product's look (with DEBUG off)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from accounts.models import Role
from tests.home.factories import units, user

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-500/", _boom),
    path("test-403/", _forbidden),
    path("", include("config.urls")),
]


@pytest.fixture
def signed_in(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    fed = units()
    client = Client(raise_request_exception=False)
    client.force_login(
        user("t.b", Role.UNIT_OFFICER, fed.unit_b),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    client.fed = fed
    return client


def test_404_is_vietnamese_with_the_menu(signed_in):
    response = signed_in.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang hoặc dữ liệu bạn cần" in body
    assert 'class="topbar"' in body and "Về trang chủ" in body
    assert "Not Found" not in body


def test_403_is_vietnamese(signed_in):
    response = signed_in.get("/test-403/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Bạn không có quyền xem hoặc thay đổi trang này" in body
    assert "Forbidden" not in body
    # A real refusal: unit B's officer opening unit A's page.
    response = signed_in.get(f"/units/{signed_in.fed.unit_a.pk}/")
    assert response.status_code in (403, 404)
    assert "Lỗi 40" in response.content.decode()


def test_500_is_vietnamese_and_standalone(signed_in):
    response = signed_in.get("/test-500/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Hệ thống gặp lỗi khi xử lý yêu cầu của bạn" in body
    assert "Server Error" not in body
