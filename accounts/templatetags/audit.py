"""{% load audit %}{% audit_link obj %}: a "Lịch sử thay đổi" link for any tracked object.

Shown only to users who may read the audit trail; other apps put it on their object pages.
"""

from django import template
from django.urls import reverse

from accounts import audit, permissions

register = template.Library()


def audit_url(obj) -> str:
    return reverse(
        "accounts:object_history",
        args=[obj._meta.app_label, obj._meta.model_name, obj.pk],
    )


@register.inclusion_tag("accounts/_audit_link.html", takes_context=True)
def audit_link(context, obj, label=""):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = (
        obj is not None
        and obj.pk is not None
        and permissions.can_view_audit(user)
        and audit.get_model(obj._meta.app_label, obj._meta.model_name) is not None
    )
    return {"url": audit_url(obj) if show else "", "label": label}
