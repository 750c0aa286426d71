from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFirstRunTour(HttpCase):
    def test_checklist_ticks_and_opens_screens(self):
        company = self.env["res.company"].create({"name": "Test First Run Tour Company"})
        new_test_user(
            self.env,
            "t_first_run_tour_admin",
            groups="spm_quota.group_spm_admin,sales_team.group_sale_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        self.env["spm.business.unit"].with_company(company).create({"name": "Test Tour Unit", "code": "TTU"})
        self.start_tour(
            "/odoo/action-spm_credit.spm_first_run_action",
            "spm_credit_first_run",
            login="t_first_run_tour_admin",
        )
