"""Structure pages: the tree as of a date, a unit's history, and the reorganisation forms."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.permissions import (
    can_create_unit_under,
    can_create_units,
    can_manage_structure,
    require,
    require_view,
    restrict,
    sees_all_units,
)
from core.query import query_int
from organisation import selectors, services
from organisation.forms import (
    AsOfForm,
    DissolveForm,
    MergeForm,
    MoveForm,
    SectorForm,
    UnitCreateForm,
)
from organisation.models import BEGINNING_OF_TIME, END_OF_TIME, Sector, Unit, UnitKind
from organisation.tree import build_tree, default_roots, label_rows

# Pages of other apps linked from a unit's page: (URL name, args, query, label).
UNIT_LINKS = [
    ("progress:members", lambda u: [], lambda u: {"union": u.pk}, gettext_lazy("Đoàn viên")),
    (
        "accounts:object_history",
        lambda u: ["organisation", "unit", u.pk],
        lambda u: {},
        gettext_lazy("Nhật ký thay đổi"),
    ),
]


def _as_of(request):
    form = AsOfForm(request.GET or None)
    return form, form.as_of()


def _with_date(url, on_date):
    return f"{url}?{urlencode({'on': f'{on_date:%d/%m/%Y}'})}"


@require_GET
def unit_tree(request):
    form, on_date = _as_of(request)
    roots = default_roots(request.user, on_date)
    # Province-level users read everything: no need for the visibility subquery.
    visible = None if sees_all_units(request.user) else restrict(Unit.objects.all(), request.user)
    tree = build_tree(roots, on_date, visible=visible)
    label_rows(tree, on_date, reverse("organisation:tree"))
    return render(
        request,
        "organisation/tree.html",
        {
            "form": form,
            "on_date": on_date,
            "tree": tree,
            "changes": selectors.changes_on(on_date, visible),
            "change_dates": selectors.change_dates(visible),
            "can_manage": can_manage_structure(request.user),
            "can_create": can_create_units(request.user),
        },
    )


def _other_app_links(user, unit):
    links = []
    for name, args, query, label in UNIT_LINKS:
        if name == "progress:members" and unit.kind not in UnitKind.grassroots_level():
            continue
        url = reverse(name, args=args(unit))
        params = query(unit)
        links.append({"url": f"{url}?{urlencode(params)}" if params else url, "label": label})
    return links


def _ancestors(unit, on_date, visible):
    """unit's visible ancestors on on_date, the top first."""
    paths = (
        selectors.paths_on(on_date)
        .filter(descendant=unit, depth__gt=0, ancestor__in=visible)
        .select_related("ancestor")
        .order_by("-depth")
    )
    return [p.ancestor for p in paths]


def _open_end(day):
    return None if day in (END_OF_TIME, None) else day


def _open_start(day):
    return None if day == BEGINNING_OF_TIME else day


