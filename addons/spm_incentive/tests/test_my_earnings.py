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
