from odoo.tests import HttpCase, tagged

from .test_achievement_report import SpmAchievementCase


class SpmDisputeAnswerCase(SpmAchievementCase):
    """A disputes his Pharma credit of the order; the Pharma manager resolves it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line_a = cls.env["spm.credit.line"].search(
            [("order_id", "=", cls.order.id), ("user_id", "=", cls.sales_a.id)]
        )
        context = cls.line_a.with_user(cls.sales_a).action_dispute()["context"]
        cls.dispute = (
            cls.env["spm.credit.dispute"]
            .with_user(cls.sales_a)
            # As in production: the chatter on, its creator following it.
            .with_context(**context, tracking_disable=False)
            .create({"description": "My share should be 60 %"})
        )

    def _resolve(self):
        manager_view = self.dispute.with_user(self.manager_pharma)
        manager_view.resolution = "Split corrected: <b>60 %</b> from next month"
        manager_view.action_resolve()


@tagged("post_install", "-at_install")
class TestDisputeAnswer(SpmDisputeAnswerCase):
    def test_salesperson_is_notified(self):
        self.assertIn(self.sales_a.partner_id, self.dispute.message_partner_ids, "he follows his dispute")
        self._resolve()
        message = self.dispute.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_comment"))
        self.assertEqual(len(message), 1)
        self.assertIn("is closed: Resolved", message.body)
        self.assertIn("&lt;b&gt;60 %&lt;/b&gt;", message.body, "the manager's text stays text")
        self.assertEqual(message.author_id, self.manager_pharma.partner_id)
        # In his inbox (or by email, as he prefers): a notification addressed to him.
        self.assertIn(self.sales_a.partner_id, message.notification_ids.res_partner_id)

    def test_state_on_line_and_document(self):
        line = self.line_a.with_user(self.sales_a)
        order = self.order.with_user(self.sales_a)
        self.assertEqual((line.dispute_id, line.dispute_state), (self.dispute, "open"))
        self.assertEqual((order.spm_dispute_id, order.spm_dispute_state), (self.dispute, "open"))
        self._resolve()
        line.invalidate_recordset()
        order.invalidate_recordset()
        self.assertEqual(line.dispute_state, "resolved")
        self.assertEqual(order.spm_dispute_state, "resolved")
        # Another salesperson's line of the same order: not disputed; an accountant reads no dispute.
        other = self.env["spm.credit.line"].search(
            [("order_id", "=", self.order.id), ("user_id", "=", self.sales_b.id)]
        )
        self.assertFalse(other.dispute_state)
        self.assertFalse(self.line_a.with_user(self.accountant).dispute_state)


@tagged("post_install", "-at_install")
class TestDisputeAnswerTour(HttpCase, SpmDisputeAnswerCase):
    def test_salesperson_finds_his_closed_dispute(self):
        self._resolve()
        adjustment = self._adjust(self.sales_a, 10.0)
        self.env["spm.credit.dispute"].with_user(self.sales_a).create(
            {"credit_line_id": adjustment.id, "description": "The bonus was 20"}
        )
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dispute_action",
            "spm_credit_dispute_answer",
            login="t_sales_a",
        )
