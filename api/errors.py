"""Every refusal as JSON with a Vietnamese message: 400 bad input (one message per field),
401 no or bad token, 403 not allowed, 404 not found, 409 conflict, 429 too many requests.

Body: ``{"detail": "…", "errors": [{"field": "…", "message": "…"}]}`` (errors only on 400).
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api.auth import Throttled
from reports.services import StaleReport

INVALID = "Dữ liệu gửi lên không hợp lệ."


def _pydantic_message(error: dict) -> str:
    """The message a Django form shows for the same mistake (Django's own wording, in the
    active language), so a field reads the same on a page and through the API."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a valid date.")
    if kind.startswith("int") or kind == "float_parsing":
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge")
        }
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le")
        }
    if kind == "greater_than":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": (ctx.get("gt") or 0) + 1
        }
    if kind == "string_too_long":
        n = ctx.get("max_length")
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            n or 0,
        ) % {"limit_value": n or 0, "show_value": len(str(error.get("input", "")))}
    if kind == "string_too_short":
        return _("This field is required.")
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": error.get("input", "")
        }
    if kind.startswith("string") or kind == "str_type":
        return _("Phải là chuỗi ký tự.")
    if kind.startswith("bool"):
        return _("Phải là true hoặc false.")
    if kind in ("list_type", "too_short", "too_long"):
        return _("Danh sách không hợp lệ (số phần tử hoặc kiểu).")
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("Nội dung gửi lên phải là một đối tượng JSON.")
    if kind == "value_error":
        message = str(ctx.get("error") or error.get("msg", ""))
        return message or _("Enter a valid value.")
    return _("Enter a valid value.")


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload")]
    return ".".join(parts) or "body"


def body(detail: str, errors: list[dict] | None = None) -> dict:
    data = {"detail": detail}
    if errors is not None:
        data["errors"] = errors
    return data


def service_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if name == NON_FIELD_ERRORS else name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def install(api) -> None:
    def respond(request, data, status, headers=None):
        response = api.create_response(request, data, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(NinjaValidationError)
    def validation(request, exc):
        errors = [
            {"field": _field(e.get("loc", ())), "message": _pydantic_message(e)} for e in exc.errors
        ]
        return respond(request, body(_(INVALID), errors), 400)

    @api.exception_handler(DjangoValidationError)
    def service(request, exc):
        errors = service_errors(exc)
        return respond(request, body(" ".join(e["message"] for e in errors), errors), 400)

    @api.exception_handler(StaleReport)
    def stale(request, exc):
        # saved by someone else since `expected_version` was read: nothing overwritten
        return respond(request, body(str(exc)), 409)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = _(
            "Thiếu, sai, hết hạn hoặc đã thu hồi mã truy cập API "
            "(gửi tiêu đề Authorization: Bearer <mã>)."
        )
        return respond(request, body(message), 401, {"WWW-Authenticate": "Bearer"})

    @api.exception_handler(PermissionDenied)
    def denied(request, exc):
        return respond(request, body(_("Bạn không có quyền thực hiện thao tác này.")), 403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, body(_("Không tìm thấy.")), 404)

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        message = _(
            "Quá nhiều yêu cầu: mỗi mã API được %(n)s yêu cầu mỗi phút; hãy thử lại sau %(s)s giây."
        ) % {"n": exc.limit, "s": exc.retry_after}
        return respond(request, body(message), 429, {"Retry-After": str(exc.retry_after)})

    @api.exception_handler(IntegrityError)
    def conflict(request, exc):
        message = _("Dữ liệu mâu thuẫn với dữ liệu đã có (có thể vừa có người nhập trùng).")
        return respond(request, body(message), 409)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return respond(request, body(str(exc)), exc.status_code)

    @api.exception_handler(DataError)
    def data(request, exc):
        # A value the database cannot hold (input is bounded before; this is the last guard).
        return respond(request, body(_("Giá trị vượt giới hạn lưu trữ.")), 400)
