from odoo.tests import tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditAllocation(SpmCreditCase):
    def test_three_way_split_and_overlay_across_two_units(self):
        """50/30/20 plus an overlay in Pharma, on an order with products of two units."""
        order = self._order(
            [
                (self.product_pharma, 3, 33.37),  # 100.11: Pharma credits on the order
                (self.product_consumer, 7, 1.43),  # 10.01: Consumer credits on the invoice
            ]
        )
        pharma_line, consumer_line = order.order_line
        self.assertEqual(
            self._credit([("sale_line_id", "=", pharma_line.id)]),
            {
                self.sales_a: 50.06,
                self.sales_b: 30.03,
                self.sales_c: 20.02,
                self.sales_d: 100.11,
            },
        )
        splits = self.Credit.search([("sale_line_id", "=", pharma_line.id), ("kind", "=", "split")])
        self.assertEqual(round(sum(splits.mapped("amount")), 2), 100.11, "the splits add up to the line")
        self.assertEqual(set(splits.mapped("state")), {"provisional"})
        self.assertFalse(
            self.Credit.search([("sale_line_id", "=", consumer_line.id)]),
            "Consumer credits on invoices, not on orders",
        )

        invoice = self._invoice(order)
        consumer_invoice_line = invoice.invoice_line_ids.filtered(
            lambda inv_line: inv_line.product_id == self.product_consumer
        )
        self.assertEqual(
            self._credit([("move_line_id", "=", consumer_invoice_line.id)]),
            {
                self.sales_a: 5.01,
                self.sales_b: 3.0,
                self.sales_c: 2.0,
            },
        )
        # The Pharma order credit is now confirmed: reversal of the provisional plus a replacement.
        self.assertEqual(
            self._credit([("sale_line_id", "=", pharma_line.id)]),
            {
                self.sales_a: 50.06,
                self.sales_b: 30.03,
                self.sales_c: 20.02,
                self.sales_d: 100.11,
            },
        )
        active = self.env["spm.credit.engine"]._active_lines(pharma_line)[pharma_line]
        self.assertEqual(set(active.mapped("state")), {"confirmed"})
        self.assertEqual(len(active), 4)

    def test_credit_follows_line_changes_without_duplicates(self):
        order = self._order([(self.product_pharma, 1, 100.0)])
        line = order.order_line
        line.product_uom_qty = 2
        self.assertEqual(self._credit([("sale_line_id", "=", line.id)])[self.sales_a], 100.0)
        count = self.Credit.search_count([("sale_line_id", "=", line.id)])
        order.action_spm_recompute_credit()
        self.assertEqual(
            self.Credit.search_count([("sale_line_id", "=", line.id)]),
            count,
            "recomputing a correctly credited order adds nothing",
        )

    def test_amounts_in_company_currency(self):
        currency = self._foreign_currency(2.0)
        pricelist = self.env["product.pricelist"].create({"name": "Foreign", "currency_id": currency.id})
        order = self._order([(self.product_pharma, 1, 200.0)], confirm=False)
        order.pricelist_id = pricelist
        order.order_line.price_unit = 200.0
        order.action_confirm()
        # 200 in a currency worth half the company's: 100 of credit.
        self.assertEqual(
            self._credit([("order_id", "=", order.id), ("kind", "=", "split")]),
            {self.sales_a: 50.0, self.sales_b: 30.0, self.sales_c: 20.0},
        )
