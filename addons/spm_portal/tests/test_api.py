from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.spm_portal.controllers import api as api_module

from .http_common import SpmPortalHttpCase


@tagged("post_install", "-at_install")
class TestSecondaryBillingApi(SpmPortalHttpCase):
    """The JSON API for distributors' systems, authenticated by API key."""

    def count(self, distributor=None):
        return self.Billing.search_count([("distributor_id", "=", (distributor or self.distributor_a).id)])

    def test_authentication(self):
        payload = {"billings": [self.api_billing()]}
        response = self.api("POST", payload=payload)
        self.assertEqual(response.status_code, 401)
        self.assertIn("Bearer", response.headers.get("WWW-Authenticate", ""))
        self.assertEqual(response.json()["error"], "unauthorized")
        self.assertEqual(self.api("POST", payload=payload, key="0" * 40).status_code, 401)
        self.assertEqual(self.api("GET", "/X", key="wrong").status_code, 401)
        response = self.api("POST", payload=payload, key=self.key_internal)
        self.assertEqual(response.status_code, 403, "only a distributor's portal user reports")
        self.assertEqual(self.count(), 0)

    def test_submit_read_and_idempotent_retry(self):
        payload = {"billings": [self.api_billing(lines=[("T-INS", 2, 100.0), ("4000000000017", 1, 50)])]}
        response = self.api("POST", payload=payload, key=self.key_a)
        self.assertEqual(response.status_code, 201, response.text)
        result = response.json()["billings"][0]
        self.assertEqual(result["status"], "created")
        self.assertEqual(result["state"], "validated")
        self.assertEqual(result["total"], 250.0)
        billing = self.Billing.search(
            [("distributor_id", "=", self.distributor_a.id), ("bill_number", "=", "API-1")]
        )
        self.assertEqual(billing.source, "api")
        self.assertEqual(billing.submitted_by_id, self.portal_a)
        self.assertEqual(
            self._credit([("secondary_billing_id", "=", billing.id)]),
            {self.sales_a: 150.0, self.sales_b: 100.0},
        )
        # The same billing sent again (a retry): not a duplicate, not an error, created once.
        response = self.api("POST", payload=payload, key=self.key_a)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["billings"][0]["status"], "existing")
        self.assertEqual(response.json()["billings"][0]["reference"], billing.name)
        self.assertEqual(self.count(), 1)
        # Read it back.
        response = self.api("GET", "/API-1", key=self.key_a)
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(
            (data["state"], data["reference"], len(data["lines"])), ("validated", billing.name, 2)
        )

    def test_duplicate_bill_number_with_other_content_is_a_conflict(self):
        earlier = self._billing(number="API-1", lines=[("T-INS", 1, 100.0)])
        response = self.api("POST", payload={"billings": [self.api_billing()]}, key=self.key_a)
        self.assertEqual(response.status_code, 409, response.text)
        error = response.json()["errors"][0]
        self.assertEqual(error["bill_number"], "API-1")
        self.assertIn(earlier.name, error["message"])
        self.assertEqual(earlier.line_ids.quantity, 1)
        self.assertEqual(self.count(), 1)

    def test_validation_errors_save_nothing(self):
        payload = {
            "billings": [
                self.api_billing(number="API-1"),
                self.api_billing(number="API-2", lines=[("T-INS", 0, 100.0), ("NOPE", 1, -1)]),
            ]
        }
        response = self.api("POST", payload=payload, key=self.key_a)
        self.assertEqual(response.status_code, 400)
        errors = {(e["bill_number"], e["field"]) for e in response.json()["errors"]}
        self.assertEqual(
            errors,
            {
                ("API-2", "billings[1].lines[0].quantity"),
                ("API-2", "billings[1].lines[1].product"),
                ("API-2", "billings[1].lines[1].price_unit"),
            },
        )
        self.assertEqual(self.count(), 0, "all or nothing")

    def test_malformed_requests(self):
        self.assertEqual(self.api("POST", raw="{not json", key=self.key_a).status_code, 400)
        self.assertEqual(self.api("POST", raw=b"\xff\xfe", key=self.key_a).status_code, 400)
        self.assertEqual(self.api("POST", payload=[1, 2], key=self.key_a).status_code, 400)
        self.assertEqual(self.api("POST", payload={"billings": []}, key=self.key_a).status_code, 400)
        response = self.api(
            "POST", payload={"billings": [{"bill_number": {"a": 1}, "lines": "x"}]}, key=self.key_a
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            {e["field"] for e in response.json()["errors"]}, {"billings[0].bill_number", "billings[0].lines"}
        )
        with patch.object(api_module, "MAX_BODY", 200):
            response = self.api("POST", payload={"billings": [self.api_billing()] * 5}, key=self.key_a)
            self.assertEqual(response.status_code, 413)
        with patch.object(api_module, "MAX_BILLINGS", 1):
            payload = {"billings": [self.api_billing(number="A"), self.api_billing(number="B")]}
            self.assertEqual(self.api("POST", payload=payload, key=self.key_a).status_code, 413)
        self.assertEqual(self.count(), 0)

    def test_bill_numbers_with_slashes(self):
        payload = {"billings": [self.api_billing(number="INV/2026/0001")]}
        self.assertEqual(self.api("POST", payload=payload, key=self.key_a).status_code, 201)
        response = self.api("GET", "/INV/2026/0001", key=self.key_a)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["bill_number"], "INV/2026/0001")

    def test_review_policy_and_rejection_are_visible(self):
        self.unit_pharma.secondary_validation = "review"
        response = self.api("POST", payload={"billings": [self.api_billing()]}, key=self.key_a)
        self.assertEqual(response.json()["billings"][0]["state"], "submitted")
        billing = self.Billing.search([("bill_number", "=", "API-1")])
        billing.with_user(self.manager_pharma).action_reject("Unknown retailer")
        data = self.api("GET", "/API-1", key=self.key_a).json()
        self.assertEqual((data["state"], data["reject_reason"]), ("rejected", "Unknown retailer"))
