import calendar

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_achievement_report import SpmAchievementCase

AMOUNT_OF = {"achieved": "amount", "collected": "amount_collected", "target": "amount"}


@tagged("post_install", "-at_install")
class TestDashboardDrilldown(SpmAchievementCase):
    """Every figure of the dashboard opens the records it sums: the records of
    its action add up to the figure, to the cent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Invoiced and partly paid: A's order credit is confirmed, 40 % collected.
        invoice = cls._invoice(cls.order)
        cls._pay(cls, invoice, 40.0)
        # Last month too, so that the quarter or the year spans more than one month's lines.
        cls._adjust(cls.sales_a, 70.0, date=cls.this_month - relativedelta(days=1), reason="Late")

    def _action(self, user, figure, date_from, date_to=None, **kwargs):
        return (
            self.env["spm.credit.dashboard"]
            .with_user(user)
            .get_figure_action(figure, str(date_from), date_to and str(date_to), **kwargs)
        )

    def _opened_sum(self, user, action, figure):
        """The sum of what the action lists, read as ``user`` reads it."""
        records = self.env[action["res_model"]].with_user(user).search(action["domain"])
        return round(sum(records.mapped(AMOUNT_OF[figure])), 2), records

    def test_salesperson_figures_open_their_lines(self):
        data = self.env["spm.credit.dashboard"].with_user(self.sales_a).get_dashboard_data("month")
        self.assertEqual(data["performance"]["month"]["collected"], 20.0, "the case pays something")
        for period, figures in data["performance"].items():
            for figure in AMOUNT_OF:
                with self.subTest(period=period, figure=figure):
                    action = self._action(self.sales_a, figure, figures["date_from"], figures["date_to"])
                    self.assertEqual(
                        action["res_model"], "spm.quota.line" if figure == "target" else "spm.credit.line"
                    )
                    total, records = self._opened_sum(self.sales_a, action, figure)
                    self.assertEqual(total, figures[figure])
                    self.assertEqual(records.user_id, self.sales_a)
        __, lines = self._opened_sum(
            self.sales_a, self._action(self.sales_a, "achieved", self.this_month), "achieved"
        )
        self.assertTrue(lines)
        self.assertEqual(set(lines.mapped("month")), {self.this_month})
        __, paid = self._opened_sum(
            self.sales_a, self._action(self.sales_a, "collected", self.this_month), "collected"
        )
        self.assertTrue(paid and all(paid.mapped("amount_collected")))

    def test_each_months_bar_opens_its_month(self):
        data = self.env["spm.credit.dashboard"].with_user(self.sales_a).get_dashboard_data("year")
        shown = 0
        for month in data["trend"]:
            for figure in AMOUNT_OF:
                action = self._action(self.sales_a, figure, month["month"])
                total, records = self._opened_sum(self.sales_a, action, figure)
                self.assertEqual(total, month[figure], f"{figure} of {month['month']}")
                shown += len(records)
        self.assertTrue(shown)

    def test_manager_board_rows_open_the_members_lines(self):
        # B's credit in Consumer is not the Pharma board's.
        self._adjust(self.sales_b, 1000.0, unit=self.unit_consumer, reason="Consumer fair")
        data = self.env["spm.credit.dashboard"].with_user(self.manager_pharma).get_dashboard_data("quarter")
        period = data["performance"]["quarter"]
        [team] = data["teams"]
        self.assertEqual(len(team["members"]), 4)
        for member in team["members"]:
            for figure in AMOUNT_OF:
                with self.subTest(user=member["name"], figure=figure):
                    action = self._action(
                        self.manager_pharma,
                        figure,
                        period["date_from"],
                        period["date_to"],
                        user_id=member["user_id"],
                        unit_id=team["unit_id"],
                    )
                    total, records = self._opened_sum(self.manager_pharma, action, figure)
                    self.assertEqual(total, member[figure])
                    self.assertLessEqual(records.business_unit_id, self.unit_pharma)
        # Asking for a unit one does not manage is refused, not emptied.
        with self.assertRaises(AccessError):
            self._action(
                self.manager_pharma,
                "achieved",
                self.this_month,
                user_id=self.sales_b.id,
                unit_id=self.unit_consumer.id,
            )

    def test_others_and_bad_input_refused(self):
        with self.assertRaises(AccessError):
            self._action(self.sales_a, "achieved", self.this_month, user_id=self.sales_b.id)
        with self.assertRaises(AccessError):
            self._action(self.sales_a, "achieved", self.this_month, unit_id=self.unit_pharma.id)
        for figure, date_from, date_to in (
            ("amount", self.this_month, None),
            ("achieved", self.this_month + relativedelta(days=1), None),
            ("achieved", "not a date", None),
            ("achieved", self.this_month, self.this_month - relativedelta(months=1)),
            ("achieved", self.this_month, self.this_month + relativedelta(months=12)),
        ):
            with self.subTest(figure=figure, date=date_from, to=date_to), self.assertRaises(UserError):
                self._action(self.sales_a, figure, date_from, date_to)


@tagged("post_install", "-at_install")
class TestDashboardPace(SpmAchievementCase):
    """Attainment against the target expected by today, beside the full target's."""

    def _performance(self, day, period="month", user=None):
        today = self.this_month.replace(day=day)
        dashboard = self.env["spm.credit.dashboard"].with_user(user or self.sales_a)
        return dashboard._get_dashboard_data(period, None, today)["performance"][period]

    def test_pace_on_a_given_day(self):
        days = calendar.monthrange(self.this_month.year, self.this_month.month)[1]
        # A: 50 of a month's 100; on the 10th, 100 × 10 / days were expected.
        month = self._performance(10)
        expected = round(100.0 * 10 / days, 2)
        self.assertEqual((month["attainment"], month["expected"]), (50.0, expected))
        self.assertEqual(month["pace"], round(50.0 * 100 / expected, 1))
        # On the first day a 50 of 100 is far ahead of pace, not red.
        first = self._performance(1)
        self.assertEqual(first["expected"], round(100.0 / days, 2))
        self.assertGreater(first["pace"], 100.0)
        # On the last day the pace is the full target's.
        last = self._performance(days)
        self.assertEqual((last["expected"], last["pace"]), (100.0, 50.0))
        # The quarter: whole months before this one, and this one's share.
        quarter = self._performance(10, "quarter")
        months_before = (self.this_month.month - 1) % 3
        self.assertEqual(quarter["expected"], round(100.0 * months_before + 100.0 * 10 / days, 2))

    def test_no_target_no_pace(self):
        month = self._performance(10, user=self.sales_c)
        self.assertEqual((month["attainment"], month["expected"], month["pace"]), (None, 0.0, None))
