from odoo import fields
from odoo.tests import tagged

from .common import SpmIncentiveCase

Q1 = "2027-01-15"


@tagged("post_install", "-at_install")
class TestProration(SpmIncentiveCase):
    """A salesperson joining or leaving a plan within a period is paid on the
    months he was on it, against a target incentive prorated by his days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ti_plan = cls.Plan.create({"name": "Test Target Incentive Plan", "period_type": "quarter"})
        cls._version(cls.ti_plan, "2026-01-01", [(0, 100.0)], basis="target_incentive")
        cls._quota(cls.sales_b, cls.unit_pharma, {"2027-01-01": 1000, "2027-02-01": 1000, "2027-03-01": 1000})
        for day, amount in (("2027-01-20", 500.0), ("2027-02-10", 1000.0), ("2027-03-10", 1000.0)):
            cls._adjust(cls.sales_b, cls.unit_pharma, day, amount)

    def _statement_of(self, assignment):
        return self._generate(Q1).filtered(lambda s: s.assignment_id == assignment)

    def test_joining_in_february(self):
        assignment = self._plan_assignment(
            self.sales_b, self.unit_pharma, plan=self.ti_plan, date_from="2027-02-01", target_incentive=900
        )
        statement = self._statement_of(assignment)
        # January's credit and quota were before the plan.
        self.assertEqual(
            statement.line_ids.filtered(lambda line: line.kind == "month").mapped("month"),
            [fields.Date.to_date("2027-02-01"), fields.Date.to_date("2027-03-01")],
        )
        self.assertEqual((statement.measure, statement.target, statement.attainment), (2000.0, 2000.0, 100.0))
        # 100 % of 900 for 59 of the quarter's 90 days
        self.assertEqual(statement.plan_amount, 590.0)

    def test_leaving_mid_february(self):
        assignment = self._plan_assignment(
            self.sales_b,
            self.unit_pharma,
            plan=self.ti_plan,
            date_from="2026-01-01",
            date_to="2027-02-15",
            target_incentive=900,
        )
        statement = self._statement_of(assignment)
        self.assertEqual((statement.measure, statement.target), (1500.0, 2000.0))
        # 75 % attainment of 900 x 46 / 90 = 460 -> 345
        self.assertEqual(statement.plan_amount, 345.0)

    def test_whole_period_is_not_prorated(self):
        assignment = self._plan_assignment(
            self.sales_b, self.unit_pharma, plan=self.ti_plan, date_from="2026-12-01", target_incentive=900
        )
        statement = self._statement_of(assignment)
        self.assertEqual((statement.measure, statement.target), (2500.0, 3000.0))
        self.assertEqual(statement.plan_amount, 750.0)
