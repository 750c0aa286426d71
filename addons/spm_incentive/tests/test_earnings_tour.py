from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.spm_credit.tests.live_common import SpmLiveCreditCommon

from ..tools import period_bounds, period_months
from .common import SpmIncentiveCase


@tagged("post_install", "-at_install")
class TestEarningsTour(HttpCase, SpmLiveCreditCommon, SpmIncentiveCase):
    """A salesperson's *My earnings* follow credit booked by someone else,
    live, through the bus; the what-if entry computes without writing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The running quarter's target: 3,000 (tiers: 2 % up to 100 %, 5 % above).
        start, end = period_bounds(fields.Date.context_today(cls.env["res.users"]), "quarter")
        cls._quota(cls.sales_a, cls.unit_pharma, {str(month): 1000 for month in period_months(start, end)})
        # A: 50 % of 100 this month, 1.00 earned.
        cls._order([(cls.product_pharma, 1, 100.0)])

    def setUp(self):
        super().setUp()
        self._follow_live("spm_incentive", "spm.incentive.plan.assignment", "get_my_earnings")

    def test_earnings_follow_credit_live_and_what_if(self):
        statements = self.Statement.search_count([])
        self._start_live_tour(
            "/odoo/action-spm_incentive.spm_incentive_earnings_action",
            "spm_incentive_earnings_live",
            "t_sales_a",
        )
        # 175 of 3,000 at 2 %; the what-if of 3,000 more wrote nothing.
        earning = self.assignment_a.with_user(self.sales_a).get_earnings()[self.assignment_a.id]
        self.assertEqual((earning["measure"], earning["earned"]), (175.0, 3.5))
        self.assertEqual(self.Statement.search_count([]), statements)
