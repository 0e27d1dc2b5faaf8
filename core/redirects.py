"""Where a form goes back to: the ``next`` it was given, only if it is a page of this site."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request) -> str | None:
    """The posted (or queried) ``next`` URL if it stays on this site, else None."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


def redirect_next(request, default, *args, **kwargs):
    """Redirect to ``next`` when it is safe (see safe_next), otherwise to ``default``."""
    return redirect(safe_next(request) or default, *args, **kwargs)
