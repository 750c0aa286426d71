from odoo import Command
from odoo.tests import tagged

from odoo.addons.spm_quota.tools import trusted

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditQueryCount(SpmCreditCase):
    def _new_order(self, line_count):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": (self.product_consumer if i % 2 else self.product_pharma).id,
                            "product_uom_qty": 1 + i,
                            "price_unit": 9.99,
                        }
                    )
                    for i in range(line_count)
                ],
            }
        )
        # Counted as assertQueryCount counts: pending writes and precommit hooks flushed first.
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        return order

    def _queries_of_confirming(self, line_count, *flags):
        order = self._new_order(line_count)
        before = self.cr.sql_log_count
        with trusted(self.env, *flags):
            order.action_confirm()
        self.env.flush_all()
        self.env.cr.flush()
        return self.cr.sql_log_count - before

    def _queries_without_credit(self, line_count):
        # Warm up, so the measures start from the same caches.
        self._queries_of_confirming(line_count)
        return self._queries_of_confirming(line_count, "spm_credit_disabled")

    def test_confirming_costs_a_constant_number_of_queries(self):
        without_one = self._queries_without_credit(1)
        crediting = self._queries_of_confirming(1) - without_one
        self.assertLess(crediting, 40)
        without_fifty = self._queries_without_credit(50)
        order = self._new_order(50)
        with self.assertQueryCount(without_fifty + crediting):
            order.action_confirm()
        # The 50-line orders credit 25 Pharma lines each with the overlay: crediting did happen.
        overlays = self.Credit.search_count([("kind", "=", "overlay"), ("partner_id", "=", self.customer.id)])
        self.assertEqual(overlays, 2 + 2 * 25)
