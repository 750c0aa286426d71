from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditDispute(SpmCreditCase):
    def test_dispute_becomes_manager_activity_with_resolution(self):
        order = self._order([(self.product_pharma, 1, 100.0)])
        line = self.Credit.search([("order_id", "=", order.id), ("user_id", "=", self.sales_a.id)])
        action = line.with_user(self.sales_a).action_dispute()
        dispute = (
            self.env["spm.credit.dispute"]
            .with_user(self.sales_a)
            .with_context(**action["context"])
            .create(
                {
                    "description": "My share should be 60 %",
                }
            )
        )
        self.assertEqual(dispute.business_unit_id, self.unit_pharma)
        activity = dispute.sudo().activity_ids
        self.assertEqual(activity.user_id, self.manager_pharma)
        manager_view = dispute.with_user(self.manager_pharma)
        with self.assertRaises(UserError):
            manager_view.action_resolve()
        manager_view.resolution = "Split corrected from next month"
        manager_view.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertFalse(dispute.sudo().activity_ids)
