"""Read the CSV or XLSX files of secondary billings that distributors upload.

The file is read in full, within the bounds of :mod:`.limits`, and every
problem is returned as an error ``{"row", "column", "message"}`` in the
user's language, never raised: the portal shows them at once (the first
``MAX_ERRORS`` and how many more) and imports nothing while there is one. Row
numbers are those a spreadsheet shows: the header is row 1.

What the rows mean (products, dates, amounts, duplicates) is checked by
the billing checker (:mod:`.billing_checker`), the one validator of every channel.
"""

import csv
import datetime
import io
import logging
import math
import re
import zipfile

import chardet
import xlrd

from .billing_columns import COLUMNS, HEADER_COLUMNS, LINE_COLUMNS, REQUIRED_COLUMNS, normalize_header
from .errors import ErrorList
from .limits import (
    MAX_CELL_LENGTH,
    MAX_COLUMNS,
    MAX_CSV_LINE_LENGTH,
    MAX_FILE_SIZE,
    MAX_ROWS,
    MAX_XLSX_CELLS_PER_ROW,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNCOMPRESSED,
)
from .xlsx_reader import XlsxError, read_sheet

_logger = logging.getLogger(__name__)


TEXT_COLUMNS = ("bill_number", "retailer", "product", "type", "currency", "retailer_vat", "retailer_city")
# Characters below the space but tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Spreadsheets run a cell starting with one of these as a formula ("CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

LATIN_ENCODINGS = {"ascii", "iso-8859-1", "iso-8859-9", "iso-8859-15", "windows-1252", "windows-1254"}

