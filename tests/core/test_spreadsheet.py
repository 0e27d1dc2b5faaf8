"""The shared spreadsheet reader: tables found by header text, kinds, problems, and caps."""

import datetime
import io
import time
import tracemalloc
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook

from core.spreadsheet import (
    Column,
    Problem,
    SpreadsheetError,
    open_workbook,
    read_table,
)
from core.vnencodings import to_tcvn3, to_vni

COLUMNS = [
    Column("name", ["Tên đơn vị", "Đơn vị"], required=True),
    Column("members", ["Số đoàn viên"], kind="int"),
    Column("on", ["Ngày"], kind="date"),
]


def xlsx(rows, merges=(), title="Biểu 1", path=None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def table_of(rows, columns=COLUMNS, merges=(), **kwargs):
    wb = open_workbook(xlsx(rows, merges), filename="t.xlsx")
    return read_table(wb.sheet(None), columns=columns, **kwargs)


def test_it_finds_the_header_below_title_rows_and_reads_kinds():
    table = table_of(
        [
            ["LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU"],
            ["DANH SÁCH ĐƠN VỊ"],
            [],
            ["TT", "Tên đơn vị", "Số đoàn viên", "Ngày"],
            ["(1)", "(2)", "(3)", "(4)"],
            [1, "LĐLĐ huyện Mường Tè", "1.100", "05/07/2024"],
            [2, "LĐLĐ huyện Tam Đường", "1 100", datetime.datetime(2024, 7, 6)],
            [3, "Công đoàn ngành Y tế", 1100, None],
            [],
            ["Người lập biểu", "ghi chú"],
        ]
    )
    assert table.header_row == 4
    assert table.problems == []
    assert [r.number for r in table.rows] == [6, 7, 8]
    assert [r.values["members"] for r in table.rows] == [1100, 1100, 1100]
    assert table.rows[0].values["on"] == datetime.date(2024, 7, 5)
    assert table.rows[1].values["on"] == datetime.date(2024, 7, 6)
    assert table.rows[2].values["on"] is None
    assert table.rows[0].letter("members") == "C"
    assert table.rows[0].raw("members") == "1.100"
    assert table.rows[0].values["name"] == "LĐLĐ huyện Mường Tè"


def test_a_header_alias_and_a_missing_optional_column():
    table = table_of([["STT", "Đơn vị"], [1, "Mường Tè"]])
    assert table.problems == []
    assert table.rows[0].values == {"name": "Mường Tè"}
    assert "members" not in table.columns


def test_a_missing_required_column_is_one_problem_naming_the_accepted_headers():
    table = table_of([["TT", "Tên", "Số đoàn viên"], [1, "A", 2]])
    assert len(table.errors) == 1
    message = str(table.errors[0])
    assert "“Tên đơn vị”" in message and "“Đơn vị”" in message
    assert table.rows == []


def test_a_bad_cell_is_an_error_on_that_cell_and_the_value_is_none():
    table = table_of(
        [["Tên đơn vị", "Số đoàn viên", "Ngày"], ["A", "nhiều", "32/13/2024"], ["B", "2", ""]]
    )
    assert len(table.errors) == 2
    first = table.errors[0]
    assert (first.sheet, first.row, first.column, first.header) == (
        "Biểu 1",
        2,
        "B",
        "Số đoàn viên",
    )
    assert (
        str(first)
        == "Trang tính “Biểu 1”, dòng 2, cột B (“Số đoàn viên”): “nhiều” không phải số nguyên."
    )
    assert table.rows[0].values["members"] is None
    assert table.rows[0].values["on"] is None
    assert table.rows[1].values["members"] == 2


def test_the_table_ends_at_the_first_empty_row_and_at_a_total_row():
    table = table_of(
        [["Tên đơn vị", "Số đoàn viên"], ["A", 1], ["B", 2], ["Cộng", 3], ["C", 4]],
    )
    assert [r.values["name"] for r in table.rows] == ["A", "B"]
    assert table.total_row.number == 4
    assert table.total_row.values["members"] == 3
    gap = table_of([["Tên đơn vị", "Số đoàn viên"], ["A", 1], [], ["B", 2]])
    assert [r.values["name"] for r in gap.rows] == ["A"]


def test_grouped_headers_join_group_and_own_text():
    columns = [
        Column("name", ["Đơn vị"], required=True),
        Column("male", ["Số đoàn viên Nam"], kind="int"),
        Column("female", ["Số đoàn viên Nữ"], kind="int"),
        Column("note", ["Ghi chú"]),
    ]
    table = table_of(
        [
            ["BIỂU TỔNG HỢP"],
            ["TT", "Đơn vị", "Số đoàn viên", None, "Ghi chú"],
            [None, None, "Nam", "Nữ", None],
            [1, "A", 3, 4, "x"],
        ],
        columns=columns,
        merges=["A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3"],
    )
    assert table.problems == []
    assert (table.header_row, table.header_end) == (2, 3)
    assert table.rows[0].values == {"name": "A", "male": 3, "female": 4, "note": "x"}
    assert table.letter("female") == "D"


def test_a_cell_merged_down_several_rows_fills_each_row():
    columns = [Column("name", ["Tên doanh nghiệp"], required=True), Column("unit", ["Huyện"])]
    table = table_of(
        [["Huyện", "Tên doanh nghiệp"], ["Mường Tè", "A"], [None, "B"], ["Tam Đường", "C"]],
        columns=columns,
        merges=["A2:A3"],
    )
    assert [(r.values["unit"], r.values["name"]) for r in table.rows] == [
        ("Mường Tè", "A"),
        ("Mường Tè", "B"),
        ("Tam Đường", "C"),
    ]


def test_legacy_and_nfd_text_is_repaired_to_nfc():
    names = ["Nguyễn Thị Hường", "Lò Văn Dũng", "Công ty Cổ phần Sông Đà 705"]
    tcvn3 = table_of([["Tên đơn vị"]] + [[to_tcvn3(n)] for n in names])
    assert [r.values["name"] for r in tcvn3.rows] == names
    assert tcvn3.rows[0].repaired == "TCVN3"
    vni = table_of([["Tên đơn vị"]] + [[to_vni(n)] for n in names])
    assert [r.values["name"] for r in vni.rows] == names
    nfd = table_of([["Tên đơn vị"]] + [[unicodedata.normalize("NFD", n)] for n in names])
    assert [r.values["name"] for r in nfd.rows] == names
    assert nfd.rows[0].repaired == "NFD"


def test_a_header_typed_in_tcvn3_is_found():
    table = table_of([[to_tcvn3("Tên đơn vị"), to_tcvn3("Số đoàn viên")], ["A", 2]])
    assert table.problems == []
    assert table.rows[0].values["members"] == 2


def test_int_bounds_are_errors():
    columns = [
        Column("name", ["Tên đơn vị"], required=True),
        Column("members", ["Số đoàn viên"], kind="int", min_value=0, max_value=1000),
    ]
    table = table_of([["Tên đơn vị", "Số đoàn viên"], ["A", -1], ["B", 1001], ["C", 5]], columns)
    assert [p.row for p in table.errors] == [2, 3]
    assert [r.values["members"] for r in table.rows] == [None, None, 5]


def test_problem_text_and_warnings():
    p = Problem("S", 12, 3, "Tên đơn vị", "thiếu tên.")
    assert str(p) == "Trang tính “S”, dòng 12, cột C (“Tên đơn vị”): thiếu tên."
    assert str(Problem(message="tệp hỏng")) == "tệp hỏng"
    table = table_of([["Tên đơn vị"], ["A"]])
    table.problem(2, "name", "tên lạ.", severity="warning")
    assert table.errors == [] and len(table.warnings) == 1
    assert Problem.from_dict(p.as_dict()) == p


def test_no_header_is_a_problem():
    table = table_of([["a", "b"], [1, 2]])
    assert len(table.errors) == 1
    assert "không tìm thấy dòng tiêu đề" in str(table.errors[0])


def test_named_sheet_and_unknown_sheet():
    wb = open_workbook(xlsx([["Tên đơn vị"], ["A"]], title="Danh sách"), filename="t.xlsx")
    assert wb.sheet("danh sách").title == "Danh sách"
    with pytest.raises(SpreadsheetError, match="không có trang tính “Khác”"):
        wb.sheet("Khác")


def test_not_a_workbook_is_refused():
    with pytest.raises(SpreadsheetError, match="không phải tệp Excel .xlsx"):
        open_workbook(io.BytesIO(b"TT;Ten\n1;A\n"), filename="a.csv")
    with pytest.raises(SpreadsheetError, match="a.xlsx"):
        open_workbook(io.BytesIO(b"PK\x03\x04broken"), filename="a.xlsx")


def test_an_oversized_upload_is_refused_before_reading(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(SpreadsheetError, match="quá giới hạn"):
        open_workbook(io.BytesIO(b"x" * 1001), filename="big.xlsx")


def test_too_many_data_rows_are_refused():
    rows = [["Tên đơn vị"]] + [[f"U{i}"] for i in range(30)]
    with pytest.raises(SpreadsheetError, match="hơn 20 dòng"):
        table_of(rows, max_rows=20)


def test_too_many_cells_are_refused(settings):
    settings.IMPORT_MAX_CELLS = 50
    rows = [["Tên đơn vị", "Số đoàn viên"]] + [[f"U{i}", i] for i in range(40)]
    with pytest.raises(SpreadsheetError, match="hơn 50 ô"):
        table_of(rows)


def _sparse_sheet_claiming_the_whole_grid() -> io.BytesIO:
    """A workbook whose sheet claims A1:XFD1048576 and holds one cell there."""
    source = xlsx([["Tên đơn vị"]])
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace('<dimension ref="A1"/>', '<dimension ref="A1:XFD1048576"/>')
                text = text.replace(
                    "</sheetData>",
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                    "</row></sheetData>",
                )
                assert "XFD1048576" in text
                data = text.encode()
            zout.writestr(item, data)
    out.seek(0)
    return out


def _within_budget(action, seconds=10.0, megabytes=100):
    """Run action twice: timed on its own, then under tracemalloc (which slows it) for the
    memory peak. Returns the result or raises what action raised."""
    outcome = []
    for traced in (False, True):
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            outcome.append(("ok", action()))
        except Exception as exc:
            outcome.append(("raised", exc))
        finally:
            elapsed = time.perf_counter() - started
            if traced:
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                assert peak < megabytes * 1024 * 1024, f"{peak / 1e6:.0f} MB"
            else:
                assert elapsed < seconds, f"{elapsed:.2f} s"
    kind, value = outcome[0]
    if kind == "raised":
        raise value
    return value


def test_a_sheet_claiming_a_huge_dimension_is_read_within_budget():
    source = _sparse_sheet_claiming_the_whole_grid()
    assert len(source.getvalue()) < 10_000

    def read():
        wb = open_workbook(source, filename="sparse.xlsx")
        return read_table(wb.sheet(None), columns=COLUMNS)

    table = _within_budget(read)
    assert table.rows == []  # the lone far cell is beyond the column cap and after a gap


def million_rows_file() -> bytes:
    """A header and a million data rows, about 1 MB: rows without numbers compress well."""
    source = xlsx([["Tên đơn vị", "Số đoàn viên"]])
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>A</t></is></c><c><v>1</v></c></row>'
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with zout.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                for _ in range(1000):
                    sheet.write(row * 1000)
                sheet.write(b"</sheetData>" + tail)
    return out.getvalue()


@pytest.fixture(scope="session")
def million_rows(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "million.xlsx"
    path.write_bytes(million_rows_file())
    return path


def test_a_million_row_file_is_refused_within_budget(million_rows):
    assert million_rows.stat().st_size < 3 * 1024 * 1024

    def read():
        wb = open_workbook(million_rows, filename="million.xlsx")
        return read_table(wb.sheet(None), columns=COLUMNS, max_rows=5000)

    with pytest.raises(SpreadsheetError) as caught:
        _within_budget(read)
    assert "million.xlsx" in str(caught.value) or "Biểu" in str(caught.value)


def test_the_row_cap_holds_while_streaming(million_rows, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # let it past the zip check

    def read():
        wb = open_workbook(million_rows, filename="million.xlsx")
        return read_table(wb.sheet(None), columns=COLUMNS, max_rows=5000)

    with pytest.raises(SpreadsheetError, match="hơn 5.000 dòng"):
        _within_budget(read)


def _with_merges(source: io.BytesIO, refs: list[str]) -> io.BytesIO:
    """The same workbook with these merged ranges written into its sheet XML."""
    out = io.BytesIO()
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>",
                    f'</sheetData><mergeCells count="{len(refs)}">{cells}</mergeCells>'.encode(),
                )
            zout.writestr(item, data)
    out.seek(0)
    return out


def test_crafted_overlapping_merges_stay_within_budget():
    rows = [["Tên đơn vị", "Số đoàn viên", "Ngày"]] + [[f"U{i}", i, None] for i in range(4000)]
    refs = [f"A{r}:IV{r + 3000}" for r in range(1, 4000)]  # 3 999 tall, overlapping ranges
    refs += [f"A{r}:C{r}" for r in range(1, 900)]
    source = _with_merges(xlsx(rows), refs)

    def read():
        wb = open_workbook(source, filename="gop.xlsx")
        source.seek(0)
        sheet = wb.sheet(None)
        table = read_table(sheet, columns=COLUMNS)
        sheet.grid(5000)
        return table

    table = _within_budget(read)
    assert table.header_row == 1


def test_too_many_merged_ranges_are_refused():
    refs = [f"A{r}:B{r}" for r in range(2, 5100)]
    source = _with_merges(xlsx([["Tên đơn vị", "x"]] + [["a", "b"]] * 5200), refs)
    wb = open_workbook(source, filename="gop.xlsx")
    with pytest.raises(SpreadsheetError, match="vùng ô gộp"):
        read_table(wb.sheet(None), columns=COLUMNS)


# --- the reader's cells are openpyxl's --------------------------------------------------------


def _openpyxl_rows(sheet):
    """What the reader gave when it went through openpyxl's own cell parser."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.workbook._book
    found = []
    with sheet.ws._get_source() as src:
        parser = WorkSheetParser(
            src,
            sheet.ws._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, row in parser.parse():
            values = {}
            for cell in row:
                value = cell["value"]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                values[cell["column"]] = value
            if values:
                found.append((number, values))
    return found


CRAFTED_ROWS = (
    # no row number, cells without references (each one column right of the last)
    '<row><c t="inlineStr"><is><t>không số dòng</t></is></c><c><v>7</v></c>'
    '<c t="b"><v>0</v></c></row>'
    '<row r="40"><c r="A40" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
    '<c r="B40" t="e"><v>#N/A</v></c><c r="C40" t="d"><v>2024-05-06T07:08:09</v></c>'
    '<c r="D40"><f>1+1</f><v>2</v></c><c r="E40" s="0"><v>1.5E3</v></c>'
    '<c r="F40" t="inlineStr"><is><r><t>Công </t></r><r><rPr><b/></rPr><t>ty</t></r>'
    '<rPh sb="0" eb="1"><t>x</t></rPh></is></c>'
    '<c r="G40" t="inlineStr"><is><t xml:space="preserve">  </t></is></c>'
    '<c r="H40"><v></v></c><c r="I40" t="inlineStr"/><c r="J40" s="1"><v>99999999</v></c>'
    '<c r="K40" t="inlineStr"><is><t>Trước</t><r><t> sau</t></r></is></c>'
    '<c r="AB40"><v>-3</v></c><c r="A40" t="inlineStr"><is><t>lần hai</t></is></c></row>'
    '<row r="41.0"><c r="B41" t="str"><v> </v></c><c r="C41" t="e"><v>#DIV/0!</v></c></row>'
)


def _kinds_workbook() -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "Các kiểu"
    ws.append(["Tên đơn vị", "Số", "Ngày", "Giờ", "Khoảng", "Đúng", "Công thức", "Số thực"])
    ws.append(["Lò Văn A", 12, datetime.datetime(2024, 7, 15), datetime.time(10, 30),
               datetime.timedelta(hours=5), True, "=B2*2", 2.5])  # fmt: skip
    ws.append([" ", None, datetime.date(1999, 12, 31), None, None, False, None, -0.25])
    ws.append([None, "1.100", "15/07/2024"])
    ws["Z5"] = "xa"
    out = io.BytesIO()
    wb.save(out)
    source = io.BytesIO()
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", CRAFTED_ROWS.encode() + b"</sheetData>")
            zout.writestr(item, data)
    return source


@pytest.mark.parametrize("strings", ["inline", "shared"])
def test_every_kind_of_cell_reads_as_openpyxl_reads_it(strings):
    from tests.core.xlsx_variants import with_shared_strings

    data = _kinds_workbook().getvalue()
    if strings == "shared":
        data = with_shared_strings(data)
    sheet = open_workbook(io.BytesIO(data), filename="k.xlsx").sheet(None)
    with pytest.warns(UserWarning, match="J40"):
        expected = _openpyxl_rows(sheet)
    with pytest.warns(UserWarning, match="J40"):
        got = list(sheet.rows())

    def typed(rows):
        return [(n, {c: (type(v).__name__, v) for c, v in vals.items()}) for n, vals in rows]

    assert typed(got) == typed(expected)
    assert [n for n, _v in got] == [1, 2, 3, 4, 5, 6, 40, 41]
    row40 = dict(got)[40]
    assert row40[1] == "lần hai" and row40[6] == "Công ty" and row40[11] == "Trước sau"
    assert row40[2] == "#N/A" and row40[10] == "#VALUE!" and row40[28] == -3
    assert 7 not in row40 and 8 not in row40 and 9 not in row40


def test_a_damaged_sheet_is_refused_with_the_file_name():
    source = xlsx([["Tên đơn vị"], ["A"]])
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row r='9'><c></sheetData>")
            zout.writestr(item, data)
    out.seek(0)
    wb = open_workbook(out, filename="hong.xlsx")
    with pytest.raises(SpreadsheetError, match="hong.xlsx"):
        read_table(wb.sheet(None), columns=COLUMNS)


SHARED_STRINGS_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7">'
    "<si><t>Công ty Cổ phần</t></si>"
    '<si><t xml:space="preserve">  cách  </t></si>'
    "<si><t/></si><si/>"
    "<si><r><t>Đậm </t></r><r><rPr><b/><sz val='11'/></rPr><t>và thường</t></r>"
    '<rPh sb="0" eb="1"><t>phiên âm</t></rPh><phoneticPr fontId="1"/></si>'
    "<si><t>Trước</t><r><t> sau</t></r></si>"
    "<si><t>a_x005F_x000D_b</t></si>"
    "</sst>"
)


def test_the_shared_strings_read_as_openpyxl_reads_them():
    from openpyxl.reader.strings import read_string_table

    from core.spreadsheet import _shared_strings

    expected = read_string_table(io.BytesIO(SHARED_STRINGS_XML.encode()))
    assert _shared_strings(io.BytesIO(SHARED_STRINGS_XML.encode())) == list(expected)
    assert expected[4] == "Đậm và thường" and expected[6] == "a_x000D_b"


def test_a_sheet_with_a_document_type_is_refused():
    source = xlsx([["Tên đơn vị"], ["A"]])
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                bomb = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                data = bomb + data.replace(b"<t>A</t>", b"<t>&b;</t>")
            zout.writestr(item, data)
    out.seek(0)
    wb = open_workbook(out, filename="bom.xlsx")
    with pytest.raises(SpreadsheetError, match="bom.xlsx"):
        read_table(wb.sheet(None), columns=COLUMNS)
