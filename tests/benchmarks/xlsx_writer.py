"""7. The XLSX writer: rows of the credit report's Detail sheet written by the
addons' own streaming writer (``spm_credit/tools/xlsx_stream.py``) and by
xlsxwriter in its constant-memory mode, the one that streams rows as well.

It measures why the report has a hand-written writer, without a database:

    python -m tests.benchmarks.xlsx_writer [--rows N]     # prints the figures
    ./spm bench --only xlsx                               # within the benchmarks

Both write the same rows, of the Detail sheet's columns and cell styles,
every text as text (xlsxwriter told not to turn strings into formulas,
numbers or links, as ``xlsx_stream`` never does), each with its default
compression. Building the rows is not timed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
XLSX_STREAM = REPO_ROOT / "addons" / "spm_credit" / "tools" / "xlsx_stream.py"
# The styles of the Detail sheet's columns (spm_credit_report_wizard._write_lines_sheet).
COLUMN_STYLES = (None, "date", "month") + (None,) * 12 + ("money", "percent", "money", "money") + (None,) * 3
STYLES = {
    "header": {"bold": True, "bg_color": "#E9ECEF", "bottom": True, "text_wrap": True, "valign": "top"},
    "date": {"num_format": "yyyy-mm-dd"},
    "month": {"num_format": "mmm yyyy"},
    "money": {"num_format": "#,##0.00"},
    "percent": {"num_format": "0.00%"},
}
HEADER = (
    ("Line", "Date", "Month", "Document", "Salesperson", "Salesperson Ref.", "Business Unit", "Company")
    + ("Customer", "Distributor", "Product", "Basis", "Kind", "State", "Currency", "Base Amount", "Share")
    + ("Amount", "Collected", "Adjustment", "Corrects", "Reason")
)
WIDTHS = (9, 11, 10, 18, 24, 14, 20, 18, 28, 24, 28, 14, 11, 12, 9, 14, 9, 14, 14, 11, 9, 40)
POOL = 1000  # distinct rows, written in turn


def load_xlsx_stream():
    """The addons' writer module, read from its file: it needs only the standard library."""
    spec = importlib.util.spec_from_file_location("spm_xlsx_stream", XLSX_STREAM)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def detail_rows(count):
    """``count`` rows shaped as the Detail sheet's: ids, dates, names, the
    selections' labels, amounts, a share and, on some, an adjustment's reason."""
    day = date(2026, 1, 1)
    pool = []
    for i in range(POOL):
        adjustment = i % 50 == 0
        kind = "Manual" if adjustment else ("Overlay" if i % 7 == 0 else "Split")
        base = round(100 + (i * 37.31) % 9000, 2)
        share = 1.0 if kind == "Overlay" else (0.5, 0.3, 0.2)[i % 3]
        pool.append(
            [
                i + 1,
                day + timedelta(days=i % 365),
                (day + timedelta(days=i % 365)).replace(day=1),
                f"S{i:05d}",
                f"Salesperson {i % 80}",
                f"EMP-{i % 80:03d}",
                ("Pharma", "Consumer", "Generics")[i % 3],
                "SPM Demo Company",
                f"Customer {i % 400} Ltd, Main Street {i % 40}",
                f"Distributor {i % 9}" if i % 5 == 0 else None,
                f"[P-{i % 250:04d}] Product {i % 250} 500 mg",
                "Order" if i % 2 else "Invoice",
                kind,
                ("Provisional", "Confirmed", "Reversed")[i % 3],
                "EUR",
                None if adjustment else base,
                None if adjustment else share,
                round(base * share, 2),
                round(base * share * (i % 2), 2),
                "Yes" if adjustment else "No",
                i - 1 if adjustment and i else None,
                f"Correction of line {i - 1}: the order was split wrongly" if adjustment else None,
            ]
        )
    for index in range(count):
        row = pool[index % POOL]
        row[0] = index + 1
        yield row


def write_xlsx_stream(path, rows):
    xlsx_stream = load_xlsx_stream()
    with xlsx_stream.XlsxStreamWriter(str(path), STYLES) as workbook:
        sheet = workbook.add_sheet("Detail", WIDTHS)
        sheet.append(HEADER, ("header",) * len(HEADER))
        for row in rows:
            sheet.append(row, COLUMN_STYLES)
        sheet.set_autofilter(len(HEADER) - 1)


def write_xlsxwriter(path, rows):
    import xlsxwriter  # noqa: PLC0415 - in the venv, only for this comparison

    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(str(path), options) as workbook:
        formats = {name: workbook.add_format(spec) for name, spec in STYLES.items()}
        styles = [formats.get(name) for name in COLUMN_STYLES]
        sheet = workbook.add_worksheet("Detail")
        for col, width in enumerate(WIDTHS):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, HEADER, formats["header"])
        number = 0
        for number, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is not None:
                    sheet.write(number, col, value, styles[col])
        sheet.autofilter(0, 0, number, len(HEADER) - 1)


def measure(count):
    """Seconds and file size of each writer for ``count`` rows:
    ``{"xlsx_stream": (s, bytes), "xlsxwriter": (s, bytes)}``."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="spm-xlsx-bench-") as tmp:
        for name, write in (("xlsx_stream", write_xlsx_stream), ("xlsxwriter", write_xlsxwriter)):
            path = Path(tmp, f"{name}.xlsx")
            rows = detail_rows(count)
            start = time.perf_counter()
            write(path, rows)
            figures[name] = (time.perf_counter() - start, path.stat().st_size)
    return figures


def bench_xlsx_writer(env, info, results, smoke, conf, db, label="7. XLSX writer"):
    """The Detail sheet's rows through xlsx_stream and xlsxwriter (no database)."""
    count = 500 if smoke else 200_000
    cells = count * len(HEADER)
    print(f"{label}: {count} rows of {len(HEADER)} cells", flush=True)
    figures = measure(count)
    for name, (seconds, size) in figures.items():
        results.add(
            label,
            f"{name}: seconds for {count} rows / µs a cell / MiB",
            f"{seconds:.2f} / {seconds * 1e6 / cells:.2f} / {size / 2**20:.1f}",
        )
    ours, theirs = figures["xlsx_stream"][0], figures["xlsxwriter"][0]
    results.check(label, "times faster than xlsxwriter (constant_memory)", theirs / ours, ">=", 3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the Detail sheet (200,000)")
    args = parser.parse_args(argv)
    cells = args.rows * len(HEADER)
    print(f"{args.rows} rows of {len(HEADER)} cells, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    figures = measure(args.rows)
    for name, (seconds, size) in figures.items():
        print(f"  {name}: {seconds:.2f} s, {seconds * 1e6 / cells:.2f} µs a cell, {size / 2**20:.1f} MiB")
    print(f"  xlsx_stream is {figures['xlsxwriter'][0] / figures['xlsx_stream'][0]:.1f} times faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
