from odoo.tests import tagged

from odoo.addons.spm_quota.tools import trusted

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditPolicy(SpmCreditCase):
    def test_primary_credit_off_credits_nobody(self):
        """A unit that pays only on secondary sales: selling to the distributor earns nothing."""
        self.unit_pharma.credit_primary = False
        self.unit_consumer.credit_primary = False
        self._assign(self.distributor, self.sales_a, 100.0, date_from="2020-01-01")
        order = self._order(
            [(self.product_pharma, 100, 10.0), (self.product_consumer, 100, 10.0)], partner=self.distributor
        )
        self._invoice(order)
        self.assertFalse(self.Credit.search([("partner_id", "=", self.distributor.id)]))
        self.assertFalse(
            self.env["spm.credit.issue"].search([("partner_id", "=", self.distributor.id)]),
            "switched off is not an issue",
        )

    def test_credit_disabled_only_by_the_addons_own_code(self):
        """A client's context cannot switch crediting off; the addons' bulk loads can."""
        forged = self._order([(self.product_pharma, 1, 10.0)], confirm=False)
        forged.with_context(spm_credit_disabled=True).action_confirm()
        self.assertTrue(self.Credit.search([("order_id", "=", forged.id)]))
        order = self._order([(self.product_pharma, 1, 10.0)], confirm=False)
        with trusted(self.env, "spm_credit_disabled"):
            order.action_confirm()
        self.assertFalse(self.Credit.search([("order_id", "=", order.id)]))
