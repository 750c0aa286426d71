from odoo.tests import HttpCase, tagged

from .test_achievement_report import SpmAchievementCase


@tagged("post_install", "-at_install")
class TestAchievementLabels(SpmAchievementCase):
    """This month: A 50 of 100 (50 %), B 30 of 20, C 20 and D 100 without target."""

    def _rows(self, user=None):
        Report = self.env["spm.achievement.report"].with_user(user or self.manager_pharma)
        return Report.search(
            [("month", "=", self.this_month), ("business_unit_id", "=", self.unit_pharma.id)]
        )

    def test_month_and_attainment_labels(self):
        rows = {row.user_id: row for row in self._rows()}
        month = self.this_month.strftime("%B %Y")
        self.assertEqual({row.month_label for row in rows.values()}, {month})
        self.assertEqual(rows[self.sales_a].attainment_label, "50.0 %")
        self.assertEqual(rows[self.sales_c].attainment_label, "—")
        self.assertEqual(rows[self.sales_d].attainment_label, "—")

    def test_no_target_does_not_rank_as_zero(self):
        Report = self.env["spm.achievement.report"]
        domain = [("month", "=", self.this_month), ("business_unit_id", "=", self.unit_pharma.id)]
        by_user = dict(Report._read_group(domain, ["user_id"], ["attainment:sum"]))
        self.assertAlmostEqual(by_user[self.sales_a], 50.0)
        # Empty (NULL, which groups read as False) rather than 0 %: the pivot shows no figure.
        self.assertIs(by_user[self.sales_c], False, "no target: no attainment, rather than 0 %")
        # Ranked by attainment, those without target come after every salesperson with one, even 0 %.
        self._quota(self.sales_c, 0.0)
        ranked = Report.search(domain, order="attainment desc nulls last")
        self.assertEqual(ranked[-2:].user_id, self.sales_c | self.sales_d)

    def test_target_against_achieved(self):
        Figure = self.env["spm.achievement.figure"]
        domain = [("month", "=", self.this_month), ("business_unit_id", "=", self.unit_pharma.id)]
        totals = dict(Figure._read_group(domain, ["figure"], ["amount:sum"]))
        self.assertEqual(totals, {"target": 120.0, "achieved": 200.0})
        by_month = Figure._read_group(
            [("business_unit_id", "=", self.unit_pharma.id), ("user_id", "=", self.sales_a.id)],
            ["month:month", "figure"],
            ["amount:sum"],
        )
        self.assertEqual(len(by_month), 13, "twelve months of target, one of credit")
        # A salesperson sees his own series only, as in the analysis.
        mine = Figure.with_user(self.sales_a).search(domain)
        self.assertEqual(mine.user_id, self.sales_a)
        self.assertEqual(sorted(mine.mapped("figure")), ["achieved", "target"])


@tagged("post_install", "-at_install")
class TestAchievementTours(HttpCase, SpmAchievementCase):
    def test_achievement_views(self):
        self.start_tour(
            "/odoo/action-spm_credit.spm_achievement_report_action",
            "spm_credit_achievement_views",
            login="t_mgr_pharma",
        )

    def test_target_against_achieved_graph(self):
        self.start_tour(
            "/odoo/action-spm_credit.spm_achievement_figure_action",
            "spm_credit_target_against_achieved",
            login="t_mgr_pharma",
        )
