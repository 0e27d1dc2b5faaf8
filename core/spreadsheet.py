"""One bounded, streaming reader for every spreadsheet the product imports (.xlsx).

``open_workbook`` refuses what is not a workbook or is too big before anything is parsed: the
file's size, the number of zip members and the sum of their unpacked sizes are checked against
caps first (the zip's declared sizes bound what zipfile will inflate). Sheets are then read
row by row in openpyxl's streaming parser; the sheet's claimed dimension ("A1:XFD1048576") is
ignored, only cells present in the file are looked at, and caps on rows, columns and cells hold
while reading. Merged ranges are read from the sheet XML as ranges, never expanded cell by cell.

``read_table`` finds a table by its header text among the first rows (title rows above are
skipped), joins grouped header rows (a column's header text = group text + own text), skips a
numbering row "(1) (2) …", converts each cell to its column's kind (text repaired from TCVN3,
VNI or NFD to NFC; whole numbers written "1.100" or "1 100"; dates as Excel dates or dd/mm/yyyy)
and ends at the first fully empty row or at a "Cộng"/"Tổng cộng" row. Every problem is one
``Problem`` (sheet, row, column letter, header, message, severity).
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601

from core import vnencodings
from core.text import NotANumber, clean, name_key, parse_date, parse_int

# Caps (each overridable in settings under the same name prefixed IMPORT_).
DEFAULTS = {
    "MAX_UPLOAD_BYTES": 5 * 1024 * 1024,  # the .xlsx file itself
    "MAX_UNPACKED_BYTES": 40 * 1024 * 1024,  # sum of the zip members' sizes
    "MAX_ZIP_MEMBERS": 2000,
    "MAX_ROWS": 200_000,  # data rows of one table
    "MAX_COLUMNS": 256,  # cells right of this column are ignored
    "MAX_CELLS": 2_000_000,  # cells parsed in one sheet, blank ones included
    "MAX_MERGED_RANGES": 5_000,
}
HEADER_SCAN_ROWS = 40
TOTAL_PREFIXES = ("cộng", "tổng cộng")
TOTAL_WORDS = {"cộng", "tổng cộng", "tổng", "tổng số", "cộng:"}
_TOTAL_INITIALS = ("c", "C", "t", "T")  # how every total label begins
_NUMBERING = re.compile(r"^\(?([0-9]{1,3}|[a-z])\)?$", re.IGNORECASE)
_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)\""
)
_CHUNK = 1 << 20

ERROR = "error"
WARNING = "warning"


def cap(name: str) -> int:
    return int(getattr(settings, f"IMPORT_{name}", DEFAULTS[name]))


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


@dataclass
class Problem:
    """One thing wrong in a file. ``column`` is a letter ("C") or a 1-based index."""

    sheet: str | None = None
    row: int | None = None
    column: str | int | None = None
    header: str = ""
    message: str = ""
    severity: str = ERROR

    def __post_init__(self):
        if isinstance(self.column, int):
            self.column = get_column_letter(self.column)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(_("Trang tính “%(s)s”") % {"s": self.sheet})
        if self.row is not None:
            parts.append(_("dòng %(r)s") % {"r": self.row})
        if self.column:
            column = _("cột %(c)s") % {"c": self.column}
            if self.header:
                column += f" (“{self.header}”)"
            parts.append(column)
        elif self.header:
            parts.append(_("cột “%(h)s”") % {"h": self.header})
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
            "severity": self.severity,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(**data)


class SpreadsheetError(Exception):
    """The file cannot be used at all; ``problems`` says why (Vietnamese)."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(message=problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


def check_upload(upload) -> None:
    """Form-level check of an uploaded workbook's size (a clear message before any reading)."""
    from django.core.exceptions import ValidationError

    size = getattr(upload, "size", None)
    limit = cap("MAX_UPLOAD_BYTES")
    if size is not None and size > limit:
        raise ValidationError(
            _("Tệp “%(f)s” nặng %(size)s, quá giới hạn %(max)s cho một lần nhập.")
            % {"f": upload.name, "size": human_size(size), "max": human_size(limit)}
        )
    if size == 0:
        raise ValidationError(_("Tệp “%(f)s” rỗng.") % {"f": upload.name})


# --- the workbook -------------------------------------------------------------------------------


def _size_of(source) -> int | None:
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    try:
        here = source.tell()
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(here)
        return size
    except (AttributeError, OSError):
        return None


