import datetime

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open

from odoo.addons.spm_portal.tools import group_rows, read_rows
from odoo.addons.spm_portal.tools.billing_export import (
    check_mapping,
    column_key,
    read_export,
    read_export_date,
    read_export_number,
)

from .xls_file import xls

DATA = "spm_portal/tests/data/"


def sample(name):
    with file_open(DATA + name, "rb") as file:
        return file.read()


@tagged("post_install", "-at_install")
class TestBillingExport(TransactionCase):
    """Distributors' own exports: title rows, two-line headers, totals, Indian numbers,
    dates day first, any encoding and delimiter, CSV, XLSX and XLS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Layout = cls.env["spm.distributor.layout"]
        cls.shipped = cls.Layout._spm_layouts_for(cls.env["res.partner"])

    def read_file(self, data, **kwargs):
        return read_export(self.env, data, layouts=kwargs.pop("layouts", self.shipped), **kwargs)

    def test_tally_sales_register(self):
        """cp1252, title rows, item rows under their voucher, 1,23,456.78, units, totals."""
        export = self.read_file(sample("tally_sales_register.csv"))
        self.assertFalse(export.errors)
        self.assertEqual(export.layout, self.env.ref("spm_portal.spm_layout_tally_sales_register"))
        self.assertEqual(
            [(r["row"], r["bill_number"], r["bill_date"], r["retailer"], r["product"]) for r in export.rows],
            [
                (7, "SR/26-27/001", datetime.date(2026, 4, 1), "Kumar Medical & General Stores", "T-INS"),
                (8, "SR/26-27/001", datetime.date(2026, 4, 1), "Kumar Medical & General Stores", "T-SUN"),
                (10, "SR/26-27/002", datetime.date(2026, 4, 2), "Café Nilgiri", "T-INS"),
            ],
            "the separator and Grand Total rows are skipped, the voucher's columns carried to its items",
        )
        self.assertEqual(
            [(r["quantity"], r["price_unit"]) for r in export.rows],
            [("10", "1250.00"), ("2", "123456.78"), ("1", "100.00")],
            "the texts the billing checker reads, grouping and units dropped",
        )
        self.assertEqual([r["type"] for r in export.rows], ["sale"] * 3)
        billings, errors = group_rows(self.env, export.rows)
        self.assertFalse(errors)
        self.assertEqual([len(b["lines"]) for b in billings], [2, 1])
        self.assertEqual(billings[0]["retailer_vat"], "27AAPFU0939F1ZV")

    def test_marg_two_line_header(self):
        """UTF-8 with BOM, semicolons, a two-line header whose first line is merged over columns."""
        export = self.read_file(sample("marg_sales_register.csv"))
        self.assertFalse(export.errors)
        self.assertEqual(export.titles[:4], ["Bill No.", "Bill Date", "Party Code", "Party Name"])
        self.assertEqual(export.layout, self.env.ref("spm_portal.spm_layout_marg_sales_register"))
        self.assertEqual(
            [
                (r["bill_number"], r["bill_date"], r["retailer"], r["product"], float(r["quantity"]))
                for r in export.rows
            ],
            [
                ("M-1001", datetime.date(2026, 4, 1), "Kumar Medical", "T-INS", 5),
                ("M-1001", datetime.date(2026, 4, 1), "Kumar Medical", "T-SUN", 3),
                ("M-1002", datetime.date(2026, 4, 2), "Gupta Kirana", "T-INS", 1),
            ],
        )

    def test_busy_utf16_tabs(self):
        export = self.read_file(sample("busy_sales_register.txt"))
        self.assertFalse(export.errors)
        self.assertEqual(export.layout, self.env.ref("spm_portal.spm_layout_busy_sales_register"))
        self.assertEqual(
            [
                (r["bill_number"], r["retailer"], r["retailer_city"], r["product"], float(r["price_unit"]))
                for r in export.rows
            ],
            [
                ("B/101", "Kumar Medical", "Pune", "T-INS", 1250),
                ("B/101", "Kumar Medical", "Pune", "T-SUN", 99.5),
            ],
        )

    def test_xls_needs_a_mapping_once(self):
        """An old Excel workbook of columns no layout knows: a guess from the names and values,
        then the rows through the mapping given."""
        data = xls(
            [
                ["Distributor export"],
                [],
                ["Inv Ref", "Dated", "Outlet", "SKU Code", "Pcs", "Net Rate"],
                ["INV/1", datetime.date(2026, 4, 1), "Kumar Medical", "T-INS", 12, 1250.5],
                ["INV/2", "01/04/2026", "Gupta Kirana", "T-SUN", 1, "1,23,456.78"],
                ["Total", None, None, None, 13, None],
            ]
        )
        export = self.read_file(data)
        self.assertFalse(export.errors)
        self.assertTrue(export.needs_mapping)
        self.assertFalse(export.rows)
        self.assertEqual(export.keys, ["inv_ref", "dated", "outlet", "sku_code", "pcs", "net_rate"])
        self.assertEqual(
            export.guess,
            {
                "dated": "bill_date",
                "inv_ref": "bill_number",
                "sku_code": "product",
                "outlet": "retailer",
                "pcs": "quantity",
                "net_rate": "price_unit",
            },
        )
        mapped = self.read_file(data, mapping=export.guess)
        self.assertFalse(mapped.errors)
        self.assertEqual(
            [
                (r["bill_number"], r["bill_date"], float(r["quantity"]), float(r["price_unit"]))
                for r in mapped.rows
            ],
            [
                ("INV/1", datetime.date(2026, 4, 1), 12, 1250.5),
                ("INV/2", datetime.date(2026, 4, 1), 1, 123456.78),
            ],
        )

    def test_amount_without_rate(self):
        data = (
            b'Invoice No,Invoice Date,Customer,Item Code,Qty,Value\nA1,01-Apr-2026,Shop,T-INS,4,"1,000.00"\n'
        )
        export = self.read_file(data)
        self.assertTrue(export.needs_mapping)
        mapped = self.read_file(data, mapping=export.guess)
        self.assertEqual(export.guess["value"], "amount")
        self.assertEqual(mapped.rows[0]["price_unit"], 250)

    def test_bad_mappings_are_refused(self):
        keys = ["a", "b", "c", "d", "e", "f"]
        full = {
            "a": "bill_number",
            "b": "bill_date",
            "c": "retailer",
            "d": "product",
            "e": "quantity",
            "f": "amount",
        }
        self.assertIsNone(check_mapping(self.env, keys, full))
        for mapping, message in (
            ({**full, "f": "quantity"}, "chosen for several"),
            ({k: v for k, v in full.items() if k != "d"}, "product / product_name"),
            ({**full, "z": "type"}, "not in the file"),
            ({**full, "f": "salary"}, "not in the file"),
            (["a"], "cannot be read"),
        ):
            with self.subTest(mapping=mapping):
                self.assertIn(message, check_mapping(self.env, keys, mapping))
        data = b"Title\nA,B,C,D,E,F\n1,2026-01-01,S,P,1,1\n"
        export = self.read_file(data, mapping={**full, "f": "quantity"})
        self.assertEqual(len(export.errors), 1)
        self.assertIn("chosen for several", export.errors[0]["message"])
        self.assertFalse(export.rows)

    def test_a_retailer_named_total_is_no_total(self):
        data = (
            b"Voucher No.,Date,Party's Name,Item,Quantity,Rate,Amount\n"
            b"V1,01-Apr-2026,Total Mart,T-INS,1,10,10\n"
            b"Total,,,,1,,10\n"
        )
        export = self.read_file(data)
        self.assertEqual([r["retailer"] for r in export.rows], ["Total Mart"])

    def test_a_bill_without_items_is_refused(self):
        data = b"Voucher No.,Date,Party's Name,Item,Quantity,Rate,Amount\nV1,01-Apr-2026,Shop,,,,10\n"
        export = self.read_file(data)
        self.assertFalse(export.rows)
        self.assertIn("no item rows", export.errors[0]["message"])

    def test_encodings_and_delimiters(self):
        """The billing columns in every common encoding and delimiter."""
        text = (
            "bill_number{d}bill_date{d}retailer{d}product{d}quantity{d}price_unit\n"
            "A{d}2026-01-01{d}Café{d}P{d}1{d}2\n"
        )
        for delimiter in (",", ";", "\t", "|"):
            for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"):
                with self.subTest(delimiter=delimiter, encoding=encoding):
                    data = text.format(d=delimiter).encode(encoding)
                    rows, errors = read_rows(self.env, data)
                    self.assertFalse(errors)
                    self.assertEqual(rows[0]["retailer"], "Café")
                    self.assertEqual(read_export(self.env, data).rows, rows)

    def test_numbers_dates_and_keys(self):
        for text, number in (
            ("1,23,456.78", 123456.78),
            ("12,34,56,789", 123456789),
            ("123,456.78", 123456.78),
            ("10 Nos", 10),
            ("12.50/Box", 12.5),
            ("-5", -5),
            ("1,2,3", None),
            ("abc", None),
        ):
            self.assertEqual(read_export_number(text), number, text)
        for text in ("01-Apr-2026", "01/04/2026", "2026-04-01", "1-Apr-26", "01.04.2026"):
            self.assertEqual(read_export_date(text), datetime.date(2026, 4, 1), text)
        self.assertIsNone(read_export_date("13/13/2026"))
        self.assertEqual(column_key("  Party's  Name "), "partys_name")
        self.assertEqual(column_key("Vch/Bill No."), "vch/bill_no")
