"""The home page at ``/``: one per role, each with where things stand and the next step."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import can_create_units, can_manage_plans, can_review_reports
from home import selectors


@require_safe
def home(request):
    user = request.user
    page = selectors.home_for(user, period=request.GET.get("period") or None)
    return render(
        request,
        f"home/{page.kind}.html",
        {
            "home": page,
            "can_manage_plans": can_manage_plans(user),
            "can_create_units": can_create_units(user),
            "can_review": can_review_reports(user),
        },
    )
