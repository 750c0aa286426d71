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
        active = self.env["spm.credit.engine"]._active_lines(line)[line]
        self.assertEqual(
            {c.user_id: c.amount_collected for c in active if c.kind == "split"},
            {self.sales_a: 12.5, self.sales_b: 7.5, self.sales_c: 5.0},
        )
        self.assertEqual(active.filtered(lambda c: c.kind == "overlay").amount_collected, 25.0)

    def test_collected_adds_up_to_the_paid_share(self):
        """A 1000.05 invoice split 50/30/20 with 400.02 paid: rounding each line
        alone collected 400.01; the paid share is split as credit is."""
        invoice = self._invoice(self._order([(self.product_consumer, 1, 1000.05)]))
        self.assertEqual(
            self._credit([("move_id", "=", invoice.id)]),
            {self.sales_a: 500.03, self.sales_b: 300.01, self.sales_c: 200.01},
        )
        self._pay(invoice, 400.02)
        self.assertEqual(
            self._collected(invoice), {self.sales_a: 200.01, self.sales_b: 120.01, self.sales_c: 80.0}
        )
        self.assertEqual(round(sum(self._collected(invoice).values()), 2), 400.02)

    def test_collected_of_a_discounted_invoice_adds_up(self):
        """A discount line is credited negative: it collects its own (negative)
        part, and the invoice's lines still add up to the paid share."""
        invoice = self._invoice(
            self._order([(self.product_consumer, 1, 235.93), (self.product_consumer, 1, -13.84)])
        )
        self._pay(invoice, 38.09)
        lines = self.Credit.search([("move_id", "=", invoice.id)])
        self.assertEqual(len(lines), 6)
        self.assertEqual(round(sum(lines.mapped("amount_collected")), 2), 38.09)
        ratio = 38.09 / 222.09
        for line in lines:
            self.assertEqual(
                line.amount_collected < 0, line.amount < 0, "collected has the sign of the credit"
            )
            self.assertAlmostEqual(line.amount_collected, line.amount * ratio, delta=0.01)

    def test_order_basis_collected_adds_up(self):
        """Credit on orders: the lines of the order line (team split and overlay)
        collect the paid share of their credit, to the cent."""
        order = self._order([(self.product_pharma, 1, 1000.05)])
        invoice = self._invoice(order)
        self._pay(invoice, 400.02)
        active = self.env["spm.credit.engine"]._active_lines(order.order_line)[order.order_line]
        self.assertEqual(
            {(c.user_id, c.kind): c.amount_collected for c in active},
            {
                (self.sales_a, "split"): 200.01,
                (self.sales_b, "split"): 120.01,
                (self.sales_c, "split"): 80.0,
                (self.sales_d, "overlay"): 400.02,
            },
        )
