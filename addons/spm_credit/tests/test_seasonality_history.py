from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestSeasonalityHistory(SpmCreditCase):
    def _invoice_on(self, day, product, amount, team):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": day,
                "team_id": team.id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": amount})
                ],
            }
        )
        move.action_post()
        return move

    def test_history_learns_the_sales_the_unit_is_credited_for(self):
        """A consumer product sold by the pharma team is credited to Consumer (its
        category comes first): Pharma's profile does not learn from it."""
        first = fields.Date.context_today(self.env.user).replace(day=1)
        pharma_month, consumer_month = first - relativedelta(months=3), first - relativedelta(months=6)
        self._invoice_on(pharma_month, self.product_pharma, 1000.0, self.team_other)
        self._invoice_on(consumer_month, self.product_consumer, 5000.0, self.team_pharma)
        self.assertEqual(
            self.env["spm.business.unit"]._resolve_business_units(
                self.product_consumer, [self.team_pharma], [self.company]
            ),
            [self.unit_consumer],
        )
        profile = self.env["spm.seasonality.profile"].create(
            {"name": "Pharma history", "history_business_unit_id": self.unit_pharma.id, "history_years": 1}
        )
        profile.action_build_from_history()
        weights = {month: profile[f"weight_{month:02d}"] for month in range(1, 13)}
        self.assertGreater(weights[pharma_month.month], 90.0)
        self.assertLess(weights[consumer_month.month], 1.0, "the consumer sale is not Pharma's")
