from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import SpmPortalCase
from .http_common import SpmPortalHttpCase

GSTIN = "27AAPFU0939F1ZV"


class TestRetailerMaster(SpmPortalCase):
    """Retailers are partners of their own, linked to the distributors selling to them."""

    def _input(self, number, retailer, **values):
        return {
            "bill_number": number,
            "bill_date": self.yesterday,
            "retailer": retailer,
            "lines": [{"product": "T-INS", "quantity": 1, "price_unit": 100}],
            **values,
        }

    def _create(self, distributor, billings):
        prepared, errors = self.Billing._check_billings(billings, distributor)
        self.assertFalse(errors)
        created, _existing = self.Billing._create_checked(prepared, "api", submit=True)
        return created

    def test_matched_by_tax_id_despite_another_spelling(self):
        sharma = self._retailer(self.distributor_b, "Sharma Medicals", "B-77", vat=GSTIN, city="Pune")
        partners = self.env["res.partner"].search_count([])
        billing = self._create(
            self.distributor_a,
            [
                self._input(
                    "G-1", "SHARMA MEDICAL STORE", retailer_vat="27aapfu 0939f1zv", retailer_city="Pune"
                )
            ],
        )
        self.assertEqual(billing.retailer_id, sharma)
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "no retailer created")
        self.assertIn(sharma, self.distributor_a._spm_retailers(), "now linked to A too")
        links = sharma.spm_retailer_link_ids
        self.assertEqual(links.distributor_id, self.distributor_a | self.distributor_b)
        self.assertEqual(links.filtered(lambda link: link.distributor_id == self.distributor_b).code, "B-77")

    def test_matched_by_name_and_city_otherwise_created(self):
        shop = self._retailer(self.distributor_b, "Corner Shop", city="Pune")
        by_place, elsewhere, nowhere = self._create(
            self.distributor_a,
            [
                self._input("N-1", "corner  SHOP", retailer_city=" pune "),
                self._input("N-2", "Corner Shop", retailer_city="Nagpur", retailer_vat="27AAAAA0000A1Z5"),
                self._input("N-3", "Kiosk 9"),
            ],
        )
        self.assertEqual(by_place.retailer_id, shop)
        created = elsewhere.retailer_id
        self.assertNotEqual(created, shop, "the same name in another city is another retailer")
        self.assertEqual(
            (created.city, created.vat, created.parent_id),
            ("Nagpur", "27AAAAA0000A1Z5", self.env["res.partner"]),
        )
        self.assertTrue(created.spm_is_retailer and created.is_company)
        self.assertEqual(nowhere.retailer_id.spm_retailer_link_ids.distributor_id, self.distributor_a)
        # The distributor's own code and name are matched first, then the retailer is its.
        again = self._create(self.distributor_a, [self._input("N-4", "kiosk 9")])
        self.assertEqual(again.retailer_id, nowhere.retailer_id)

    def test_bad_retailer_input_is_refused(self):
        _prepared, errors = self.Billing._check_billings(
            [
                self._input("X-1", "Shop", retailer_vat="9" * 40),
                self._input("X-2", "Shop", retailer_city="C" * 80),
            ],
            self.distributor_a,
        )
        self.assertEqual([e["column"] for e in errors], ["retailer_vat", "retailer_city"])
        self.assertIn("too long", errors[0]["message"])

    def test_another_distributors_retailer_and_code_are_not_usable(self):
        theirs = self._retailer(self.distributor_b, "B's Shop", "B-1")
        prepared, errors = self.Billing._check_billings([self._input("C-1", theirs)], self.distributor_a)
        self.assertIn("is not a retailer of", errors[0]["message"])
        prepared, errors = self.Billing._check_billings([self._input("C-2", "B-1")], self.distributor_a)
        self.assertFalse(errors)
        self.assertFalse(prepared[0]["vals"]["retailer_id"], "B's code names nothing for A: a new retailer")
        with self.assertRaisesRegex(ValidationError, "is not a retailer of"):
            self.Billing.create(
                {
                    "distributor_id": self.distributor_a.id,
                    "bill_number": "BO-1",
                    "bill_date": self.yesterday,
                    "retailer_id": theirs.id,
                }
            )

    def test_portal_users_read_only_their_retailers_and_codes(self):
        mine = self._retailer(self.distributor_a, "A's Shop", "A-1")
        theirs = self._retailer(self.distributor_b, "B's Shop", "B-1")
        Link = self.env["spm.distributor.retailer"]
        self.assertEqual(Link.with_user(self.portal_a).search([]).mapped("code"), ["A-1"])
        self.assertEqual(mine.with_user(self.portal_a).read(["name"])[0]["name"], "A's Shop")
        with self.assertRaises(AccessError):
            theirs.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            Link.with_user(self.portal_a).create(
                {"distributor_id": self.distributor_a.id, "retailer_id": theirs.id}
            )
        with self.assertRaises(AccessError):
            mine.with_user(self.portal_a).write({"name": "Renamed"})

    def test_duplicates_merged_with_billings_and_credit(self):
        first = self._retailer(self.distributor_a, "Sharma Medicals", "A-9", vat=GSTIN)
        second = self._retailer(self.distributor_b, "Sharma Medical Store", "B-9", vat="27-AAPFU0939F1ZV")
        other = self._retailer(self.distributor_b, "Other Shop")
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.search(
                [("spm_retailer_duplicate", "=", True), ("id", "in", (first | second | other).ids)]
            ),
            first | second,
        )
        billing_a = self._billing(retailer=first, number="D-1")
        billing_b = self._billing(self.distributor_b, retailer=second, number="D-2")
        credit = self.env["spm.credit.line"].search(
            [("secondary_billing_id", "in", (billing_a | billing_b).ids)]
        )
        self.assertEqual(credit.partner_id, first | second)
        # The period is locked after the sale: the merge still moves the frozen customer.
        self.company.spm_credit_lock_date = self.yesterday
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(active_model="res.partner", active_ids=(first | second).ids)
            .create({"dst_partner_id": first.id})
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertFalse(second.exists())
        self.assertEqual((billing_a | billing_b).retailer_id, first)
        self.assertEqual((billing_a | billing_b).line_ids.retailer_id, first)
        self.assertEqual(credit.partner_id, first)
        self.assertEqual(first.spm_retailer_link_ids.distributor_id, self.distributor_a | self.distributor_b)
        self.assertEqual(sorted(first.spm_retailer_link_ids.mapped("code")), ["A-9", "B-9"])
        self.assertFalse(Partner.search([("spm_retailer_duplicate", "=", True), ("id", "=", first.id)]))
        # Each distributor goes on reporting to the survivor under its own code.
        prepared, errors = self.Billing._check_billings(
            [self._input("D-3", "B-9", bill_date=self.today)], self.distributor_b
        )
        self.assertFalse(errors)
        self.assertEqual(prepared[0]["vals"]["retailer_id"], first.id)


@tagged("post_install", "-at_install")
class TestRetailerMasterApi(SpmPortalHttpCase):
    def test_api_matches_a_retailer_by_gstin(self):
        sharma = self._retailer(self.distributor_b, "Sharma Medicals", vat=GSTIN)
        payload = {"billings": [self.api_billing(retailer="SHARMA MED.", retailer_vat=GSTIN.lower())]}
        response = self.api("POST", payload=payload, key=self.key_a)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["billings"][0]["retailer"], "Sharma Medicals")
        self.assertEqual(self.Billing.search([("bill_number", "=", "API-1")]).retailer_id, sharma)
