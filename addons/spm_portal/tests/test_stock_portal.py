import io
from datetime import timedelta

import openpyxl

from odoo.tests import tagged

from .http_common import SpmPortalHttpCase


@tagged("post_install", "-at_install")
class TestStockPortal(SpmPortalHttpCase):
    def _statements(self, distributor):
        return self.env["spm.distributor.stock.statement"].search([("distributor_id", "=", distributor.id)])

    def _save(self, lines, day=None):
        return self.post(
            "/my/secondary-sales/stock/save",
            {
                "date": (day or self.yesterday).isoformat(),
                "line_product": [line[0] for line in lines],
                "line_quantity": [line[1] for line in lines],
            },
        )

    def test_distributor_counts_its_stock_on_the_form(self):
        self.login(self.portal_a)
        page = self.url_open("/my/secondary-sales/stock")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Your stock", page.text)
        response = self._save([("T-INS", "120"), ("T-SUN", "1 500,5"), ("", "")])
        self.assertEqual(response.status_code, 303, response.text[:500])
        statement = self._statements(self.distributor_a)
        self.assertRecordValues(
            statement, [{"state": "confirmed", "source": "portal", "date": self.yesterday}]
        )
        self.assertEqual(
            {line.product_id: line.quantity for line in statement.line_ids},
            {self.product_pharma: 120.0, self.product_consumer: 1500.5},
        )
        page = self.url_open(f"/my/secondary-sales/stock/{statement.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Test Insulin", page.text)

    def test_bounds_refused_with_a_message_and_nothing_created(self):
        self.login(self.portal_a)
        response = self._save([("T-INS", "5")], day=self.today + timedelta(days=1))
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot be dated after today", response.text)
        response = self._save([("T-INS", "-5"), ("T-ORP&lt;b&gt;", "2")])
        self.assertEqual(response.status_code, 400)
        self.assertIn("A stock cannot be negative.", response.text)
        self.assertIn("Nothing was saved.", response.text)
        response = self._save([("T-INS", "1")] * 5001)
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 5,000 products", response.text)
        self.assertFalse(self._statements(self.distributor_a))

    def test_other_distributors_statement_is_not_found(self):
        statement = self.env["spm.distributor.stock.statement"]._spm_create_confirmed(
            self.distributor_a,
            self.yesterday,
            [{"product_id": self.product_pharma.id, "quantity": 3}],
            "manager",
        )
        self.login(self.portal_b)
        self.assertEqual(self.url_open(f"/my/secondary-sales/stock/{statement.id}").status_code, 404)
        self.assertEqual(self.url_open("/my/secondary-sales/stock/99999999999").status_code, 404)
        self.assertNotIn(
            f"/my/secondary-sales/stock/{statement.id}", self.url_open("/my/secondary-sales/stock").text
        )
        self.login(self.portal_a)
        self.assertEqual(self.url_open(f"/my/secondary-sales/stock/{statement.id}").status_code, 200)

    def test_internal_user_has_no_stock_page(self):
        self.authenticate(self.sales_a.login, self.sales_a.login)
        self.assertEqual(self.url_open("/my/secondary-sales/stock").status_code, 404)

    def test_upload_csv_and_xlsx(self):
        self.login(self.portal_a)
        csv_file = b"Product,Qty\nT-INS,40\n4000000000017,2\n"
        response = self.post(
            "/my/secondary-sales/stock/upload",
            {"date": self.yesterday.isoformat()},
            files={"file": ("stock.csv", csv_file, "text/csv")},
        )
        # The barcode names T-INS again: refused, nothing created.
        self.assertEqual(response.status_code, 400)
        self.assertIn("counted twice", response.text)
        self.assertFalse(self._statements(self.distributor_a))
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Product", "Quantity"])
        sheet.append(["T-INS", 40])
        sheet.append(["T-SUN", 7.5])
        output = io.BytesIO()
        workbook.save(output)
        response = self.post(
            "/my/secondary-sales/stock/upload",
            {"date": self.yesterday.isoformat()},
            files={"file": ("stock.xlsx", output.getvalue(), "application/octet-stream")},
        )
        self.assertEqual(response.status_code, 303, response.text[:1000])
        statement = self._statements(self.distributor_a)
        self.assertEqual(statement.source, "upload")
        self.assertEqual(sorted(statement.line_ids.mapped("quantity")), [7.5, 40.0])

    def test_upload_refuses_a_file_without_the_columns(self):
        self.login(self.portal_a)
        response = self.post(
            "/my/secondary-sales/stock/upload",
            {"date": self.yesterday.isoformat()},
            files={"file": ("stock.csv", b"Name,Count\n=cmd(),1\n", "text/csv")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("missing: product, quantity", response.text)
        self.assertFalse(self._statements(self.distributor_a))
