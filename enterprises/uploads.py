"""Checks on the scanned recognition decision: PDF, JPG or PNG, at most MAX_DECISION_BYTES."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DECISION_BYTES = 10 * 1024 * 1024
# Extension → the bytes such a file starts with.
ALLOWED = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_decision_file(upload) -> None:
    """Raise ValidationError (Vietnamese, naming the file) unless upload is a real PDF/JPG/PNG."""
    name = getattr(upload, "name", "") or ""
    ext = extension(name)
    if ext not in ALLOWED:
        raise ValidationError(
            _("Tệp “%(name)s”: chỉ nhận bản quét PDF, JPG hoặc PNG.") % {"name": name}
        )
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_DECISION_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” dung lượng %(size)s MB, vượt quá %(max)s MB.")
            % {"name": name, "size": round(size / 1048576, 1), "max": MAX_DECISION_BYTES // 1048576}
        )
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(magic) for magic in ALLOWED[ext]):
        raise ValidationError(
            _("Tệp “%(name)s” không phải tệp %(ext)s thật (nội dung không khớp đuôi tệp).")
            % {"name": name, "ext": ext.upper()}
        )
