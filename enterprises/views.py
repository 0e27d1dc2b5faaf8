"""Pages for the enterprise register, the ≥25 list and coverage, and the founding pipeline."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import HISTORY_TYPES
from accounts.permissions import can_edit_unit, require, require_edit, require_view
from core.excel import XLSX_CONTENT_TYPE
from core.paging import paginate
from core.query import query_int, query_text
from enterprises import forms, importer, rules, selectors, services
from enterprises.export import cases_workbook, workbook_bytes
from enterprises.models import Enterprise, FoundingCase, InformalGroup, Stage
from enterprises.uploads import CONTENT_TYPES, extension
from organisation.models import Unit, UnitKind
from organisation.selectors import subtree
from progress.excel_import import read_members
from progress.lists import xlsx_response
from progress.member_rows import RawRow, validate_rows


def _threshold_context():
    return {
        "threshold": selectors.large_threshold(),
        "committee_rule": rules.committee_rule(),
        "founding_rule": rules.founding_rule(),
        "informal_source": rules.INFORMAL_SOURCE,
        "min_committee": rules.MIN_COMMITTEE_MEMBERS,
        "min_founding": rules.MIN_FOUNDING_MEMBERS,
    }


def _chosen_unit(request, param="unit"):
    pk = query_int(request, param)
    if not pk:
        return None
    unit = get_object_or_404(Unit, pk=pk)
    require_view(request.user, unit)
    return unit


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- Register ---------------------------------------------------------------------------------


def enterprise_list(request):
    queryset = selectors.enterprises_for(request.user)
    unit = _chosen_unit(request)
    if unit is not None:
        queryset = queryset.filter(unit__in=subtree(unit))
    status = request.GET.get("status", "")
    if status == "large_without_union":
        queryset = selectors.large_without_union(queryset)
    elif status == "with_union":
        queryset = queryset.filter(grassroots_union__isnull=False)
    elif status == "without_union":
        queryset = queryset.filter(grassroots_union__isnull=True)
    query = query_text(request, "q")
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(tax_code__icontains=query) | Q(commune__icontains=query)
        )
    can_add = selectors.responsible_units_for(request.user).exists()
    return render(
        request,
        "enterprises/list.html",
        {
            "page": paginate(request, queryset.order_by("unit__sort_order", "name", "pk")),
            "units": selectors.responsible_units_for(request.user, editable=False),
            "unit": unit,
            "status": status,
            "q": query,
            "can_add": can_add,
            "coverage": selectors.coverage(request.user),
            **_threshold_context(),
        },
    )


def enterprise_detail(request, pk):
    enterprise = get_object_or_404(
        Enterprise.objects.select_related("unit", "grassroots_union"), pk=pk
    )
    require_view(request.user, enterprise.unit)
    can_edit = can_edit_unit(request.user, enterprise.unit)
    case = FoundingCase.objects.filter(enterprise=enterprise).first()
    unions = Unit.objects.none()
    if can_edit:
        unions = subtree(enterprise.unit).filter(kind=UnitKind.GRASSROOTS).order_by("name")
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "surveys": enterprise.surveys.select_related("recorded_by"),
            "case": case,
            "can_edit": can_edit,
            "survey_form": forms.SurveyForm(initial={"surveyed_on": timezone.localdate()}),
            "link_form": forms.LinkUnionForm(
                unions=unions, initial={"union": enterprise.grassroots_union_id}
            ),
            "history": [
                {
                    "when": h.history_date,
                    "who": h.history_user,
                    "what": HISTORY_TYPES[h.history_type],
                }
                for h in enterprise.history.select_related("history_user")[:20]
            ],
            **_threshold_context(),
        },
    )


def enterprise_create(request):
    units = selectors.responsible_units_for(request.user)
    require(units.exists())
    form = forms.NewEnterpriseForm(request.POST or None, units=units)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require_edit(request.user, data["unit"])
        try:
            enterprise = services.create_enterprise(user=request.user, **data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã thêm doanh nghiệp “%(n)s”.") % {"n": enterprise})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "errors": errors, "title": _("Thêm doanh nghiệp")},
    )


def enterprise_edit(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    require_edit(request.user, enterprise.unit)
    units = selectors.responsible_units_for(request.user)
    initial = {f: getattr(enterprise, f) for f in services.EDITABLE_FIELDS}
    form = forms.EnterpriseForm(request.POST or None, units=units, initial=initial)
    errors = []
    if request.method == "POST" and form.is_valid():
        require_edit(request.user, form.cleaned_data["unit"])
        try:
            services.update_enterprise(
                enterprise=enterprise, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "errors": errors,
            "title": _("Sửa thông tin doanh nghiệp"),
            "enterprise": enterprise,
        },
    )


def add_survey(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    require_edit(request.user, enterprise.unit)
    if request.method != "POST":
        return redirect("enterprises:detail", pk=pk)
    form = forms.SurveyForm(request.POST)
    if form.is_valid():
        try:
            services.record_workforce(enterprise=enterprise, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Đã ghi kết quả khảo sát lao động."))
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errs)}")
    return redirect("enterprises:detail", pk=pk)


def link_union(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    require_edit(request.user, enterprise.unit)
    if request.method != "POST":
        return redirect("enterprises:detail", pk=pk)
    unions = subtree(enterprise.unit).filter(kind=UnitKind.GRASSROOTS)
    form = forms.LinkUnionForm(request.POST, unions=unions)
    if form.is_valid():
        services.link_union(
            enterprise=enterprise, union=form.cleaned_data["union"], user=request.user
        )
        messages.success(request, _("Đã cập nhật CĐCS của doanh nghiệp."))
    return redirect("enterprises:detail", pk=pk)


# --- Coverage and the ≥25 list ----------------------------------------------------------------


def coverage(request):
    base = selectors.enterprises_for(request.user)
    unit = _chosen_unit(request)
    if unit is not None:
        base = base.filter(unit__in=subtree(unit))
    return render(
        request,
        "enterprises/coverage.html",
        {
            "coverage": selectors.coverage(request.user),
            "missing": selectors.large_without_union(base).order_by("unit__sort_order", "-workers"),
            "unit": unit,
            "units": selectors.responsible_units_for(request.user, editable=False),
            **_threshold_context(),
        },
    )


# --- Founding pipeline ------------------------------------------------------------------------


def board(request):
    unit = _chosen_unit(request)
    return render(
        request,
        "enterprises/board.html",
        {
            "columns": selectors.board(request.user, unit),
            "unit": unit,
            "units": selectors.responsible_units_for(request.user, editable=False),
            **_threshold_context(),
        },
    )


def _case_filters(request) -> selectors.CaseFilters:
    """The case list's filters from the query string (a bad number is a 400)."""
    stage = query_int(request, "stage")
    if stage is not None and stage not in Stage.values:
        raise BadRequest("unknown stage")
    kind = request.GET.get("kind", "")
    return selectors.CaseFilters(
        unit=_chosen_unit(request),
        stage=stage,
        kind=kind if kind in selectors.SUBJECT_KINDS else "",
        query=query_text(request, "q"),
        stuck_days=query_int(request, "stuck"),
    )


