import io
from unittest.mock import patch
from urllib.parse import urlparse

from odoo.tests import tagged

from odoo.addons.spm_portal.controllers.portal import SpmDistributorPortal
from odoo.addons.spm_portal.tools import read_rows

from .http_common import SpmPortalHttpCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit,type\n"


@tagged("post_install", "-at_install")
class TestSecondaryBillingPortal(SpmPortalHttpCase):
    """The distributor's pages: list, form, submit, upload."""

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)

    def count(self):
        return self.Billing.search_count([("distributor_id", "=", self.distributor_a.id)])

    def csv_file(self, rows, name="sales.csv"):
        content = HEADER + "".join(f"{row}\n" for row in rows)
        return {"file": (name, io.BytesIO(content.encode()), "text/csv")}

    def test_home_tile_and_counter(self):
        self._billing(number="H-1")
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-placeholder_count="secondary_billing_count"', response.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["secondary_billing_count"]})
        self.assertEqual(counters["secondary_billing_count"], 1)
        # A portal user of no distributor has no tile and no page.
        other = self._portal_user("t_portal_customer", self.customer)
        self.login(other)
        self.assertNotIn("secondary_billing_count", self.url_open("/my/home").text)
        self.assertEqual(self.url_open("/my/secondary-sales").status_code, 404)

    def test_list_search_sort_filter_and_pager(self):
        self._billing(number="L-1", lines=[("T-INS", 1, 100.0)])
        rejected = self._billing(number="L-2", retailer="Kiosk")
        rejected.action_reject("Wrong prices")
        self._billing(distributor=self.distributor_b, number="L-OTHER")
        response = self.url_open("/my/secondary-sales")
        self.assertEqual(response.status_code, 200)
        self.assertIn("L-1", response.text)
        self.assertIn("L-2", response.text)
        self.assertNotIn("L-OTHER", response.text, "only the distributor's own billings")
        self.assertIn('data-state="rejected"', response.text)
        self.assertIn("o_spm_total_month", response.text)
        self.assertIn("100.00", response.text, "this month's validated total")
        response = self.url_open("/my/secondary-sales?filterby=rejected")
        self.assertNotIn(">L-1<", response.text)
        self.assertIn(">L-2<", response.text)
        response = self.url_open("/my/secondary-sales?search_in=retailer&search=kiosk")
        self.assertNotIn(">L-1<", response.text)
        self.assertIn(">L-2<", response.text)
        response = self.url_open("/my/secondary-sales?sortby=number&filterby=nonsense&search_in=evil")
        self.assertEqual(response.status_code, 200)
        self.assertLess(response.text.index(">L-1<"), response.text.index(">L-2<"))
        for index in range(21):
            self._billing(number=f"M-{index:02d}", submit=False)
        with patch.object(SpmDistributorPortal, "_items_per_page", 20):
            response = self.url_open("/my/secondary-sales/page/2?sortby=number")
        self.assertEqual(response.status_code, 200)
        self.assertIn(">M-20<", response.text)
        self.assertNotIn(">L-1<", response.text)

    def test_form_with_two_lines_and_submit(self):
        response = self.post("/my/secondary-sales/save", self.form_data())
        self.assertEqual(response.status_code, 303, response.text[:2000])
        billing = self.Billing.search(
            [("distributor_id", "=", self.distributor_a.id), ("bill_number", "=", "P-1")]
        )
        self.assertTrue(response.headers["Location"].endswith(f"/my/secondary-sales/{billing.id}"))
        self.assertEqual(billing.state, "validated")
        self.assertEqual(billing.source, "portal")
        self.assertEqual(billing.submitted_by_id, self.portal_a)
        self.assertEqual(billing.amount_total, 230.0)
        self.assertEqual(len(billing.line_ids), 2)
        page = self.url_open(f"/my/secondary-sales/{billing.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn('data-state="validated"', page.text)
        self.assertIn("Corner Shop", page.text)

    def test_draft_edit_then_submit(self):
        response = self.post("/my/secondary-sales/save", self.form_data(action="save"))
        self.assertEqual(response.status_code, 303)
        billing = self.Billing.search([("bill_number", "=", "P-1")])
        self.assertEqual(billing.state, "draft")
        edit = self.url_open(f"/my/secondary-sales/{billing.id}/edit")
        self.assertEqual(edit.status_code, 200)
        self.assertIn('value="T-SUN"', edit.text)
        data = self.form_data(
            number="P-1b", lines=[("T-SUN", "1", "9.5")], action="save", billing_id=billing.id
        )
        self.assertEqual(self.post("/my/secondary-sales/save", data).status_code, 303)
        self.assertEqual((billing.bill_number, billing.amount_total, len(billing.line_ids)), ("P-1b", 9.5, 1))
        response = self.post(f"/my/secondary-sales/{billing.id}/submit", {})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(billing.state, "validated")
        # A validated billing has no edit form any more.
        response = self.url_open(f"/my/secondary-sales/{billing.id}/edit", allow_redirects=False)
        self.assertEqual(response.status_code, 303)

    def test_form_errors_are_listed_and_nothing_saved(self):
        earlier = self._billing(number="P-1")
        data = self.form_data(lines=[("T-INS", "0", "1"), ("NOPE", "1", "-2")])
        response = self.post("/my/secondary-sales/save", data)
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"already used by your billing {earlier.name}", response.text)
        self.assertIn("The quantity cannot be zero", response.text)
        self.assertIn("Line 2.product", response.text)
        self.assertIn('value="NOPE"', response.text, "the form keeps what was typed")
        self.assertEqual(self.count(), 1)

    def test_rejection_reason_is_shown(self):
        billing = self._billing(number="R-1")
        billing.with_user(self.manager_pharma).action_reject("The retailer is one of our direct customers")
        page = self.url_open(f"/my/secondary-sales/{billing.id}")
        self.assertIn("The retailer is one of our direct customers", page.text)
        self.assertIn("o_spm_reset", page.text)
        response = self.post(f"/my/secondary-sales/{billing.id}/reset", {})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(billing.state, "draft")

    def test_withdraw_and_validated_cannot_be_cancelled_by_the_distributor(self):
        billing = self._billing(number="W-1")
        response = self.post(f"/my/secondary-sales/{billing.id}/cancel", {})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(billing.state, "validated")
        self.unit_pharma.secondary_validation = "review"
        pending = self._billing(number="W-2")
        self.assertEqual(pending.state, "submitted")
        self.assertEqual(self.post(f"/my/secondary-sales/{pending.id}/cancel", {}).status_code, 303)
        self.assertEqual(pending.state, "cancel")

    def test_upload(self):
        rows = [
            f"U-1,{self.yesterday},Corner Shop,T-INS,2,100,sale",
            f"U-1,{self.yesterday},Corner Shop,T-SUN,1,10,sale",
            f"U-2,{self.yesterday},Kiosk,T-INS,1,100,return",
        ]
        page = self.url_open("/my/secondary-sales/upload")
        self.assertIn("/my/secondary-sales/template.csv", page.text)
        response = self.upload_file(self.csv_file(rows))
        self.assertEqual(response.status_code, 200, response.text[:3000])
        self.assertIn("2 billing(s) imported", response.text)
        billings = self.Billing.search([("distributor_id", "=", self.distributor_a.id)], order="bill_number")
        self.assertEqual(billings.mapped("bill_number"), ["U-1", "U-2"])
        self.assertEqual(set(billings.mapped("state")), {"validated"})
        self.assertEqual(set(billings.mapped("source")), {"upload"})
        self.assertEqual(billings[1].billing_type, "return")
        self.assertEqual(
            self._credit([("secondary_billing_id", "in", billings.ids)]),
            {self.sales_a: 60.0, self.sales_b: 40.0, self.sales_c: 10.0},
        )
        # The same file again: already imported, nothing new.
        response = self.upload_file(self.csv_file(rows))
        self.assertEqual(response.status_code, 200)
        self.assertIn("already imported", response.text)
        self.assertEqual(self.count(), 2)
        # A changed file reusing the numbers: refused, naming the earlier billings.
        rows[0] = rows[0].replace(",2,100,", ",3,100,")
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=self.csv_file(rows))
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"already used by your billing {billings[0].name}", response.text)
        self.assertEqual(billings[0].line_ids[0].quantity, 2)

    def test_upload_with_errors_imports_nothing(self):
        rows = [
            f"E-1,{self.yesterday},Corner Shop,T-INS,2,100,sale",
            f"E-2,{self.yesterday},Corner Shop,T-INS,abc,100,sale",
            "E-3,2999-01-01,Corner Shop,UNKNOWN,1,100,sale",
        ]
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=self.csv_file(rows))
        # E-1 is accepted: the dry run lists the refused rows beside it, nothing imported.
        self.assertEqual(response.status_code, 303)
        response = self.url_open(urlparse(response.headers["Location"]).path)
        self.assertIn("o_spm_error_table", response.text)
        for expected in ("is not a number", "in the future", "UNKNOWN"):
            self.assertIn(expected, response.text)
        self.assertEqual(self.count(), 0, "not even the correct billing E-1")
        self.assertFalse(self.distributor_a._spm_retailers(), "nor its new retailer")

    def test_upload_hostile_files(self):
        for content, expected in (
            (b"", "Choose a file" if False else "empty"),
            (b"\x00\x01\x02\x03" * 100, "binary data"),
            ((HEADER + "A,2026-01-01,=HYPERLINK(1),T-INS,1,1,sale\n").encode(), "Formulas are not accepted"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cannot be read"),
        ):
            files = {"file": ("x.csv", io.BytesIO(content), "text/csv")}
            response = self.post("/my/secondary-sales/upload", {}, files=files)
            self.assertEqual(response.status_code, 400, expected)
            self.assertIn(expected, response.text)
        self.assertEqual(self.count(), 0)

    def test_upload_xlsx_as_drafts(self):
        import openpyxl

        workbook = openpyxl.Workbook()
        workbook.active.append(["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit"])
        workbook.active.append(["X-1", self.yesterday, "Shop", "T-INS", 1, 100])
        output = io.BytesIO()
        workbook.save(output)
        output.seek(0)
        # The file name says CSV: the content decides.
        response = self.upload_file({"file": ("sales.csv", output, "text/csv")}, submit=False)
        self.assertEqual(response.status_code, 200, response.text[:3000])
        billing = self.Billing.search([("bill_number", "=", "X-1")])
        self.assertEqual(billing.state, "draft")

    def test_templates_are_readable_by_the_upload(self):
        for url in ("/my/secondary-sales/template.csv", "/my/secondary-sales/template.xlsx"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("attachment", response.headers["Content-Disposition"])
            rows, errors = read_rows(self.env, response.content)
            self.assertFalse(errors, url)
            self.assertEqual(len(rows), 3)
        # Headers in words, as the XLSX template's, read back as their columns.
        header = self.url_open("/my/secondary-sales/template.csv").text.splitlines()[0]
        self.assertEqual(
            header,
            "Bill Number,Bill Date,Retailer,Retailer GSTIN,Retailer City,Product,Quantity,Unit Price,Type",
        )

    def test_product_search(self):
        result = self.make_jsonrpc_request("/my/secondary-sales/products", {"term": "Test Sunscreen"})
        self.assertEqual([p["code"] for p in result], ["T-SUN"])
        self.distributor_a.spm_allowed_product_ids = self.product_pharma
        result = self.make_jsonrpc_request("/my/secondary-sales/products", {"term": "Test Sunscreen"})
        self.assertEqual(result, [])

    def test_csrf_protects_every_form(self):
        draft = self._billing(number="C-1", submit=False)
        rejected = self._billing(number="C-2")
        rejected.action_reject("No")
        csv = self.csv_file([f"C-3,{self.yesterday},Shop,T-INS,1,1,sale"])
        for url, data, files in (
            ("/my/secondary-sales/save", self.form_data(number="C-9"), None),
            ("/my/secondary-sales/save", self.form_data(billing_id=draft.id, number="C-9"), None),
            (f"/my/secondary-sales/{draft.id}/submit", {}, None),
            (f"/my/secondary-sales/{draft.id}/cancel", {}, None),
            (f"/my/secondary-sales/{draft.id}/delete", {}, None),
            (f"/my/secondary-sales/{rejected.id}/reset", {}, None),
            ("/my/secondary-sales/upload", {"submit": "1"}, csv),
        ):
            for token in (None, "forged"):
                payload = dict(data, csrf_token=token) if token else data
                response = self.post(url, payload, files=files, csrf=False)
                self.assertEqual(response.status_code, 400, f"{url} without a valid CSRF token")
        self.assertEqual((draft.state, draft.bill_number), ("draft", "C-1"))
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(self.count(), 2)
