from odoo.exceptions import AccessError
from odoo.tests import tagged

from .http_common import SpmPortalHttpCase


@tagged("post_install", "-at_install")
class TestSecondaryBillingAccess(SpmPortalHttpCase):
    """A distributor sees and changes only its own billings, whatever the URL,
    the id or the API call; back-office users see what their role allows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._billing(number="A-1", submit=False)
        cls.draft_b = cls._billing(distributor=cls.distributor_b, number="B-1", submit=False)
        cls.validated_b = cls._billing(distributor=cls.distributor_b, number="B-2")

    def test_other_distributors_billing_by_url(self):
        self.login(self.portal_a)
        self.assertEqual(self.url_open(f"/my/secondary-sales/{self.own.id}").status_code, 200)
        for billing in (self.draft_b, self.validated_b):
            for suffix in ("", "/edit"):
                response = self.url_open(f"/my/secondary-sales/{billing.id}{suffix}", allow_redirects=False)
                self.assertEqual(response.status_code, 404, suffix)
                self.assertNotIn(billing.bill_number, response.text)
        self.assertEqual(self.url_open("/my/secondary-sales/999999999").status_code, 404)
        for action in ("submit", "cancel", "delete", "reset"):
            response = self.post(f"/my/secondary-sales/{self.draft_b.id}/{action}", {})
            self.assertEqual(response.status_code, 404, action)
        response = self.post(
            "/my/secondary-sales/save", self.form_data(number="HACK", billing_id=self.draft_b.id)
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.post(f"/my/secondary-sales/{self.validated_b.id}/cancel", {}).status_code, 404)
        self.assertEqual(
            (self.draft_b.state, self.draft_b.bill_number, self.draft_b.line_ids.quantity),
            ("draft", "B-1", 10),
        )
        self.assertEqual(self.validated_b.state, "validated")
        self.assertFalse(self.Billing.search([("bill_number", "=", "HACK")]))

    def test_other_distributors_billing_by_api(self):
        response = self.api("GET", "/B-1", key=self.key_a)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn('B-1"', response.text.replace("bill number B-1", ""))
        self.assertEqual(self.api("GET", "/B-1", key=self.key_b).status_code, 200)
        # Posting B's bill number with A's key reports A's own billing: B's is untouched.
        payload = {"billings": [self.api_billing(number="B-2", lines=[("T-INS", 1, 1.0)])]}
        self.assertEqual(self.api("POST", payload=payload, key=self.key_a).status_code, 201)
        self.assertEqual(self.validated_b.line_ids.quantity, 10)
        self.assertEqual(self.validated_b.state, "validated")

    def test_record_rules_for_portal_users(self):
        Billing = self.Billing.with_user(self.portal_a)
        self.assertEqual(Billing.search([]), self.own)
        self.assertEqual(
            self.env["spm.secondary.billing.line"].with_user(self.portal_a).search([]), self.own.line_ids
        )
        with self.assertRaises(AccessError):
            self.draft_b.with_user(self.portal_a).read(["bill_number"])
        with self.assertRaises(AccessError):
            self.own.with_user(self.portal_a).write({"bill_number": "X"})
        with self.assertRaises(AccessError):
            self.own.with_user(self.portal_a).write({"state": "validated"})
        with self.assertRaises(AccessError):
            Billing.create(
                {
                    "distributor_id": self.distributor_a.id,
                    "bill_number": "X",
                    "retailer_id": self.own.retailer_id.id,
                }
            )
        with self.assertRaises(AccessError):
            self.draft_b.with_user(self.portal_a).action_submit()
        with self.assertRaises(AccessError):
            self.own.with_user(self.portal_b).action_submit()
        self.own.with_user(self.portal_a).action_submit()
        with self.assertRaises(AccessError):
            self.own.with_user(self.portal_a).action_reject("Self-rejection")
        self.assertEqual(self.own.state, "validated")

    def test_portal_user_must_belong_to_a_distributor(self):
        self.distributor_a.is_distributor = False
        self.assertFalse(self.Billing.with_user(self.portal_a).search([]))
        self.login(self.portal_a)
        self.assertEqual(self.url_open(f"/my/secondary-sales/{self.own.id}").status_code, 404)
        self.assertEqual(self.api("GET", "/A-1", key=self.key_a).status_code, 403)

    def test_back_office_roles(self):
        self.assertEqual(
            self.Billing.with_user(self.sales_a).search([]).distributor_id,
            self.distributor_a,
            "a salesperson reads the billings of the distributors assigned to them",
        )
        self.assertEqual(self.Billing.with_user(self.sales_d).search([]).distributor_id, self.distributor_b)
        with self.assertRaises(AccessError):
            self.own.with_user(self.sales_a).write({"bill_number": "X"})
        with self.assertRaises(AccessError):
            self.draft_b.with_user(self.sales_d).action_submit()
        distributors = self.distributor_a | self.distributor_b
        self.assertEqual(
            self.Billing.with_user(self.manager_consumer).search_count(
                [("distributor_id", "in", distributors.ids)]
            ),
            3,
            "managers read every billing",
        )
