import io
from urllib.parse import urlparse

from lxml import html

from odoo.tests import tagged

from .http_common import SpmPortalHttpCase

HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit\n"
CODE = "Test Insulin strip"


@tagged("post_install", "-at_install")
class TestUploadProductsProposed(SpmPortalHttpCase):
    """A distributor's product code not mapped yet: the dry run proposes our products
    for it (the product maps' proposals), the distributor maps it once, and his next
    file uses the mapping."""

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)

    def _file(self):
        day = self.yesterday
        content = HEADER + f"PP-1,{day},Shop PP,T-SUN,1,10\nPP-2,{day},Shop PP,{CODE},30,5.25\n"
        return {"file": ("codes.csv", io.BytesIO(content.encode()), "text/csv")}

    def _review(self):
        response = self.post("/my/secondary-sales/upload", {"submit": "1"}, files=self._file())
        self.assertEqual(response.status_code, 303, response.text[:2000])
        path = urlparse(response.headers["Location"]).path
        upload = self.env["spm.secondary.upload"].browse(int(path.split("/")[-2]))
        return upload, html.fromstring(self.url_open(path).text)

    def test_unmapped_code_proposed_mapped_then_used(self):
        upload, page = self._review()
        proposals = self.env["spm.distributor.product.map"]._spm_propose(self.distributor_a, [CODE])
        names = [suggestion["product"].display_name for suggestion in proposals[CODE]]
        self.assertIn(self.product_pharma.display_name, names, "a similar name")
        self.assertEqual(upload.preview["products_proposed"], [[CODE, names]])
        listed = page.xpath("//*[contains(@class, 'o_spm_review_products')]//li")
        self.assertEqual(
            [" ".join(li.text_content().split()) for li in listed], [f"{CODE}: {', '.join(names)}"]
        )
        self.assertEqual(page.xpath("string(//*[contains(@class, 'o_spm_review_bills')])"), "1")
        self.assertFalse(self.Billing.search([("bill_number", "=like", "PP-%")]), "nothing created")

        # Mapped once by the distributor: 1 box of ours is 10 of his strips.
        response = self.post(
            "/my/secondary-sales/products/mappings",
            {
                "code": CODE,
                "product_id": self.product_pharma.id,
                "quantity_factor": "10",
                "uom_name": "strip",
            },
        )
        self.assertEqual(response.status_code, 303, response.text[:1000])

        # The same file again: nothing refused nor proposed, imported through the mapping.
        upload, page = self._review()
        self.assertEqual((upload.preview["error_count"], upload.preview["products_proposed"]), (0, []))
        self.assertEqual(page.xpath("string(//*[contains(@class, 'o_spm_review_bills')])"), "2")
        response = self.post(f"/my/secondary-sales/upload/{upload.id}/confirm", {})
        self.assertEqual(upload.state, "done")
        line = self.Billing.search([("bill_number", "=", "PP-2")]).line_ids
        self.assertEqual(
            (line.product_id, line.quantity, line.price_unit, line.price_subtotal),
            (self.product_pharma, 3.0, 52.5, 157.5),
        )
