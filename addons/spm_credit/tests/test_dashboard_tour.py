from odoo.tests import HttpCase, tagged

from .common import SpmCreditCase
from .live_common import SpmLiveCreditCommon


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase, SpmLiveCreditCommon, SpmCreditCase):
    """The dashboard of a salesperson follows credit booked by someone else,
    live, through the bus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A: 50 % of 100 this month.
        cls._order([(cls.product_pharma, 1, 100.0)])

    def setUp(self):
        super().setUp()
        self._follow_live("spm_credit", "spm.credit.dashboard", "get_dashboard_data")

    def test_dashboard_follows_credit_live(self):
        self._start_live_tour(
            "/odoo/action-spm_credit.spm_credit_dashboard_action", "spm_credit_dashboard_live", "t_sales_a"
        )
        achieved = self.env["spm.credit.monthly"].search([("user_id", "=", self.sales_a.id)])
        self.assertAlmostEqual(sum(achieved.mapped("amount")), 175.0)
        # The two rows the tour found in the list opened from the figure are its lines.
        action = (
            self.env["spm.credit.dashboard"]
            .with_user(self.sales_a)
            .get_figure_action("achieved", str(achieved[:1].month))
        )
        lines = self.env["spm.credit.line"].search(action["domain"])
        self.assertEqual((len(lines), sum(lines.mapped("amount"))), (2, 175.0))