MAGICS = (
    (b"PK\x03\x04", "xlsx"),
    (b"\xff\xfe", "csv"),
    (b"\xfe\xff", "csv"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
    (b"%PDF", "binary"),
    (b"\x89PNG", "binary"),
    (b"\xff\xd8\xff", "binary"),
    (b"GIF8", "binary"),
    (b"\x1f\x8b", "binary"),
    (b"PK\x05\x06", "binary"),
    (b"Rar!", "binary"),
    (b"7z\xbc\xaf", "binary"),
)


def _error(row, column, message):
    return {"row": row, "column": column, "message": message}


def detect_format(data):
    """'xlsx', 'csv', 'xls', 'binary' or 'empty', from the content only (a CSV file
    in UTF-16 starts with its byte order mark)."""
    if not data or not data.strip():
        return "empty"
    for magic, kind in MAGICS:
        if data.startswith(magic):
            return kind
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if b"\x00" in sample or controls > max(8, len(sample) // 100):
        return "binary"
    return "csv"


def _format_errors(env):
    _ = env._
    return {
        "empty": _("The file is empty."),
        "binary": _(
            "The file contains binary data: it is neither a CSV nor an Excel (.xlsx) file. "
            "Download the template from this page and fill it in."
        ),
    }


def read_rows(env, data, max_rows=MAX_ROWS, max_size=MAX_FILE_SIZE):
    """Read an uploaded file into rows.

    The file is read as a stream of records and refused at the first bound
    of :mod:`.limits` it breaks (size, rows, columns, cells, unpacked
    size), so that its cost is bounded whatever it holds; errors are
    bounded too (:class:`.errors.ErrorList`).

    :param env: an Odoo environment, for the language of the messages
    :param bytes data: the file's content
    :return: ``(rows, errors)``; each row is a dict ``{"row": number, column: value}``
             with the columns of :data:`COLUMNS` that the file has; values are
             stripped strings, or numbers and dates as the workbook stores them
    """
    data = data or b""
    if len(data) > max_size:
        return [], [
            _error(
                None,
                None,
                env._(
                    "The file is too large (%(size)s MB): the limit is %(limit)s MB. "
                    "Split it into smaller files.",
                    size=round(len(data) / 1024 / 1024, 1),
                    limit=round(max_size / 1024 / 1024),
                ),
            )
        ]
    records, error = open_records(env, data)
    if error:
        return [], [error]
    try:
        return _table_rows(env, records, max_rows)
    except FileError as error:
        return [], [error.error]


def open_records(env, data):
    """The records of a file within its size bound, as ``(records, error)``:
    ``records`` yields ``(row number, values)`` (and raises :class:`FileError`),
    ``error`` is the one error of a file that cannot be read at all."""
    kind = detect_format(data)
    if kind == "xlsx":
        problem = _check_archive(env, data)
        if problem:
            return None, _error(None, None, problem)
        return _xlsx_records(env, data), None
    if kind == "xls":
        return _xls_records(env, data), None
    if kind == "csv":
        return _csv_records(env, data), None
    return None, _error(None, None, _format_errors(env)[kind])


class FileError(Exception):
    """A problem that stops the reading of a file: its one error."""

    def __init__(self, row, message):
        super().__init__(message)
        self.error = _error(row, None, message)


def _too_many_columns(env, row):
    return FileError(
        row,
        env._(
            "This row has more than %(limit)s columns. Delete the columns that are not in the template.",
            limit=MAX_COLUMNS,
        ),
    )


def _csv_lines(env, text):
    """The lines of ``text``, refused when one is longer than a row can be."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_CSV_LINE_LENGTH:
            # Formatted outside _(): the extraction of terms reads its arguments as literals.
            length = f"{len(line):,}"
            raise FileError(
                number,
                env._(
                    "Line %(line)s is too long (%(length)s characters): a row has at most %(columns)s "
                    "columns of %(cell)s characters.",
                    line=number,
                    length=length,
                    columns=MAX_COLUMNS,
                    cell=MAX_CELL_LENGTH,
                ),
            )
        yield line


def _decode(env, data):
    """The text of a CSV file in the encoding it was saved in: its byte order mark's,
    else UTF-8, else what chardet reads around the first byte UTF-8 refuses when it
    is sure of it, else cp1252 (the exports of Windows software), else latin-1."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise FileError(None, _unreadable_text(env)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample of bounded size: chardet's cost grows with what it reads.
        sample = data[max(0, exc.start - 4096) : exc.start + 4096]
    guess = chardet.detect(sample)
    guessed = (guess.get("encoding") or "").lower()
    # Short samples of Western text get guessed as any Latin code page: cp1252 reads them right.
    if (guess.get("confidence") or 0) < 0.9 or guessed in LATIN_ENCODINGS:
        guessed = ""
    for codec in filter(None, (guessed, "cp1252", "latin-1")):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    raise FileError(None, _unreadable_text(env))  # latin-1 decodes any bytes: never reached


def _unreadable_text(env):
    return env._(
        "The text of the file cannot be read in any common encoding. Save it as CSV UTF-8 (in Excel: "
        "File > Save As > CSV UTF-8), then upload it again."
    )


def _sniff_delimiter(text):
    """The delimiter the first lines use most (title rows above the header may have none)."""
    head = text.lstrip("\r\n")[: MAX_CSV_LINE_LENGTH * 4].split("\n", 20)[:20]
    counts = {sep: sum(line.count(sep) for line in head) for sep in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _csv_records(env, data):
    """The records of a CSV file, as ``(row number, values)``."""
    _ = env._
    text = _decode(env, data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(_csv_lines(env, text), delimiter=delimiter, strict=True)
    number = 0
    try:
        for record in reader:
            number += 1
            while record and not record[-1].strip():
                record.pop()
            if len(record) > MAX_COLUMNS:
                raise _too_many_columns(env, number)
            yield number, record
    except csv.Error as exc:
        _logger.info("Unreadable CSV upload: %s", exc)
        raise FileError(
            number + 1,
            _(
                "This row cannot be read: a cell is too long or a quotation mark is not closed (%(error)s).",
                error=str(exc),
            ),
        ) from None


def _check_archive(env, data):
    """Why ``data`` is not a ZIP archive holding a workbook of a sane size, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _unreadable(env)
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED:
        return env._("The workbook is too large once unpacked. Split it into smaller files.")
    if "xl/workbook.xml" not in {m.filename for m in members}:
        return _unreadable(env)
    return None


def _unreadable(env):
    return env._(
        "The file looks like an Excel workbook but cannot be read. Open it in your spreadsheet, save it as "
        "an Excel Workbook (.xlsx) or as CSV UTF-8, then upload it again."
    )


def _xlsx_problem(env, error):
    _ = env._
    messages = {
        "part_too_large": _("The workbook is too large once unpacked. Split it into smaller files."),
        "too_many_strings": _("The workbook has too many different texts. Split it into smaller files."),
        "too_many_styles": _(
            "The workbook has too many cell formats. Copy its values into a new workbook, or save it as "
            "CSV UTF-8, then upload it again."
        ),
        "too_many_cells": _("The sheet has too many cells. Split it into smaller files."),
        "wide_row": _(
            "This row has more than %(limit)s cells. Delete the columns that are not in the template "
            "(select them, then Delete Columns), or save the sheet as CSV UTF-8.",
            limit=MAX_XLSX_CELLS_PER_ROW,
        ),
    }
    if error.kind == "too_many_columns":
        return _too_many_columns(env, error.row)
    return FileError(error.row, messages.get(error.kind) or _unreadable(env))


def _xlsx_records(env, data):
    """The records of the first sheet of a workbook, as ``(row number, values)``."""
    try:
        yield from read_sheet(data)
    except XlsxError as error:
        _logger.info("Refused XLSX upload: %s on row %s", error.kind, error.row)
        raise _xlsx_problem(env, error) from None
    except Exception:  # any corrupt or hostile workbook is the user's error, never a server error
        _logger.info("Unreadable XLSX upload", exc_info=True)
        raise FileError(None, _unreadable(env)) from None


def _xls_value(book, cell):
    """A cell of an old Excel workbook as the XLSX reader gives it."""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value[: MAX_CELL_LENGTH + 1]
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return None  # empty, blank and error cells


def _xls_records(env, data):
    """The records of the first sheet of an old Excel workbook (.xls), as ``(row number, values)``.

    xlrd reads the whole file, which the size bound keeps small (an .xls sheet has
    at most 65,536 rows of 256 columns); a formula cell is read as its last result,
    and text cells are checked as any other."""
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        sheet = book.sheet_by_index(0)
    except Exception:  # any corrupt or hostile workbook is the user's error, never a server error
        _logger.info("Unreadable XLS upload", exc_info=True)
        raise FileError(None, _unreadable(env)) from None
    for index in range(sheet.nrows):
        values = [_xls_value(book, cell) for cell in sheet.row(index)[: MAX_XLSX_CELLS_PER_ROW + 1]]
        while values and _is_blank(values[-1]):
            values.pop()
        if len(values) > MAX_COLUMNS:
            raise _too_many_columns(env, index + 1)
        if values:
            yield index + 1, values


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value):
    """A cell as the validator takes it: stripped text, a number or a date."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _header_columns(env, header_row, header):
    """The column of each cell of the header row (None where untitled), and errors."""
    _ = env._
    columns, errors = [], []
    for title in header:
        name = normalize_header(title) if not _is_blank(title) else None
        if name and name not in COLUMNS:
            errors.append(
                _error(
                    header_row,
                    str(title)[:50],
                    _(
                        'Unknown column "%(column)s". The columns are: %(columns)s.',
                        column=str(title)[:50],
                        columns=", ".join(COLUMNS),
                    ),
                )
            )
        elif name and name in columns:
            errors.append(
                _error(
                    header_row,
                    name,
                    _(
                        'The column "%(column)s" appears twice.',
                        column=name,
                    ),
                )
            )
        columns.append(name if name in COLUMNS else None)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        errors.append(
            _error(
                header_row,
                None,
                _(
                    "The first row must name the columns; missing: %(missing)s. "
                    "Download the template from this page.",
                    missing=", ".join(missing),
                ),
            )
        )
    return columns, errors


def _cell_error(env, value):
    """Why a text cell is refused (too long, a formula, control characters), or None."""
    _ = env._
    if len(value) > MAX_CELL_LENGTH:
        return _("The cell is too long: at most %(limit)s characters.", limit=MAX_CELL_LENGTH)
    if CONTROL_CHARACTERS.search(value):
        return _("The cell contains control characters.")
    return None


def _formula_error(env, column, value):
    if value.startswith("=") or (column in TEXT_COLUMNS and value.startswith(FORMULA_PREFIXES)):
        return env._(
            'Formulas are not accepted: "%(value)s" starts with %(char)s. Enter the value itself.',
            value=value[:50],
            char=repr(value[0]),
        )
    return None


def _row(env, number, values, columns, errors):
    """One data row as a dict of its columns; the errors of its cells go to ``errors``
    (an :class:`.errors.ErrorList`: once it is full, they are only counted)."""
    row = {"row": number}
    for index, raw in enumerate(values):
        column = columns[index] if index < len(columns) else None
        if column is None:
            if not _is_blank(raw):
                errors.report(
                    lambda raw=raw: _error(
                        number,
                        None,
                        env._(
                            'This row has a value in a column without a title: "%(value)s".',
                            value=str(raw)[:50],
                        ),
                    )
                )
            continue
        value = _cell(raw)
        problem = isinstance(value, str) and (_cell_error(env, value) or _formula_error(env, column, value))
        if problem:
            errors.add(_error(number, column, problem))
        else:
            row[column] = value
    return row


def _table_rows(env, records, max_rows):
    """The rows of ``records`` under the header (the first record with a value)."""
    _ = env._
    columns, header_row = None, None
    rows, errors, count = [], ErrorList(), 0
    for number, values in records:
        if all(_is_blank(v) for v in values):
            continue
        if columns is None:
            header_row = number
            columns, header_errors = _header_columns(env, number, values)
            if header_errors:
                return [], header_errors
            continue
        count += 1
        if count > max_rows:
            return [], [
                _error(
                    None,
                    None,
                    _(
                        "The file has more than %(limit)s rows. Split it into smaller files.",
                        limit=format(max_rows, ","),
                    ),
                )
            ]
        row = _row(env, number, values, columns, errors)
        if not errors:
            rows.append(row)
    if header_row is None:
        return [], [_error(None, None, _("The file is empty."))]
    if not count:
        return [], [_error(None, None, _("The file has no rows under its header."))]
    return ([], errors.listed(env)) if errors else (rows, [])


def group_rows(env, rows):
    """Group file rows into billings by bill number, in the order of the file.

    The bill date, retailer, type and currency of a billing are taken from
    its first row; a later row may leave them empty but must not contradict
    them.

    :return: ``(billings, errors)``; each billing is a dict with ``row``
             (its first row), the header columns and ``lines`` (dicts with
             ``row``, ``product``, ``quantity``, ``price_unit``)
    """
    _ = env._
    billings, errors = {}, []
    for row in rows:
        number = row.get("bill_number")
        number = str(number).strip() if not _is_blank(number) else ""
        if not number:
            errors.append(_error(row["row"], "bill_number", _("The bill number is missing.")))
            continue
        billing = billings.get(number)
        if billing is None:
            billing = billings[number] = {
                "row": row["row"],
                "bill_number": number,
                "lines": [],
                **{column: row.get(column) for column in HEADER_COLUMNS},
            }
        else:
            for column in HEADER_COLUMNS:
                value = row.get(column)
                if _is_blank(value):
                    continue
                if _is_blank(billing[column]):
                    billing[column] = value
                elif str(value).strip().casefold() != str(billing[column]).strip().casefold():
                    errors.append(
                        _error(
                            row["row"],
                            column,
                            _(
                                '"%(value)s" differs from "%(first)s" on row %(first_row)s '
                                "of the same bill %(bill)s.",
                                value=value,
                                first=billing[column],
                                first_row=billing["row"],
                                bill=number,
                            ),
                        )
                    )
        billing["lines"].append(
            {
                "row": row["row"],
                **{column: row.get(column) for column in LINE_COLUMNS},
            }
        )
    return list(billings.values()), errors


NUMBER_CHARS = set("0123456789+-.eE")


def _number_text(value):
    """The text of a number as Python reads it, or None."""
    text = "".join(value.split()).replace("'", "").replace("\u2019", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not text or set(text) - NUMBER_CHARS:
        return None
    return text


def to_number(value):
    """A float from a cell or a JSON value, or None when it is not a number.

    Accepts a decimal point or a decimal comma; spaces and apostrophes group
    thousands; with both a point and a comma, the last one is the decimals'.
    """
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            number = None
    elif isinstance(value, str):
        text = _number_text(value)
        try:
            number = float(text) if text else None
        except ValueError:
            number = None
    # NaN, infinities and absurd figures are not numbers a distributor bills.
    if number is None or not math.isfinite(number) or abs(number) > 1e12:
        return None
    return number


def to_date(value, formats=()):
    """A date from a cell or a JSON value (ISO 8601 first, then ``formats``), or None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    for fmt in ("%Y-%m-%d", *formats):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
