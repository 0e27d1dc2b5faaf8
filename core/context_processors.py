from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Main navigation. Entries whose URL is not installed yet are skipped.
NAV = [
    ("plans:list", _("Kế hoạch & chỉ tiêu"), None),
    ("progress:dashboard_home", _("Tiến độ"), None),
    ("enterprises:list", _("Doanh nghiệp"), None),
    ("reports:list", _("Báo cáo"), None),
    ("organisation:tree", _("Cơ cấu tổ chức"), None),
    ("accounts:user_list", _("Tài khoản"), "manage_accounts"),
    ("accounts:audit_log", _("Nhật ký"), "audit"),
]


def _visible(user, need):
    if need is None:
        return True
    if need == "audit":
        from accounts.permissions import can_view_audit

        return can_view_audit(user)
    if need == "province":
        return user.is_province_level
    if need == "manage_accounts":
        return user.is_province_admin or user.role == "unit_officer"
    return False


def site(request):
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for name, label, need in NAV:
            if not _visible(user, need):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            prefix = url.rstrip("/").rsplit("/", 1)[0] + "/" if url.count("/") > 2 else url
            items.append({"url": url, "label": label, "active": request.path.startswith(prefix)})
    return {
        "brand_name": getattr(settings, "SITE_NAME", _("Phát triển đoàn viên")),
        "nav_items": items,
    }
