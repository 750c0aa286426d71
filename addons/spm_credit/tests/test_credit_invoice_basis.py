from odoo.tests import tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditInvoiceBasis(SpmCreditCase):
    def test_nothing_on_order_credit_on_posting(self):
        order = self._order([(self.product_consumer, 10, 10.0)])
        self.assertFalse(self.Credit.search([("order_id", "=", order.id)]))
        invoice = self._invoice(order, post=False)
        self.assertFalse(self.Credit.search([("move_id", "=", invoice.id)]), "a draft invoice earns nothing")
        invoice.action_post()
        self.assertEqual(
            self._credit([("move_id", "=", invoice.id)]),
            {self.sales_a: 50.0, self.sales_b: 30.0, self.sales_c: 20.0},
        )

    def test_reset_to_draft_reverses_and_repost_credits_again(self):
        order = self._order([(self.product_consumer, 10, 10.0)])
        invoice = self._invoice(order)
        invoice.button_draft()
        self.assertEqual(self._credit([("move_id", "=", invoice.id)]), {})
        invoice.action_post()
        self.assertEqual(self._credit([("move_id", "=", invoice.id)])[self.sales_a], 50.0)
        self.assertEqual(self.Credit.search_count([("move_id", "=", invoice.id)]), 9, "3 + 3 reversals + 3")

    def test_credit_note_credits_negatively(self):
        order = self._order([(self.product_consumer, 10, 10.0)])
        invoice = self._invoice(order)
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.quantity = 3
        refund.action_post()
        self.assertEqual(
            self._credit([("move_id", "=", refund.id)]),
            {self.sales_a: -15.0, self.sales_b: -9.0, self.sales_c: -6.0},
        )
        self.assertEqual(
            self._credit([("partner_id", "=", self.customer.id), ("basis", "=", "invoice")]),
            {self.sales_a: 35.0, self.sales_b: 21.0, self.sales_c: 14.0},
        )

    def test_partial_invoicing_credits_exactly_the_invoiced_amount(self):
        order = self._order([(self.product_consumer, 10, 10.0)])
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 6
        invoice.action_post()
        self.assertEqual(
            self._credit([("partner_id", "=", self.customer.id)]),
            {self.sales_a: 30.0, self.sales_b: 18.0, self.sales_c: 12.0},
        )
