"""Account pages and the audit trail. Rights come from accounts.permissions only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import audit, permissions, selectors, services
from accounts.audit_export import AUDIT_EXPORT_MAX, audit_workbook, xlsx_response
from accounts.audit_forms import AuditFilterForm
from accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountFilterForm,
    PasswordResetForm,
)
from accounts.models import User

AUDIT_PAGE_SIZE = 50


def _managed(request, pk) -> User:
    permissions.require(permissions.can_manage_accounts(request.user))
    return get_object_or_404(permissions.manageable_users(request.user), pk=pk)


def user_list(request):
    permissions.require(permissions.can_manage_accounts(request.user))
    form = AccountFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.accounts_for(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(users, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


def user_create(request):
    permissions.require(permissions.can_manage_accounts(request.user))
    form = AccountCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_account(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                unit=data["unit"],
                email=data["email"],
                full_name=data["full_name"],
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tạo tài khoản %(u)s.") % {"u": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def user_edit(request, pk):
    account = _managed(request, pk)
    initial = {
        "full_name": account.first_name,
        "email": account.email,
        "role": account.role,
        "unit": account.unit_id,
    }
    form = AccountEditForm(request.POST or None, actor=request.user, initial=initial)
    if account.unit_id and not form.fields["unit"].queryset.filter(pk=account.unit_id).exists():
        form.fields["unit"].queryset = form.fields["unit"].queryset | type(
            account.unit
        ).objects.filter(pk=account.unit_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_account(
                actor=request.user,
                user=account,
                role=data["role"],
                unit=data["unit"],
                email=data["email"],
                full_name=data["full_name"],
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu tài khoản %(u)s.") % {"u": account.username})
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "account": account,
            "password_form": PasswordResetForm(),
            "can_audit": permissions.can_view_audit(request.user),
        },
    )


@require_POST
def user_set_active(request, pk):
    account = _managed(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(actor=request.user, user=account, active=active)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        text = _("Đã mở lại tài khoản %(u)s.") if active else _("Đã khoá tài khoản %(u)s.")
        messages.success(request, text % {"u": account.username})
    return redirect("accounts:user_list")


def user_reset_password(request, pk):
    account = _managed(request, pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(
                actor=request.user, user=account, password=form.cleaned_data["password1"]
            )
        except services.AccountError as exc:
            form.add_error("password1", str(exc))
        else:
            messages.success(request, _("Đã đặt lại mật khẩu cho %(u)s.") % {"u": account.username})
            return redirect("accounts:user_edit", pk=account.pk)
    return render(request, "accounts/password_reset.html", {"form": form, "account": account})


def _audit_filters(request):
    """The filter form, its filters (none when the form is invalid) and the page number."""
    form = AuditFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        return form, form.filters(), form.page_number()
    return form, {}, 1


@require_GET
def audit_log(request):
    """The log, 50 entries a page: the offset paging of audit.search (entries merged from every
    tracked model), shown with the list pager ("X–Y trong N"); a page past the end shows the
    last one."""
    permissions.require(permissions.can_view_audit(request.user))
    form, filters, page_number = _audit_filters(request)

    def entries_of(number):
        offset = (number - 1) * AUDIT_PAGE_SIZE
        return audit.search(request.user, limit=AUDIT_PAGE_SIZE, offset=offset, **filters)

    entries, total = entries_of(page_number)
    paginator = Paginator(range(total), AUDIT_PAGE_SIZE)
    if page_number > paginator.num_pages:
        page_number = paginator.num_pages
        entries, total = entries_of(page_number)
        paginator = Paginator(range(total), AUDIT_PAGE_SIZE)
    page = paginator.page(page_number)
    page.object_list = entries
    audit.log_shown(request.user, entries, purpose="audit_log", path=request.get_full_path())
    return render(
        request,
        "accounts/audit_log.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "total": total,
            "can_view_personal_log": permissions.can_view_personal_data_log(request.user),
            "export_query": _without_page(request),
        },
    )


def _without_page(request) -> str:
    """The query string without its page: the filters, for the export link."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def audit_export(request):
    """The filtered log as Excel, newest first, at most AUDIT_EXPORT_MAX entries (the file says
    so when there were more); personal data masked as on the page, the export logged."""
    permissions.require(permissions.can_view_audit(request.user))
    form, filters, _page_number = _audit_filters(request)
    entries, total = audit.search(request.user, limit=AUDIT_EXPORT_MAX, offset=0, **filters)
    audit.log_shown(request.user, entries, purpose="audit_export", path=request.get_full_path())
    workbook = audit_workbook(entries, total=total, user=request.user, form=form)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(workbook, f"nhat-ky-thay-doi-{stamp}.xlsx")