def case_list(request):
    """Every founding case the user may see (the board's, not capped), 50 a page, filtered by
    unit, step, kind of subject and cases with no step for a while; searched by name or tax
    code."""
    filters = _case_filters(request)
    cases = selectors.case_list(request.user, filters)
    page = paginate(request, cases)
    page.object_list = list(page.object_list)
    steps = selectors.step_columns(cases)
    for case in page.object_list:
        case.step_dates = [getattr(case, name) for name, _header in steps]
    return render(
        request,
        "enterprises/case_list.html",
        {
            "page": page,
            "steps": steps,
            "filters": filters,
            "units": selectors.responsible_units_for(request.user, editable=False),
            "stages": Stage.choices,
            "stuck_choices": selectors.STUCK_DAYS_CHOICES,
            "export_query": _without_page(request),
            **_threshold_context(),
        },
    )


def _without_page(request) -> str:
    """The query string without its page: the filters, for the export link."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def case_export(request):
    """The filtered case list as Excel: every row, not one page."""
    filters = _case_filters(request)
    cases = selectors.case_list(request.user, filters)
    workbook = cases_workbook(
        cases, steps=selectors.step_columns(cases), user=request.user, filters=filters
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(workbook, f"ho-so-thanh-lap-cdcs-{stamp}.xlsx")


STEP_FORMS = {
    Stage.IDENTIFIED: ("committee", forms.CommitteeForm),
    Stage.COMMITTEE: ("conference", forms.ConferenceForm),
    Stage.CONFERENCE: ("decision", forms.DecisionForm),
    Stage.DECISION: ("ceremony", forms.CeremonyForm),
}


def _case(request, pk, edit=False) -> FoundingCase:
    case = get_object_or_404(
        FoundingCase.objects.select_related("unit", "enterprise", "informal_group"), pk=pk
    )
    (require_edit if edit else require_view)(request.user, case.unit)
    return case


def case_detail(request, pk):
    case = _case(request, pk)
    can_edit = can_edit_unit(request.user, case.unit)
    step, form_class = STEP_FORMS.get(case.stage, (None, None))
    form = None
    if can_edit and form_class is not None:
        initial = {}
        if step == "decision":
            initial["union_name"] = services.default_union_name(case)
        form = form_class(initial=initial)
    return render(request, "enterprises/case.html", _case_context(case, can_edit, step, form))


def _case_context(case, can_edit, step, form, errors=(), post=None):
    sector = None
    if step == "decision":
        try:
            sector = services.founding_sector(case, timezone.localdate())
        except ValidationError:
            sector = None
    return {
        "case": case,
        "subject": case.subject,
        "can_edit": can_edit,
        "step": step,
        "form": form,
        "errors": list(errors),
        "stages": Stage.choices,
        "committee": case.committee_members.all(),
        "committee_rows": _rows(post, "cm", forms.COMMITTEE_ROWS, ("full_name", "position")),
        "founding_rows": _rows(
            post,
            "fm",
            forms.FOUNDING_ROWS,
            ("full_name", "date_of_birth", "gender", "ethnicity", "cccd", "job"),
        ),
        "sector_preview": sector,
        **_threshold_context(),
    }


def _rows(post, prefix, count, keys):
    return [
        {"index": i, **{k: (post.get(f"{prefix}-{i}-{k}", "") if post else "") for k in keys}}
        for i in range(count)
    ]


def case_step(request, pk, step):
    case = _case(request, pk, edit=True)
    expected, form_class = STEP_FORMS.get(case.stage, (None, None))
    if request.method != "POST" or step != expected:
        return redirect("enterprises:case", pk=pk)
    form = form_class(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "committee":
                services.record_committee(
                    case=case,
                    formed_on=data["formed_on"],
                    members=forms.read_committee_rows(request.POST),
                    user=request.user,
                )
            elif step == "conference":
                services.record_conference(case=case, user=request.user, **data)
            elif step == "decision":
                members, errors = _founding_members(request, data["decided_on"])
                if not errors:
                    services.record_decision(
                        case=case,
                        number=data["number"],
                        decided_on=data["decided_on"],
                        signer=data["signer"],
                        union_name=data["union_name"],
                        decision_file=data.get("decision_file"),
                        founding_members=members,
                        user=request.user,
                    )
            elif step == "ceremony":
                services.record_ceremony(case=case, held_on=data["held_on"], user=request.user)
        except ValidationError as exc:
            errors = _errors(exc)
        if not errors:
            case.refresh_from_db()
            messages.success(
                request, _("Đã ghi nhận: %(stage)s.") % {"stage": case.get_stage_display()}
            )
            return redirect("enterprises:case", pk=pk)
    return render(
        request,
        "enterprises/case.html",
        _case_context(case, True, step, form, errors, request.POST),
        status=400,
    )


def _founding_members(request, decided_on) -> tuple[list[dict], list[str]]:
    """Founding members from the typed rows and/or an Excel list (the member-list layout)."""
    raws = []
    for i in range(forms.FOUNDING_ROWS):
        values = {
            k: request.POST.get(f"fm-{i}-{k}", "").strip()
            for k in ("full_name", "date_of_birth", "gender", "ethnicity", "cccd", "job")
        }
        if any(values.values()):
            raws.append(RawRow(number=i + 1, values={**values, "admitted_on": decided_on}))
    upload = request.FILES.get("members_file")
    errors = []
    if upload:
        parsed = read_members(upload, upload.name)
        errors += [f"{upload.name}: {e}" for e in parsed.errors]
        for raw in parsed.rows:
            if not raw.values.get("admitted_on"):
                raw.values["admitted_on"] = decided_on
            raws.append(raw)
    members, row_errors = validate_rows(raws, None, user=request.user)
    errors += [str(e) for e in row_errors]
    for member in members:
        member.pop("admitted_on", None)
    return members, errors


def decision_file(request, pk):
    """The scanned decision, only to those who may read the case (not a public media URL)."""
    case = _case(request, pk)
    if not case.decision_file:
        raise Http404
    path = Path(case.decision_file.path)
    if not path.exists():
        raise Http404
    ext = extension(path.name)
    return FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
        filename=f"quyet-dinh-{case.decision_number or case.pk}.{ext}".replace("/", "-"),
    )


# --- Informal groups --------------------------------------------------------------------------


def informal_list(request):
    groups = selectors.informal_groups_for(request.user)
    return render(
        request,
        "enterprises/informal_list.html",
        {
            "groups": groups,
            "can_add": selectors.responsible_units_for(request.user).exists(),
            **_threshold_context(),
        },
    )


def informal_create(request):
    units = selectors.responsible_units_for(request.user)
    require(units.exists())
    form = forms.InformalGroupForm(request.POST or None, units=units)
    errors = []
    if request.method == "POST" and form.is_valid():
        require_edit(request.user, form.cleaned_data["unit"])
        try:
            group = services.create_informal_group(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã thêm nhóm lao động “%(n)s”.") % {"n": group})
            return redirect("enterprises:case", pk=group.founding.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "errors": errors, "title": _("Thêm nhóm lao động khu vực phi chính thức")},
    )


# --- Import and export ------------------------------------------------------------------------

SESSION_KEY = "enterprise_import"


def import_upload(request):
    """Upload → parsed once, here; the checked rows (not the file) wait in the session for the
    preview and the confirmation. The uploaded file is never stored."""
    units = selectors.responsible_units_for(request.user)
    require(units.exists())
    form = forms.ImportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importer.parse(
                upload,
                file_name=upload.name,
                default_unit=form.cleaned_data.get("unit"),
                allowed_units=units,
                user=request.user,
                survey_date=form.cleaned_data.get("survey_date"),
            )
        except importer.ImportFileError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            request.session[SESSION_KEY] = result.as_dict()
            return redirect("enterprises:import_preview")
    return render(request, "enterprises/import.html", {"form": form, **_threshold_context()})


def _pending(request) -> importer.ImportResult | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or "rows" not in data:
        request.session.pop(SESSION_KEY, None)  # nothing, or left by an older version
        return None
    return importer.ImportResult.from_dict(data)


def import_preview(request):
    result = _pending(request)
    if result is None:
        return redirect("enterprises:import")
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            request.session.pop(SESSION_KEY, None)
            messages.info(request, _("Đã hủy nhập tệp."))
            return redirect("enterprises:import")
        try:
            importer.apply(result, user=request.user)
        except ValidationError as exc:  # e.g. a tax code entered meanwhile by someone else
            messages.error(
                request,
                _("Không lưu được, chưa dòng nào được lưu: %(e)s") % {"e": " ".join(exc.messages)},
            )
            return redirect("enterprises:import_preview")
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("Đã nhập tệp “%(f)s”: tạo mới %(c)s, cập nhật %(u)s, từ chối %(r)s dòng.")
            % {
                "f": result.file_name,
                "c": result.created,
                "u": result.updated,
                "r": result.rejected,
            },
        )
        return redirect("enterprises:list")
    return render(request, "enterprises/import_preview.html", {"result": result})


def export(request):
    queryset = selectors.enterprises_for(request.user).order_by("unit__sort_order", "name")
    unit = _chosen_unit(request)
    if unit is not None:
        queryset = queryset.filter(unit__in=subtree(unit))
    response = HttpResponse(workbook_bytes(queryset), content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="doanh-nghiep-{stamp}.xlsx"'
    return response


def informal_detail(request, pk):
    group = get_object_or_404(InformalGroup, pk=pk)
    require_view(request.user, group.unit)
    case = FoundingCase.objects.filter(informal_group=group).first()
    if case:
        return redirect("enterprises:case", pk=case.pk)
    raise Http404
