from datetime import date

from odoo.tests import tagged

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestLateBilling(SpmPortalCase):
    def test_bill_of_a_closed_month_validated_later_is_an_adjustment(self):
        """Submitted in October, validated after October was closed: credited on
        the first open day, the bill date kept as original date."""
        self.unit_pharma.secondary_validation = "review"
        billing = self._billing(number="LATE-1", bill_date=date(2026, 10, 20), lines=[("T-INS", 2, 50.0)])
        self.assertEqual(billing.state, "submitted")
        self.company.spm_credit_lock_date = date(2026, 10, 31)
        billing.with_user(self.manager_pharma).action_validate()
        lines = billing.credit_line_ids
        self.assertEqual(sorted(lines.mapped("amount")), [40.0, 60.0])
        self.assertEqual(set(lines.mapped("date")), {date(2026, 11, 1)})
        self.assertEqual(set(lines.mapped("original_date")), {date(2026, 10, 20)})
        self.assertTrue(all(lines.mapped("is_adjustment")))
        # The closed month's figures did not move: the adjustment counts in November.
        monthly = self.env["spm.credit.monthly"].search(
            [("user_id", "=", self.sales_a.id), ("business_unit_id", "=", self.unit_pharma.id)]
        )
        self.assertNotIn(date(2026, 10, 1), monthly.filtered(lambda m: m.amount).mapped("month"))
        self.assertEqual(monthly.filtered(lambda m: m.month == date(2026, 11, 1)).amount, 60.0)

    def test_bill_of_a_closed_month_entered_later_is_an_adjustment(self):
        """Entered in November for a bill of October, once October was closed:
        taken, and credited on the first open day as an adjustment."""
        self.company.spm_credit_lock_date = date(2026, 10, 31)
        billing = self._billing(number="LATE-2", bill_date=date(2026, 10, 20), lines=[("T-INS", 2, 50.0)])
        self.assertEqual((billing.state, billing.bill_date), ("validated", date(2026, 10, 20)))
        lines = self.Credit.search([("secondary_billing_id", "=", billing.id)])
        self.assertEqual(sorted(lines.mapped("amount")), [40.0, 60.0])
        self.assertEqual(set(lines.mapped("date")), {date(2026, 11, 1)})
        self.assertEqual(set(lines.mapped("original_date")), {date(2026, 10, 20)})
        self.assertTrue(all(lines.mapped("is_adjustment")))
