from odoo.tests import tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditOrderBasis(SpmCreditCase):
    def test_provisional_then_confirmed_when_invoiced(self):
        order = self._order([(self.product_pharma, 10, 10.0)])
        line = order.order_line
        active = self.env["spm.credit.engine"]._active_lines(line)[line]
        self.assertEqual(set(active.mapped("state")), {"provisional"})
        self.assertEqual(self._credit([("sale_line_id", "=", line.id)])[self.sales_a], 50.0)

        # Invoice 4 of 10: 40 confirmed, 60 still provisional.
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 4
        invoice.action_post()
        active = (
            self.env["spm.credit.engine"]
            ._active_lines(line)[line]
            .filtered(lambda c: c.user_id == self.sales_a)
        )
        self.assertEqual(
            sorted((c.state, c.amount) for c in active), [("confirmed", 20.0), ("provisional", 30.0)]
        )
        self.assertEqual(self._credit([("sale_line_id", "=", line.id)])[self.sales_a], 50.0)

    def test_partially_invoiced_order_ends_with_invoiced_amount(self):
        order = self._order([(self.product_pharma, 10, 10.0)])
        line = order.order_line
        line.product_id.invoice_policy = "delivery"
        line.qty_delivered = 4
        self._invoice(order)
        order.action_lock()
        self.assertEqual(
            self._credit([("sale_line_id", "=", line.id), ("kind", "=", "split")]),
            {self.sales_a: 20.0, self.sales_b: 12.0, self.sales_c: 8.0},
        )
        self.assertEqual(
            set(self.env["spm.credit.engine"]._active_lines(line)[line].mapped("state")), {"confirmed"}
        )

    def test_cancel_reverses(self):
        order = self._order([(self.product_pharma, 1, 100.0)])
        lines = self.Credit.search([("order_id", "=", order.id)])
        order._action_cancel()
        self.assertEqual(self._credit([("order_id", "=", order.id)]), {}, "nothing left credited")
        reversals = self.Credit.search([("order_id", "=", order.id), ("state", "=", "reversed")])
        self.assertEqual(
            reversals.reversed_line_id, lines, "each line is reversed by a line that corrects it"
        )
        self.assertEqual(set(lines.mapped("state")), {"provisional"}, "history is not rewritten")

    def test_credit_note_on_order_basis(self):
        order = self._order([(self.product_pharma, 1, 100.0)])
        invoice = self._invoice(order)
        reversal = invoice._reverse_moves(cancel=True)
        self.assertEqual(reversal.state, "posted")
        # Invoiced amount back to 0: the whole line is provisional again.
        line = order.order_line
        active = self.env["spm.credit.engine"]._active_lines(line)[line]
        self.assertEqual(set(active.mapped("state")), {"provisional"})
        self.assertEqual(self._credit([("sale_line_id", "=", line.id)])[self.sales_a], 50.0)
