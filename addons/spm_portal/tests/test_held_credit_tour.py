from odoo.tests import HttpCase, tagged

from .test_held_credit import HeldCreditCommon


@tagged("post_install", "-at_install")
class TestHeldCreditTour(HttpCase, HeldCreditCommon):
    """The dashboard shows held credit apart from achievement, for the
    salesperson and on the manager's board."""

    def test_salesperson_sees_held_apart(self):
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dashboard_action",
            "spm_held_credit_dashboard",
            login=self.sales_a.login,
        )

    def test_manager_sees_held_per_salesperson(self):
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dashboard_action",
            "spm_held_credit_board",
            login=self.manager_pharma.login,
        )
