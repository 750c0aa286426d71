from odoo.tests import new_test_user, tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditForOtherUsers(SpmCreditCase):
    """Odoo's own flows keep working for users who have no SPM role, or an SPM
    role that does not reach the credit they change: the engine runs inside
    their transaction with the rights it needs on its own records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's "Billing" and "Accountant" roles, with no SPM group.
        cls.billing_clerk = new_test_user(cls.env, "t_billing_clerk", groups="account.group_account_invoice")
        cls.accountant = new_test_user(cls.env, "t_odoo_accountant", groups="account.group_account_manager")
        # A salesperson who also invoices, for accounts credited to colleagues.
        cls.invoicing_sales = new_test_user(
            cls.env,
            "t_invoicing_sales",
            groups="spm_quota.group_spm_salesperson,account.group_account_invoice",
        )
        # Sales administrator of Odoo, not in any SPM group.
        cls.sales_admin = new_test_user(
            cls.env, "t_sales_admin", groups="sales_team.group_sale_manager,account.group_account_invoice"
        )

    def _consumer_invoice(self):
        """A posted invoice of 1000.00, credited on invoice 50/30/20 to A, B and C."""
        return self._invoice(self._order([(self.product_consumer, 10, 100.0)]))

    def _collected(self, invoice):
        lines = self.Credit.search([("move_id", "=", invoice.id)])
        return {line.user_id: line.amount_collected for line in lines if line.state != "reversed"}

    def _credit_of(self, invoice):
        return self._credit([("move_id", "=", invoice.id)])

    def _pay_as(self, user, invoice, amount):
        return (
            self.env["account.payment.register"]
            .with_user(user)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": invoice.invoice_date})
            ._create_payments()
        )

    def test_payment_registered_and_unreconciled_without_spm_role(self):
        for user in (self.billing_clerk, self.accountant, self.sales_admin):
            with self.subTest(user=user.login):
                invoice = self._consumer_invoice()
                self._pay_as(user, invoice, 400.0)
                self.assertEqual(
                    self._collected(invoice), {self.sales_a: 200.0, self.sales_b: 120.0, self.sales_c: 80.0}
                )
                receivable = invoice.line_ids.filtered(
                    lambda aml: aml.account_id.account_type == "asset_receivable"
                )
                receivable.with_user(user).remove_move_reconcile()
                self.assertEqual(
                    self._collected(invoice), {self.sales_a: 0.0, self.sales_b: 0.0, self.sales_c: 0.0}
                )

    def test_paid_invoice_reset_and_refunded_without_spm_role(self):
        invoice = self._consumer_invoice()
        self._pay_as(self.billing_clerk, invoice, 1000.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        invoice.with_user(self.billing_clerk).button_draft()
        self.assertEqual(self._credit_of(invoice), {}, "reset to draft: the credit is reversed")
        invoice.with_user(self.billing_clerk).action_post()
        self.assertEqual(
            self._credit_of(invoice), {self.sales_a: 500.0, self.sales_b: 300.0, self.sales_c: 200.0}
        )

        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.billing_clerk)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Damaged goods"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.with_user(self.billing_clerk).action_post()
        self.assertEqual(
            self._credit_of(refund), {self.sales_a: -500.0, self.sales_b: -300.0, self.sales_c: -200.0}
        )

    def test_invoicing_salesperson_resets_a_colleagues_invoice(self):
        """Salesperson D invoices too; the account is credited to A, B and C only."""
        invoice = self._consumer_invoice()
        self.assertNotIn(self.invoicing_sales, self.Credit.search([("move_id", "=", invoice.id)]).user_id)
        invoice.with_user(self.invoicing_sales).button_draft()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(self._credit_of(invoice), {})
        # What the salesperson may read of the credit is still only his own.
        self.assertFalse(self.Credit.with_user(self.invoicing_sales).search([("move_id", "=", invoice.id)]))

    def test_order_confirmed_and_cancelled_by_odoo_salesman(self):
        """A salesman of Odoo's Sales app with no SPM role sells to a credited account."""
        salesman = new_test_user(
            self.env, "t_plain_salesman", groups="sales_team.group_sale_salesman_all_leads"
        )
        order = self._order([(self.product_pharma, 2, 50.0)], confirm=False).with_user(salesman)
        order.action_confirm()
        self.assertEqual(
            self._credit([("order_id", "=", order.id)]),
            {self.sales_a: 50.0, self.sales_b: 30.0, self.sales_c: 20.0, self.sales_d: 100.0},
        )
        order._action_cancel()
        self.assertEqual(self._credit([("order_id", "=", order.id)]), {})
