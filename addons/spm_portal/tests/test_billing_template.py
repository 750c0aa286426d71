import io

import openpyxl

from odoo.tests import tagged

from ..tools import read_rows
from .http_common import SpmPortalHttpCase


@tagged("post_install", "-at_install")
class TestBillingTemplate(SpmPortalHttpCase):
    """The XLSX template: readable headers the upload reads back, and the
    distributor's own products on a second sheet."""

    def test_xlsx_template_headers_and_products(self):
        self.product_consumer.name = "=1+2"
        self.distributor_a.spm_allowed_product_ids = self.product_pharma | self.product_consumer
        self.login(self.portal_a)
        response = self.url_open("/my/secondary-sales/template.xlsx")
        self.assertEqual(response.status_code, 200)
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["Secondary sales", "Your products"])
        header = [cell.value for cell in workbook["Secondary sales"][1]]
        self.assertEqual(
            header,
            [
                "Bill Number",
                "Bill Date",
                "Retailer",
                "Retailer GSTIN",
                "Retailer City",
                "Product",
                "Quantity",
                "Unit Price",
                "Type",
            ],
        )
        products = [[cell.value for cell in row] for row in workbook["Your products"].iter_rows(min_row=2)]
        self.assertEqual(
            sorted(row[0] for row in products), ["T-INS", "T-SUN"], "only the products it may report"
        )
        sun = next(row for row in products if row[0] == "T-SUN")
        self.assertEqual(sun[2], "=1+2", "a name stays text")
        self.assertEqual(workbook["Your products"]["C3"].data_type, "s")
        # The upload reads the first sheet, its readable headers as the columns.
        rows, errors = read_rows(self.env, response.content)
        self.assertFalse(errors)
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[0]["price_unit"], 11.5)
