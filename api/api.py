"""The JSON API (``/api/v1/``): django-ninja, OpenAPI 3 at ``/api/v1/openapi.json``, the
Swagger UI at ``/api/v1/docs`` (served from our own static files: the CSP allows no CDN)."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from api import errors
from api.auth import TokenAuth
from api.routers import enterprises, figures, members, plans, records, reports, units

DESCRIPTION = """
API của hệ thống Phát triển đoàn viên, cho các hệ thống liên thông và kịch bản.

**Xác thực**: mỗi yêu cầu gửi `Authorization: Bearer <mã>`; mã tạo bằng
`python manage.py create_api_token USERNAME [--expires DAYS]` và thu hồi ở trang tài khoản.
Mã có đúng quyền và phạm vi đơn vị của tài khoản như trên các trang; mọi thao tác ghi đi qua
cùng các dịch vụ. Giới hạn: 120 yêu cầu mỗi phút cho mỗi mã (429 khi vượt).

**Lỗi**: JSON `{"detail": "…", "errors": [{"field": "…", "message": "…"}]}` bằng tiếng Việt;
400 dữ liệu sai, 401 thiếu/sai mã, 403 không có quyền, 404 không tìm thấy, 409 xung đột.

**Trang**: `limit` / `offset`, trả về `count`. Ngày theo ISO 8601 (`YYYY-MM-DD`).
"""


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese as text, not \u escapes


def _docs_decorator(view):
    # Swagger UI sets inline styles; the page holds no data and no inline script.
    return login_not_required(require_safe(csp_update({"style-src": ["'unsafe-inline'"]})(view)))


api = NinjaAPI(
    title="Phát triển đoàn viên — API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs_decorator=_docs_decorator,
    openapi_url="/openapi.json",
    docs_url="/docs",
    renderer=Renderer(),
)
errors.install(api)

for module in (units, plans, figures, records, members, enterprises, reports):
    api.add_router("", module.router)


def urls():
    """The API's URL patterns, each exempt from the sign-in redirect (the token is the
    sign-in: a request without one gets a 401 JSON answer, never the login page)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns, app_name, namespace
