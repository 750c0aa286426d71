"""A streaming XLSX writer: sheets are written row by row straight into the
zip archive, so memory holds a few hundred rows whatever the size of the workbook.

Why not xlsxwriter, which Odoo uses: its cell-by-cell API costs about 6 µs a
cell even in constant memory mode, which made the accountant's export slower
than the rows it reads from the database. Writing the sheet XML of a whole row
with one string template costs a fraction of that. This writer only knows what
the credit report needs: texts (always inline strings, never formulas),
numbers, dates, booleans, total formulas with their cached values, a few cell
styles, column widths, a frozen header row (under an optional block of rows
above it), an autofilter and a print setup (orientation, fit to width, the
header row repeated on every printed page).
"""

import datetime
import functools
import numbers
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 cannot carry at all (not even escaped).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_TEXT = 32767  # Excel's limit for a cell
_EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
# Number formats Excel knows by id; others are declared in the styles.
_BUILTIN_NUM_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
}
_FLUSH_ROWS = 500

_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


class Formula:
    """A formula cell (``text`` without the leading ``=``) and the value it
    shows until the spreadsheet recalculates it."""

    __slots__ = ("text", "value")

    def __init__(self, text, value):
        self.text, self.value = text, value


def column_letter(col):
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    col += 1
    while col:
        col, remainder = divmod(col - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Each function below writes what follows ``<c r="A1" s="1"`` for a value of
# its type. Names repeat from row to row (salespersons, units, customers): the
# text ones are escaped once each, within a bounded cache.
@functools.lru_cache(maxsize=20_000)
def _text_tail(value):
    if _INVALID_XML.search(value):
        value = _INVALID_XML.sub("", value)
    value = escape(value[:_MAX_TEXT])
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _number_tail(value):
    return f"><v>{value!r}</v></c>"


def _boolean_tail(value):
    return f' t="b"><v>{int(value)}</v></c>'


def _date_tail(value):
    return f"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>"


def _datetime_tail(value):
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return _number_tail(value.toordinal() - _EXCEL_EPOCH + seconds / 86400)


def _formula_tail(value):
    if isinstance(value.value, str):  # a formula that shows a text (or nothing)
        return f' t="str"><f>{escape(value.text)}</f><v>{escape(value.value)}</v></c>'
    return f"><f>{escape(value.text)}</f><v>{value.value!r}</v></c>"


def _other_tail(value):
    if isinstance(value, numbers.Real):  # Decimal and other numbers
        return _number_tail(float(value))
    return _text_tail(str(value))


# The type of a value decides the type of its cell.
_TAIL_OF_TYPE = {
    str: _text_tail,
    float: _number_tail,
    int: _number_tail,
    bool: _boolean_tail,
    datetime.date: _date_tail,
    datetime.datetime: _datetime_tail,
    Formula: _formula_tail,
}


class XlsxSheet:
    """One worksheet being written: :meth:`append` rows, top to bottom."""

    def __init__(self, workbook, index, title, widths, freeze_header, header_row=1, print_setup=None):
        self.workbook, self.index, self.title = workbook, index, title
        self.columns = [column_letter(col) for col in range(len(widths))]
        self.header_row = header_row
        self.print_setup = print_setup
        self.rows = 0
        self.autofilter = None
        self._buffer = []
        self._style_attrs = {}
        self._stream = workbook._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        first = header_row + 1
        pane = (
            f'<pane ySplit="{header_row}" topLeftCell="A{first}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{first}" sqref="A{first}"/>'
            if freeze_header
            else ""
        )
        cols = "".join(
            f'<col min="{col}" max="{col}" width="{width + 0.7109375}" customWidth="1"/>'
            for col, width in enumerate(widths, start=1)
        )
        tab = ' tabSelected="1"' if index == 1 else ""
        # Fitting to the page's width is a property of the sheet, declared before its views.
        fit = (
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            if print_setup and print_setup.get("fit_to_width")
            else ""
        )
        self._write(
            f'{_XML_DECLARATION}<worksheet {_NS}>{fit}<sheetViews><sheetView{tab} workbookViewId="0">{pane}'
            f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )

    def append(self, values, styles=()):
        """Write the next row: ``values`` one per column (``None`` leaves the
        cell empty), ``styles`` the style names of the columns (``None`` or
        missing: no style). Returns the row's number in the sheet (1-based)."""
        self.rows += 1
        row = self.rows
        styles = tuple(styles)
        style_attrs = self._style_attrs.get(styles)
        if style_attrs is None:
            attr_of = self.workbook._style_attrs
            style_attrs = self._style_attrs[styles] = [attr_of[name] for name in styles] + [""] * (
                len(self.columns) - len(styles)
            )
        tail_of = _TAIL_OF_TYPE.get
        cells = [f'<row r="{row}">']
        for letter, style, value in zip(self.columns, style_attrs, values, strict=False):
            if value is None:
                if style:
                    cells.append(f'<c r="{letter}{row}"{style}/>')
            else:
                cells.append(f'<c r="{letter}{row}"{style}{tail_of(type(value), _other_tail)(value)}')
        cells.append("</row>")
        self._buffer.append("".join(cells))
        if len(self._buffer) >= _FLUSH_ROWS:
            self._flush()
        return row

    def set_autofilter(self, last_col):
        """Filter buttons on the header row, over the rows written when the sheet is closed."""
        self.autofilter = last_col

    def _write(self, text):
        self._stream.write(text.encode())

    def _flush(self):
        self._write("".join(self._buffer))
        self._buffer.clear()

    def _close(self):
        self._flush()
        tail = "</sheetData>"
        if self.autofilter is not None:
            tail += f'<autoFilter ref="{self.filter_range}"/>'
        self._write(tail + self._print_xml() + "</worksheet>")
        self._stream.close()

    def _print_xml(self):
        """printOptions, pageMargins, pageSetup and headerFooter, in the order the schema wants."""
        setup = self.print_setup
        if not setup:
            return ""
        orientation = "landscape" if setup.get("landscape") else "portrait"
        # fitToHeight 0: as many pages down as the rows need, one page across.
        fit = ' fitToWidth="1" fitToHeight="0"' if setup.get("fit_to_width") else ""
        footer = escape(setup.get("footer", "&P / &N"))
        return (
            '<printOptions gridLines="1"/>'
            '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
            f'<pageSetup orientation="{orientation}"{fit}/>'
            f"<headerFooter><oddFooter>&amp;C{footer}</oddFooter></headerFooter>"
        )

    @property
    def filter_range(self):
        return f"A{self.header_row}:{self.columns[self.autofilter]}{max(self.rows, self.header_row)}"

    @property
    def print_titles(self):
        """The rows repeated at the top of every printed page, or ``None``."""
        if not (self.print_setup and self.print_setup.get("repeat_header")):
            return None
        return f"${self.header_row}:${self.header_row}"


class XlsxStreamWriter:
    """``with XlsxStreamWriter(output, styles) as workbook:`` then, one after
    the other, ``sheet = workbook.add_sheet(...)`` and ``sheet.append(row)``.

    :param output: a path or a seekable binary file object
    :param dict styles: ``{name: spec}`` where spec may hold ``bold``,
        ``bg_color`` (``"#RRGGBB"``), ``top``/``bottom`` (thin border),
        ``text_wrap``, ``valign`` and ``num_format``
    """

    def __init__(self, output, styles):
        # Level 1: the sheets compress nearly as well, several times faster.
        self._zip = zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._styles_xml, ids = _styles(styles)
        self._style_attrs = {None: "", **{name: f' s="{index}"' for name, index in ids.items()}}
        self.sheets = []
        self._current = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.close()
        else:
            self._zip.close()

    def add_sheet(self, title, widths, freeze_header=True, header_row=1, print_setup=None):
        """Start a new sheet (which ends the one being written).

        :param int header_row: the row of the table's header (1-based): the
            rows above it are a free block (a title, the report's parameters);
            the header is frozen, carries the autofilter and is the row
            printed again at the top of every page
        :param dict print_setup: ``landscape``, ``fit_to_width`` (one page
            wide, as many pages down as needed), ``repeat_header`` and
            ``footer`` (Excel's header/footer codes, ``&P / &N`` by default)
        """
        if self._current:
            self._current._close()
        self._current = XlsxSheet(
            self, len(self.sheets) + 1, title[:31], widths, freeze_header, header_row, print_setup
        )
        self.sheets.append(self._current)
        return self._current

    def close(self):
        """End the last sheet and write the parts that list the sheets."""
        if self._current:
            self._current._close()
            self._current = None
        count = len(self.sheets)
        sheets = "".join(
            f'<sheet name={quoteattr(sheet.title)} sheetId="{sheet.index}" r:id="rId{sheet.index}"/>'
            for sheet in self.sheets
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{sheet.index - 1}" hidden="1">'
            f"{escape(_quote_sheet(sheet.title))}!{_absolute(sheet.filter_range)}</definedName>"
            for sheet in self.sheets
            if sheet.autofilter is not None
        ) + "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{sheet.index - 1}">'
            f"{escape(_quote_sheet(sheet.title))}!{sheet.print_titles}</definedName>"
            for sheet in self.sheets
            if sheet.print_titles
        )
        self._zip.writestr(
            "xl/workbook.xml",
            f"{_XML_DECLARATION}<workbook {_NS}><bookViews><workbookView/></bookViews><sheets>{sheets}"
            f"</sheets>{f'<definedNames>{filters}</definedNames>' if filters else ''}</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{index}" Type="{_REL}/worksheet" Target="worksheets/sheet{index}.xml"/>'
            for index in range(1, count + 1)
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{rels}<Relationship Id="rId{count + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self._zip.writestr("xl/styles.xml", self._styles_xml)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for index in range(1, count + 1)
        )
        self._zip.writestr(
            "[Content_Types].xml",
            f'{_XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{overrides}</Types>',
        )
        self._zip.writestr(
            "_rels/.rels",
            f'{_XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        self._zip.close()


def _quote_sheet(title):
    return "'" + title.replace("'", "''") + "'"


def _absolute(cell_range):
    return ":".join("$" + re.sub(r"(\d+)", r"$\1", ref) for ref in cell_range.split(":"))


def _styles(specs):
    """The styles part for ``specs`` and the index of each style in it.

    Fonts, fills and borders are listed once each and shared by the styles
    that use them, as Excel expects."""
    parts = {
        "font": ['<font><sz val="11"/><name val="Calibri"/></font>'],
        "fill": [
            '<fill><patternFill patternType="none"/></fill>',
            '<fill><patternFill patternType="gray125"/></fill>',
        ],
        "border": ["<border><left/><right/><top/><bottom/><diagonal/></border>"],
        "xf": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'],
    }
    num_formats = {}

    def index_of(kind, xml):
        if xml not in parts[kind]:
            parts[kind].append(xml)
        return parts[kind].index(xml)

    ids = {}
    for name, spec in specs.items():
        code = spec.get("num_format", "General")
        num_id = _BUILTIN_NUM_FORMATS.get(code)
        if num_id is None:
            num_id = num_formats.setdefault(code, 164 + len(num_formats))
        bold = "<b/>" if spec.get("bold") else ""
        font = index_of("font", f'<font>{bold}<sz val="11"/><name val="Calibri"/></font>')
        fill = 0
        if spec.get("bg_color"):
            rgb = "FF" + spec["bg_color"].lstrip("#").upper()
            fill = index_of(
                "fill", f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/></patternFill></fill>'
            )
        top = '<top style="thin"><color auto="1"/></top>' if spec.get("top") else "<top/>"
        bottom = '<bottom style="thin"><color auto="1"/></bottom>' if spec.get("bottom") else "<bottom/>"
        border = index_of("border", f"<border><left/><right/>{top}{bottom}<diagonal/></border>")
        alignment = ""
        if spec.get("text_wrap") or spec.get("valign"):
            wrap = ' wrapText="1"' if spec.get("text_wrap") else ""
            valign = f' vertical="{spec["valign"]}"' if spec.get("valign") else ""
            alignment = f"<alignment{valign}{wrap}/>"
        ids[name] = index_of(
            "xf",
            f'<xf numFmtId="{num_id}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" '
            f'applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" '
            f'applyAlignment="{int(bool(alignment))}">{alignment}</xf>',
        )
    formats = "".join(
        f'<numFmt numFmtId="{num_id}" formatCode={quoteattr(code)}/>' for code, num_id in num_formats.items()
    )
    if formats:
        formats = f'<numFmts count="{len(num_formats)}">{formats}</numFmts>'

    listed = "".join(
        f'<{kind}s count="{len(parts[kind])}">{"".join(parts[kind])}</{kind}s>'
        for kind in ("font", "fill", "border")
    )
    xml = (
        f"{_XML_DECLARATION}<styleSheet {_NS}>"
        f"{formats}{listed}"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(parts["xf"])}">{"".join(parts["xf"])}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    return xml, ids
