from odoo.tests import tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditIssues(SpmCreditCase):
    def test_unassigned_customer_is_flagged_then_recomputed_once(self):
        order = self._order([(self.product_pharma, 1, 100.0)], partner=self.customer_2)
        issues = self.env["spm.credit.issue"].search([("document_ref", "=", f"sale.order,{order.id}")])
        self.assertEqual(issues.reason, "no_assignment")
        self.assertEqual(issues.state, "open")
        self.assertEqual(order.spm_credit_issue_count, 1, "a warning shows on the order")
        activity = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("spm_credit.mail_activity_type_credit_issue")
        )
        self.assertEqual(activity.user_id, self.manager_pharma, "the unit manager is asked to act")

        self._assign(self.customer_2, self.sales_b, 100.0, date_from="2020-01-01")
        issues.action_recompute()
        issues.action_recompute()
        self.assertEqual(issues.state, "resolved")
        self.assertEqual(self._credit([("order_id", "=", order.id)]), {self.sales_b: 100.0})
        self.assertEqual(self.Credit.search_count([("order_id", "=", order.id)]), 1, "no duplicates")
        order.invalidate_recordset(["spm_credit_issue_count"])
        self.assertEqual(order.spm_credit_issue_count, 0)

    def test_product_without_unit_is_unresolved(self):
        order = self._order([(self.product_orphan, 1, 5.0)])
        issue = self.env["spm.credit.issue"].search([("document_ref", "=", f"sale.order,{order.id}")])
        self.assertEqual(issue.reason, "no_unit")
        self.assertFalse(self.Credit.search([("order_id", "=", order.id)]))
