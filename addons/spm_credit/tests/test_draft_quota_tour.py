from odoo.tests import HttpCase, tagged

from .test_achievement_report import SpmAchievementCase


@tagged("post_install", "-at_install")
class TestDraftQuotaTour(HttpCase, SpmAchievementCase):
    def test_draft_quota_counts_for_nothing_until_confirmed(self):
        draft = self._quota(self.sales_c, 600.0, confirm=False)
        data = self.env["spm.credit.dashboard"].with_user(self.manager_pharma).get_dashboard_data()
        self.assertEqual(data["draft_quota_ids"], draft.ids)
        self.assertEqual(
            self.env["spm.credit.dashboard"].with_user(self.sales_a).get_dashboard_data()["draft_quota_ids"],
            [],
            "a salesperson hears of his own drafts only",
        )
        self.start_tour(
            "/odoo/action-spm_credit.spm_credit_dashboard_action",
            "spm_credit_draft_quota",
            login="t_mgr_pharma",
        )
        self.assertEqual(draft.state, "confirmed")
