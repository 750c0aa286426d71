from odoo.tests import HttpCase, tagged

from .test_team_split_editor import SpmTeamSplitCase


@tagged("post_install", "-at_install")
class TestTeamSplitPhoneTour(HttpCase, SpmTeamSplitCase):
    """The team split entered from the Assignments menu at a phone's size
    (390 x 844, touch): the editor and its running total within the screen."""

    browser_size = "390x844"
    touch_enabled = True

    def test_tour_split_and_overlay_on_a_phone(self):
        self.start_tour(
            "/odoo/action-spm_quota.spm_assignment_action",
            "spm_quota_team_split_phone",
            login="t_mgr_pharma",
            timeout=90,
        )
        saved = self._clinic_assignments()
        self.assertEqual(
            [(a.user_id, a.kind, a.split_share) for a in saved],
            [
                (self.sales_d, "overlay", 0.0),
                (self.sales_a, "split", 50.0),
                (self.sales_b, "split", 30.0),
                (self.sales_c, "split", 20.0),
            ],
        )
        self.assertEqual(saved.business_unit_id, self.unit_pharma)