def open_workbook(source, filename: str | None = None, *, max_bytes: int | None = None) -> Workbook:
    """Open an .xlsx for streaming reading, or raise SpreadsheetError in well under a second."""
    name = filename or os.path.basename(str(getattr(source, "name", None) or source))
    max_bytes = max_bytes or cap("MAX_UPLOAD_BYTES")

    def refuse(message, template=None):
        template = template or _("Tệp “%(f)s”: %(m)s")
        raise SpreadsheetError([Problem(message=template % {"f": name, "m": message})])

    size = _size_of(source)
    if size is not None and size > max_bytes:
        refuse(
            _("tệp nặng %(size)s, quá giới hạn %(max)s cho một lần nhập.")
            % {"size": human_size(size), "max": human_size(max_bytes)}
        )
    if hasattr(source, "seek"):
        source.seek(0)
    unreadable = _("Không đọc được tệp “%(f)s”: %(m)s")
    not_xlsx = _NOT_XLSX()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse(not_xlsx, unreadable)
    try:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if len(members) > cap("MAX_ZIP_MEMBERS") or unpacked > cap("MAX_UNPACKED_BYTES"):
            refuse(
                _("nội dung giải nén %(size)s, quá giới hạn %(max)s (hãy tách thành nhiều tệp).")
                % {"size": human_size(unpacked), "max": human_size(cap("MAX_UNPACKED_BYTES"))}
            )
        if "xl/workbook.xml" not in archive.namelist():
            refuse(not_xlsx, unreadable)
    finally:
        archive.close()
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        reader = _workbook_reader()(source, read_only=True, data_only=True)
        reader.read()
        book = reader.wb
    except Exception:  # openpyxl raises many kinds for a damaged file
        refuse(not_xlsx, unreadable)
    return Workbook(book, name)


def _shared_strings(source) -> list[str]:
    """The shared-strings table as openpyxl's ``read_string_table`` reads it (each ``si``'s
    ``Text.content``, "x005F_" escapes dropped), with lxml and no object per string."""
    strings = []
    for _event, node in etree.iterparse(
        source,
        events=("end",),
        tag=_MAIN + "si",
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    ):
        strings.append(_inline_text(node).replace("x005F_", ""))
        node.clear()
        while node.getprevious() is not None:
            del node.getparent()[0]
    return strings


@functools.cache
def _workbook_reader():
    """openpyxl's reader of a workbook (sheets, styles, date formats) whose shared strings
    are read by ``_shared_strings``: about a third of the parse of a list saved by Excel.
    (openpyxl is imported on first use, as before.)"""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class WorkbookReader(ExcelReader):
        def read_strings(self):
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as src:
                    self.shared_strings = _shared_strings(src)

    return WorkbookReader


class Workbook:
    def __init__(self, book, filename: str):
        self._book = book
        self.filename = filename

    @property
    def sheetnames(self) -> list[str]:
        return [ws.title for ws in self._book.worksheets]

    @property
    def sheets(self) -> list[Sheet]:
        return [Sheet(self, ws) for ws in self._book.worksheets]

    def sheet(self, name: str | None = None) -> Sheet:
        """The named sheet, or the first one for None."""
        worksheets = self._book.worksheets
        if not worksheets:
            raise SpreadsheetError(_("Tệp “%(f)s” không có trang tính nào.") % {"f": self.filename})
        if name is None:
            return Sheet(self, worksheets[0])
        for ws in worksheets:
            if ws.title == name or name_key(ws.title) == name_key(name):
                return Sheet(self, ws)
        raise SpreadsheetError(
            _("Tệp “%(f)s” không có trang tính “%(s)s” (có: %(all)s).")
            % {"f": self.filename, "s": name, "all": ", ".join(self.sheetnames)}
        )

    def close(self):
        self._book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass(frozen=True)
class Merge:
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    def covers(self, r: int, c: int) -> bool:
        return self.min_row <= r <= self.max_row and self.min_col <= c <= self.max_col


class MergeIndex:
    """Which merged range covers a cell, in time proportional to the ranges of that row.

    Ranges are indexed by row (tall ones, over TALL rows, are kept apart and capped); a range
    whose top-left cell lies inside an earlier one (invalid overlap, only a crafted file has it)
    is dropped; ranges right of the column cap are ignored."""

    TALL = 100
    MAX_TALL = 500

    def __init__(self, merges: list[Merge], sheet: Sheet | None = None):
        self.by_row: dict[int, list[Merge]] = {}
        self.tall: list[Merge] = []
        self.kept: list[Merge] = []
        max_cols = cap("MAX_COLUMNS")
        for m in sorted(merges, key=lambda m: (m.min_row, m.min_col)):
            if m.min_col > max_cols or self.at(m.min_row, m.min_col) is not None:
                continue
            self.kept.append(m)
            if m.max_row - m.min_row >= self.TALL:
                self.tall.append(m)
                if len(self.tall) > self.MAX_TALL and sheet is not None:
                    sheet.refuse(
                        _("có quá nhiều vùng ô gộp trải dài nhiều dòng; hãy bỏ gộp ô rồi nhập lại.")
                    )
            else:
                for r in range(m.min_row, m.max_row + 1):
                    self.by_row.setdefault(r, []).append(m)

    def at(self, r: int, c: int) -> Merge | None:
        for m in self.by_row.get(r, ()):
            if m.min_col <= c <= m.max_col:
                return m
        for m in self.tall:
            if m.covers(r, c):
                return m
        return None


