import base64
import io
from collections import defaultdict
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import float_compare

from .http_common import SpmPortalHttpCase
from .xls_file import xls


@tagged("post_install", "-at_install")
class TestUploadLayouts(SpmPortalHttpCase):
    """A distributor's own export: its columns mapped once and remembered, for him alone;
    every upload's dry run first, nothing created until it is confirmed, then what it showed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Upload = cls.env["spm.secondary.upload"]
        cls.Layout = cls.env["spm.distributor.layout"]
        cls.day_1 = cls.yesterday - timedelta(days=1)

    def export(self, numbers=("INV/1", "INV/2")):
        """A real-shaped XLS export: title rows, a two-line header, item rows under their
        bill, 1,23,456.78, dates as 01-Apr-2026 and 01/04/2026, a totals row."""
        first, second = numbers
        return xls(
            [
                ["Test Distributor A"],
                ["Sales Register"],
                [],
                ["Invoice", None, "Outlet", "SKU", "Pcs", "Net", "Line"],
                ["No.", "Date", None, "Code", None, "Rate", "Value"],
                [
                    first,
                    self.day_1.strftime("%d-%b-%Y"),
                    "Corner Shop",
                    "T-INS",
                    "2 Nos",
                    "1,250.50",
                    "2,501.00",
                ],
                [None, None, None, "T-SUN", "1 Nos", "1,23,456.78", "1,23,456.78"],
                [second, self.yesterday.strftime("%d/%m/%Y"), "Kiosk", "T-INS", "3", "100", "300"],
                ["Grand Total", None, None, None, "6", None, "1,26,257.78"],
            ]
        )

    def files(self, data, name="register.xls"):
        return {"file": (name, io.BytesIO(data), "application/vnd.ms-excel")}

    def upload(self, data, user=None):
        self.login(user or self.portal_a)
        return self.post("/my/secondary-sales/upload", {"submit": "1"}, files=self.files(data))

    def last_upload(self, distributor=None):
        return self.Upload.search([("distributor_id", "=", (distributor or self.distributor_a).id)], limit=1)

    def count(self, distributor=None):
        return self.Billing.search_count([("distributor_id", "=", (distributor or self.distributor_a).id)])

    def map_columns(self, upload, mapping, name="My register"):
        keys = list(mapping)
        return self.post(
            f"/my/secondary-sales/upload/{upload.id}/columns",
            {"column_key": keys, "column_field": [mapping[k] for k in keys], "layout_name": name},
        )

    MAPPING = {
        "invoice_no": "bill_number",
        "invoice_date": "bill_date",
        "outlet": "retailer",
        "sku_code": "product",
        "pcs": "quantity",
        "net_rate": "price_unit",
        "line_value": "amount",
    }

    def test_mapped_once_then_imported_without_asking(self):
        response = self.upload(self.export())
        upload = self.last_upload()
        self.assertEqual(response.status_code, 303, response.text[:2000])
        self.assertTrue(
            response.headers["Location"].endswith(f"/my/secondary-sales/upload/{upload.id}/review")
        )
        self.assertEqual(upload.state, "draft")
        self.assertTrue(upload.preview["needs_mapping"])
        page = self.url_open(f"/my/secondary-sales/upload/{upload.id}/review")
        self.assertIn("Which column gives what?", page.text, "the review sends to the columns first")
        for title in ("Invoice No.", "Invoice Date", "SKU Code", "Net Rate"):
            self.assertIn(title, page.text, "a title merged over two columns names both")
        self.assertIn('<option value="bill_date" selected', page.text, "the guess is chosen")
        self.assertIn('<option value="quantity" selected', page.text)

        response = self.map_columns(upload, self.MAPPING)
        self.assertEqual(response.status_code, 303, response.text[:2000])
        layout = upload.layout_id
        self.assertEqual((layout.distributor_id, layout.name), (self.distributor_a, "My register"))
        page = self.url_open(f"/my/secondary-sales/upload/{upload.id}/review")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Check before importing", page.text)
        self.assertEqual((upload.preview["bills"], upload.preview["lines"]), (2, 3))
        self.assertEqual(self.count(), 0, "the dry run creates nothing")

        response = self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {})
        self.assertEqual(response.status_code, 303)
        self.assertIn(upload.state, ("queued", "running", "done"))
        if upload.state != "done":
            upload._spm_run_job()
        self.assertEqual(upload.state, "done")
        billings = upload.billing_ids
        self.assertEqual(len(billings), upload.preview["bills"])
        self.assertEqual(len(billings.line_ids), upload.preview["lines"])
        per_day = defaultdict(float)
        for billing in billings:
            per_day[billing.bill_date.isoformat()] += billing.amount_total
        self.assertEqual(
            [[day, round(amount, 2)] for day, amount in sorted(per_day.items())],
            [[day, amount] for day, amount, _currency in upload.preview["days"]],
            "the import is what the dry run showed",
        )
        line = billings.line_ids.filtered(lambda li: li.product_id.default_code == "T-SUN")
        self.assertEqual(float_compare(line.price_unit, 123456.78, precision_digits=2), 0)

        # The next file with the same columns: read through the saved layout, without asking.
        response = self.upload(self.export(("INV/3", "INV/4")))
        second = self.last_upload()
        self.assertTrue(response.headers["Location"].endswith(f"/{second.id}/review"))
        self.assertFalse(second.preview.get("needs_mapping"))
        self.assertEqual(second.layout_id, layout)
        self.assertEqual(second.preview["layout"], "My register")
        self.assertEqual(
            second._spm_parse()[0][0]["bill_number"], "INV/3", "the job parses what the dry run read"
        )

    def test_another_distributors_layout_is_invisible_and_unusable(self):
        self.upload(self.export())
        upload_a = self.last_upload()
        self.map_columns(upload_a, self.MAPPING)
        layout_a = upload_a.layout_id
        self.assertTrue(layout_a)
        Layout_b = self.Layout.with_user(self.portal_b)
        self.assertNotIn(layout_a, Layout_b.search([]))
        self.assertTrue(Layout_b.search([("distributor_id", "=", False)]), "the shipped layouts are for all")
        with self.assertRaises(AccessError):
            layout_a.with_user(self.portal_b).read(["mapping"])
        with self.assertRaises(AccessError):
            layout_a.with_user(self.portal_a).write({"name": "renamed over RPC"})
        with self.assertRaises(AccessError):
            self.Layout.with_user(self.portal_a).create({"name": "x", "mapping": self.MAPPING})

        # B's file of the same columns is not read through A's layout: B is asked.
        self.upload(self.export(), user=self.portal_b)
        upload_b = self.last_upload(self.distributor_b)
        self.assertTrue(upload_b.preview["needs_mapping"])
        self.assertFalse(upload_b.layout_id)
        # Nor can B open, map or confirm A's upload.
        for url in (
            f"/my/secondary-sales/upload/{upload_a.id}/review",
            f"/my/secondary-sales/upload/{upload_a.id}/columns",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        self.assertEqual(self.map_columns(upload_a, self.MAPPING).status_code, 404)
        self.assertEqual(self.post(f"/my/secondary-sales/upload/{upload_a.id}/confirm", {}).status_code, 404)
        self.assertEqual(upload_a.state, "draft")

    def test_bad_mapping_is_refused_with_a_message(self):
        self.upload(self.export())
        upload = self.last_upload()
        for mapping, message in (
            ({**self.MAPPING, "pcs": "price_unit"}, "chosen for several"),
            ({k: v for k, v in self.MAPPING.items() if k != "sku_code"}, "choose a column for each"),
            ({**self.MAPPING, "no_such_column": "type"}, "not in the file"),
            ({**self.MAPPING, "pcs": "salary"}, "not in the file"),
        ):
            with self.subTest(message=message):
                response = self.map_columns(upload, mapping)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertFalse(self.Layout.search([("distributor_id", "=", self.distributor_a.id)]))
        self.assertFalse(upload.layout_id)
        self.assertEqual(self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {}).status_code, 303)
        self.assertEqual(upload.state, "draft", "an upload without columns is not confirmed")
        self.assertEqual(self.count(), 0)

    def test_shipped_tally_layout_and_refused_rows(self):
        day = self.yesterday.strftime("%d-%b-%Y")
        tally = (
            "Test Distributor A,,,,,,,,\nSales Register,,,,,,,,\n"
            "Date,Voucher No.,Voucher Type,Party's Name,GSTIN/UIN,Item,Quantity,Rate,Amount\n"
            f'{day},T/1,Sales,Corner Shop,,T-INS,10 Nos,"1,250.00","12,500.00"\n'
            ',,,,,T-SUN,2 Nos,"1,000.00","2,000.00"\n'
            ',,,,,,12 Nos,,"14,500.00"\n'
        )
        response = self.upload(tally.encode("cp1252"))
        upload = self.last_upload()
        self.assertEqual(response.status_code, 303, response.text[:2000])
        self.assertEqual(upload.layout_id, self.env.ref("spm_portal.spm_layout_tally_sales_register"))
        page = self.url_open(f"/my/secondary-sales/upload/{upload.id}/review")
        self.assertIn("Tally: Sales Register", page.text)
        self.assertIn("14,500.00", page.text, "the day's total")
        self.assertIn("o_spm_upload_confirm", page.text)
        # A refused row: nothing to confirm, the reason shown on the upload page.
        response = self.upload(tally.replace("T-SUN", "NO-SUCH").encode())
        self.assertEqual(response.status_code, 400)
        self.assertIn("NO-SUCH", response.text)
        self.assertEqual(self.count(), 0)

    def test_stored_upload_without_layout_is_not_parsed(self):
        """A draft whose columns no layout maps cannot be imported by the job either."""
        upload = self.Upload.with_user(self.portal_a)._spm_receive(
            self.distributor_a, "x.xls", self.export(), True
        )[0]
        self.assertTrue(upload.preview["needs_mapping"])
        billings, errors = upload._spm_parse()
        self.assertFalse(billings)
        self.assertIn("no layout maps them", errors[0]["message"])
        self.assertEqual(base64.b64decode(upload.sudo().file), self.export())
