"""The bounded error list of a refused upload as a CSV file, text-safe."""

import csv
import io

from .billing_file import FORMULA_PREFIXES


def errors_csv(env, errors):
    """The CSV (UTF-8 with a byte order mark, for spreadsheets) of ``errors``, rows
    of ``[row, column, bill number, message]`` as the upload page lists them,
    the last saying how many more there were if the list was cut. A cell that a
    spreadsheet would read as a formula is prefixed with a quote, so that a bill
    number or a message quoting the file stays text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([env._("Row"), env._("Column"), env._("Bill Number"), env._("Problem")])
    for error in errors:
        writer.writerow([_text_safe(cell) for cell in error])
    return out.getvalue().encode("utf-8-sig")


def _text_safe(cell):
    if cell is None or cell is False:
        return ""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
