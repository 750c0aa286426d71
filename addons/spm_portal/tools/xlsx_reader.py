"""A streaming reader of the first worksheet of an XLSX workbook, with bounds.

openpyxl keeps a whole row's XML tree and every shared string and style
object in memory before a row can be looked at, so a small archive of very
wide rows costs gigabytes. This reader feeds the XML parts to expat chunk by
chunk, keeps nothing but the values of the current row and the shared
strings (each cut after ``MAX_CELL_LENGTH`` characters), and stops at the
first bound of :mod:`.limits` that the workbook breaks. It reads values as
openpyxl does (numbers, shared and inline strings, booleans, dates from the
cell's number format, formulas as ``=...``), with openpyxl's own helpers.
"""

import io
import posixpath
import zipfile
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from . import limits

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CHUNK_SIZE = 64 * 1024
MAX_COLUMN_INDEX = 16_384


class XlsxError(Exception):
    """The workbook breaks a bound or cannot be read. ``kind`` says which,
    ``row`` where, when it is known."""

    def __init__(self, kind, row=None):
        super().__init__(kind, row)
        self.kind, self.row = kind, row


def _local(name):
    # Namespaces are not processed (faster): only a prefix, when a writer uses one, is dropped.
    return name.rpartition(":")[2] if ":" in name else name


def _refuse_dtd(*args):
    # Workbooks have no document type: refusing any rules out entity expansion bombs.
    raise XlsxError("unreadable")


