"""Database-agnostic backup and restore: a zip of dumpdata JSON (natural keys) and media files.

A backup taken on SQLite restores into PostgreSQL and the other way round. Restoring replaces
every row of the database in one transaction: on any error nothing is changed. The archive
holds personal data and password hashes: it is written readable by its owner only.
"""

import datetime
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from core.errors import ServiceError

FORMAT = "phattriendoanvien-backup"
FORMAT_VERSION = 1
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
# Rebuilt by migrate (content types, permissions) or worthless after a restore (sessions).
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
# Media folders holding uploads in transit, never records: not backed up. (Imports are parsed
# at upload and no longer stored; older versions left enterprise lists here.)
TRANSIENT_MEDIA = ("enterprises/imports/", "imports/", "tmp/")


class BackupError(ServiceError):
    pass


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _counts() -> dict[str, int]:
    excluded_apps = {"contenttypes", "sessions"}
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in excluded_apps or label == "auth.permission":
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[label] = model._default_manager.count()
    return counts


def create_backup(out: Path) -> dict:
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise BackupError(f"Thư mục “{out.parent}” không tồn tại.")
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connection.vendor,
        "migrations": _applied_migrations(),
        "counts": {},
        "media_files": 0,
    }
    tmp = out.with_name(out.name + ".tmp")
    outermost = not connection.in_atomic_block
    with transaction.atomic():  # one consistent snapshot (repeatable read on PostgreSQL)
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        manifest["counts"] = _counts()
        with tempfile.NamedTemporaryFile("w+", suffix=".json", encoding="utf-8") as data:
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                natural_foreign=True,
                indent=None,
                stdout=data,
                verbosity=0,
            )
            data.flush()
            old_umask = os.umask(0o077)
            try:
                with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    archive.write(data.name, DATA_NAME)
                    media_root = Path(settings.MEDIA_ROOT)
                    if media_root.is_dir():
                        for path in sorted(media_root.rglob("*")):
                            if path.is_file():
                                rel = path.relative_to(media_root).as_posix()
                                if rel.startswith(TRANSIENT_MEDIA):
                                    continue
                                archive.write(path, MEDIA_PREFIX + rel)
                                manifest["media_files"] += 1
                    archive.writestr(
                        MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2)
                    )
            finally:
                os.umask(old_umask)
    os.replace(tmp, out)
    os.chmod(out, 0o600)
    return manifest


def read_manifest(archive: zipfile.ZipFile) -> dict:
    names = set(archive.namelist())
    if MANIFEST_NAME not in names or DATA_NAME not in names:
        raise BackupError(
            "Tệp không phải bản sao lưu của hệ thống (thiếu manifest.json hoặc data.json)."
        )
    try:
        manifest = json.loads(archive.read(MANIFEST_NAME).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"manifest.json hỏng: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("Tệp không phải bản sao lưu của hệ thống (sai định dạng).")
    if manifest.get("version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"Bản sao lưu dùng định dạng phiên bản {manifest.get('version')}, "
            f"mới hơn phiên bản {FORMAT_VERSION} mà hệ thống này đọc được."
        )
    return manifest


def _check_migrations(manifest: dict) -> None:
    applied = {tuple(m) for m in _applied_migrations()}
    missing = sorted({tuple(m) for m in manifest.get("migrations", [])} - applied)
    if missing:
        shown = ", ".join(f"{a}.{n}" for a, n in missing[:5])
        raise BackupError(
            "Cơ sở dữ liệu hiện tại thiếu các migration có trong bản sao lưu "
            f"({shown}{'…' if len(missing) > 5 else ''}). Hãy cập nhật mã nguồn và chạy "
            "“python manage.py migrate” trước khi khôi phục."
        )


# Rows the target database keeps: made by its own migrate, referred to by natural keys.
KEPT = {"contenttypes.contenttype", "auth.permission"}


def _delete_all() -> None:
    """Empty every table but KEPT, inside the caller's transaction (foreign keys are deferred
    to the commit on SQLite and PostgreSQL, so the order does not matter)."""
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in KEPT:
            continue
        model._base_manager.all()._raw_delete(connection.alias)


def restore_backup(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp “{path}”.")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BackupError(f"Tệp “{path}” không phải tệp zip hợp lệ.") from exc
    with archive, tempfile.TemporaryDirectory() as workdir:
        manifest = read_manifest(archive)
        _check_migrations(manifest)
        data_path = Path(workdir) / "data.json"
        with archive.open(DATA_NAME) as src, open(data_path, "wb") as dst:
            shutil.copyfileobj(src, dst)
        media_dir = Path(workdir) / "media"
        for name in archive.namelist():
            if name.startswith(MEDIA_PREFIX) and not name.endswith("/"):
                target = (media_dir / name[len(MEDIA_PREFIX) :]).resolve()
                if not str(target).startswith(str(media_dir.resolve()) + os.sep):
                    raise BackupError(f"Đường dẫn tệp không hợp lệ trong bản sao lưu: “{name}”.")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        try:
            with transaction.atomic():
                _delete_all()
                call_command("loaddata", str(data_path), verbosity=0)
                counts = _counts()
        except BackupError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure: rolled back, reported in Vietnamese
            raise BackupError(
                f"Khôi phục thất bại, cơ sở dữ liệu giữ nguyên như trước: {exc}"
            ) from exc
        expected = manifest.get("counts", {})
        differing = {k: (v, counts.get(k)) for k, v in expected.items() if counts.get(k) != v}
        if media_dir.is_dir():
            media_root = Path(settings.MEDIA_ROOT)
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_dir, media_root, dirs_exist_ok=True)
    return {"manifest": manifest, "counts": counts, "differing": differing}
