from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SpmIncentiveCase


@tagged("post_install", "-at_install")
class TestPlanVersions(SpmIncentiveCase):
    def test_version_in_force(self):
        second = self._version(self.plan, "2026-07-01", [(0, 3.0)], mode="retroactive")
        versions = self.plan._version_at
        self.assertEqual(versions(date(2026, 4, 1))[self.plan], self.version)
        self.assertEqual(versions(date(2026, 7, 1))[self.plan], second)
        self.assertNotIn(self.plan, versions(date(2025, 12, 31)))

    def test_version_starts_a_period(self):
        with self.assertRefused(ValidationError, "first day of one of its periods"):
            self._version(self.plan, "2026-08-01", [(0, 3.0)])
        monthly = self.Plan.create({"name": "Test Monthly", "period_type": "month"})
        self._version(monthly, "2026-08-01", [(0, 3.0)])

    def test_bounds(self):
        with self.assertRefused(ValidationError, "between 0 and 1000"):
            self._version(self.plan, "2027-01-01", [(0, 1000.5)])
        with self.assertRefused(ValidationError, "between 0 and 1000"):
            self._version(self.plan, "2027-01-01", [(-1, 2)])
        with self.assertRefused(ValidationError, "at most 20 tiers"):
            self._version(self.plan, "2027-01-01", [(i, 1) for i in range(21)])
        with self.assertRefused(ValidationError, "collected credit is between 0 and 100"):
            self._version(self.plan, "2027-01-01", [(0, 1)], collected_weight=100.5)
        with self.assertRefused(ValidationError, "attainment cap cannot be below the threshold"):
            self._version(self.plan, "2027-01-01", [(0, 1)], threshold=80, cap_attainment=50)
        with self.assertRefused(ValidationError, "between 2000-01-01 and 2100-12-31"):
            self._version(self.plan, "2101-01-01", [(0, 1)])
        with self.assertRefused(ValidationError, "either a business unit or a product category"):
            self._version(self.plan, "2027-01-01", [(0, 1)], weight_ids=[Command.create({"weight": 50})])
        with self.assertRefused(ValidationError, "pay cap is between"):
            self._version(self.plan, "2027-01-01", [(0, 1)], cap_amount=-1)

    def test_one_plan_per_unit_at_a_time(self):
        other = self.Plan.create({"name": "Test Other Plan", "period_type": "quarter"})
        with self.assertRefused(ValidationError, "one plan per unit at a time"):
            self._plan_assignment(self.sales_a, self.unit_pharma, plan=other, date_from="2026-04-01")
        # Another unit, or after the first assignment ends: fine.
        self._plan_assignment(self.sales_a, self.unit_consumer, plan=other)
        self.assignment_a.date_to = "2026-12-31"
        self._plan_assignment(self.sales_a, self.unit_pharma, plan=other, date_from="2027-01-01")
        with self.assertRefused(ValidationError, "target incentive amount is between"):
            self._plan_assignment(self.sales_b, self.unit_pharma, target_incentive=1e13)

    def test_spif_bounds(self):
        Spif = self.env["spm.incentive.spif"]
        vals = {
            "name": "Test SPIF",
            "plan_id": self.plan.id,
            "amount": 5,
            "date_from": "2026-01-01",
            "date_to": "2026-03-31",
            "product_id": self.product_pharma.id,
        }
        Spif.create(vals)
        for bad, message in (
            ({"categ_id": self.categ_pharma.id}, "either a product or a product category"),
            ({"amount": 0}, "positive"),
            ({"date_to": "2025-12-31"}, "ending after it starts"),
        ):
            with self.assertRefused(ValidationError, message):
                Spif.create(dict(vals, **bad))
