from odoo.tests import tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditCollected(SpmCreditCase):
    def _collected(self, invoice):
        lines = self.Credit.search([("move_id", "=", invoice.id)])
        return {line.user_id: line.amount_collected for line in lines}

    def test_partial_payment_full_payment_and_unreconcile(self):
        order = self._order([(self.product_consumer, 10, 10.0)])
        invoice = self._invoice(order)
        self.assertEqual(self._collected(invoice), {self.sales_a: 0.0, self.sales_b: 0.0, self.sales_c: 0.0})

        self._pay(invoice, 40.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(
            self._collected(invoice), {self.sales_a: 20.0, self.sales_b: 12.0, self.sales_c: 8.0}
        )

        self._pay(invoice, 60.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(
            self._collected(invoice), {self.sales_a: 50.0, self.sales_b: 30.0, self.sales_c: 20.0}
        )

        receivable = invoice.line_ids.filtered(lambda aml: aml.account_id.account_type == "asset_receivable")
        receivable.remove_move_reconcile()
        self.assertEqual(self._collected(invoice), {self.sales_a: 0.0, self.sales_b: 0.0, self.sales_c: 0.0})

    def test_monthly_aggregate_follows(self):
        order = self._order([(self.product_consumer, 10, 10.0)])
        invoice = self._invoice(order)
        self._pay(invoice, 50.0)
        monthly = self.env["spm.credit.monthly"].search(
            [
                ("user_id", "=", self.sales_a.id),
                ("business_unit_id", "=", self.unit_consumer.id),
            ]
        )
        # One row per transaction that credited (invoice, payment) until the daily merge.
        self.assertEqual(
            (sum(monthly.mapped("amount")), sum(monthly.mapped("amount_collected"))), (50.0, 25.0)
        )
        self.env["spm.credit.monthly"]._compact()
        monthly = self.env["spm.credit.monthly"].search(
            [("user_id", "=", self.sales_a.id), ("business_unit_id", "=", self.unit_consumer.id)]
        )
        self.assertEqual(len(monthly), 1, "merged into one row")
        self.assertEqual((monthly.amount, monthly.amount_collected, monthly.line_count), (50.0, 25.0, 1))

    def test_order_basis_collected_through_invoices(self):
        order = self._order([(self.product_pharma, 1, 100.0)])
        invoice = self._invoice(order)
        self._pay(invoice, 25.0)
        line = order.order_line
        active = self.Credit._active_lines(line)[line]
        self.assertEqual(
            {c.user_id: c.amount_collected for c in active if c.kind == "split"},
            {self.sales_a: 12.5, self.sales_b: 7.5, self.sales_c: 5.0},
        )
        self.assertEqual(active.filtered(lambda c: c.kind == "overlay").amount_collected, 25.0)
