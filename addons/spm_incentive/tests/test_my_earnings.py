from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SpmIncentiveCase


@tagged("post_install", "-at_install")
class TestMyEarnings(SpmIncentiveCase):
    """What *My earnings* reads: the caller's running earnings and what the
    next tier needs, in words."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.plan_retro = cls.Plan.create({"name": "Test Retro Monthly", "period_type": "month"})
        cls._version(cls.plan_retro, "2026-01-01", [(50, 2.0), (100, 4.0)], mode="retroactive")
        cls.assignment_retro = cls._plan_assignment(cls.sales_a, cls.unit_consumer, plan=cls.plan_retro)
        # Another salesperson's assignment, never shown to A.
        cls.assignment_b = cls._plan_assignment(cls.sales_b, cls.unit_pharma)

    def _mine(self, what_if=0, user=None):
        result = (
            self.env["spm.incentive.plan.assignment"].with_user(user or self.sales_a).get_my_earnings(what_if)
        )
        return {row["id"]: row for row in result["assignments"]}

    def _target(self, unit, amount):
        """A confirmed quota of A in ``unit`` of ``amount`` for each month of the running year."""
        self._quota(self.sales_a, unit, {f"{self.today.year}-{m:02d}-01": amount for m in range(1, 13)})

    def test_next_tier_in_words(self):
        self._target(self.unit_pharma, 10000)
        self._target(self.unit_consumer, 20000)
        rows = self._mine()
        self.assertEqual(set(rows), {self.assignment_a.id, self.assignment_retro.id})
        quarterly, monthly = rows[self.assignment_a.id], rows[self.assignment_retro.id]
        # Nothing credited: the quarter's first tier (from 0 %) is reached, the next needs 30,000.
        self.assertEqual(quarterly["tier_label"], "2 %")
        self.assertIn("30,000.00", quarterly["next_tier_label"])
        self.assertIn(
            "more this quarter: 5 % instead of 2 % on what you sell beyond it.", quarterly["next_tier_label"]
        )
        # Below the retroactive plan's first tier (50 % of 20,000).
        self.assertEqual(monthly["tier_label"], "")
        self.assertIn("10,000.00", monthly["next_tier_label"])
        self.assertIn("more this month to reach the first tier: 2 %.", monthly["next_tier_label"])

        self._adjust(self.sales_a, self.unit_consumer, self.today, 12000)
        monthly = self._mine()[self.assignment_retro.id]
        self.assertEqual((monthly["measure"], monthly["earned"], monthly["tier_label"]), (12000, 240, "2 %"))
        self.assertIn("8,000.00", monthly["next_tier_label"])
        self.assertIn("more this month: 4 % instead of 2 % on everything.", monthly["next_tier_label"])

        self._adjust(self.sales_a, self.unit_consumer, self.today, 9000.5)
        monthly = self._mine(what_if="1000")[self.assignment_retro.id]
        self.assertEqual(monthly["next_tier_label"], "Top tier reached: 4 %.")
        self.assertEqual(monthly["earned"], 840.02)  # 4 % of 21,000.50
        self.assertEqual(monthly["what_if_earned"], 880.02)  # 4 % of 22,000.50

    def test_only_own_running_assignments_and_bounded_what_if(self):
        self.assertEqual(set(self._mine(user=self.sales_b)), {self.assignment_b.id})
        self.assignment_retro.date_to = self.today.replace(day=1, month=1, year=self.today.year - 1)
        self.assertEqual(set(self._mine()), {self.assignment_a.id})
        for bad in ("1e400", "NaN", "12abc", 1e13):
            with self.assertRaises(UserError):
                self._mine(what_if=bad)

    def test_served_as_a_read(self):
        """*My earnings* is a read Odoo may serve from a replica (``@api.readonly``,
        which ``/web/dataset/call_kw`` asks), and it runs in a read-only
        transaction, what-if included."""
        Assignment = self.env["spm.incentive.plan.assignment"]
        for method in ("get_my_earnings", "get_earnings"):
            self.assertTrue(getattr(type(Assignment), method)._readonly, method)
        self._target(self.unit_consumer, 20000)
        self._adjust(self.sales_a, self.unit_consumer, self.today, 12000)
        self.env.flush_all()
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute("SET TRANSACTION READ ONLY")
            rows = self._mine(what_if=1000)
            savepoint.rollback()  # and read-write again
        self.assertEqual(rows[self.assignment_retro.id]["earned"], 240)
        self.assertEqual(rows[self.assignment_retro.id]["what_if_earned"], 260)


@tagged("post_install", "-at_install")
class TestMyEarningsQueryCount(SpmIncentiveCase):
    """*My earnings* costs the same queries on one plan as on three, with a
    month of credit as with a year of it: the plans, their versions' rules,
    the credit aggregate and the targets are each read once."""

    QUERIES = 12

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.unit_other = cls.env["spm.business.unit"].create(
            {"name": "Test Other Unit", "code": "TOU", "product_category_ids": [(6, 0, cls.categ_other.ids)]}
        )
        cls.plan_year = cls.Plan.create({"name": "Test Yearly Count", "period_type": "year"})
        cls._version(cls.plan_year, "2020-01-01", [(0, 1.0), (50, 3.0)], mode="retroactive", cap_amount=900)
        cls.plan_month = cls.Plan.create({"name": "Test Monthly Count", "period_type": "month"})
        cls._version(cls.plan_month, "2020-01-01", [(0, 2.0), (80, 6.0)], threshold=10)
        months = {f"{cls.today.year}-{m:02d}-01": 5000 for m in range(1, 13)}
        for unit in (cls.unit_pharma, cls.unit_consumer, cls.unit_other):
            cls._quota(cls.sales_a, unit, months)

    def _count(self):
        """The rows of A's *My earnings* (with a what-if), its queries pinned
        once Odoo's caches of rights and rules are warm, its records' not."""
        Assignment = self.env["spm.incentive.plan.assignment"].with_user(self.sales_a)
        # A first call from an empty record cache warms Odoo's caches of rules.
        self.env.invalidate_all()
        Assignment.get_my_earnings(what_if=1500)
        self.env.invalidate_all()
        with self.assertQueryCount(self.QUERIES):
            result = Assignment.get_my_earnings(what_if=1500)
        return {row["id"]: row for row in result["assignments"]}

    def test_one_plan_as_three(self):
        self._adjust(self.sales_a, self.unit_pharma, self.today, 7000)
        rows = self._count()
        self.assertEqual(set(rows), {self.assignment_a.id})
        year = self._plan_assignment(
            self.sales_a, self.unit_consumer, plan=self.plan_year, target_incentive=100
        )
        month = self._plan_assignment(self.sales_a, self.unit_other, plan=self.plan_month)
        self._adjust(self.sales_a, self.unit_consumer, self.today, 40000)
        self._adjust(self.sales_a, self.unit_other, self.today, 4500)
        rows = self._count()
        self.assertEqual(set(rows), {self.assignment_a.id, year.id, month.id})
        # 40,000 of 60,000: 3 % on everything, capped at 900.
        self.assertEqual((rows[year.id]["earned"], rows[year.id]["what_if_earned"]), (900, 900))
        # 4,500 of 5,000 (90 %): 2 % to 80 %, 6 % above; with 1,500 more, 120 %.
        self.assertEqual((rows[month.id]["earned"], rows[month.id]["what_if_earned"]), (110, 200))

    def test_a_month_of_credit_as_a_year(self):
        year = self._plan_assignment(self.sales_a, self.unit_consumer, plan=self.plan_year)
        self._adjust(self.sales_a, self.unit_consumer, self.today.replace(month=1, day=1), 1000)
        self.assertEqual(self._count()[year.id]["measure"], 1000)
        for month in range(2, 13):
            self._adjust(self.sales_a, self.unit_consumer, self.today.replace(month=month, day=1), 1000)
        self.assertEqual(self._count()[year.id]["measure"], 12000)