PERSONAL_LOG_PAGE_SIZE = 100
PURPOSES = {
    "member_list": _("Sổ đoàn viên"),
    "progress_records": _("Bản ghi sau một số liệu"),
    "member_export": _("Tải sổ đoàn viên (Excel)"),
    "progress_records_export": _("Tải bản ghi sau một số liệu (Excel)"),
    "audit_log": _("Nhật ký thay đổi"),
    "audit_export": _("Tải nhật ký thay đổi (Excel)"),
    "object_history": _("Lịch sử một đối tượng"),
}


@require_GET
def personal_data_log(request):
    """The processing log (Decree 13/2023): who was shown whose personal data in full."""
    from core.models import PersonalDataAccess
    from core.query import query_int

    permissions.require(permissions.can_view_personal_data_log(request.user))
    rows = PersonalDataAccess.objects.select_related("user")
    username = request.GET.get("user", "").strip()[:150]
    if username:
        rows = rows.filter(user__username__icontains=username)
    member = query_int(request, "member")
    if member is not None:
        rows = rows.filter(subjects__icontains=f'"progress.member:{member}"')
    page = Paginator(rows.order_by("-at", "-id"), PERSONAL_LOG_PAGE_SIZE).get_page(
        query_int(request, "page", default=1)
    )
    for row in page:
        row.purpose_label = PURPOSES.get(row.purpose, row.purpose)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/personal_data_log.html",
        {"page": page, "username": username, "member": member, "query": query.urlencode()},
    )


@require_GET
def object_history(request, app_label, model, pk):
    permissions.require(permissions.can_view_audit(request.user))
    tracked = audit.get_model(app_label, model)
    if tracked is None:
        raise Http404
    try:
        object_id = tracked._meta.pk.to_python(pk)
    except Exception as exc:  # noqa: BLE001 - a malformed id is simply not found
        raise Http404 from exc
    rows = audit.history_rows(request.user, tracked, object_id=object_id)
    entries = audit.describe_many([(tracked, row) for row in rows[:500]], user=request.user)
    if not entries:
        raise Http404
    audit.log_shown(request.user, entries, purpose="object_history", path=request.get_full_path())
    return render(
        request,
        "accounts/object_history.html",
        {
            "entries": entries,
            "model_label": tracked._meta.verbose_name,
            "title": entries[0].object_repr,
        },
    )


# The signed-in user's own account: its API tokens (api.services) -------------------------------


def my_account(request):
    """Who I am, and my API tokens: create one (shown once), revoke one."""
    from api.models import ApiToken
    from api.services import TokenError, create_token

    new_token = None
    error = None
    if request.method == "POST":
        days = (request.POST.get("expires_days") or "").strip()
        try:
            expires = int(days) if days else None
        except ValueError:
            expires = 0  # refused by the service with its own message
        try:
            _token, new_token = create_token(
                owner=request.user,
                name=request.POST.get("name", ""),
                expires_days=expires,
                user=request.user,
            )
        except TokenError as exc:
            error = str(exc)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/my_account.html",
        {"tokens": tokens, "new_token": new_token, "error": error},
        status=400 if error else 200,
    )


@require_POST
def api_token_revoke(request, pk):
    from api.models import ApiToken
    from api.services import revoke_token

    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token=token, user=request.user)
    messages.success(request, _("Đã thu hồi mã API “%(n)s”.") % {"n": token.name})
    return redirect("accounts:my_account")
