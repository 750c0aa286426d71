from datetime import date
from decimal import Decimal

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SpmIncentiveCase

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@tagged("post_install", "-at_install")
class TestEarnings(SpmIncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quota(
            cls.sales_a, cls.unit_pharma, {"2026-01-01": 10000, "2026-02-01": 12345.67, "2026-03-01": 7654.33}
        )
        for day, amount in (("2026-01-15", 8000.10), ("2026-02-10", 15000), ("2026-03-31", 9999.99)):
            cls._adjust(cls.sales_a, cls.unit_pharma, day, amount)
        # Credit elsewhere that the assignment does not pay on: another unit, another month.
        cls._adjust(cls.sales_a, cls.unit_consumer, "2026-02-10", 5000)
        cls._adjust(cls.sales_a, cls.unit_pharma, "2026-04-01", 7000)

    def test_quarter_across_three_monthly_quotas(self):
        earning = self.assignment_a._earnings(*Q1)[self.assignment_a]
        self.assertEqual(earning["target"], Decimal("30000.00"))
        self.assertEqual(earning["measure"], Decimal("33000.09"))
        self.assertEqual(
            [row["target"] for row in earning["months"]],
            [Decimal("10000.00"), Decimal("12345.67"), Decimal("7654.33")],
        )
        # 2 % of 30,000 + 5 % of 3,000.09 = 750.0045
        self.assertEqual(earning["payout"].amount, Decimal("750.00"))

        statement = self._generate("2026-02-15")
        self.assertEqual(len(statement), 1)
        self.assertEqual((statement.period_start, statement.period_end), Q1)
        self.assertEqual(statement.amount_payable, 750.00)
        self.assertEqual(statement.measure, 33000.09)
        months = statement.line_ids.filtered(lambda line: line.kind == "month")
        # 750.00 split by largest remainder over the months' measures, to the cent
        self.assertEqual(months.mapped("amount"), [181.82, 340.91, 227.27])
        self.assertAlmostEqual(sum(months.mapped("amount")), 750.00, places=6)
        self.assertEqual(statement.attainment, 110.0)

    def test_version_change_mid_year(self):
        self._quota(self.sales_a, self.unit_pharma, {"2026-07-01": 1000, "2026-08-01": 0, "2026-09-01": 0})
        self._adjust(self.sales_a, self.unit_pharma, "2026-08-20", 1000.10)
        q1 = self._generate("2026-01-31")
        self._version(self.plan, "2026-07-01", [(0, 3.0)], mode="retroactive")
        q3 = self._generate("2026-07-31")
        self.assertEqual(q3.version_id.date_from, date(2026, 7, 1))
        self.assertEqual(q3.amount_payable, 30.00)  # 3 % of 1,000.10, retroactive
        # The first half-year still pays by the first version, even recomputed.
        q1.action_recompute()
        self.assertEqual(q1.version_id, self.version)
        self.assertEqual(q1.amount_payable, 750.00)

    def test_weights_by_category_and_unit(self):
        plan = self.Plan.create({"name": "Test Weighted", "period_type": "month"})
        self._version(
            plan,
            "2026-01-01",
            [(0, 3.0)],
            mode="retroactive",
            weight_ids=[
                (0, 0, {"categ_id": self.categ_pharma.id, "weight": 50}),
                (0, 0, {"business_unit_id": self.unit_pharma.id, "weight": 80}),
            ],
        )
        assignment = self._plan_assignment(self.sales_b, self.unit_pharma, plan=plan)
        self._quota(self.sales_b, self.unit_pharma, {"2026-05-01": 1000})
        # Generics is under Pharma: 50 %; Other has no weight: the unit's 80 %; no product: 80 %.
        self._adjust(self.sales_b, self.unit_pharma, "2026-05-02", 1000.10, self.product_pharma)
        self._adjust(self.sales_b, self.unit_pharma, "2026-05-03", 333.33, self.product_orphan)
        self._adjust(self.sales_b, self.unit_pharma, "2026-05-04", 10.01)
        earning = assignment._earnings(date(2026, 5, 1), date(2026, 5, 31))[assignment]
        # 500.05 + 266.664 + 8.008 = 774.722
        self.assertEqual(earning["measure"], Decimal("774.722"))
        self.assertEqual(earning["payout"].amount, Decimal("23.24"))  # 3 % = 23.24166

    def test_collected_and_secondary_settings(self):
        plan = self.Plan.create({"name": "Test Secondary Only", "period_type": "month"})
        self._version(plan, "2026-01-01", [(0, 10.0)], credit_source="secondary")
        assignment = self._plan_assignment(self.sales_c, self.unit_pharma, plan=plan)
        self._quota(self.sales_c, self.unit_pharma, {"2026-05-01": 1000})
        self._adjust(self.sales_c, self.unit_pharma, "2026-05-02", 1000)
        # Adjustments are primary credit: a secondary-only plan pays nothing on them.
        earning = assignment._earnings(date(2026, 5, 1), date(2026, 5, 31))[assignment]
        self.assertEqual(earning["measure"], 0)
        self.assertEqual(earning["months"][0]["achieved"], 0)
        collected = self.Plan.create({"name": "Test Collected", "period_type": "month"})
        self._version(collected, "2026-01-01", [(0, 10.0)], measure="both", collected_weight=25)
        other = self._plan_assignment(self.sales_c, self.unit_consumer, plan=collected)
        self._adjust(self.sales_c, self.unit_consumer, "2026-05-02", 400)
        self._quota(self.sales_c, self.unit_consumer, {"2026-05-01": 100})
        # 75 % of 400 achieved + 25 % of nothing collected
        earning = other._earnings(date(2026, 5, 1), date(2026, 5, 31))[other]
        self.assertEqual(earning["measure"], Decimal("300"))


@tagged("post_install", "-at_install")
class TestEarningsQueryCount(SpmIncentiveCase):
    """The earnings of many salespersons cost the same number of queries as of a few."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_weighted = cls.Plan.create({"name": "Test Weighted Count", "period_type": "quarter"})
        cls._version(
            cls.plan_weighted,
            "2026-01-01",
            [(0, 2.0), (100, 5.0)],
            weight_ids=[(0, 0, {"categ_id": cls.categ_pharma.id, "weight": 50})],
        )
        cls.assignments = cls.env["spm.incentive.plan.assignment"]
        for i in range(20):
            user = new_test_user(cls.env, f"t_inc_count_{i}", groups="spm_quota.group_spm_salesperson")
            plan = cls.plan_weighted if i % 2 else cls.plan
            cls.assignments |= cls._plan_assignment(user, cls.unit_pharma, plan=plan)
            cls._quota(
                user, cls.unit_pharma, {"2026-01-01": 1000 + i, "2026-02-01": 2000, "2026-03-01": 3000}
            )
            cls._adjust(user, cls.unit_pharma, "2026-02-01", 4000 + i, cls.product_pharma)

    def _count(self, assignments):
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            earnings = assignments._earnings(*Q1)
        self.assertEqual(len(earnings), len(assignments))
        return earnings

    def test_bounded_queries(self):
        self._count(self.assignments[:2])
        earnings = self._count(self.assignments)
        # An even one on the plain plan: 4,000 + i of 6,000 + i: 2 %.
        self.assertEqual(earnings[self.assignments[0]]["payout"].amount, Decimal("80.00"))
        # An odd one on the weighted plan: half of 4,001 = 2,000.50 at 2 %.
        self.assertEqual(earnings[self.assignments[1]]["payout"].amount, Decimal("40.01"))


@tagged("post_install", "-at_install")
class TestWhatIf(SpmIncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quota(
            cls.sales_a, cls.unit_pharma, {"2026-01-01": 10000, "2026-02-01": 10000, "2026-03-01": 10000}
        )
        cls._adjust(cls.sales_a, cls.unit_pharma, "2026-01-15", 27000)
        cls.assignment_b = cls._plan_assignment(cls.sales_b, cls.unit_pharma)

    def test_running_earnings_and_what_if(self):
        statements = self.Statement.search_count([])
        figures = self.assignment_a.with_user(self.sales_a).get_earnings("2026-02-10", what_if="4567.89")
        earning = figures[self.assignment_a.id]
        self.assertEqual((earning["period_start"], earning["period_end"]), Q1)
        self.assertEqual((earning["measure"], earning["target"], earning["attainment"]), (27000, 30000, 90))
        self.assertEqual(earning["earned"], 540.00)  # 2 %
        # 3,000 more reach 100 %: 5 % on what is above
        self.assertEqual((earning["next_tier_gap"], earning["next_tier_rate"]), (3000.00, 5))
        # 31,567.89: 600 + 5 % of 1,567.89 = 678.3945
        self.assertEqual(earning["what_if_earned"], 678.39)
        self.assertEqual(self.Statement.search_count([]), statements)  # nothing written

    def test_what_if_bounds_and_access(self):
        with self.assertRaises(AccessError):
            self.assignment_b.with_user(self.sales_a).get_earnings("2026-02-10")
        for bad in ("1e400", "NaN", "abc", 1e13, [1]):
            with self.assertRaises(UserError):
                self.assignment_a.with_user(self.sales_a).get_earnings("2026-02-10", what_if=bad)
        manager = self.assignment_a.with_user(self.manager_pharma).get_earnings("2026-02-10")
        self.assertEqual(manager[self.assignment_a.id]["earned"], 540.00)