class Sheet:
    """One worksheet, read as a stream of rows of present cells."""

    def __init__(self, workbook: Workbook, ws):
        self.workbook = workbook
        self.ws = ws
        self.title = ws.title
        self._merges: list[Merge] | None = None

    def problem(self, message, row=None, column=None, header="", severity=ERROR) -> Problem:
        return Problem(self.title, row, column, header, message, severity)

    def refuse(self, message, row=None):
        raise SpreadsheetError([self.problem(message, row)])

    @property
    def merges(self) -> list[Merge]:
        """Merged ranges, found by scanning the sheet XML (never expanded into cells)."""
        if self._merges is None:
            found: list[Merge] = []
            limit = cap("MAX_MERGED_RANGES")
            tail = b""
            with self.ws._get_source() as src:
                while True:
                    chunk = src.read(_CHUNK)
                    if not chunk:
                        break
                    data = tail + chunk
                    end = 0
                    if b"mergeCell" not in data:
                        tail = data[-200:]
                        continue
                    for match in _MERGE.finditer(data):
                        ref = match.group(1).decode("ascii").upper()
                        if ":" not in ref:
                            ref = f"{ref}:{ref}"
                        found.append(Merge(*range_boundaries(ref)))
                        end = match.end()
                        if len(found) > limit:
                            self.refuse(
                                _("có hơn %(n)s vùng ô gộp; hãy bỏ gộp ô rồi nhập lại.")
                                % {"n": limit}
                            )
                    tail = data[max(end, len(data) - 200) :]
            self._merges = sorted(found, key=lambda m: (m.min_row, m.min_col))
        return self._merges

    @property
    def merge_index(self) -> MergeIndex:
        if getattr(self, "_merge_index", None) is None:
            self._merge_index = MergeIndex(self.merges, self)
        return self._merge_index

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        """(row number, {column: value}) for every row element holding a non-blank cell, in
        order; blank cells are left out and columns beyond the cap ignored.

        The values are those openpyxl's read-only parser gives (``data_only``: a formula's
        cached value; numbers, dates by the cell's style, shared and inline strings, booleans,
        ISO dates, error codes as text), read by ``_SheetCells`` from the row elements only:
        about three times quicker than openpyxl's cell-by-cell parser, which builds a dict and,
        for an inline string, a rich-text object per cell (tests/core/test_spreadsheet.py
        compares the two on every kind of cell)."""
        book = self.workbook._book
        max_cells, max_cols = cap("MAX_CELLS"), cap("MAX_COLUMNS")
        cells = 0
        reader = _SheetCells(
            self.ws._shared_strings, book.epoch, book._date_formats, book._timedelta_formats
        )
        with self.ws._get_source() as src:
            try:
                for number, count, values in reader.rows(src, max_cols):
                    cells += count
                    if cells > max_cells:
                        self.refuse(
                            _("trang tính có hơn %(n)s ô; hãy tách thành nhiều tệp.")
                            % {"n": f"{max_cells:,}".replace(",", ".")},
                            number,
                        )
                    if values:
                        yield number, values
            except (expat.ExpatError, _DoctypeRefused):
                self.refuse(
                    _("Không đọc được tệp “%(f)s”: %(m)s")
                    % {"f": self.workbook.filename, "m": _NOT_XLSX()}
                )

    def grid(self, max_rows: int) -> Grid:
        """The first ``max_rows`` rows in memory, with merged ranges, for readers that look
        around (the target form). A non-blank row below max_rows refuses the file."""
        grid = Grid(self)
        for number, values in self.rows():
            if number > max_rows:
                self.refuse(
                    _("trang tính có dữ liệu ở dòng %(r)s, quá giới hạn %(n)s dòng.")
                    % {"r": number, "n": max_rows},
                    number,
                )
            grid.cells[number] = values
        grid.max_row = max(grid.cells, default=0)
        grid.max_col = max((max(v) for v in grid.cells.values()), default=0)
        return grid


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _VALUE, _INLINE, _TEXT, _RUN = (_MAIN + t for t in ("row", "v", "is", "t", "r"))
# The same names as expat gives them (namespace, "}", local name).
_ROW_NAME, _V_NAME, _IS_NAME = (t[1:] for t in (_ROW, _VALUE, _INLINE))
_DIGITS = "0123456789"


