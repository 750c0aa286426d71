from odoo.tests import HttpCase, tagged

from .test_achievement_report import SpmAchievementCase


@tagged("post_install", "-at_install")
class TestDashboardPhoneTour(HttpCase, SpmAchievementCase):
    """The manager's board at a phone's size (390 x 844, touch): a member's
    figure opens the lines it sums, with the desktop's tour."""

    browser_size = "390x844"
    touch_enabled = True

    def test_manager_drills_down_on_a_phone(self):
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dashboard_action",
            "spm_credit_dashboard_drilldown",
            login="t_mgr_pharma",
            timeout=90,
        )
