import csv
import io

from lxml import html

from odoo.tests import tagged

from odoo.addons.spm_portal.controllers.portal import XLSX_MIMETYPE

from .http_common import SpmPortalHttpCase
from .test_billing_file import xlsx

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit,type\n"
ERRORS_CSV = "/my/secondary-sales/upload/errors.csv"


@tagged("post_install", "-at_install")
class TestUploadErrorsCsv(SpmPortalHttpCase):
    """A refused upload's errors download as a CSV file: the rows the page
    lists, text-safe, and the chosen file's name stays on the page."""

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)

    def upload(self, rows, name="sales.csv"):
        content = HEADER + "".join(f"{row}\n" for row in rows)
        files = {"file": (name, io.BytesIO(content.encode()), "text/csv")}
        return self.post("/my/secondary-sales/upload", {"submit": "1"}, files=files)

    def page_errors(self, response):
        tree = html.fromstring(response.text)
        return [
            [cell.text_content().strip() for cell in row.xpath("./td")]
            for row in tree.xpath("//table[contains(@class, 'o_spm_error_table')]/tbody/tr")
        ]

    def download(self):
        response = self.url_open(ERRORS_CSV)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("upload_errors.csv", response.headers["Content-Disposition"])
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_download_is_the_list_shown_text_safe(self):
        self.assertEqual(self.url_open(ERRORS_CSV).status_code, 404, "no refused upload yet")
        # A number cell of Excel is not a formula, so the bill number -5 passes the
        # reader, and the checker's errors quote it: the download keeps it text.
        rows = [
            ["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit"],
            [-5, "2999-01-01", "Corner Shop", "T-INS", 1, 100],
            ["E-1", str(self.yesterday), "Corner Shop", "UNKNOWN", 1, 100],
        ]
        files = {"file": ("my sales.xlsx", io.BytesIO(xlsx(rows)), XLSX_MIMETYPE)}
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=files)
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "my sales.xlsx",
            html.fromstring(response.text).xpath("string(//*[contains(@class, 'o_spm_upload_filename')])"),
        )
        self.assertIn(ERRORS_CSV, response.text)
        shown = self.page_errors(response)
        self.assertTrue(shown)

        header, *rows = self.download()
        self.assertEqual(header, ["Row", "Column", "Bill Number", "Problem"])
        self.assertEqual(len(rows), len(shown))
        neutralised = [cell for row in rows for cell in row if cell[:2] in ("'=", "'+", "'-", "'@")]
        self.assertTrue(neutralised, rows)
        self.assertFalse([cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")])
        unquoted = [[cell[1:] if cell in neutralised else cell for cell in row] for row in rows]
        self.assertEqual(unquoted, shown)

    def test_download_is_bounded_and_follows_the_last_upload(self):
        response = self.upload([f"M-{n},{self.yesterday},Corner Shop,T-INS,abc,100,sale" for n in range(130)])
        self.assertEqual(response.status_code, 400)
        shown = self.page_errors(response)
        self.assertEqual(len(shown), 100)
        _header, *rows = self.download()
        self.assertEqual(rows[:100], shown)
        self.assertEqual(len(rows), 101, "the 100 listed and one saying how many more")
        self.assertIn("30 more problems", rows[100][3])

        # A file that imports drops them (at its dry run).
        self.assertEqual(
            self.upload([f"OK-1,{self.yesterday},Corner Shop,T-INS,1,100,sale"]).status_code, 303
        )
        self.assertEqual(self.url_open(ERRORS_CSV).status_code, 404)
