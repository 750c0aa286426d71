"""Old Excel workbooks (.xls) for the tests, written byte by byte.

No package of the project writes BIFF (xlrd only reads it): this writes the
smallest workbook Excel, LibreOffice and xlrd open, an OLE2 compound document
holding a BIFF8 ``Workbook`` stream of one sheet with text, number and date
cells (format 14, the built-in short date), as Tally's "Export to Excel
(.xls)" gives.
"""

import datetime
import struct

SECTOR = 512
END_OF_CHAIN, FREE, FAT_SECTOR, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
# The stream is kept at the mini stream's cutoff or above, so that it lives in whole sectors.
MINI_CUTOFF = 4096
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def _record(kind, data=b""):
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind):
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 1996, 0, 0x06))


def _xf(format_index, style):
    # Font 0, the format, a style XF (parent 0xFFF) or a cell XF of style 0; no borders nor fill.
    protection = 0xFFF5 if style else 0x0001
    return _record(
        0x00E0, struct.pack("<HHHBBBBIIH", 0, format_index, protection, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    )


def _cell(row, column, value):
    if isinstance(value, datetime.date):
        return _record(0x0203, struct.pack("<HHHd", row, column, 2, float((value - EXCEL_EPOCH).days)))
    if isinstance(value, (int, float)):
        return _record(0x0203, struct.pack("<HHHd", row, column, 1, float(value)))
    text = str(value).encode("utf-16-le")
    return _record(0x0204, struct.pack("<HHHHB", row, column, 1, len(text) // 2, 1) + text)


def _workbook_stream(rows, sheet_name):
    name = sheet_name.encode("latin-1")
    xfs = _xf(0, True) + _xf(0, False) + _xf(14, False)
    # BOUNDSHEET's offset is that of the sheet's BOF: the globals' length is known beforehand.
    boundsheet_size = 4 + 8 + len(name)
    offset = len(_bof(0x0005)) + len(xfs) + boundsheet_size + len(_record(0x000A))
    globals_ = (
        _bof(0x0005)
        + xfs
        + _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name)
        + _record(0x000A)
    )
    cells = b"".join(
        _cell(r, c, value)
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if value not in (None, "")
    )
    stream = globals_ + _bof(0x0010) + cells + _record(0x000A)
    return stream + b"\x00" * max(0, MINI_CUTOFF - len(stream))


def _directory_entry(name, kind, child, start, size):
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,
        NO_STREAM,
        NO_STREAM,
        child,
        b"\x00" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def xls(rows, sheet_name="Sales Register"):
    """The bytes of an .xls workbook whose first sheet holds ``rows`` (lists of
    text, numbers and dates; None or "" for an empty cell)."""
    stream = _workbook_stream(rows, sheet_name)
    stream_sectors = -(-len(stream) // SECTOR)
    stream += b"\x00" * (stream_sectors * SECTOR - len(stream))
    fat = [FAT_SECTOR, END_OF_CHAIN]
    fat += [2 + i + 1 for i in range(stream_sectors - 1)] + [END_OF_CHAIN]
    assert len(fat) <= SECTOR // 4, "a workbook of the tests fits in one FAT sector"
    fat += [FREE] * (SECTOR // 4 - len(fat))
    directory = (
        _directory_entry("Root Entry", 5, 1, END_OF_CHAIN, 0)
        + _directory_entry("Workbook", 2, NO_STREAM, 2, len(stream))
        + _directory_entry("", 0, NO_STREAM, FREE, 0) * 2
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, MINI_CUTOFF, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<109I", 0, *[FREE] * 108)
    )
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + stream
