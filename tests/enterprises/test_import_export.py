"""Import of messy survey lists (title rows, merged cells, legacy encodings), CLI, round trip."""

import datetime
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from core.vnencodings import to_tcvn3, to_vni
from enterprises import importer
from enterprises.models import Enterprise, WorkforceSurvey
from tests.actors import SYSTEM
from tests.enterprises.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

NFD = unicodedata.normalize("NFD", "Công ty TNHH Chè Mường Tè")


def messy_rows():
    return [
        ("LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU", None, None, None, None, None),
        ("DANH SÁCH DOANH NGHIỆP KHẢO SÁT NĂM 2024", None, None, None, None, None),
        (None, None, None, None, None, None),
        ("STT", "Tên doanh nghiệp", "Mã số thuế", "Huyện", "Số lao động (người)", "Ngày khảo sát"),
        (1, 2, 3, 4, 5, 6),
        ("I", "Huyện Mường Tè", None, None, None, None),
        (1, to_tcvn3("Công ty Cổ phần Sâm Pu Si Lung"), None, "Mường Tè", "65", "15/06/2024"),
        (2, to_vni("Công ty TNHH Khoáng sản Mường Tè"), "0100109106", "Mường Tè", "1.200", None),
        (3, NFD, "0100109106-001", "Mường Tè", 40, datetime.datetime(2024, 6, 1)),
        (4, "Công ty Sai Mã", "0100109107", "Mường Tè", 30, None),
        (5, "Công ty Số Lạ", None, "Mường Tè", "nhiều", None),
        (6, "Công ty TNHH Khoáng sản Mường Tè", None, "Mường Tè", 12, None),
        ("II", "Huyện Tam Đường", None, None, None, None),
        (1, "Công ty TNHH Chè Tam Đường", None, None, 26, None),
        (2, "Công ty Đâu Đó", None, "Huyện Không Có", 26, None),
        ("Cộng", None, None, None, "1.363", None),
    ]


@pytest.fixture
def messy_file(tmp_path):
    path = tmp_path / "khao-sat.xlsx"
    path.write_bytes(xlsx_bytes(messy_rows(), merges=["A1:F1", "A2:F2"]))
    return path


def test_parse_messy_file(demo, messy_file):
    result = importer.parse(str(messy_file), survey_date=datetime.date(2024, 6, 20))
    assert result.header_row == 4
    by_row = {r.row: r for r in result.rows}
    sam_pu = by_row[7]
    assert sam_pu.action == "update"  # matched by normalised name to the demo enterprise
    assert sam_pu.values["name"] == "Công ty Cổ phần Sâm Pu Si Lung"
    assert sam_pu.repaired == "TCVN3"
    assert by_row[8].repaired == "VNI"
    assert by_row[9].repaired == "NFD"
    assert by_row[8].values["name"] == "Công ty TNHH Khoáng sản Mường Tè"
    assert by_row[8].values["workers"] == 1200
    assert by_row[8].values["surveyed_on"] == datetime.date(2024, 6, 20)
    assert by_row[9].values["name"] == "Công ty TNHH Chè Mường Tè"  # NFD → NFC
    assert unicodedata.is_normalized("NFC", by_row[9].values["name"])
    assert by_row[9].values["tax_code"] == "0100109106-001"
    assert by_row[10].action == "reject" and "kiểm tra" in by_row[10].errors[0]
    assert by_row[10].values["name"] == "Công ty Sai Mã"  # Unicode left alone
    assert result.encoding is None  # mostly Unicode: no sheet-wide hint
    assert by_row[11].action == "reject" and "không phải số" in by_row[11].errors[0]
    assert by_row[12].action == "reject" and "dòng 8" in by_row[12].errors[0]  # same name
    assert by_row[14].unit.name == "LĐLĐ huyện Tam Đường"  # from the group row "II"
    assert by_row[15].action == "reject" and "Huyện Không Có" in by_row[15].errors[0]
    assert (result.created, result.updated, result.rejected) == (3, 1, 4)
    assert any("tổng" in why for _r, why in result.skipped)


