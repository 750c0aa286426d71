from odoo.tests import tagged

from .common import SpmPortalCase

LINK = '<a href="https://evil.example/">click</a>'


@tagged("post_install", "-at_install")
class TestTextStaysText(SpmPortalCase):
    """Text that distributors and salespersons type is escaped wherever it is put into HTML."""

    def assertEscaped(self, html):
        self.assertNotIn("<a ", str(html))
        self.assertIn("&lt;a href=", str(html))

    def test_dispute_description_in_the_manager_activity(self):
        order = self._order([(self.product_pharma, 1, 100.0)])
        line = self.Credit.search([("order_id", "=", order.id), ("user_id", "=", self.sales_a.id)])
        action = line.with_user(self.sales_a).action_dispute()
        dispute = (
            self.env["spm.credit.dispute"]
            .with_user(self.sales_a)
            .with_context(**action["context"])
            .create({"description": f"My share {LINK}\nsecond line"})
        )
        note = dispute.sudo().activity_ids.note
        self.assertEscaped(note)
        self.assertIn("second line", note)

    def test_bill_number_in_the_review_activity(self):
        self.unit_pharma.secondary_validation = "review"
        billing = self._billing(number=f"B{LINK}"[:60])
        self.assertEqual(billing.state, "submitted")
        self.assertEscaped(billing.activity_ids.note)

    def test_reject_reason_in_the_chatter(self):
        billing = self._billing()
        billing.with_user(self.manager_pharma).action_reject(f"Wrong {LINK}")
        body = billing.message_ids[:1].body
        self.assertEscaped(body)

    def test_document_name_in_the_credit_issue_activity(self):
        order = self._order([(self.product_pharma, 1, 100.0)], partner=self.customer_2, confirm=False)
        order.name = f"S {LINK}"
        order.action_confirm()
        activity = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("spm_credit.mail_activity_type_credit_issue")
        )
        self.assertTrue(activity)
        self.assertEscaped(activity.note)
