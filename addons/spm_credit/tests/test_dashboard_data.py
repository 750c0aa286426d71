from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date

from .test_achievement_report import SpmAchievementCase


@tagged("post_install", "-at_install")
class TestDashboardData(SpmAchievementCase):
    def _data(self, user, period="month", user_id=None):
        return self.env["spm.credit.dashboard"].with_user(user).get_dashboard_data(period, user_id=user_id)

    def test_salesperson_gets_own_figures(self):
        data = self._data(self.sales_a)
        self.assertEqual(data["user"]["id"], self.sales_a.id)
        self.assertTrue(data["is_self"])
        self.assertFalse(data["is_manager"])
        self.assertEqual(data["teams"], [])
        self.assertEqual(data["user_ids"], [self.sales_a.id], "only their own figures")
        month = data["performance"]["month"]
        self.assertEqual(
            (month["target"], month["achieved"], month["collected"], month["attainment"]),
            (100.0, 50.0, 0.0, 50.0),
        )
        # Quarter and year to date run through the current month.
        months_in_quarter = (self.today.month - 1) % 3 + 1
        self.assertEqual(data["performance"]["quarter"]["target"], 100.0 * months_in_quarter)
        self.assertEqual(data["performance"]["year"]["target"], 100.0 * self.today.month)
        self.assertEqual(data["performance"]["year"]["achieved"], 50.0)
        self.assertEqual(data["year_target"], 1200.0)
        # The trend: twelve months, the credit in the current one.
        self.assertEqual(len(data["trend"]), 12)
        self.assertEqual([m["achieved"] for m in data["trend"] if m["achieved"]], [50.0])
        current = data["trend"][self.today.month - 1]
        self.assertEqual(current["month"], str(self.this_month))
        self.assertEqual((current["target"], current["attainment"]), (100.0, 50.0))

    def test_month_labels_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        for lang in ("en_US", "fr_FR"):
            # As in a request: the user's language is in the context.
            dashboard = self.env["spm.credit.dashboard"].with_user(self.sales_a).with_context(lang=lang)
            labels = [month["label"] for month in dashboard.get_dashboard_data()["trend"]]
            expected = [
                format_date(self.env(context={"lang": lang}), month, date_format="MMM")
                for month in (self.this_month.replace(month=m) for m in range(1, 13))
            ]
            self.assertEqual(labels, expected)
        self.assertEqual(labels[1], "févr.")

    def test_salesperson_cannot_ask_for_others(self):
        with self.assertRaises(AccessError):
            self._data(self.sales_a, user_id=self.sales_b.id)
        # Asking for oneself explicitly is fine.
        self.assertEqual(self._data(self.sales_a, user_id=self.sales_a.id)["user"]["id"], self.sales_a.id)

    def test_unknown_period(self):
        with self.assertRaises(UserError):
            self._data(self.sales_a, period="decade")

    def test_manager_gets_ranked_team(self):
        # Outside Pharma: not in the manager's ranking, nor in B's figures seen by them.
        self._adjust(self.sales_b, 1000.0, unit=self.unit_consumer, reason="Consumer fair")
        data = self._data(self.manager_pharma)
        self.assertTrue(data["is_manager"])
        self.assertEqual([team["unit_id"] for team in data["teams"]], [self.unit_pharma.id])
        team = data["teams"][0]
        ranking = [(m["rank"], m["user_id"], m["attainment"]) for m in team["members"]]
        # B: 30 / 20 = 150 %, A: 50 / 100 = 50 %, C and D without target: no attainment, by achievement.
        self.assertEqual(
            ranking,
            [
                (1, self.sales_b.id, 150.0),
                (2, self.sales_a.id, 50.0),
                (3, self.sales_d.id, None),
                (4, self.sales_c.id, None),
            ],
        )
        self.assertEqual(
            team["totals"],
            {
                "target": 120.0,
                "achieved": 200.0,
                "collected": 0.0,
                "held": 0.0,
                "attainment": round(200 * 100 / 120, 1),
            },
        )
        self.assertEqual(
            set(data["user_ids"]),
            {self.manager_pharma.id, self.sales_a.id, self.sales_b.id, self.sales_c.id, self.sales_d.id},
        )

        # The year: the same credit against the targets through the current month.
        year = self._data(self.manager_pharma, period="year")["teams"][0]
        self.assertEqual(year["totals"]["target"], 120.0 * self.today.month)

        # A manager may open a salesperson's figures, in the units they manage only.
        b_seen = self._data(self.manager_pharma, user_id=self.sales_b.id)
        self.assertFalse(b_seen["is_self"])
        self.assertEqual(b_seen["performance"]["month"]["achieved"], 30.0)
        self.assertEqual(self._data(self.sales_b)["performance"]["month"]["achieved"], 1030.0)

        consumer = self._data(self.manager_consumer)["teams"][0]
        self.assertEqual(
            [(m["user_id"], m["achieved"]) for m in consumer["members"]], [(self.sales_b.id, 1000.0)]
        )

    def test_administrator_and_accountant_see_every_unit(self):
        for user in (self.admin, self.accountant):
            data = self._data(user)
            self.assertTrue(data["is_manager"])
            self.assertLessEqual(
                {self.unit_pharma.id, self.unit_consumer.id}, {team["unit_id"] for team in data["teams"]}
            )
            # Any salesperson's figures, in every unit.
            seen = self._data(user, user_id=self.sales_d.id)
            self.assertEqual(seen["performance"]["month"]["achieved"], 100.0)

    def test_query_count_does_not_depend_on_data_size(self):
        """The same queries for a unit of 1 salesperson as for a unit of 50."""
        unit = self.env["spm.business.unit"].create(
            {
                "name": "Test Big Unit",
                "code": "TBU",
                "manager_id": self.manager_consumer.id,
            }
        )
        self.unit_consumer.manager_id = self.manager_pharma
        sellers = [
            new_test_user(self.env, f"t_spm_seller_{i}", groups="spm_quota.group_spm_salesperson")
            for i in range(50)
        ]
        self._quota(sellers[0], 120.0, unit=unit)
        self._adjust(sellers[0], 7.0, unit=unit)
        Dashboard = self.env["spm.credit.dashboard"].with_user(self.manager_consumer)
        Dashboard.get_dashboard_data("quarter")  # warm the caches (groups, ...)
        self.env.invalidate_all()
        count_before = self.cr.sql_log_count
        small = Dashboard.get_dashboard_data("quarter")
        queries = self.cr.sql_log_count - count_before
        self.assertEqual(len(small["teams"][0]["members"]), 1)

        for seller in sellers[1:]:
            self._quota(seller, 120.0, unit=unit)
            self._adjust(seller, 5.0, unit=unit)
            self._adjust(seller, 2.0, unit=unit)
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            big = Dashboard.get_dashboard_data("quarter")
        self.env.invalidate_all()
        count_before = self.cr.sql_log_count
        Dashboard.get_dashboard_data("quarter")
        self.assertEqual(self.cr.sql_log_count - count_before, queries, "no query per salesperson")
        self.assertEqual(len(big["teams"][0]["members"]), 50)
        self.assertEqual(big["teams"][0]["totals"]["achieved"], 7.0 * 50)
