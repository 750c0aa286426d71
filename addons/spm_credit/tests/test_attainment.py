from odoo.tests import tagged
from odoo.tools import SQL

from ..tools import attainment_percent, attainment_percent_sql
from .test_achievement_report import SpmAchievementCase


@tagged("post_install", "-at_install")
class TestAttainment(SpmAchievementCase):
    """One attainment formula, in Python and in SQL, read alike by the
    achievement analysis, its groups and the dashboard."""

    def test_formula(self):
        pairs = [
            (50.0, 100.0, 50.0),
            (30.0, 20.0, 150.0),
            (1.0, 3.0, 100.0 / 3),
            (0.0, 100.0, 0.0),
            (5.0, 0.0, 0.0),
        ]
        for achieved, target, expected in pairs:
            with self.subTest(achieved=achieved, target=target):
                self.assertAlmostEqual(attainment_percent(achieved, target), expected)
                self.env.cr.execute(
                    SQL(
                        "SELECT %s",
                        attainment_percent_sql(SQL("%s::numeric", achieved), SQL("%s::numeric", target)),
                    )
                )
                self.assertAlmostEqual(float(self.env.cr.fetchone()[0]), expected)
        self.assertIsNone(attainment_percent(5.0, 0.0, no_target=None))
        self.env.cr.execute(SQL("SELECT %s", attainment_percent_sql(SQL("5.0"), SQL("0.0"), no_target=None)))
        self.assertIsNone(self.env.cr.fetchone()[0])

    def test_readers_agree(self):
        """A 50 % (A), 150 % (B) and without target (C, D): the analysis's rows
        and groups (empty without target) and the dashboard's ranking (0
        without target) show the same figures."""
        Report = self.env["spm.achievement.report"]
        domain = [("month", "=", self.this_month), ("business_unit_id", "=", self.unit_pharma.id)]
        expected = {self.sales_a: 50.0, self.sales_b: 150.0, self.sales_c: None, self.sales_d: None}
        rows = Report.search(domain)
        self.assertEqual(
            {row.user_id: row.attainment for row in rows}, {u: v or 0.0 for u, v in expected.items()}
        )
        groups = Report._read_group(domain, ["user_id"], ["attainment:sum", "achieved:sum", "target:sum"])
        for user, percent, achieved, target in groups:
            with self.subTest(user=user.login):
                # An empty aggregate reads as False.
                shown = None if percent is False else percent
                self.assertEqual(shown, expected[user])
                self.assertEqual(shown, attainment_percent(achieved, target, no_target=None))
        [(total,)] = Report._read_group(domain, [], ["attainment:sum"])
        self.assertAlmostEqual(total, attainment_percent(200.0, 120.0), msg="the total's, not a sum")
        dashboard = self.env["spm.credit.dashboard"].with_user(self.manager_pharma)
        teams = dashboard._get_dashboard_data("month", None, self.today)["teams"]
        [pharma] = [team for team in teams if team["unit_id"] == self.unit_pharma.id]
        self.assertEqual(
            {m["user_id"]: m["attainment"] for m in pharma["members"]},
            {u.id: v for u, v in expected.items()},
        )
        self.assertEqual(pharma["totals"]["attainment"], round(attainment_percent(200.0, 120.0), 1))
