from odoo.tests import HttpCase, tagged

from .test_achievement_report import SpmAchievementCase


@tagged("post_install", "-at_install")
class TestDashboardDrilldownTour(HttpCase, SpmAchievementCase):
    """A manager's board as the manager sees it: no percentage without a
    target, the pace of a salesperson, a member's figure opening their lines."""

    def test_manager_board(self):
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dashboard_action",
            "spm_credit_dashboard_drilldown",
            login="t_mgr_pharma",
            timeout=90,
        )
        # The one line the tour found is the one the figure sums.
        quarter = self.env["spm.credit.dashboard"].with_user(self.manager_pharma)
        action = quarter.get_figure_action(
            "achieved", str(self.this_month), user_id=self.sales_b.id, unit_id=self.unit_pharma.id
        )
        self.assertEqual(self.env["spm.credit.line"].search_count(action["domain"]), 1)

    def test_salesperson_leaderboard(self):
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dashboard_action",
            "spm_credit_dashboard_leaderboard",
            login="t_sales_a",
            timeout=90,
        )
