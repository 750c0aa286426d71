from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SpmIncentiveCase


@tagged("post_install", "-at_install")
class TestStatementEmail(SpmIncentiveCase):
    """The approved statement is sent to the salesperson by email, with its PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quota(cls.sales_a, cls.unit_pharma, {"2026-10-01": 100, "2026-11-01": 100, "2026-12-01": 100})
        cls._order([(cls.product_pharma, 9, 111.11)], date_order="2026-12-01 10:00:00")
        cls.sales_a.partner_id.email = "sales.a@example.com"

    def test_manager_sends_the_pdf_to_the_salesperson(self):
        statement = self._generate("2026-12-01")
        with self.assertRaises(UserError):
            statement.with_user(self.manager_pharma).action_send_statement()
        statement.with_user(self.manager_pharma).action_approve_manager()
        action = statement.with_user(self.manager_pharma).action_send_statement()
        composer = Form(
            self.env["mail.compose.message"].with_user(self.manager_pharma).with_context(**action["context"])
        )
        self.assertIn(statement.name, composer.subject)
        self.assertIn(self.sales_a.partner_id, composer.partner_ids[:])
        composer.save().action_send_mail()
        message = statement.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertTrue(message, "the email is in the statement's chatter")
        self.assertIn(self.sales_a.partner_id, message.partner_ids)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn("Incentive Statement", message.attachment_ids.name)
        # The figures are the statement's own
        self.assertIn("16.00", str(message.body))

    def test_only_manager_or_finance_send(self):
        statement = self._generate("2026-12-01")
        statement.with_user(self.manager_pharma).action_approve_manager()
        for user in (self.sales_a, self.manager_consumer):
            with self.assertRaises(AccessError):
                statement.with_user(user).action_send_statement()
        self.assertTrue(statement.with_user(self.accountant).action_send_statement())

    def test_template_ships_the_report(self):
        template = self.env.ref("spm_incentive.mail_template_incentive_statement")
        self.assertEqual(
            template.report_template_ids, self.env.ref("spm_incentive.action_report_incentive_statement")
        )