def _parse(archive, name, limit, start, end=None, chars=None):
    """Feed the part ``name`` to expat, at most ``limit`` bytes unpacked;
    yields after each chunk, so that a caller can take what it found."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise XlsxError("unreadable") from None
    if info.file_size > limit:
        raise XlsxError("part_too_large")
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if chars:
        parser.CharacterDataHandler = chars
    size = 0
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            if size > limit:
                raise XlsxError("part_too_large")
            parser.Parse(chunk, False)
            yield
    parser.Parse(b"", True)
    yield


def _consume(parts):
    for _chunk in parts:
        pass


class _Text:
    """Character data of the elements being captured, cut after ``MAX_CELL_LENGTH + 1``
    characters (a longer cell is refused anyway)."""

    __slots__ = ("active", "length", "parts")

    def __init__(self):
        self.active, self.parts, self.length = False, [], 0

    def begin(self):
        self.active, self.parts, self.length = True, [], 0

    def feed(self, text):
        if self.active and self.length <= limits.MAX_CELL_LENGTH:
            self.parts.append(text)
            self.length += len(text)

    def value(self):
        return "".join(self.parts)[: limits.MAX_CELL_LENGTH + 1]


def _workbook(archive):
    """The path of the first worksheet, the shared strings and the styles, and the epoch."""
    sheets, rels, found = [], {}, {"epoch": WINDOWS_EPOCH}

    def workbook_start(name, attrs):
        local = _local(name)
        if local == "sheet":
            sheets.append(next((v for k, v in attrs.items() if ":" in k and _local(k) == "id"), None))
        elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            found["epoch"] = MAC_EPOCH

    def rels_start(name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            rels[attrs.get("Id")] = (attrs.get("Type", "").rpartition("/")[2], path)

    _consume(_parse(archive, WORKBOOK, limits.MAX_XLSX_PART_SIZE, workbook_start))
    if WORKBOOK_RELS in archive.namelist():
        _consume(_parse(archive, WORKBOOK_RELS, limits.MAX_XLSX_PART_SIZE, rels_start))
    worksheets = [rels[rid][1] for rid in sheets if rels.get(rid, ("",))[0] == "worksheet"]
    parts = dict(rels.values())
    return {
        "sheet": worksheets[0] if worksheets else None,
        "strings": parts.get("sharedStrings"),
        "styles": parts.get("styles"),
        "epoch": found["epoch"],
    }


def _shared_strings(archive, path):
    strings, text, state = [], _Text(), {"phonetic": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            text.begin()
            text.active = False
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "t" and not state["phonetic"]:
            text.active = True

    def end(name):
        local = _local(name)
        if local == "t":
            text.active = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            if len(strings) >= limits.MAX_XLSX_STRINGS:
                raise XlsxError("too_many_strings")
            strings.append(text.value())

    if path and path in archive.namelist():
        _consume(_parse(archive, path, limits.MAX_XLSX_STRINGS_SIZE, start, end, text.feed))
    return strings


def _date_styles(archive, path):
    """The indexes of the cell formats that show numbers as dates."""
    formats, styles, state = {}, [], {"cell_xfs": False}

    def start(name, attrs):
        local = _local(name)
        if local == "numFmt":
            formats[attrs.get("numFmtId")] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            state["cell_xfs"] = True
        elif local == "xf" and state["cell_xfs"]:
            if len(styles) >= limits.MAX_XLSX_STYLES:
                raise XlsxError("too_many_styles")
            styles.append(attrs.get("numFmtId", "0"))

    def end(name):
        if _local(name) == "cellXfs":
            state["cell_xfs"] = False

    if not path or path not in archive.namelist():
        return set()
    _consume(_parse(archive, path, limits.MAX_XLSX_PART_SIZE, start, end))
    dates = set()
    for index, format_id in enumerate(styles):
        code = formats.get(format_id)
        if code is None and format_id.isdigit():
            code = BUILTIN_FORMATS.get(int(format_id))
        if code and is_date_format(code):
            dates.add(str(index))
    return dates


def _number(text):
    if "." in text or "e" in text or "E" in text:
        return float(text)
    try:
        return int(text)
    except ValueError:  # beyond Python's digits for an integer; not a number is refused by float()
        return float(text)


class _Sheet:
    """The expat handlers of a worksheet: finished rows are put in ``ready``.
    (The handlers run for every element of the sheet: they are kept short.)"""

    def __init__(self, strings, date_styles, epoch):
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch
        self.ready, self.values, self.parts = [], {}, []
        self.capture = self.formula = False
        self.elements = self.row = self.column = self.cells = self.phonetic = self.length = 0
        self.cell_type = self.style = None

    def chars(self, text):
        if self.capture and self.length <= limits.MAX_CELL_LENGTH:
            self.parts.append(text)
            self.length += len(text)

    def start(self, name, attrs):
        self.elements += 1
        if self.elements > limits.MAX_XLSX_ELEMENTS:
            raise XlsxError("too_many_cells", self.row)
        if ":" in name:
            name = _local(name)
        if name == "c":
            self.cells += 1
            if self.cells > limits.MAX_XLSX_CELLS_PER_ROW:
                raise XlsxError("wide_row", self.row)
            ref = attrs.get("r")
            self.column = column_index_from_string(ref.rstrip("0123456789")) if ref else self.column + 1
            if not 0 < self.column <= MAX_COLUMN_INDEX:
                raise XlsxError("unreadable", self.row)
            self.cell_type, self.style = attrs.get("t", "n"), attrs.get("s")
            self.formula = self.capture = False
            self.parts, self.length = [], 0
        elif name == "v":
            # A formula's cached result is not kept: the formula is refused as such.
            self.capture = not self.formula
        elif name == "row":
            number = attrs.get("r")
            self.row = int(number) if number else self.row + 1
            if not 0 < self.row <= limits.MAX_XLSX_ROW_NUMBER:
                raise XlsxError("unreadable", self.row)
            self.values, self.column, self.cells = {}, 0, 0
        elif name == "f":
            self.formula = self.capture = True
            self.parts, self.length = [], 0
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t" and not self.phonetic:
            self.capture = True

    def end(self, name):
        if ":" in name:
            name = _local(name)
        if name == "c":
            value = self._value()
            if value is not None and value != "":
                if self.column > limits.MAX_COLUMNS:
                    raise XlsxError("too_many_columns", self.row)
                self.values[self.column] = value
        elif name in ("v", "t", "f"):
            self.capture = False
        elif name == "row" and self.values:
            self.ready.append((self.row, [self.values.get(i) for i in range(1, max(self.values) + 1)]))
            self.values = {}
        elif name == "rPh":
            self.phonetic -= 1

    def _value(self):
        text, kind = "".join(self.parts)[: limits.MAX_CELL_LENGTH + 1], self.cell_type
        if self.formula:
            return "=" + text
        if kind in ("inlineStr", "str", "e") or not text:
            return text
        try:
            value = self._typed(kind, text)
        except (ValueError, IndexError):
            raise XlsxError("unreadable", self.row) from None
        if kind == "n" and self.style in self.date_styles:
            try:
                return from_excel(value, self.epoch)
            except (OverflowError, ValueError):
                return value
        return value

    def _typed(self, kind, text):
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return _number(text)


def read_sheet(data):
    """The rows of the first worksheet of the XLSX file ``data``, as
    ``(row number, values)`` with the values of columns 1 to the last one
    with a value; rows without a value are left out. A generator: raises
    :class:`XlsxError` (or zipfile's and expat's errors) when it meets a
    problem."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _workbook(archive)
        if not parts["sheet"]:
            return
        strings = _shared_strings(archive, parts["strings"])
        sheet = _Sheet(strings, _date_styles(archive, parts["styles"]), parts["epoch"])
        for _chunk in _parse(
            archive, parts["sheet"], limits.MAX_XLSX_SHEET_SIZE, sheet.start, sheet.end, sheet.chars
        ):
            yield from sheet.ready
            sheet.ready.clear()
