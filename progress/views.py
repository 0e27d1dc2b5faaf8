"""Progress pages: dashboard, records behind a figure, export. Entry pages are in entry_views."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.permissions import (
    can_correct_records,
    can_manage_structure,
    personal_data_unit_ids,
    require_view,
    unit_ids,
)
from core.excel import XLSX_CONTENT_TYPE
from core.fingerprint import fingerprint
from core.masking import log_personal_data_access, sees_unit
from core.paging import paginate
from core.query import query_int
from organisation.models import Unit
from plans import selectors as plan_selectors
from plans.models import Indicator, Target
from progress import charts, services
from progress import dashboard as boards
from progress.export import results_bytes
from progress.lists import record_rows, records_workbook, xlsx_response
from progress.selectors import contribution_total, records_list


def dashboard_home(request):
    """The newest plan's current period (or its last one), else a chooser."""
    plans = list(plan_selectors.plans_for(request.user).prefetch_related("periods"))
    if not plans:
        return render(request, "progress/choose.html", {"plans": plans})
    plan = plans[0]
    today = timezone.localdate()
    periods = list(plan.periods.all())
    current = [p for p in periods if p.start <= today <= p.end]
    if current:
        chosen = min(current, key=lambda p: p.end - p.start)  # the campaign inside the year
        return redirect("progress:dashboard", pk=plan.pk, period=chosen.code)
    if len(plans) == 1 and periods:
        return redirect("progress:dashboard", pk=plan.pk, period=periods[-1].code)
    return render(request, "progress/choose.html", {"plans": plans})


def _chart_choice(request, plan, board, indicators):
    """Which unit and indicator the chart shows (defaults: province or first row, first)."""
    rows = [board.province, *board.rows] if board.province else list(board.rows)
    by_id = {r.unit.pk: r for r in rows}
    unit_row = by_id.get(query_int(request, "chart_unit")) or (rows[0] if rows else None)
    indicator = next(
        (i for i in indicators if i.pk == query_int(request, "indicator")), indicators[0]
    )
    return unit_row, indicator


def dashboard(request, pk, period):
    # The plan (404 unless the user may see it), its issuing unit and its periods (the tabs and
    # the period shown): one query.
    plan, periods = plan_selectors.plan_with_periods(request.user, pk)
    current = next((p for p in periods if p.code == period), None)
    if current is None:
        raise Http404
    visible = plan_selectors.visible_plan_unit_ids(request.user, plan)
    parent = None
    under = query_int(request, "under")
    if under:
        # An officer opening their own unit: the unit the permission checks load anyway.
        mine = under == request.user.unit_id
        parent = request.user.unit if mine else get_object_or_404(Unit, pk=under)
        require_view(request.user, parent)
        visible = unit_ids(request.user, "view")
    board = boards.build(
        current, visible_unit_ids=visible, parent=parent, page=request.GET.get("page")
    )
    indicators = board.layout.columns
    chart = chart_row = chart_indicator = None
    bars = heat = None
    if indicators:
        chart_row, chart_indicator = _chart_choice(request, plan, board, indicators)
        heat = SimpleLazyObject(lambda: charts.heat_table(board))
    moves = None
    if chart_row is not None:
        index = indicators.index(chart_indicator)
        target = chart_row.cells[index].target
        moves = boards.cumulative_moves(current, chart_row.unit, chart_indicator, board.as_of)
        chart = SimpleLazyObject(
            lambda: boards.cumulative_chart(
                current, chart_row.unit, chart_indicator, target, board.as_of, moves=moves
            )
        )
        bars = SimpleLazyObject(lambda: charts.unit_bars(board, index))  # from the board's cells
    simulated = _has_simulated(current)
    chart_units = [board.province, *board.rows] if board.province else board.rows
    # The page's body is cached by everything it is drawn from (core.fingerprint; README "One
    # dashboard request"): the bars, the heat table and the cumulative line are pure functions
    # of the board, the chosen unit and column and the line's moves (progress.charts), drawn
    # only when the body is; the rest is here.
    content_key = fingerprint(
        DASHBOARD_TEMPLATE_VERSION,
        get_language(),
        get_script_prefix(),
        plan,
        current,
        periods,
        parent,
        board,
        moves,
        chart_row.unit.pk if chart_row else None,
        chart_indicator.pk if chart_indicator else None,
        simulated,
        can_manage_structure(request.user),  # progress/includes/stock.html's import link
    )
    # Two parts of the body do not depend on the figures: the page's top (breadcrumb, title,
    # banner, tabs, dates, actions, the table's header) and the chart form. They are cached
    # apart, so the first read after a write renders neither; their keys are computed only
    # when the body itself is drawn (lazy).
    top_key = SimpleLazyObject(
        lambda: fingerprint(
            DASHBOARD_TEMPLATE_VERSION,
            get_language(),
            get_script_prefix(),
            plan,
            current,
            periods,
            parent,
            board.as_of,
            board.share,
            board.layout,
            simulated,
        )
    )
    form_key = SimpleLazyObject(
        lambda: fingerprint(
            DASHBOARD_TEMPLATE_VERSION,
            get_language(),
            parent.pk if parent else None,
            [(ind.pk, ind.header) for ind in indicators],
            [(r.unit.pk, r.unit.name) for r in chart_units],
            chart_row.unit.pk if chart_row else None,
            chart_indicator.pk if chart_indicator else None,
        )
    )
    return render(
        request,
        "progress/dashboard.html",
        {
            "plan": plan,
            "period": current,
            "periods": periods,
            "board": board,
            "parent": parent,
            "chart": chart,
            "chart_row": chart_row,
            "chart_indicator": chart_indicator,
            "chart_units": chart_units,
            "simulated": simulated,
            "bars": bars,
            "heat": heat,
            "heat_legend": charts.heat_legend(),
            "content_key": content_key,
            "top_key": top_key,
            "form_key": form_key,
        },
    )


