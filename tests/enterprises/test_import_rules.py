"""Enterprise import: every row authorised like a form, legal forms, bounded uploads parsed once."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from enterprises import importer
from enterprises.models import Enterprise, FoundingCase, LegalForm, Ownership, WorkforceSurvey
from tests.actors import SYSTEM
from tests.core.test_spreadsheet import _sparse_sheet_claiming_the_whole_grid
from tests.enterprises.conftest import xlsx_bytes

TAM_DUONG_NAME = "Công ty Cổ phần Xi măng NORCEM Yên Bình tại Lai Châu"
TAX = "0100109106"


@pytest.fixture
def tam_duong_enterprise(demo):
    enterprise = Enterprise.objects.get(name=TAM_DUONG_NAME)
    Enterprise.objects.filter(pk=enterprise.pk).update(tax_code=TAX)
    enterprise.refresh_from_db()
    return enterprise


def _state(enterprise):
    enterprise.refresh_from_db()
    return (
        enterprise.unit_id,
        enterprise.workers,
        enterprise.name,
        list(FoundingCase.objects.filter(enterprise=enterprise).values_list("unit_id", "stage")),
        list(WorkforceSurvey.objects.filter(enterprise=enterprise).values_list("pk", "workers")),
    )


def _upload(client, rows, unit=None):
    data = {"file": SimpleUploadedFile("ds.xlsx", xlsx_bytes(rows))}
    if unit is not None:
        data["unit"] = unit.pk
    return client.post(reverse("enterprises:import"), data)


@pytest.mark.parametrize(
    "rows",
    [
        # unit blank (the form's default unit is Mường Tè), matched by name
        [("STT", "Tên doanh nghiệp", "Số lao động"), (1, TAM_DUONG_NAME, 99)],
        # unit set to Mường Tè, matched by name
        [
            ("STT", "Tên doanh nghiệp", "Huyện", "Số lao động"),
            (1, TAM_DUONG_NAME, "Mường Tè", 99),
        ],
        # another name, matched by tax code
        [
            ("STT", "Tên doanh nghiệp", "Mã số thuế", "Huyện", "Số lao động"),
            (1, "Công ty Đổi Tên", TAX, "Mường Tè", 99),
        ],
    ],
    ids=["unit-blank", "unit-muong-te", "by-tax-code"],
)
def test_a_row_matching_another_districts_enterprise_is_rejected(
    rows, tam_duong_enterprise, client_for, officer_a
):
    before = _state(tam_duong_enterprise)
    client = client_for(officer_a)
    assert _upload(client, rows, unit=officer_a.unit).status_code == 302
    html = client.get(reverse("enterprises:import_preview")).content.decode()
    assert "dòng 2" in html and "ngoài phạm vi bạn được sửa" in html
    assert "LĐLĐ huyện Tam Đường" in html
    response = client.post(reverse("enterprises:import_preview"), {"action": "save"})
    assert response.status_code == 302
    assert _state(tam_duong_enterprise) == before
    assert not Enterprise.objects.filter(name="Công ty Đổi Tên").exists()


def test_saving_checks_each_row_again(tam_duong_enterprise, officer_a):
    rows = [
        ("STT", "Tên doanh nghiệp", "Huyện", "Số lao động"),
        (1, TAM_DUONG_NAME, "Mường Tè", 99),
    ]
    result = importer.parse(io.BytesIO(xlsx_bytes(rows)), file_name="ds.xlsx")  # no user given
    assert result.updated == 1
    before = _state(tam_duong_enterprise)
    with pytest.raises(importer.services.EnterpriseError, match="Dòng 2"):
        importer.apply(result, user=officer_a)
    assert _state(tam_duong_enterprise) == before


def test_the_preview_is_the_parsed_result_never_the_file_again(
    demo, client_for, officer_a, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(officer_a)
    rows = [("STT", "Tên doanh nghiệp", "Số lao động"), (1, "Công ty Một Lần", 40)]
    assert _upload(client, rows, unit=officer_a.unit).status_code == 302
    assert not any(tmp_path.rglob("*.xlsx"))  # the upload is not kept

    def no_reading(*args, **kwargs):
        raise AssertionError("the preview read the file again")

    monkeypatch.setattr(importer, "open_workbook", no_reading)
    for _ in range(3):
        html = client.get(reverse("enterprises:import_preview")).content.decode()
        assert "Công ty Một Lần" in html
    client.post(reverse("enterprises:import_preview"), {"action": "save"})
    assert Enterprise.objects.get(name="Công ty Một Lần").workers == 40


def test_a_sparse_workbook_claiming_the_whole_grid_is_answered_quickly(demo, client_for, officer_a):
    client = client_for(officer_a)
    upload = SimpleUploadedFile("thua.xlsx", _sparse_sheet_claiming_the_whole_grid().getvalue())
    started = time.perf_counter()
    response = client.post(reverse("enterprises:import"), {"file": upload})
    assert time.perf_counter() - started < 2
    assert response.status_code == 200
    assert "không tìm thấy dòng tiêu đề" in response.content.decode()


def test_an_oversized_upload_is_refused_by_the_form(demo, client_for, officer_a, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    rows = [("STT", "Tên doanh nghiệp", "Số lao động")] + [
        (i, f"Công ty {i}", 30) for i in range(50)
    ]
    response = _upload(client_for(officer_a), rows)
    assert response.status_code == 200
    assert "quá giới hạn" in response.content.decode()
    assert not Enterprise.objects.filter(name="Công ty 1").exists()


@pytest.mark.parametrize(
    ("text", "legal_form", "ownership"),
    [
        ("DNTN", LegalForm.SOLE, Ownership.NON_STATE),
        ("Doanh nghiệp tư nhân", LegalForm.SOLE, Ownership.NON_STATE),
        ("Công ty TNHH một thành viên", LegalForm.LLC_ONE, Ownership.NON_STATE),
        ("TNHH MTV", LegalForm.LLC_ONE, Ownership.NON_STATE),
        ("TNHH hai thành viên trở lên", LegalForm.LLC_MULTI, Ownership.NON_STATE),
        ("Công ty TNHH 2 thành viên trở lên", LegalForm.LLC_MULTI, Ownership.NON_STATE),
        ("TNHH", LegalForm.LLC, Ownership.NON_STATE),
        ("Cổ phần", LegalForm.JOINT_STOCK, Ownership.NON_STATE),
        ("Công ty cổ phần", LegalForm.JOINT_STOCK, Ownership.NON_STATE),
        ("Hợp danh", LegalForm.PARTNERSHIP, Ownership.NON_STATE),
        ("Hợp tác xã", LegalForm.COOPERATIVE, Ownership.NON_STATE),
        ("HTX", LegalForm.COOPERATIVE, Ownership.NON_STATE),
        ("Chi nhánh", LegalForm.BRANCH, Ownership.NON_STATE),
        ("Văn phòng đại diện", LegalForm.REPRESENTATIVE, Ownership.NON_STATE),
        ("FDI", LegalForm.FOREIGN, Ownership.FOREIGN),
        ("Vốn đầu tư nước ngoài", LegalForm.FOREIGN, Ownership.FOREIGN),
        ("Doanh nghiệp nhà nước", LegalForm.STATE, Ownership.STATE),
        ("TNHH MTV nhà nước", LegalForm.LLC_ONE, Ownership.STATE),
        ("Ngoài nhà nước", "", Ownership.NON_STATE),
        ("Nhà nước", "", Ownership.STATE),
        ("Có vốn đầu tư nước ngoài (FDI)", LegalForm.FOREIGN, Ownership.FOREIGN),
    ],
)
def test_kind_words(text, legal_form, ownership):
    assert importer.classify_kind(text) == (legal_form, ownership)


def test_a_list_written_with_legal_forms_imports(demo, tmp_path, capsys):
    forms = [
        ("DNTN", LegalForm.SOLE, Ownership.NON_STATE),
        ("TNHH một thành viên", LegalForm.LLC_ONE, Ownership.NON_STATE),
        ("TNHH hai thành viên trở lên", LegalForm.LLC_MULTI, Ownership.NON_STATE),
        ("Cổ phần", LegalForm.JOINT_STOCK, Ownership.NON_STATE),
        ("Hợp danh", LegalForm.PARTNERSHIP, Ownership.NON_STATE),
        ("Hợp tác xã", LegalForm.COOPERATIVE, Ownership.NON_STATE),
        ("Chi nhánh", LegalForm.BRANCH, Ownership.NON_STATE),
        ("Văn phòng đại diện", LegalForm.REPRESENTATIVE, Ownership.NON_STATE),
        ("FDI", LegalForm.FOREIGN, Ownership.FOREIGN),
        ("Doanh nghiệp nhà nước", LegalForm.STATE, Ownership.STATE),
    ]
    rows = [("STT", "Tên doanh nghiệp", "Loại hình", "Huyện", "Số lao động")]
    rows += [
        (i, f"Công ty Loại {i}", text, "Mường Tè", 30) for i, (text, _l, _o) in enumerate(forms, 1)
    ]
    rows.append((99, "Công ty Loại Lạ", "kiểu gì đó", "Mường Tè", 26))
    path = tmp_path / "loai-hinh.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    call_command("import_enterprises", str(path))
    out = capsys.readouterr().out
    assert "Tạo mới: 11; cập nhật: 0; bị từ chối: 0." in out
    for i, (_text, legal_form, ownership) in enumerate(forms, 1):
        saved = Enterprise.objects.get(name=f"Công ty Loại {i}")
        assert (saved.legal_form, saved.ownership) == (legal_form, ownership)
    odd = Enterprise.objects.get(name="Công ty Loại Lạ")
    assert (odd.legal_form, odd.ownership, odd.workers) == ("", Ownership.NON_STATE, 26)
    assert "Dòng 12 (đã nhập, cần xem lại)" in out and "kiểu gì đó" in out


def test_the_preview_shows_legal_forms_and_warnings(demo, client_for, officer_a):
    client = client_for(officer_a)
    rows = [
        ("STT", "Tên doanh nghiệp", "Loại hình", "Số lao động"),
        (1, "Công ty Xem Trước", "TNHH hai thành viên trở lên", 30),
        (2, "Công ty Khó Đọc", "??", 30),
    ]
    assert _upload(client, rows, unit=officer_a.unit).status_code == 302
    html = client.get(reverse("enterprises:import_preview")).content.decode()
    assert "Công ty TNHH hai thành viên trở lên" in html
    assert 'id="import-warnings"' in html and "dòng 3 (vẫn nhập, cần xem lại)" in html
    client.post(reverse("enterprises:import_preview"), {"action": "save"})
    assert Enterprise.objects.get(name="Công ty Xem Trước").legal_form == LegalForm.LLC_MULTI
    assert Enterprise.objects.filter(name="Công ty Khó Đọc").exists()


def test_an_unreadable_kind_keeps_what_the_register_has(demo, tmp_path):
    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    Enterprise.objects.filter(pk=sam_pu.pk).update(ownership=Ownership.FOREIGN)
    rows = [
        ("STT", "Tên doanh nghiệp", "Loại hình", "Số lao động"),
        (1, sam_pu.name, "???", 70),
    ]
    result = importer.parse(io.BytesIO(xlsx_bytes(rows)), file_name="x.xlsx")
    assert result.updated == 1 and result.rows[0].warnings
    importer.apply(result, user=SYSTEM)
    sam_pu.refresh_from_db()
    assert (sam_pu.ownership, sam_pu.workers) == (Ownership.FOREIGN, 70)


def test_an_overlong_name_is_rejected_with_its_place(demo, tmp_path, capsys):
    rows = [("STT", "Tên doanh nghiệp", "Huyện", "Số lao động")]
    rows += [(1, "Công ty Dài " + "x" * 300, "Mường Tè", 30), (2, "Công ty Ngắn", "Mường Tè", 30)]
    path = tmp_path / "dai.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    call_command("import_enterprises", str(path))
    out = capsys.readouterr().out
    assert "Tạo mới: 1; cập nhật: 0; bị từ chối: 1." in out
    assert "quá dài (tối đa 255 ký tự)" in out and "cột B" in out
