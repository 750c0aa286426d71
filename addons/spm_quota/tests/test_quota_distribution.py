from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestQuotaDistribution(SpmQuotaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls.env["spm.seasonality.profile"].create(
            {
                "name": "Winter",
                **{
                    f"weight_{m:02d}": w
                    for m, w in enumerate([13, 12, 10, 7, 6, 5, 5, 5, 7, 9, 10, 11], start=1)
                },
            }
        )

    def _quota(self, date_from, date_to, amount, profile=None, user=None):
        return self.env["spm.quota"].create(
            {
                "user_id": (user or self.sales_a).id,
                "business_unit_id": self.unit_pharma.id,
                "date_from": date_from,
                "date_to": date_to,
                "amount": amount,
                "seasonality_profile_id": (profile or self.profile).id,
            }
        )

    def _amounts(self, quota):
        return [(line.month, line.amount) for line in quota.line_ids.sorted("month")]

    def test_year_sums_exactly(self):
        quota = self._quota("2026-01-01", "2026-12-31", 100000.0)
        lines = self._amounts(quota)
        self.assertEqual(len(lines), 12)
        self.assertEqual(lines[0], (date(2026, 1, 1), 13000.0))
        self.assertEqual(lines[5], (date(2026, 6, 1), 5000.0))
        self.assertAlmostEqual(sum(a for _m, a in lines), 100000.0, places=2)

    def test_quarter_with_rounding(self):
        # Q1 weights 13/12/10 of 1000.00: 371.428.. / 342.857.. / 285.714..
        quota = self._quota("2026-01-01", "2026-03-31", 1000.0)
        self.assertEqual([a for _m, a in self._amounts(quota)], [371.43, 342.86, 285.71])

    def test_period_not_starting_in_january(self):
        # October to March: weights 9, 10, 11, 13, 12, 10 (sum 65); the odd cent goes to
        # January, whose exact share (130000.2 cents) has the largest remainder.
        quota = self._quota("2026-10-01", "2027-03-31", 6500.01)
        amounts = self._amounts(quota)
        self.assertEqual(
            [m for m, _a in amounts],
            [
                date(2026, 10, 1),
                date(2026, 11, 1),
                date(2026, 12, 1),
                date(2027, 1, 1),
                date(2027, 2, 1),
                date(2027, 3, 1),
            ],
        )
        self.assertEqual([a for _m, a in amounts], [900.0, 1000.0, 1100.0, 1300.01, 1200.0, 1000.0])
        self.assertEqual(round(sum(a for _m, a in amounts), 2), 6500.01)

    def test_flat_profile_largest_remainder(self):
        quota = self._quota("2026-01-01", "2026-03-31", 100.0, profile=self.flat)
        self.assertEqual([a for _m, a in self._amounts(quota)], [33.34, 33.33, 33.33])

    def test_changing_amount_respreads(self):
        quota = self._quota("2026-01-01", "2026-03-31", 100.0, profile=self.flat)
        quota.amount = 300.0
        self.assertEqual([a for _m, a in self._amounts(quota)], [100.0, 100.0, 100.0])

    def test_manual_edit_in_draft_total_follows(self):
        quota = self._quota("2026-01-01", "2026-03-31", 300.0, profile=self.flat)
        quota.line_ids.sorted("month")[0].amount = 150.0
        self.assertEqual(quota.amount, 350.0)
        quota.write({"line_ids": [Command.update(quota.line_ids.sorted("month")[1].id, {"amount": 50.0})]})
        self.assertEqual(quota.amount, 300.0)
        self.assertEqual([a for _m, a in self._amounts(quota)], [150.0, 50.0, 100.0])

    def test_confirmed_is_locked(self):
        quota = self._quota("2026-01-01", "2026-03-31", 300.0, profile=self.flat)
        quota.action_confirm()
        with self.assertRaises(UserError):
            quota.amount = 10.0
        with self.assertRaises(UserError):
            quota.line_ids[0].amount = 10.0
        quota.action_draft()
        quota.amount = 30.0
        self.assertEqual(sum(quota.line_ids.mapped("amount")), 30.0)

    def test_period_covers_whole_months(self):
        with self.assertRaises(ValidationError):
            self._quota("2026-01-02", "2026-03-31", 100.0)
        with self.assertRaises(ValidationError):
            self._quota("2026-01-01", "2026-03-30", 100.0)

    def test_no_overlapping_quotas(self):
        self._quota("2026-01-01", "2026-06-30", 100.0)
        with self.assertRaises(ValidationError):
            self._quota("2026-06-01", "2026-12-31", 100.0)
        self._quota("2026-07-01", "2026-12-31", 100.0)

    def test_import_then_confirm(self):
        """The standard import creates quotas; confirming keeps the generated lines."""
        result = self.env["spm.quota"].load(
            ["user_id", "business_unit_id", "date_from", "date_to", "amount", "seasonality_profile_id"],
            [[self.sales_b.name, self.unit_pharma.name, "2026-04-01", "2026-06-30", "900", self.flat.name]],
        )
        self.assertFalse(result["messages"], result["messages"])
        quota = self.env["spm.quota"].browse(result["ids"])
        quota.action_confirm()
        self.assertEqual(quota.state, "confirmed")
        self.assertEqual([a for _m, a in self._amounts(quota)], [300.0, 300.0, 300.0])

    def test_profile_weights_positive(self):
        with self.assertRaises(ValidationError):
            self.profile.weight_03 = 0.0
