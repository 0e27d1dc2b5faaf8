"""import_units: a federation's own unit list, from an empty database, moves, ends, merges."""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from organisation.models import Unit, UnitKind
from organisation.selectors import children, parent_of

D = datetime.date
HEADER = ["STT", "Tên đơn vị", "Cấp trên trực tiếp", "Loại đơn vị", "Khu vực", "Trạng thái"]
PROVINCE = "Liên đoàn Lao động tỉnh Điện Biên"
TREE = [
    # a CĐCS before its parent: parents may come later in the file
    ["CĐCS Trường THCS Thanh Xương", "Công đoàn xã Thanh Xương", "", "SNCL", ""],
    [PROVINCE, "Tổng Liên đoàn Lao động Việt Nam", "LĐLĐ tỉnh", "", ""],
    ["Công đoàn xã Thanh Xương", PROVINCE, "", "", ""],
    ["Công đoàn phường Him Lam", PROVINCE, "công đoàn phường", "", ""],
    [
        "CĐCS Công ty Cổ phần Cà phê Mường Ảng",
        "Công đoàn phường Him Lam",
        "CĐCS",
        "DN ngoài nhà nước",
        "",
    ],
]


def _file(tmp_path, rows, name="don-vi.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐIỆN BIÊN"])
    ws.append(["DANH SÁCH ĐƠN VỊ"])
    ws.append([])
    ws.append(HEADER)
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    path = tmp_path / name
    wb.save(path)
    return str(path)


def _run(path, date="01/07/2025", *extra):
    call_command("import_units", path, "--date", date, *extra)


@pytest.fixture
def loaded(db, tmp_path):
    assert not Unit.objects.exists()
    _run(_file(tmp_path, TREE))
    return tmp_path


def test_an_empty_database_starts_from_the_federations_file(loaded):
    province = Unit.objects.get(name=PROVINCE)
    assert province.kind == UnitKind.PROVINCE and parent_of(province, D(2025, 7, 1)) is None
    commune = Unit.objects.get(name="Công đoàn xã Thanh Xương")
    assert commune.kind == UnitKind.COMMUNE  # inferred from the name
    assert parent_of(commune, D(2025, 7, 1)) == province
    school = Unit.objects.get(name="CĐCS Trường THCS Thanh Xương")
    assert school.kind == UnitKind.GRASSROOTS and school.sector == "sncl"
    assert parent_of(school, D(2025, 7, 1)) == commune
    coffee = Unit.objects.get(name__startswith="CĐCS Công ty")
    assert coffee.sector == "dn_small"
    assert set(children(province, D(2025, 7, 2))) == {
        commune,
        Unit.objects.get(name__contains="Him"),
    }


def test_the_same_file_twice_changes_nothing(loaded, capsys):
    before = list(Unit.objects.values_list("pk", "name", "sector"))
    _run(_file(loaded, [[r[0].upper(), *r[1:]] for r in TREE], "again.xlsx"))
    assert list(Unit.objects.values_list("pk", "name", "sector")) == before
    assert "giữ nguyên: 5" in capsys.readouterr().out


def test_a_move_an_end_and_a_merge_from_a_later_date(loaded):
    rows = [
        ["CĐCS Trường THCS Thanh Xương", "Công đoàn phường Him Lam", "", "", ""],
        ["CĐCS Công ty Cổ phần Cà phê Mường Ảng", "", "", "", "Giải thể"],
        ["Công đoàn xã Thanh Xương", PROVINCE, "", "", "Sáp nhập vào Công đoàn phường Him Lam"],
    ]
    _run(_file(loaded, rows, "2026.xlsx"), "01/01/2026")
    school = Unit.objects.get(name="CĐCS Trường THCS Thanh Xương")
    him_lam = Unit.objects.get(name="Công đoàn phường Him Lam")
    assert parent_of(school, D(2026, 1, 5)) == him_lam
    assert parent_of(school, D(2025, 12, 31)).name == "Công đoàn xã Thanh Xương"  # the past stays
    assert Unit.objects.get(name__startswith="CĐCS Công ty").dissolved_on == D(2026, 1, 1)
    assert Unit.objects.get(name="Công đoàn xã Thanh Xương").dissolved_on == D(2026, 1, 1)


def test_a_dry_run_saves_nothing(db, tmp_path, capsys):
    _run(_file(tmp_path, TREE), "01/07/2025", "--dry-run")
    assert not Unit.objects.exists()
    assert "tạo mới: 5" in capsys.readouterr().out


@pytest.mark.parametrize(
    "rows, words",
    [
        ([["CĐCS A", "Công đoàn xã Không Có", "CĐCS", "", ""]], "không có đơn vị cấp trên"),
        (
            [
                ["Công đoàn xã A", "Công đoàn xã B", "", "", ""],
                ["Công đoàn xã B", "Công đoàn xã A", "", "", ""],
            ],
            "vòng lặp cấp trên",
        ),
        (
            [
                [PROVINCE, "", "LĐLĐ tỉnh", "", ""],
                ["Công đoàn xã A", PROVINCE, "", "", ""],
                ["Công đoàn xã A", "Công đoàn xã C", "", "", ""],
            ],
            "với đơn vị cấp trên khác",
        ),
        ([[PROVINCE, "", "liên minh", "", ""]], "không hiểu loại đơn vị “liên minh”"),
        ([[PROVINCE, "", "LĐLĐ tỉnh", "ngân hàng", ""]], "không hiểu khu vực “ngân hàng”"),
    ],
)
def test_bad_input_names_row_and_column_and_saves_nothing(db, tmp_path, rows, words):
    with pytest.raises(CommandError) as error:
        _run(_file(tmp_path, rows))
    message = str(error.value)
    assert words in message and re.search(r"dòng \d+, cột [A-F]", message)
    assert "không có gì được lưu" in message
    assert not Unit.objects.exists()


