from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import UserPermissions

# Main navigation: (URL name, label, the ``can`` permission it needs or None). A URL name that
# does not resolve is an error, not a hidden entry.
NAV = [
    ("plans:list", _("Kế hoạch & chỉ tiêu"), None),
    ("progress:dashboard_home", _("Tiến độ"), None),
    ("enterprises:list", _("Doanh nghiệp"), None),
    ("reports:list", _("Báo cáo"), None),
    ("campaign:board", _("Tổ chức thực hiện"), None),
    ("emulation:home", _("Thi đua"), None),
    ("organisation:tree", _("Cơ cấu tổ chức"), None),
    ("accounts:user_list", _("Tài khoản"), "manage_accounts"),
    ("accounts:audit_log", _("Nhật ký"), "view_audit"),
]


@lru_cache(maxsize=16)
def _nav_urls(script_prefix: str, urlconf) -> tuple[tuple[str, str], ...]:
    """(url, the prefix that marks it active) of each NAV entry: reversed once per process
    (the URLs depend on nothing else), not nine times a page."""
    found = []
    for name, _label, _need in NAV:
        url = reverse(name, urlconf=urlconf)
        prefix = url.rstrip("/").rsplit("/", 1)[0] + "/" if url.count("/") > 2 else url
        found.append((url, prefix))
    return tuple(found)


def site(request):
    """Brand, main navigation and ``can``: what the user may do (accounts.permissions)."""
    items = []
    user = getattr(request, "user", None)
    can = UserPermissions(user)
    if user is not None and user.is_authenticated:
        urls = _nav_urls(get_script_prefix(), get_urlconf())
        for (_name, label, need), (url, prefix) in zip(NAV, urls, strict=True):
            if need is not None and not getattr(can, need):
                continue
            items.append({"url": url, "label": label, "active": request.path.startswith(prefix)})
    return {
        "brand_name": getattr(settings, "SITE_NAME", _("Phát triển đoàn viên")),
        "nav_items": items,
        "can": can,
    }
