from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import spm_secondary_billing
from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestSecondaryBillingCredit(SpmPortalCase):
    """Validated secondary billings credit the distributor's salespersons, in the
    same transaction; rejection and cancellation reverse that credit."""

    def _billing_credit(self, billing):
        return self._credit([("secondary_billing_id", "=", billing.id)])

    def test_validated_billing_credits_the_split_60_40(self):
        billing = self._billing(lines=[("T-INS", 10, 100.0), ("T-INS", 1, 50.0)])
        self.assertEqual(billing.state, "validated", "Pharma validates on submission")
        self.assertEqual(self._billing_credit(billing), {self.sales_a: 630.0, self.sales_b: 420.0})
        lines = self.Credit.search([("secondary_billing_id", "=", billing.id)])
        self.assertEqual(set(lines.mapped("basis")), {"secondary"})
        self.assertEqual(set(lines.mapped("state")), {"confirmed"})
        self.assertEqual(lines.distributor_id, self.distributor_a)
        self.assertEqual(lines.partner_id, billing.retailer_id, "the customer is the retailer")
        self.assertEqual(set(lines.mapped("date")), {self.yesterday})
        self.assertEqual(lines.secondary_line_id, billing.line_ids)
        self.assertEqual(billing.spm_credit_count, 4)
        # Never collected by the company: 0, so that sums of collected credit stay numbers.
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT COUNT(*) FROM spm_credit_line WHERE secondary_billing_id = %s "
            "AND amount_collected IS NULL",
            [billing.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_units_of_each_line_and_returns(self):
        billing = self._billing(lines=[("T-INS", 2, 100.0), ("T-SUN", 10, 5.0)])
        self.assertEqual(
            self._billing_credit(billing), {self.sales_a: 120.0, self.sales_b: 80.0, self.sales_c: 50.0}
        )
        refund = self._billing(number="CN-001", billing_type="return", lines=[("T-INS", 1, 100.0)])
        self.assertEqual(refund.amount_company_signed, -100.0)
        self.assertEqual(self._billing_credit(refund), {self.sales_a: -60.0, self.sales_b: -40.0})

    def test_overlay_gets_full_credit(self):
        self._assign(
            self.distributor_a, self.sales_d, unit=self.unit_pharma, kind="overlay", date_from="2020-01-01"
        )
        billing = self._billing(lines=[("T-INS", 1, 100.0)])
        self.assertEqual(
            self._billing_credit(billing), {self.sales_a: 60.0, self.sales_b: 40.0, self.sales_d: 100.0}
        )

    def test_submission_goes_straight_to_validated(self):
        billing = self._billing(lines=[("T-INS", 1, 100.0)])
        self.assertEqual(billing.state, "validated")
        self.assertEqual(billing.submitted_by_id, self.env.user)
        self.assertTrue(billing.submitted_date)
        self.assertTrue(billing.validated_date)
        self.assertFalse(billing.validated_by_id, "validated on submission, by nobody")
        self.assertEqual(set(billing.line_ids.mapped("state")), {"validated"})

    def test_large_submissions_are_created_batch_by_batch(self):
        data = [
            {
                "bill_number": f"B-10{index}",
                "bill_date": self.yesterday,
                "retailer": "Corner Shop",
                "lines": [{"product": "T-INS", "quantity": index, "price_unit": 100.0}],
            }
            for index in (1, 2, 3)
        ]
        Billing = self.env["spm.secondary.billing"]
        prepared, errors = Billing._check_billings(data, self.distributor_a)
        self.assertFalse(errors)
        with patch.object(spm_secondary_billing, "CREATE_BATCH_SIZE", 2):
            created, __ = Billing._create_checked(prepared, "upload", submit=True)
        self.assertEqual(created.mapped("bill_number"), ["B-101", "B-102", "B-103"], "in the file's order")
        self.assertEqual(set(created.mapped("state")), {"validated"})
        self.assertEqual(
            self._credit([("secondary_billing_id", "in", created.ids)]),
            {self.sales_a: 360.0, self.sales_b: 240.0},
        )

    def test_business_units_are_searchable(self):
        billing = self._billing(lines=[("T-INS", 1, 100.0), ("T-SUN", 1, 10.0)])
        consumer = self._billing(number="B-002", lines=[("T-SUN", 1, 10.0)])
        self.assertEqual(billing.business_unit_ids, self.unit_pharma | self.unit_consumer)
        Billing = self.env["spm.secondary.billing"]
        found = Billing.search([("business_unit_ids", "in", self.unit_pharma.ids)])
        self.assertIn(billing, found)
        self.assertNotIn(consumer, found)
        # The "To review" filter of the unit managers.
        mine = Billing.with_user(self.manager_pharma).search(
            [("business_unit_ids.manager_id", "=", self.manager_pharma.id)]
        )
        self.assertIn(billing, mine)
        self.assertNotIn(consumer, mine)

    def test_rejection_reverses_the_credit(self):
        billing = self._billing(lines=[("T-INS", 10, 100.0)])
        billing.with_user(self.manager_pharma).action_reject("Duplicate of bill B-000")
        self.assertEqual(billing.state, "rejected")
        self.assertEqual(billing.reject_reason, "Duplicate of bill B-000")
        self.assertEqual(self._billing_credit(billing), {})
        reversals = self.Credit.search(
            [("secondary_billing_id", "=", billing.id), ("state", "=", "reversed")]
        )
        self.assertEqual(len(reversals), 2)
        self.assertEqual(sorted(reversals.mapped("amount")), [-600.0, -400.0])
        self.assertEqual(reversals.secondary_line_id, billing.line_ids, "reversals keep the source links")
        # Corrected and submitted again: credited again once its reviewer validates it.
        billing.with_user(self.portal_a).action_draft()
        billing.line_ids.quantity = 5
        billing.with_user(self.portal_a).action_submit()
        self.assertEqual(billing.state, "submitted", "a rejected billing is reviewed, even in Pharma")
        billing.with_user(self.manager_pharma).action_validate()
        self.assertEqual(self._billing_credit(billing), {self.sales_a: 300.0, self.sales_b: 200.0})

    def test_reject_needs_a_reason_and_a_reviewer(self):
        billing = self._billing()
        with self.assertRaises(UserError):
            billing.with_user(self.manager_pharma).action_reject("  ")
        with self.assertRaises(AccessError):
            billing.with_user(self.manager_consumer).action_reject("Not mine")
        with self.assertRaises(AccessError):
            billing.with_user(self.portal_a).action_reject("Self-rejection")
        self.assertEqual(billing.state, "validated")
        self.env["spm.secondary.billing.reject"].with_user(self.admin).create(
            {
                "billing_ids": [(6, 0, billing.ids)],
                "reason": "Wrong retailer",
            }
        ).action_reject()
        self.assertEqual(billing.state, "rejected")

    def test_cancelling_a_validated_billing_reverses_its_credit(self):
        billing = self._billing()
        with self.assertRaises(AccessError):
            billing.with_user(self.portal_a).action_cancel()
        billing.with_user(self.manager_pharma).action_cancel()
        self.assertEqual(billing.state, "cancel")
        self.assertEqual(self._billing_credit(billing), {})

    def test_review_policy_waits_for_the_unit_manager(self):
        self.unit_pharma.secondary_validation = "review"
        billing = self._billing(lines=[("T-INS", 1, 100.0), ("T-SUN", 1, 10.0)])
        self.assertEqual(billing.state, "submitted")
        self.assertEqual(self._billing_credit(billing), {}, "no credit before the review")
        activity_type = self.env.ref("spm_portal.mail_activity_type_secondary_review")
        activities = billing.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(activities.user_id, self.manager_pharma, "only the unit that reviews is asked")
        with self.assertRaises(AccessError):
            billing.with_user(self.manager_consumer).action_validate()
        with self.assertRaises(AccessError):
            billing.with_user(self.portal_a).action_validate()
        billing.with_user(self.manager_pharma).action_validate()
        self.assertEqual(billing.state, "validated")
        self.assertEqual(billing.validated_by_id, self.manager_pharma)
        self.assertFalse(billing.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        self.assertEqual(
            self._billing_credit(billing), {self.sales_a: 60.0, self.sales_b: 40.0, self.sales_c: 10.0}
        )

    def test_unit_without_secondary_credit(self):
        self.unit_pharma.credit_secondary = False
        billing = self._billing(lines=[("T-INS", 1, 100.0), ("T-SUN", 1, 10.0)])
        self.assertEqual(billing.state, "validated")
        self.assertEqual(self._billing_credit(billing), {self.sales_c: 10.0})

    def test_unassigned_distributor_opens_a_credit_issue(self):
        other = self.env["res.partner"].create(
            {"name": "Test Lonely Distributor", "is_distributor": True, "is_company": True}
        )
        billing = self._billing(distributor=other, lines=[("T-INS", 1, 100.0)])
        self.assertEqual(billing.state, "validated")
        issue = self.env["spm.credit.issue"].search(
            [("document_ref", "=", f"spm.secondary.billing,{billing.id}")]
        )
        self.assertEqual(issue.reason, "no_assignment")
        self.assertEqual(issue.partner_id, other)
        self._assign(other, self.sales_d, date_from="2020-01-01")
        issue.action_recompute()
        self.assertEqual(issue.state, "resolved")
        self.assertEqual(self._billing_credit(billing), {self.sales_d: 100.0})

    def test_foreign_currency_is_credited_in_company_currency(self):
        currency = self._foreign_currency(2.0)
        data = {
            "bill_number": "FX-1",
            "bill_date": self.yesterday,
            "retailer": "Shop",
            "currency": currency.name,
            "lines": [{"product": "T-INS", "quantity": 1, "price_unit": 100}],
        }
        prepared, errors = self.Billing._check_billings([data], self.distributor_a)
        self.assertFalse(errors)
        billing, _existing = self.Billing._create_checked(prepared, "api", submit=True)
        self.assertEqual(billing.currency_id, currency)
        self.assertEqual(billing.amount_company_signed, 50.0)
        self.assertEqual(self._billing_credit(billing), {self.sales_a: 30.0, self.sales_b: 20.0})

    def test_validated_billings_are_not_edited(self):
        billing = self._billing()
        with self.assertRaises(UserError):
            billing.bill_number = "B-999"
        with self.assertRaises(UserError):
            billing.line_ids.quantity = 1
        with self.assertRaises(UserError):
            billing.unlink()

    def test_back_office_submit_uses_the_same_rules(self):
        retailer = self._retailer(self.distributor_a, "Test Shop")
        billing = self.Billing.with_user(self.manager_pharma).create(
            {
                "distributor_id": self.distributor_a.id,
                "bill_number": "BO-1",
                "bill_date": self.yesterday,
                "retailer_id": retailer.id,
                "line_ids": [
                    (0, 0, {"product_id": self.product_not_sold.id, "quantity": 1, "price_unit": 1})
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "may not report"):
            billing.action_submit()
        billing.line_ids.product_id = self.product_pharma
        billing.action_submit()
        self.assertEqual(billing.state, "validated")
        self.assertEqual(billing.source, "backoffice")
