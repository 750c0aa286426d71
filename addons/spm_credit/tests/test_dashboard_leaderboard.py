from odoo.tests import tagged

from .test_achievement_report import SpmAchievementCase


@tagged("post_install", "-at_install")
class TestDashboardLeaderboard(SpmAchievementCase):
    """A salesperson sees their rank within their units: attainments only."""

    def _leaderboard(self, user, period="month"):
        return self.env["spm.credit.dashboard"].with_user(user).get_dashboard_data(period)["leaderboard"]

    def test_rank_within_own_units(self):
        # B's Consumer credit: B is on Consumer's board, A is not.
        self._adjust(self.sales_b, 1000.0, unit=self.unit_consumer, reason="Consumer fair")
        [board] = self._leaderboard(self.sales_a)
        self.assertEqual(board["unit_id"], self.unit_pharma.id)
        self.assertEqual(
            [(m["rank"], m["user_id"], m["attainment"], m["is_me"]) for m in board["members"]],
            [
                (1, self.sales_b.id, 150.0, False),
                (2, self.sales_a.id, 50.0, True),
                (3, self.sales_d.id, None, False),
                (4, self.sales_c.id, None, False),
            ],
        )
        # Attainments, no amounts of the others.
        self.assertEqual(set(board["members"][0]), {"user_id", "name", "rank", "attainment", "is_me"})
        self.assertEqual(
            [board["unit_id"] for board in self._leaderboard(self.sales_b)],
            [self.unit_pharma.id, self.unit_consumer.id],
        )

    def test_switched_off_per_unit(self):
        self.unit_pharma.show_leaderboard = False
        self.assertEqual(self._leaderboard(self.sales_a), [])

    def test_not_for_someone_elses_figures(self):
        data = (
            self.env["spm.credit.dashboard"]
            .with_user(self.manager_pharma)
            .get_dashboard_data("month", user_id=self.sales_a.id)
        )
        self.assertEqual(data["leaderboard"], [])

    def test_default_on(self):
        unit = self.env["spm.business.unit"].create({"name": "Devices", "code": "DEV"})
        self.assertTrue(unit.show_leaderboard)