# Bump when progress/dashboard.html or an include changes what it prints from the same values
# (the cached bodies of the old template would otherwise be served until they expire).
DASHBOARD_TEMPLATE_VERSION = 3


def _simulated_sql() -> str:
    """The demo banner's question; each side reads a partial index of the few simulated rows
    (``unit_simulated``, ``record_simulated``), never the whole table."""
    from progress.models import Record

    return (
        f"SELECT 1 WHERE EXISTS (SELECT 1 FROM {Unit._meta.db_table} WHERE is_simulated) "
        f"OR EXISTS (SELECT 1 FROM {Record._meta.db_table} "
        "WHERE is_simulated AND date >= %s AND date <= %s)"
    )


def _has_simulated(period) -> bool:
    """A simulated unit anywhere, or a simulated record in the period (the demo banner): one
    query, two index probes (``_simulated_sql``)."""
    from core.rows import fetch

    return bool(fetch(_simulated_sql(), [period.start, period.end]))


def _records_context(request, pk, period, unit, indicator):
    """The drill-down's plan, period, unit, indicator, as-of day, filter form and the filtered
    records (``progress.selectors.records_list``, scoped by ``restrict``)."""
    from progress.forms import RecordFilterForm
    from progress.models import RecordKind
    from progress.selectors import MEASURE_KINDS

    plan = plan_selectors.get_plan_for(request.user, pk)
    current = plan_selectors.get_period(plan, period)
    unit = get_object_or_404(Unit, pk=unit)
    require_view(request.user, unit)
    indicator = get_object_or_404(Indicator, pk=indicator, plan=plan)
    as_of = min(max(timezone.localdate(), current.start), current.end)
    everything = records_list(request.user, current, unit, indicator, as_of=as_of)
    union_ids = set(everything.order_by().values_list("union_id", flat=True).distinct())
    unions = list(Unit.objects.filter(pk__in=union_ids).order_by("name").values_list("pk", "name"))
    kinds = list(MEASURE_KINDS.get(indicator.measure, {})) or list(
        everything.order_by().values_list("kind", flat=True).distinct()
    )
    labels = dict(RecordKind.choices)
    form = RecordFilterForm(
        request.GET or None, unions=unions, kinds=[(k, labels.get(k, k)) for k in kinds]
    )
    data = {}
    if form.is_bound:
        form.is_valid()  # a bad field is shown on the form; the others still filter
        data = form.cleaned_data
    filters = {
        "union_id": data.get("union"),
        "kind": data.get("kind") or "",
        "date_from": data.get("date_from"),
        "date_to": data.get("date_to"),
        "query": data.get("q") or "",
    }
    rows = records_list(request.user, current, unit, indicator, as_of=as_of, **filters)
    names = dict(unions)
    words = []
    if filters["union_id"]:
        words.append(names.get(filters["union_id"], ""))
    if filters["kind"]:
        words.append(str(labels.get(filters["kind"], "")))
    if filters["date_from"] or filters["date_to"]:
        words.append(f"{filters['date_from']:%d/%m/%Y}" if filters["date_from"] else "…")
        words[-1] += " – " + (f"{filters['date_to']:%d/%m/%Y}" if filters["date_to"] else "…")
    if filters["query"]:
        words.append(_("tìm “%(q)s”") % {"q": filters["query"]})
    return {
        "plan": plan,
        "period": current,
        "unit": unit,
        "indicator": indicator,
        "as_of": as_of,
        "form": form,
        "everything": everything,
        "rows": rows,
        "filtered": any(filters.values()),
        "filter_text": "; ".join(w for w in words if w),
    }


