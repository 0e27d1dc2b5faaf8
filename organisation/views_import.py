"""The unit-list import as a page: upload → what would change (a dry run) → confirm.

The file waits under a random name in MEDIA_ROOT/imports/units/ (kept out of backups, removed
when confirmed, cancelled or a day old); confirming runs the same import for real, so the
preview and the result cannot differ unless someone changed the tree in between, in which case
the checks refuse and say why.
"""

import re
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can_manage_structure, require
from core.spreadsheet import SpreadsheetError, check_upload
from organisation.forms import date_field
from organisation.unit_import import UnitImportFailed, import_units

TOKEN = re.compile(r"[0-9a-f]{32}")


class UnitImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Danh sách đơn vị (Excel .xlsx)"), required=False)
    on_date = date_field(gettext_lazy("Cơ cấu có hiệu lực từ ngày"))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx."))
        try:
            check_upload(upload)
        except SpreadsheetError as exc:
            raise forms.ValidationError([str(p) for p in exc.problems]) from exc
        return upload


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "units"
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - 24 * 3600:
            old.unlink(missing_ok=True)
    return path


def _keep(upload) -> str:
    token = uuid.uuid4().hex
    with open(_upload_dir() / f"{token}.xlsx", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def unit_import(request):
    require(can_manage_structure(request.user))
    form = UnitImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "problems": [], "result": None, "token": "", "file_name": ""}
    if request.method != "POST" or not form.is_valid():
        return render(request, "organisation/unit_import.html", context)
    token, file_name = request.POST.get("token", ""), request.POST.get("file_name", "")
    upload = form.cleaned_data["file"]
    if upload is not None:
        token, file_name = _keep(upload), upload.name
    path = _upload_dir() / f"{token}.xlsx"
    if not TOKEN.fullmatch(token or "") or not path.is_file():
        form.add_error("file", _("Chọn tệp Excel (tệp đã tải lên không còn; hãy chọn lại)."))
        return render(request, "organisation/unit_import.html", context, status=400)
    action = request.POST.get("action")
    if action == "cancel":
        path.unlink(missing_ok=True)
        messages.info(request, _("Đã hủy nhập tệp."))
        return redirect("organisation:import")
    on_date, confirm = form.cleaned_data["on_date"], action == "confirm"
    context.update(token=token, file_name=file_name)
    try:
        result = import_units(
            source=path, on_date=on_date, user=request.user, dry_run=not confirm, filename=file_name
        )
    except UnitImportFailed as exc:
        context["problems"] = [str(p) for p in exc.problems]
        return render(request, "organisation/unit_import.html", context, status=400)
    if confirm:
        path.unlink(missing_ok=True)
        counts = "; ".join(f"{label}: {n}" for label, n in result.counts().items())
        messages.success(
            request,
            _("Đã nhập danh sách đơn vị “%(f)s” từ ngày %(d)s — %(c)s.")
            % {"f": file_name, "d": on_date.strftime("%d/%m/%Y"), "c": counts},
        )
        return redirect(f"{_tree_url()}?on={on_date:%d/%m/%Y}")
    context["result"] = result
    return render(request, "organisation/unit_import.html", context)


def _tree_url() -> str:
    from django.urls import reverse

    return reverse("organisation:tree")
