import io

from odoo.tests import tagged

from .http_common import SpmPortalHttpCase

GSTIN = "27AAPFU0939F1ZV"
HEADER = "Bill Number,Bill Date,Retailer,Retailer GSTIN,Retailer City,Product,Quantity,Unit Price\n"


@tagged("post_install", "-at_install")
class TestUploadRetailerColumns(SpmPortalHttpCase):
    """The upload's retailer tax id (GSTIN, VAT) and city columns, as the API has them:
    a new name on a bill is matched to a known retailer by tax id first, then by
    normalised name and city (the matcher the API uses), otherwise created with them."""

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)

    def _upload(self, rows):
        content = HEADER + "".join(f"{row}\n" for row in rows)
        return self.upload_file({"file": ("gstin.csv", io.BytesIO(content.encode()), "text/csv")})

    def test_retailers_matched_by_gstin_then_name_and_city(self):
        sharma = self._retailer(self.distributor_b, "Sharma Medicals", vat=GSTIN, city="Pune")
        corner = self._retailer(self.distributor_b, "Corner Shop", city="Nagpur")
        day = self.yesterday
        response = self._upload(
            [
                f"RG-1,{day},SHARMA MED.,{GSTIN.lower()},,T-INS,1,100",
                f"RG-1,{day},SHARMA MED.,,,T-SUN,1,10",
                f"RG-2,{day},corner  shop,,nagpur,T-INS,1,100",
                f"RG-3,{day},Corner Shop,,Indore,T-INS,1,100",
                f"RG-4,{day},New Chemist,29ABCDE1234F1Z5,Bengaluru,T-INS,1,100",
            ]
        )
        self.assertEqual(response.status_code, 200, response.text[:2000])
        billings = {b.bill_number: b for b in self.Billing.search([("bill_number", "=like", "RG-%")])}
        self.assertEqual(len(billings), 4)
        self.assertEqual(billings["RG-1"].retailer_id, sharma, "by GSTIN despite another spelling")
        self.assertEqual(billings["RG-2"].retailer_id, corner, "by name and city")
        created = billings["RG-3"].retailer_id
        self.assertNotIn(created, sharma | corner, "the same name in another city is another retailer")
        self.assertEqual(created.city, "Indore")
        new = billings["RG-4"].retailer_id
        self.assertEqual((new.name, new.vat, new.city), ("New Chemist", "29ABCDE1234F1Z5", "Bengaluru"))

    def test_gstin_differing_within_a_bill_is_refused(self):
        day = self.yesterday
        response = self.post(
            "/my/secondary-sales/upload",
            {"submit": "1"},
            files={
                "file": (
                    "gstin.csv",
                    io.BytesIO(
                        (
                            HEADER
                            + f"RH-1,{day},Shop,{GSTIN},Pune,T-INS,1,100\n"
                            + f"RH-1,{day},Shop,29ABCDE1234F1Z5,Pune,T-SUN,1,10\n"
                        ).encode()
                    ),
                    "text/csv",
                )
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("29ABCDE1234F1Z5", response.text)
        self.assertFalse(self.Billing.search([("bill_number", "=", "RH-1")]))
