from odoo import Command
from odoo.tests import tagged

from odoo.addons.spm_quota.tools import trusted

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditQueryCount(SpmCreditCase):
    def _confirm_and_count(self, line_count, *flags):
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
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        with trusted(self.env, *flags):
            order.action_confirm()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _extra_queries(self, line_count):
        # Warm up, so both measures start from the same caches.
        self._confirm_and_count(line_count)
        with_credit = self._confirm_and_count(line_count)
        without_credit = self._confirm_and_count(line_count, "spm_credit_disabled")
        return with_credit - without_credit

    def test_confirming_costs_a_constant_number_of_queries(self):
        one, fifty = self._extra_queries(1), self._extra_queries(50)
        self.assertEqual(one, fifty, f"crediting 1 line costs {one} queries, 50 lines {fifty}")
        self.assertLess(one, 40)
        # The 50-line orders credit 25 Pharma lines each with the overlay: crediting did happen.
        overlays = self.Credit.search_count([("kind", "=", "overlay"), ("partner_id", "=", self.customer.id)])
        self.assertEqual(overlays, 2 * (1 + 25))