def test_apply_saves_good_rows_and_updates_instead_of_duplicating(demo, messy_file):
    result = importer.parse(str(messy_file), survey_date=datetime.date(2024, 6, 20))
    importer.apply(result, user=SYSTEM)
    assert Enterprise.objects.count() == 8 + 3
    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    assert sam_pu.workers == 65
    assert list(sam_pu.surveys.values_list("workers", flat=True)) == [65, 60]  # history kept
    big = Enterprise.objects.get(tax_code="0100109106")
    assert big.workers == 1200 and big.unit.name == "LĐLĐ huyện Mường Tè"
    # Importing the same file again creates nothing new.
    again = importer.parse(str(messy_file), survey_date=datetime.date(2024, 6, 20))
    assert again.created == 0 and again.updated == 4
    importer.apply(again, user=SYSTEM)
    assert Enterprise.objects.count() == 11
    assert WorkforceSurvey.objects.filter(enterprise=sam_pu).count() == 2


def test_cli_prints_counts_and_reasons(demo, messy_file, capsys):
    call_command("import_enterprises", str(messy_file), "--survey-date", "20/06/2024")
    out = capsys.readouterr().out
    assert "Tạo mới: 3; cập nhật: 1; bị từ chối: 4." in out
    assert "Dòng 10:" in out and "Dòng 15:" in out


def test_cli_unit_option_for_rows_without_a_unit(demo, tmp_path, capsys):
    path = tmp_path / "tam-duong.xlsx"
    path.write_bytes(
        xlsx_bytes([("STT", "Tên doanh nghiệp", "Số lao động"), (1, "Công ty Mới", "31")])
    )
    call_command("import_enterprises", str(path), "--unit", "LĐLĐ huyện Tam Đường")
    assert Enterprise.objects.get(name="Công ty Mới").unit.name == "LĐLĐ huyện Tam Đường"
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("import_enterprises", str(path), "--unit", "Không có")


def test_cli_fails_on_unreadable_file_or_missing_column(demo, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not excel")
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("import_enterprises", str(bad))
    no_workers = tmp_path / "no-workers.xlsx"
    no_workers.write_bytes(xlsx_bytes([("STT", "Tên doanh nghiệp", "Địa chỉ"), (1, "A", "B")]))
    with pytest.raises(CommandError, match="Số lao động"):
        call_command("import_enterprises", str(no_workers))
    assert Enterprise.objects.count() == 8


def test_export_then_import_round_trip(demo, tmp_path, capsys):
    out = tmp_path / "dn.xlsx"
    call_command("export_enterprises", "--out", str(out))
    assert "8 doanh nghiệp" in capsys.readouterr().out
    before = {
        e.name: (e.unit_id, e.workers, e.workers_surveyed_on, e.tax_code, e.ownership)
        for e in Enterprise.objects.all()
    }
    surveys = WorkforceSurvey.objects.count()
    result = importer.parse(str(out))
    assert (result.created, result.updated, result.rejected) == (0, 8, 0)
    importer.apply(result, user=SYSTEM)
    after = {
        e.name: (e.unit_id, e.workers, e.workers_surveyed_on, e.tax_code, e.ownership)
        for e in Enterprise.objects.all()
    }
    assert after == before
    assert WorkforceSurvey.objects.count() == surveys


def test_import_limited_to_the_officers_units(demo, messy_file, officer_a):
    from enterprises.selectors import responsible_units_for

    result = importer.parse(
        str(messy_file),
        allowed_units=responsible_units_for(officer_a),
        survey_date=datetime.date(2024, 6, 20),
    )
    tam_duong = next(r for r in result.rows if r.row == 14)
    assert tam_duong.action == "reject"
    assert "không có quyền" in tam_duong.errors[0]