def test_ending_a_unit_with_live_children_is_refused(loaded):
    rows = [["Công đoàn phường Him Lam", PROVINCE, "", "", "Kết thúc hoạt động"]]
    with pytest.raises(CommandError):
        _run(_file(loaded, rows, "end.xlsx"), "01/01/2026")
    assert Unit.objects.get(name="Công đoàn phường Him Lam").dissolved_on is None


def test_a_date_before_the_units_founding_is_refused(loaded):
    rows = [["CĐCS Trường THCS Thanh Xương", "Công đoàn phường Him Lam", "", "", ""]]
    with pytest.raises(CommandError, match="trước ngày thành lập"):
        _run(_file(loaded, rows, "early.xlsx"), "01/01/2025")


def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_text("Tên đơn vị;Cấp trên\n")
    with pytest.raises(CommandError, match="không có gì được lưu"):
        _run(str(path))


def _tree(on):
    return {
        (u.name, u.kind, u.sector, getattr(parent_of(u, on), "name", None))
        for u in Unit.objects.all()
        if u.founded_on <= on and (u.dissolved_on is None or u.dissolved_on >= on)
    }


def test_export_units_round_trips(loaded, capsys):
    on = D(2025, 7, 1)
    out = str(loaded / "export.xlsx")
    call_command("export_units", "--date", "01/07/2025", "--out", out)
    before = _tree(on)
    assert len(before) == 5
    _run(out)  # on the same database: nothing changes
    assert "giữ nguyên: 5" in capsys.readouterr().out and _tree(on) == before
    Unit.objects.all().delete()  # on an empty database: the same tree
    _run(out)
    assert _tree(on) == before


def test_export_units_under_one_unit(loaded):
    out = str(loaded / "under.xlsx")
    call_command(
        "export_units", "--under", "Công đoàn phường Him Lam", "--date", "01/07/2025", "--out", out
    )
    from openpyxl import load_workbook

    rows = [r for r in load_workbook(out).active.iter_rows(min_row=5, values_only=True) if r[1]]
    assert [r[1] for r in rows] == [
        "Công đoàn phường Him Lam",
        "CĐCS Công ty Cổ phần Cà phê Mường Ảng",
    ]
    assert rows[0][2] == PROVINCE


def test_member_and_worker_counts_become_the_baseline_on_the_date(db, tmp_path, capsys):
    from organisation.models import Baseline
    from progress.stock import stock_of

    wb = Workbook()
    ws = wb.active
    ws.append(["Tên đơn vị", "Đơn vị cấp trên", "Loại đơn vị", "Số đoàn viên", "Số lao động"])
    ws.append([PROVINCE, "", "LĐLĐ tỉnh", None, None])
    ws.append(["Công đoàn xã Thanh Xương", PROVINCE, "", None, None])
    ws.append(["CĐCS Trường THCS Thanh Xương", "Công đoàn xã Thanh Xương", "", "1.200", 1500])
    ws.append(["CĐCS Trạm Y tế xã Thanh Xương", "Công đoàn xã Thanh Xương", "", 300, None])
    path = tmp_path / "so-lieu.xlsx"
    wb.save(path)
    _run(str(path))
    assert "số liệu gốc: 2" in capsys.readouterr().out
    school = Unit.objects.get(name="CĐCS Trường THCS Thanh Xương")
    baseline = Baseline.objects.get(unit=school)
    assert (baseline.on_date, baseline.members, baseline.workers) == (D(2025, 7, 1), 1200, 1500)
    commune = Unit.objects.get(name="Công đoàn xã Thanh Xương")
    stock = stock_of(commune, D(2025, 7, 1))
    assert (stock.members, stock.workers, stock.missing) == (1500, 1500, 0)
    _run(str(path))  # the same file twice changes nothing
    out = capsys.readouterr().out
    assert "số liệu gốc: 0" in out and "giữ nguyên: 4" in out
    assert Baseline.objects.count() == 2


def test_a_cycle_made_by_the_file_and_the_database_together_is_refused(db, tmp_path):
    from organisation import services as org
    from tests.actors import SYSTEM

    province = org.create_unit(name=PROVINCE, kind=UnitKind.PROVINCE, user=SYSTEM)
    x = org.create_unit(
        name="Công đoàn ngành X", kind=UnitKind.INDUSTRY, parent=province, user=SYSTEM
    )
    z = org.create_unit(
        name="Công đoàn ngành Z", kind=UnitKind.INDUSTRY, parent=province, user=SYSTEM
    )
    org.create_unit(name="Công đoàn ngành Y", kind=UnitKind.INDUSTRY, parent=z, user=SYSTEM)
    # Z under X, X under Y: with Y under Z in the database, X → Y → Z → X.
    rows = [
        ["Công đoàn ngành Z", "Công đoàn ngành X", "công đoàn ngành", "", ""],
        ["Công đoàn ngành X", "Công đoàn ngành Y", "công đoàn ngành", "", ""],
    ]
    with pytest.raises(CommandError, match="vòng lặp"):
        _run(_file(tmp_path, rows), "01/01/2026")
    assert parent_of(x, D(2026, 1, 1)) == province and parent_of(z, D(2026, 1, 1)) == province
