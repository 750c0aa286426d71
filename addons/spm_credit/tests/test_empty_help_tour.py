from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEmptyHelpTour(HttpCase):
    def test_new_salesperson_reads_the_empty_disputes_list(self):
        new_test_user(self.env, "t_help_sales", groups="spm_quota.group_spm_salesperson")
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dispute_action",
            "spm_credit_empty_disputes",
            login="t_help_sales",
        )