def _NOT_XLSX():
    return _(
        "không phải tệp Excel .xlsx hợp lệ (tệp .xls cũ hãy mở bằng Excel và lưu lại dạng .xlsx)."
    )


def _localname(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _inline_text(node) -> str:
    """An inline string's text as openpyxl reads it (``Text.content``): its plain ``t`` and
    the ``t`` of each rich-text run, phonetic runs left out."""
    plain, runs = None, []
    for child in node:
        tag = child.tag
        name = "t" if tag == _TEXT else "r" if tag == _RUN else _localname(tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            text = None
            for part in child:
                if part.tag == _TEXT or _localname(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    if not runs:
        return plain or ""
    return "".join([plain, *runs] if plain is not None else runs)


class _DoctypeRefused(Exception):
    pass


class _SheetCells:
    """The cells of a worksheet's XML, row by row, with openpyxl's reading of each value
    (``openpyxl.worksheet._reader.WorkSheetParser.parse_cell``, ``data_only``) but none of its
    per-cell objects: expat's callbacks fill one small list per cell. A document type
    declaration (how entity bombs are built; a workbook has none) refuses the sheet."""

    def __init__(self, shared_strings, epoch, date_formats, timedelta_formats):
        self.shared = shared_strings
        self.epoch = epoch
        self.date_formats = date_formats
        self.timedelta_formats = timedelta_formats
        self.letters: dict[str, int] = {}  # "AB" -> 28

    def column(self, ref: str) -> int:
        letters = ref.rstrip(_DIGITS)
        column = self.letters.get(letters)
        if column is None:
            if len(letters) == len(ref) or not letters.isalpha():
                return coordinate_to_tuple(ref)[1]  # openpyxl's reading (and its error)
            column = self.letters[letters] = column_index_from_string(letters)
        return column

    def number(self, text: str, style, ref):
        value = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        if style in self.date_formats:
            try:
                return from_excel(value, self.epoch, timedelta=style in self.timedelta_formats)
            except (OverflowError, ValueError):
                warnings.warn(
                    f"Cell {ref} is marked as a date but the serial value {value} is outside "
                    "the limits for dates. The cell will be treated as an error.",
                    stacklevel=2,
                )
                return "#VALUE!"
        return value

    def value(self, kind, style, ref, text, inline):
        """The cell's value as openpyxl gives it, or None (blank). text: its first ``v``
        child's text; inline: its inline string's text (None without an ``is``)."""
        if kind == "inlineStr":
            return inline if inline is not None and inline.strip() else None
        if not text:
            return None
        if kind == "n":
            return self.number(text, int(style) if style else (0 if style is None else style), ref)
        if kind == "s":
            value = self.shared[int(text)]
            return None if isinstance(value, str) and not value.strip() else value
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text if text.strip() else None  # "str" (a formula's text), "e" (#N/A…)

    def rows(self, source, max_cols: int):
        """(row number, cells in the row element, {column: non-blank value}), read from the
        sheet's XML (a binary file) in chunks."""
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        done: list[tuple[int, int, dict]] = []
        shared, date_formats = self.shared, self.date_formats
        value_of, column_of = self.value, self.column
        # The parser's place: depth of the element open, of the row being read (0 outside
        # rows), of the cell's first inline string and of the run being read in it.
        depth = row_depth = in_inline = in_run = 0
        counter = 0  # the row number (openpyxl's: the r attribute, else one more)
        values: dict[int, object] = {}
        count = column = 0
        cell: list | None = None  # [kind, style, ref, column, v text, inline text]
        # Text being captured: the element's own text up to its first child (ElementTree's
        # .text), for the cell's first v ("v"), an inline string's t ("t"), a run's t ("rt").
        capture: list[str] | None = None
        capture_depth, target = 0, ""
        plain: str | None = None
        run_text: str | None = None
        runs: list[str] = []

        styles: dict = {}  # the cell's s attribute -> whether it formats a date

        def is_date(style) -> bool:
            found = styles.get(style)
            if found is None:
                found = styles[style] = (
                    int(style) if style else (0 if style is None else style)
                ) in date_formats
            return found

        def captured():
            nonlocal capture, plain, run_text
            text = "".join(capture)
            capture = None
            if target == "v":
                cell[4] = text
            elif target == "t":
                plain = text
            else:
                run_text = text

        def start(name, attrs):
            nonlocal depth, row_depth, counter, values, count, column, cell, capture
            nonlocal capture_depth, target, in_inline, in_run, plain, run_text, runs
            depth += 1
            if capture is not None:
                captured()  # a child element: the captured text ends here
            if not row_depth:
                if name == _ROW_NAME:
                    r = attrs.get("r")
                    if r is None:
                        counter += 1
                    else:
                        try:
                            counter = int(r)
                        except ValueError:
                            as_float = float(r)
                            if not as_float.is_integer():
                                raise ValueError(f"{r} is not a valid row number") from None
                            counter = int(as_float)
                    row_depth, values, count, column, cell = depth, {}, 0, 0, None
                return
            level = depth - row_depth
            if level == 1:  # a cell (every child of a row counts as one, as in openpyxl)
                count += 1
                ref = attrs.get("r")
                column = column_of(ref) if ref else column + 1
                cell = [attrs.get("t", "n"), attrs.get("s"), ref, column, None, None]
                in_inline = in_run = 0
            elif cell is None:
                return
            elif level == 2:
                if name == _V_NAME:
                    if cell[4] is None:
                        capture, capture_depth, target = [], depth, "v"
                elif name == _IS_NAME and not in_inline:
                    in_inline, plain, runs = depth, None, []
            elif in_inline > 0 and depth == in_inline + 1:
                local = name.rpartition("}")[2]
                if local == "t":
                    capture, capture_depth, target = [], depth, "t"
                elif local == "r":
                    in_run, run_text = depth, None
            elif in_run and depth == in_run + 1 and name.rpartition("}")[2] == "t":
                capture, capture_depth, target = [], depth, "rt"

        def end(_name):
            nonlocal depth, row_depth, cell, in_inline, in_run
            if capture is not None and depth == capture_depth:
                captured()
            level = depth - row_depth
            depth -= 1
            if not row_depth or cell is None and level != 0:
                return
            if level == 0:
                done.append((counter, count, values))
                row_depth, cell = 0, None
            elif level == 1:
                column = cell[3]
                if column <= max_cols:
                    kind, text = cell[0], cell[4]
                    if kind == "s" and text:  # the usual cells first: shared text, numbers
                        value = shared[int(text)]
                        if not isinstance(value, str) or value.strip():
                            values[column] = value
                    elif kind == "n" and text and not is_date(cell[1]):
                        if "." in text or "E" in text or "e" in text:
                            values[column] = float(text)
                        else:
                            values[column] = int(text)
                    else:
                        value = value_of(kind, cell[1], cell[2], text, cell[5])
                        if value is not None:
                            values[column] = value
                cell = None
            elif in_run and depth + 1 == in_run:
                if run_text is not None:
                    runs.append(run_text)
                in_run = 0
            elif in_inline > 0 and depth + 1 == in_inline:
                if runs:
                    cell[5] = "".join([plain, *runs] if plain is not None else runs)
                else:
                    cell[5] = plain or ""
                in_inline = -1  # only the cell's first inline string counts

        def text(data):
            if capture is not None:
                capture.append(data)

        def doctype(*_args):
            raise _DoctypeRefused

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        parser.StartDoctypeDeclHandler = doctype
        while True:
            chunk = source.read(_CHUNK)
            parser.Parse(chunk, not chunk)
            if done:
                yield from done
                done.clear()
            if not chunk:
                return


class Grid:
    """Cells of a sheet held in memory (sparse), with merged ranges filled from their
    top-left cell on demand."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.title = sheet.title
        self.cells: dict[int, dict[int, object]] = {}
        self.max_row = 0
        self.max_col = 0
        self.index = sheet.merge_index
        self.merges = self.index.kept
        self.bottom = {(m.min_row, m.min_col): m.max_row for m in self.merges}

    def merge_at(self, r: int, c: int) -> Merge | None:
        return self.index.at(r, c)

    def raw(self, r: int, c: int):
        """The cell as written (None inside a merge but its top-left cell)."""
        value = self.cells.get(r, {}).get(c)
        if value is not None and self.origin(r, c) != (r, c):
            return None
        return value

    def origin(self, r: int, c: int) -> tuple[int, int]:
        m = self.merge_at(r, c)
        return (m.min_row, m.min_col) if m else (r, c)

    def value(self, r: int, c: int):
        r0, c0 = self.origin(r, c)
        return self.cells.get(r0, {}).get(c0)

    def text(self, r: int, c: int) -> str:
        return clean(self.value(r, c))

    def is_continuation(self, r: int, c: int) -> bool:
        return self.origin(r, c)[0] < r

    def row_empty(self, r: int, first: int, last: int) -> bool:
        row = self.cells.get(r, {})
        return not any(first <= c <= last for c in row)


# --- tables -------------------------------------------------------------------------------------


@dataclass
class Column:
    """A column a reader expects: its key, the header texts accepted, its kind.

    kind: "text" (NFC, legacy encodings repaired), "int" (whole number, Vietnamese grouping),
    "date" (Excel date or dd/mm/yyyy), "raw" (the value as the sheet holds it)."""

    key: str
    headers: list[str]
    required: bool = False
    kind: str = "text"
    min_value: int | None = None
    max_value: int | None = None

    @property
    def label(self) -> str:
        return self.headers[0]


@dataclass
class TableRow:
    number: int
    values: dict
    cells: dict = field(default_factory=dict)  # key -> original value
    columns: dict = field(default_factory=dict)  # key -> 1-based column
    repaired: str = ""  # "TCVN3", "VNI" or "NFD" when a text cell was converted

    def letter(self, key: str) -> str:
        column = self.columns.get(key)
        return get_column_letter(column) if column else ""

    def cell(self, key: str) -> str:
        """The cell reference ("C12") of this row's value for key."""
        letter = self.letter(key)
        return f"{letter}{self.number}" if letter else ""

    def raw(self, key: str) -> str:
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, datetime.datetime | datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def is_blank(self) -> bool:
        return all(v in (None, "") for v in self.values.values())


@dataclass
class Table:
    sheet: str
    columns: dict[str, int] = field(default_factory=dict)  # key -> 1-based column
    headers: dict[str, str] = field(default_factory=dict)  # key -> header text as written
    header_row: int | None = None
    header_end: int | None = None
    rows: list[TableRow] = field(default_factory=list)
    total_row: TableRow | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def letter(self, key: str) -> str:
        return get_column_letter(self.columns[key]) if key in self.columns else ""

    def problem(self, row, key, message, severity=ERROR) -> Problem:
        """A problem on this table's column ``key`` (added to ``problems``)."""
        found = Problem(
            self.sheet, row, self.columns.get(key), self.headers.get(key, ""), message, severity
        )
        self.problems.append(found)
        return found


def header_key(text) -> str:
    """A header text for matching: repaired, brackets and final punctuation dropped, case and
    spacing ignored."""
    text = re.sub(r"\(.*?\)", " ", vnencodings.repair(clean(text)))
    return name_key(text).strip(" :*.")


def _is_number_like(value) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    try:
        return parse_int(value) is not None
    except NotANumber:
        return False


def is_numbering_row(values: dict) -> bool:
    """The "(1) (2) (3)" or "A B 1 2" row printed under a header."""
    texts = [clean(v) for v in values.values() if not isinstance(v, datetime.date)]
    if len(texts) < 2 or len(texts) != len(values):
        return False
    if not all(_NUMBERING.match(t) for t in texts):
        return False
    if all(t.startswith("(") for t in texts):
        return True
    digits = [int(t.strip("()")) for t in texts if t.strip("()").isdigit()]
    increasing = all(b == a + 1 for a, b in zip(digits, digits[1:], strict=False))
    return len(texts) >= 3 and len(digits) >= 2 and increasing


def is_total_label(text) -> bool:
    key = name_key(text).rstrip(":").strip()
    return key in TOTAL_WORDS or key.startswith(TOTAL_PREFIXES)


class _Matcher:
    def __init__(self, columns: list[Column]):
        self.columns = columns
        self.keys = {c.key: [header_key(h) for h in c.headers] for c in columns}

    def matches(self, text) -> set[str]:
        key = header_key(text)
        if not key:
            return set()
        return {c.key for c in self.columns if key in self.keys[c.key]}

    def rank(self, column: Column, texts: list[str]) -> int | None:
        """How well a column's header texts (top to bottom) fit: 0 best, None not at all."""
        aliases = self.keys[column.key]
        own = header_key(texts[-1])
        full = header_key(" ".join(texts))
        if full in aliases:
            return 0
        if own in aliases:
            return 1
        if any(header_key(t) in aliases for t in texts[:-1]):
            return 2
        if any(len(a) > 3 and own.startswith(a + " ") for a in aliases):
            return 3
        return None


def read_table(
    sheet: Sheet,
    columns: list[Column],
    *,
    max_rows: int | None = None,
    header_scan: int = HEADER_SCAN_ROWS,
    stop_at_total: bool = True,
    stop_at_blank: bool = True,
) -> Table:
    """Read the table whose header names these columns. Never raises for a cell; raises
    SpreadsheetError when the sheet is beyond the caps.

    stop_at_total: a "Cộng" row ends the table (as ``total_row``); else it is skipped (lists
    with subtotals). stop_at_blank: an empty row ends the table; else it is skipped."""
    max_rows = min(max_rows or cap("MAX_ROWS"), cap("MAX_ROWS"))
    table = Table(sheet=sheet.title)
    matcher = _Matcher(columns)
    index = sheet.merge_index
    merges = index.kept
    stream = sheet.rows()
    head: dict[int, dict[int, object]] = {}
    pending: tuple[int, dict] | None = None
    for number, values in stream:
        if number > header_scan:
            pending = (number, values)
            break
        head[number] = values

    def filled(r, c):
        m = index.at(r, c)
        if m is not None:
            return head.get(m.min_row, {}).get(m.min_col)
        return head.get(r, {}).get(c)

    # The header row: the one whose cells name the most expected columns.
    best, best_row = 0, None
    for r, values in sorted(head.items()):
        found = set()
        for value in values.values():
            if isinstance(value, str):
                found |= matcher.matches(value)
        if len(found) > best:
            best, best_row = len(found), r
    if best_row is None:
        wanted = [c for c in columns if c.required] or columns
        table.problems.append(
            sheet.problem(
                _("không tìm thấy dòng tiêu đề có cột %(cols)s trong %(n)s dòng đầu.")
                % {"cols": ", ".join(f"“{c.label}”" for c in wanted), "n": header_scan}
            )
        )
        return table
    first = best_row
    last = max(
        [first] + [m.max_row for m in merges if m.min_row == first and m.max_row <= header_scan]
    )
    covered_groups = [m for m in merges if m.min_row <= last and m.max_col > m.min_col]
    r = last + 1
    while r in head:
        values = head[r]
        texts = list(values.values())
        if not texts or any(not isinstance(v, str) or _is_number_like(v) for v in texts):
            break
        if is_numbering_row(values):
            break
        named = sum(1 for v in texts if matcher.matches(v))
        under_group = all(any(m.min_col <= c <= m.max_col for m in covered_groups) for c in values)
        if not named and not under_group:
            break
        last = r
        r += 1
    table.header_row, table.header_end = first, last
    span = [c for r in range(first, last + 1) for c in head.get(r, {})]
    span += [m.max_col for m in merges if first <= m.min_row <= last]
    left, right = min(span), min(max(span), cap("MAX_COLUMNS"))
    texts_by_col: dict[int, list[str]] = {}
    for c in range(left, right + 1):
        texts: list[str] = []
        for r in range(first, last + 1):
            text = clean(filled(r, c))
            if text and (not texts or texts[-1] != text):
                texts.append(text)
        if texts:
            texts_by_col[c] = texts
    taken: dict[int, str] = {}
    for rank in range(4):
        for column in columns:
            if column.key in table.columns:
                continue
            for c, texts in texts_by_col.items():
                if c not in taken and matcher.rank(column, texts) == rank:
                    table.columns[column.key] = c
                    table.headers[column.key] = texts[-1]
                    taken[c] = column.key
                    break
    missing = [c for c in columns if c.required and c.key not in table.columns]
    for column in missing:
        table.problems.append(
            sheet.problem(
                _("thiếu cột “%(col)s” (tên cột được chấp nhận: %(names)s).")
                % {"col": column.label, "names": ", ".join(f"“{h}”" for h in column.headers)},
                first,
            )
        )
    if missing:
        return table

    # Data rows.
    def data_rows():
        for r in sorted(head):
            if r > last:
                yield r, head[r]
        if pending:
            yield pending
            yield from stream

    top_values: dict[tuple[int, int], object] = {}  # a merged range's top-left value
    by_key = {c.key: c for c in columns}
    placed = list(table.columns.items())
    # Merged ranges reaching below the header: only their rows look the index up.
    data_merges = any(m.max_row > last for m in merges)
    raw_rows: list[tuple[int, dict]] = []
    previous = last
    started = False
    for number, values in data_rows():
        if started and stop_at_blank and number > previous + 1:
            break  # an empty row ends the table
        if left <= min(values) and max(values) <= right:
            inside = values
        else:
            inside = {c: v for c, v in values.items() if left <= c <= right}
        if not inside:
            if started and stop_at_blank:
                break
            previous = number
            continue
        if not started and is_numbering_row(inside):
            previous = number
            continue
        started = True
        previous = number
        if data_merges and (number in index.by_row or index.tall):
            row_values = {}
            for key, c in placed:
                value = values.get(c)
                m = index.at(number, c)
                if m is not None and m.min_row > last:  # a data cell merged down several rows
                    origin = (m.min_row, m.min_col)
                    if origin == (number, m.min_col):
                        top_values[origin] = values.get(m.min_col)
                    if value is None:
                        value = top_values.get(origin)
                row_values[key] = value
        else:
            row_values = {key: values.get(c) for key, c in placed}
        # The row's first text, left to right, may say "Cộng" (a total row).
        label, at = None, None
        for c, v in inside.items():
            if isinstance(v, str) and (at is None or c < at):
                label, at = v, c
        if label is not None and label.lstrip()[:1] in _TOTAL_INITIALS and is_total_label(label):
            if stop_at_total:
                table.total_row = TableRow(number, {}, row_values, dict(table.columns))
                break
            table.skipped.append((number, _("dòng tổng cộng")))
            continue
        if len(raw_rows) >= max_rows:
            sheet.refuse(
                _("bảng có hơn %(n)s dòng dữ liệu; hãy tách thành nhiều tệp.")
                % {"n": f"{max_rows:,}".replace(",", ".")},
                number,
            )
        raw_rows.append((number, row_values))
    stream.close()

    # The sheet's legacy encoding, if any, from its texts (ASCII ones tell nothing).
    table.encoding = vnencodings.detect_many(
        v for _n, vals in raw_rows for v in vals.values() if isinstance(v, str) and not v.isascii()
    )
    memo: dict = {}  # a list repeats most texts: each distinct one repaired once
    kinds = {key: by_key[key].kind for key in table.columns}
    shared_columns = dict(table.columns)  # the same for every row (read, never changed)
    hint = table.encoding
    for number, raw in raw_rows:
        row = TableRow(number, {}, raw, shared_columns)
        converted = row.values
        for key, value in raw.items():
            kind = kinds[key]
            if isinstance(value, str) and (kind == "text" or kind == "raw"):
                found = memo.get(value)
                if found is None:
                    found = memo[value] = _repaired(value, hint)
                if found[1] and kind == "text" and not row.repaired:
                    row.repaired = found[1]
                converted[key] = found[0]
            elif kind == "raw":
                converted[key] = value
            else:
                converted[key] = _convert(table, row, by_key[key], value, memo=memo)
        table.rows.append(row)
    if table.total_row is not None:
        total = table.total_row
        for key, value in total.cells.items():
            total.values[key] = _convert(table, total, by_key[key], value, quiet=True)
    return table


def _repaired(value: str, hint: str | None) -> tuple[str, str]:
    """(the text repaired to NFC and cleaned, what it was repaired from: "TCVN3", "VNI",
    "NFD" or "")."""
    # The two common cases first, as vnencodings.repair decides them: ASCII text is left as it
    # is, and text holding a letter only Unicode has (ă, đ, ơ, ư, ạ…) is Unicode already.
    if value.isascii():
        return clean(value), ""
    nfc = unicodedata.normalize("NFC", value)
    if vnencodings._has_unicode_vietnamese(nfc):
        return clean(nfc), ("NFD" if nfc != value else "")
    fixed = vnencodings.repair(value, hint=hint)
    label = ""
    if fixed != value:
        nfc = unicodedata.normalize("NFC", value)
        if fixed != nfc:
            label = (vnencodings.detect(nfc) or hint or "").upper()
        elif nfc != value:
            label = "NFD"
    return clean(fixed), label


def _convert(table: Table, row: TableRow, column: Column, value, quiet=False, memo=None):
    def fail(message):
        if not quiet:
            table.problem(row.number, column.key, message)
        return None

    if column.kind in ("raw", "text") and isinstance(value, str):
        found = memo.get(value) if memo is not None else None
        if found is None:
            found = _repaired(value, table.encoding)
            if memo is not None:
                memo[value] = found
        fixed, label = found
        if column.kind == "text" and label and not row.repaired:
            row.repaired = label
        return fixed
    if column.kind == "raw":
        return value
    if column.kind == "text":
        if value is None:
            return ""
        if isinstance(value, datetime.datetime | datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    if column.kind == "int":
        try:
            number = parse_int(value)
        except NotANumber:
            return fail(_("“%(v)s” không phải số nguyên.") % {"v": clean(value)})
        if number is None:
            return None
        if column.min_value is not None and number < column.min_value:
            return fail(
                _("%(v)s nhỏ hơn giá trị nhỏ nhất %(min)s.")
                % {"v": number, "min": column.min_value}
            )
        if column.max_value is not None and number > column.max_value:
            return fail(
                _("%(v)s quá lớn (tối đa %(max)s).")
                % {"v": number, "max": f"{column.max_value:,}".replace(",", ".")}
            )
        return number
    if column.kind == "date":
        try:
            return parse_date(value)
        except ValueError:
            return fail(_("“%(v)s” không phải ngày (dd/mm/yyyy).") % {"v": clean(value)})
    raise ValueError(column.kind)