@require_GET
def unit_detail(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    require_view(request.user, unit)
    form, on_date = _as_of(request)
    visible = restrict(Unit.objects.all(), request.user)
    links = list(unit.parent_links.select_related("parent").order_by("valid_from"))
    readable = set(
        visible.filter(id__in=[link.parent_id for link in links]).values_list("id", flat=True)
    )
    parent_links = [
        {
            "parent": link.parent,
            "visible": link.parent_id in readable,
            "start": _open_start(link.valid_from),
            "end": _open_end(link.valid_to),
            "current": link.valid_from <= on_date <= link.valid_to,
        }
        for link in links
    ]
    kids = build_tree([unit], on_date, visible=visible)
    children = kids[0].children if kids else []
    label_rows(children, on_date, reverse("organisation:tree"), deep=False)
    sector_history = [
        {"sector": Sector(c.sector).label, "start": _open_start(c.effective_from)}
        for c in unit.sector_changes.order_by("effective_from")
    ]
    alive = unit.founded_on <= on_date and (
        unit.dissolved_on is None or on_date <= unit.dissolved_on
    )
    return render(
        request,
        "organisation/detail.html",
        {
            "unit": unit,
            "form": form,
            "on_date": on_date,
            "alive": alive,
            "founded_on": _open_start(unit.founded_on),
            "sector_now": Sector(selectors.sector_as_of(unit, on_date)).label,
            "ancestors": list(
                selectors.ancestors(unit, on_date).filter(id__in=visible.values("id"))
            ),
            "parent_links": parent_links,
            "children": children,
            "sector_history": sector_history,
            "links": _other_app_links(request.user, unit),
            "can_manage": can_manage_structure(request.user) and unit.kind != UnitKind.PROVINCE,
            "can_add_child": unit.kind not in UnitKind.grassroots_level()
            and unit.dissolved_on is None
            and can_create_unit_under(request.user, unit, UnitKind.GRASSROOTS),
        },
    )


def _back(unit, on_date=None):
    url = reverse("organisation:detail", args=[unit.pk])
    return _with_date(url, on_date) if on_date else url


def _form_page(request, template, form, **context):
    return render(request, f"organisation/{template}", {"form": form, **context})


def _run(form, action):
    """Call a checked service; a refusal (e.g. a concurrent change) goes back on the form."""
    try:
        return action(), True
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None, False


def unit_create(request):
    require(can_create_units(request.user))
    initial = {"parent": query_int(request, "parent"), "kind": UnitKind.GRASSROOTS}
    form = UnitCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["parent"] is not None:  # a top unit: create_unit checks can_manage_structure
            require(can_create_unit_under(request.user, data["parent"], data["kind"]))
        unit, ok = _run(
            form,
            lambda: services.create_unit_checked(
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                sector=data["sector"],
                valid_from=data["valid_from"],
                short_name=data["short_name"],
                code=data["code"],
                user=request.user,
            ),
        )
        if ok:
            messages.success(request, _("Đã tạo đơn vị “%(unit)s”.") % {"unit": unit.name})
            return redirect(_back(unit, data["valid_from"]))
    return _form_page(request, "unit_form.html", form, title=_("Thêm đơn vị trực thuộc"))


def _managed_unit(request, pk):
    require(can_manage_structure(request.user))
    unit = get_object_or_404(Unit, pk=pk)
    require(unit.kind != UnitKind.PROVINCE)
    return unit


def unit_move(request, pk):
    unit = _managed_unit(request, pk)
    form = MoveForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _result, ok = _run(
            form,
            lambda: services.move_unit_checked(
                unit=unit, new_parent=data["new_parent"], on_date=data["on_date"], user=request.user
            ),
        )
        if ok:
            day_before = data["on_date"] - datetime.timedelta(days=1)
            messages.success(
                request,
                _(
                    "“%(unit)s” trực thuộc “%(parent)s” từ ngày %(date)s; quan hệ cũ kết thúc "
                    "ngày %(before)s."
                )
                % {
                    "unit": unit.name,
                    "parent": data["new_parent"].name,
                    "date": f"{data['on_date']:%d/%m/%Y}",
                    "before": f"{day_before:%d/%m/%Y}",
                },
            )
            return redirect(_back(unit, data["on_date"]))
    return _form_page(request, "unit_form.html", form, unit=unit, title=_("Chuyển đơn vị cấp trên"))


def unit_dissolve(request, pk):
    unit = _managed_unit(request, pk)
    form = DissolveForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        on_date = form.cleaned_data["on_date"]
        _result, ok = _run(
            form,
            lambda: services.dissolve_unit_checked(unit=unit, on_date=on_date, user=request.user),
        )
        if ok:
            messages.success(
                request,
                _("“%(unit)s” giải thể ngày %(date)s.")
                % {"unit": unit.name, "date": f"{on_date:%d/%m/%Y}"},
            )
            return redirect(_back(unit, on_date))
    return _form_page(request, "unit_form.html", form, unit=unit, title=_("Giải thể đơn vị"))


def unit_sector(request, pk):
    unit = _managed_unit(request, pk)
    form = SectorForm(request.POST or None, unit=unit, initial={"sector": unit.sector})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        restamped, ok = _run(
            form,
            # The sector stamped on the unit's progress records follows (progress subscribes
            # to organisation.services.sector_changed); the count comes back from there.
            lambda: services.set_sector_checked(
                unit=unit,
                sector=data["sector"],
                effective_from=data["effective_from"],
                user=request.user,
            ),
        )
        if ok:
            messages.success(
                request,
                _("Đã ghi khu vực mới của “%(unit)s”; %(n)s bản ghi tiến độ đổi khu vực theo.")
                % {"unit": unit.name, "n": restamped},
            )
            return redirect(_back(unit, data["effective_from"]))
    return _form_page(request, "unit_form.html", form, unit=unit, title=_("Đổi khu vực"))


def unit_merge(request):
    require(can_manage_structure(request.user))
    form = MergeForm(request.POST or None, initial={"sources": request.GET.getlist("source")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def merge():
            if data["target"]:
                services.merge_units(
                    sources=data["sources"],
                    target=data["target"],
                    on_date=data["on_date"],
                    user=request.user,
                )
                return data["target"]
            return services.merge_into_new_unit(
                sources=data["sources"],
                on_date=data["on_date"],
                name=data["new_name"],
                kind=data["new_kind"] or UnitKind.COMMUNE,
                parent=data["new_parent"],
                sector=data["new_sector"],
                user=request.user,
            )

        target, ok = _run(form, merge)
        if ok:
            next_day = data["on_date"] + datetime.timedelta(days=1)
            messages.success(
                request,
                _(
                    "Đã hợp nhất %(sources)s vào “%(target)s”: giải thể ngày %(date)s, đơn vị "
                    "trực thuộc chuyển sang từ ngày %(next)s."
                )
                % {
                    "sources": ", ".join(f"“{s.name}”" for s in data["sources"]),
                    "target": target.name,
                    "date": f"{data['on_date']:%d/%m/%Y}",
                    "next": f"{next_day:%d/%m/%Y}",
                },
            )
            return redirect(_back(target, next_day))
    return _form_page(request, "merge_form.html", form, title=_("Hợp nhất đơn vị"))
