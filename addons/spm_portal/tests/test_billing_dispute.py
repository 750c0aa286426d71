from odoo.tests import tagged

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestBillingCreditDocument(SpmPortalCase):
    """A secondary billing is a credited document as orders and invoices are: its
    credit and issue counts, and disputes that show it."""

    def _raise(self, action, user, description="My share is missing"):
        return (
            self.env["spm.credit.dispute"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"description": description})
        )

    def test_salesperson_disputes_a_credit_line_of_a_billing(self):
        billing = self._billing(lines=[("T-INS", 10, 100.0)])
        line = self.Credit.search(
            [("secondary_billing_id", "=", billing.id), ("user_id", "=", self.sales_a.id)]
        )
        dispute = self._raise(line.with_user(self.sales_a).action_dispute(), self.sales_a)
        self.assertEqual(dispute.credit_line_id, line)
        self.assertEqual(dispute.document_ref, billing)
        self.assertEqual(dispute.business_unit_id, self.unit_pharma)
        self.assertEqual(dispute.sudo().manager_id, self.manager_pharma)
        self.assertEqual(dispute.with_user(self.sales_a).document_ref.display_name, billing.display_name)

    def test_salesperson_disputes_a_billing(self):
        billing = self._billing(lines=[("T-INS", 10, 100.0)])
        action = billing.with_user(self.sales_a).action_spm_dispute()
        dispute = self._raise(
            {"context": {**action["context"], "default_business_unit_id": self.unit_pharma.id}}, self.sales_a
        )
        self.assertEqual(dispute.document_ref, billing)
        self.assertEqual(dispute.state, "open")

    def test_credit_and_issue_counts(self):
        billing = self._billing(lines=[("T-INS", 1, 100.0), ("T-SUN", 1, 10.0)])
        self.assertEqual(billing.spm_credit_count, 3)
        self.assertEqual(billing.spm_credit_issue_count, 0)
        other = self.env["res.partner"].create(
            {"name": "Test Lonely Distributor", "is_distributor": True, "is_company": True}
        )
        lonely = self._billing(distributor=other, number="L-1", lines=[("T-INS", 1, 100.0)])
        self.assertEqual(lonely.spm_credit_count, 0)
        self.assertEqual(lonely.spm_credit_issue_count, 1)
        action = lonely.action_view_spm_credit_issues()
        self.assertEqual(self.env["spm.credit.issue"].search(action["domain"]).partner_id, other)
