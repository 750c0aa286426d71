import io
import zipfile
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from odoo.tests import TransactionCase, tagged

from odoo.addons.spm_portal.tools import COLUMNS, billing_file, group_rows, limits, read_rows
from odoo.addons.spm_portal.tools.billing_file import detect_format, to_date, to_number

from .common import fuzz_settings

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit,type\n"


def xlsx(rows):
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@tagged("post_install", "-at_install")
class TestBillingFile(TransactionCase):
    """Reading uploaded files: every problem is an error with its row, never an exception."""

    def read_file(self, data, **kwargs):
        return read_rows(self.env, data, **kwargs)

    def assertOneError(self, data, text, **kwargs):
        rows, errors = self.read_file(data, **kwargs)
        self.assertEqual(rows, [])
        self.assertEqual(len(errors), 1, errors)
        self.assertIn(text, errors[0]["message"])
        return errors[0]

    def test_csv_with_bom_and_semicolons(self):
        data = (
            "\ufeff" + HEADER.replace(",", ";") + "A-1;2026-01-05;Shop;T-INS;2;3,5;sale\n\nA-1;;;T-SUN;1;1;\n"
        ).encode()
        rows, errors = self.read_file(data)
        self.assertFalse(errors)
        self.assertEqual([r["row"] for r in rows], [2, 4], "blank lines are skipped, rows keep their number")
        self.assertEqual(rows[0]["price_unit"], "3,5")
        billings, errors = group_rows(self.env, rows)
        self.assertFalse(errors)
        self.assertEqual(len(billings), 1)
        self.assertEqual(billings[0]["retailer"], "Shop")
        self.assertEqual([line["product"] for line in billings[0]["lines"]], ["T-INS", "T-SUN"])

    def test_header_aliases_and_tabs(self):
        data = b"Bill Number\tDate\tRetailer\tProduct\tQty\tUnit Price\nA\t2026-01-01\tS\tP\t1\t2\n"
        rows, errors = self.read_file(data)
        self.assertFalse(errors)
        self.assertEqual(rows[0]["quantity"], "1")

    def test_xlsx(self):
        import datetime

        data = xlsx(
            [
                ["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit"],
                [1001, datetime.datetime(2026, 1, 5), "Shop", "T-INS", 2, 3.5],
            ]
        )
        self.assertEqual(detect_format(data), "xlsx")
        rows, errors = self.read_file(data)
        self.assertFalse(errors)
        self.assertEqual(rows[0]["bill_number"], 1001)
        self.assertEqual(rows[0]["bill_date"], datetime.date(2026, 1, 5))
        self.assertEqual(rows[0]["price_unit"], 3.5)

    def test_xlsx_formulas_are_refused(self):
        data = xlsx(
            [
                ["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit"],
                ["A", "2026-01-01", "Shop", "T-INS", "=2+2", 1],
            ]
        )
        error = self.assertOneError(data, "Formulas are not accepted")
        self.assertEqual((error["row"], error["column"]), (2, "quantity"))

    def test_csv_injection_in_text_columns(self):
        data = (HEADER + "A,2026-01-01,@SUM(A1),T-INS,-1,2,sale\n").encode()
        error = self.assertOneError(data, "Formulas are not accepted")
        self.assertEqual((error["row"], error["column"]), (2, "retailer"))

    def test_other_encodings(self):
        data = (HEADER + "A,2026-01-01,Caf\xe9,T-INS,1,2,sale\n").encode("latin-1")
        rows, errors = self.read_file(data)
        self.assertFalse(errors)
        self.assertEqual(rows[0]["retailer"], "Caf\xe9")
        self.assertOneError((HEADER).encode("utf-16"), "no rows")
        self.assertOneError(b"\xff\xfe" + HEADER.encode("utf-16-le") + b"\x00\xd8", "any common encoding")

    def test_binary_and_empty_files(self):
        self.assertOneError(b"", "empty")
        self.assertOneError(b"  \n\n", "empty")
        self.assertOneError(HEADER.encode(), "no rows")
        self.assertOneError(b"%PDF-1.7\n...", "binary data")
        self.assertOneError(b"\x00\x01\x02binary" * 10, "binary data")
        self.assertOneError(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cannot be read")
        self.assertOneError(b"PK\x03\x04not really a zip", "cannot be read")

    def test_zip_that_is_not_a_workbook(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as archive:
            archive.writestr("hello.txt", "hello")
        self.assertOneError(output.getvalue(), "cannot be read")

    def test_zip_bomb(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<x/>")
            archive.writestr("xl/huge.xml", b"\x00" * 200_000)
        with patch.object(billing_file, "MAX_XLSX_UNCOMPRESSED", 100_000):
            self.assertOneError(output.getvalue(), "too large once unpacked")

    def test_limits(self):
        self.assertOneError(b"x" * 101, "too large", max_size=100)
        data = (HEADER + "A,2026-01-01,S,P,1,1,sale\n" * 6).encode()
        self.assertOneError(data, "more than 5 rows", max_rows=5)
        data = (HEADER + "A,2026-01-01," + "S" * 1001 + ",P,1,1,sale\n").encode()
        error = self.assertOneError(data, "too long")
        self.assertEqual(error["column"], "retailer")

    def test_a_file_of_the_most_rows_is_within_the_xlsx_bounds(self):
        # Every column of the template filled on each row: a row element, and a cell and its
        # value for each column; the header row as well.
        elements = (limits.MAX_ROWS + 1) * (1 + 2 * len(COLUMNS))
        self.assertLessEqual(elements, limits.MAX_XLSX_ELEMENTS)

    def test_columns(self):
        error = self.assertOneError(b"bill_number,retailer\nA,B\n", "missing: bill_date, product")
        self.assertEqual(error["row"], 1)
        _rows, errors = self.read_file((HEADER.strip() + ",quantiy\nA,2026-01-01,S,P,1,1,sale,1\n").encode())
        self.assertIn("Unknown column", errors[0]["message"])
        self.assertOneError((HEADER + 'A,2026-01-01,"S,P,1,1\n').encode(), "quotation mark")

    def test_rows_of_a_bill_must_agree(self):
        data = HEADER + "A,2026-01-01,Shop,P,1,1,sale\nA,2026-01-02,Shop,P,1,1,sale\n"
        rows, _errors = self.read_file(data.encode())
        billings, errors = group_rows(self.env, rows)
        self.assertEqual([(e["row"], e["column"]) for e in errors], [(3, "bill_date")])
        self.assertIn("row 2", errors[0]["message"])
        del billings

    def test_to_number_and_to_date(self):
        self.assertEqual(to_number("1'234.5"), 1234.5)
        self.assertEqual(to_number("1.234,5"), 1234.5)
        self.assertEqual(to_number("1,234.5"), 1234.5)
        self.assertEqual(to_number(" -3 "), -3.0)
        for bad in ("", "abc", "1,2,3", "nan", "inf", "1e400", True, None, [1]):
            self.assertIsNone(to_number(bad), bad)
        self.assertEqual(str(to_date("2026-02-03")), "2026-02-03")
        self.assertEqual(str(to_date("03/02/2026", ["%d/%m/%Y"])), "2026-02-03")
        self.assertIsNone(to_date("2026-02-30"))

    @fuzz_settings(150)
    @given(st.binary(max_size=2048))
    def test_fuzz_any_bytes(self, data):
        rows, errors = self.read_file(data)
        self.assertTrue(isinstance(rows, list) and isinstance(errors, list))
        self.assertTrue(rows or errors)
        for error in errors:
            self.assertIsInstance(error["message"], str)

    @fuzz_settings(150)
    @given(
        st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=9), max_size=12),
        st.sampled_from([",", ";", "\t"]),
    )
    def test_fuzz_csv_text(self, table, delimiter):
        import csv

        output = io.StringIO()
        writer = csv.writer(output, delimiter=delimiter)
        writer.writerow(["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit"])
        writer.writerows(table)
        rows, errors = self.read_file(output.getvalue().encode())
        self.assertTrue(rows or errors)
        if not errors:
            billings, group_errors = group_rows(self.env, rows)
            # Every row is a line of its bill, or has no bill number.
            missing = sum(1 for e in group_errors if e["column"] == "bill_number")
            self.assertEqual(sum(len(b["lines"]) for b in billings) + missing, len(rows))