def records(request, pk, period, unit, indicator):
    """The records behind one figure, 50 a page; their signed total equals the figure. Filters
    (CĐCS, kind, dates) and the search narrow the list, never the figure."""
    context = _records_context(request, pk, period, unit, indicator)
    current, unit, indicator = context["period"], context["unit"], context["indicator"]
    page = paginate(request, context["rows"])
    allowed = personal_data_unit_ids(request.user)
    page.object_list = record_rows(page.object_list, allowed=allowed)
    log_personal_data_access(
        request.user,
        purpose="progress_records",
        subjects=[
            r.member for r in page.object_list if r.member and sees_unit(allowed, r.union_id)
        ],
        path=request.get_full_path(),
    )
    target = (
        Target.objects.filter(period=current, unit=unit, indicator=indicator)
        .values_list("value", flat=True)
        .first()
    )
    return render(
        request,
        "progress/records.html",
        {
            **context,
            "page": page,
            "records": page.object_list,
            "total": contribution_total(context["everything"]),
            "count": context["everything"].count(),
            "shown_total": contribution_total(context["rows"]) if context["filtered"] else None,
            "target": target,
            "can_correct": can_correct_records(request.user),
            "correctable_kinds": services.CORRECTABLE_KINDS,
            **_ratio_drill_down(current, unit, indicator, context["as_of"]),
        },
    )


def records_export(request, pk, period, unit, indicator):
    """The filtered records behind a figure as Excel (every row, masked as on the page)."""
    context = _records_context(request, pk, period, unit, indicator)
    allowed = personal_data_unit_ids(request.user)
    rows = record_rows(context["rows"], allowed=allowed)
    log_personal_data_access(
        request.user,
        purpose="progress_records_export",
        subjects=[r.member for r in rows if r.member and sees_unit(allowed, r.union_id)],
        path=request.get_full_path(),
    )
    period_ = context["period"]
    title = f"{context['indicator'].header} — {context['unit'].name}"
    filters = "; ".join(
        t
        for t in (
            f"{period_.name}: {period_.start:%d/%m/%Y} – {context['as_of']:%d/%m/%Y}",
            context["filter_text"],
        )
        if t
    )
    workbook = records_workbook(rows, user=request.user, title=title, filters=filters)
    filename = f"ban-ghi-{context['unit'].pk}-{context['indicator'].code}-{period_.code}.xlsx"
    return xlsx_response(workbook, filename)


def _ratio_drill_down(period, unit, indicator, as_of) -> dict:
    """An average or a share is not the sum of its records: its figure, and for a share of
    enterprises the enterprises behind it."""
    from plans.models import Measure
    from progress.selectors import achieved, enterprises_behind

    if not indicator.is_ratio:
        return {}
    figure = achieved(period, [unit.pk], end=as_of, indicators=[indicator])[unit.pk, indicator.pk]
    extra = {"figure": figure}
    if indicator.measure == Measure.SIZED_ENTERPRISES_UNIONISED:
        extra["enterprises"] = list(enterprises_behind(unit, indicator, as_of))
        extra["covered"] = sum(1 for e in extra["enterprises"] if e.grassroots_union_id)
    return extra


def export(request, pk, period):
    plan = plan_selectors.get_plan_for(request.user, pk)
    current = plan_selectors.get_period(plan, period)
    visible = plan_selectors.visible_plan_unit_ids(request.user, plan)
    content = results_bytes(current, visible)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"ket-qua-{current.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
