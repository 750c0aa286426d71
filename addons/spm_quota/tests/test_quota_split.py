from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestQuotaSplit(SpmQuotaCase):
    def test_top_down_split_and_bottom_up_gap(self):
        unit_quota = self.env["spm.quota"].create(
            {
                "business_unit_id": self.unit_pharma.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "amount": 100000.0,
                "seasonality_profile_id": self.flat.id,
            }
        )
        self.assertEqual(unit_quota.gap_amount, 100000.0)
        wizard = self.env["spm.quota.split"].create(
            {
                "quota_id": unit_quota.id,
                "line_ids": [
                    Command.create({"user_id": self.sales_a.id, "share": 33.33}),
                    Command.create({"user_id": self.sales_b.id, "share": 33.33}),
                    Command.create({"user_id": self.sales_c.id, "share": 33.34}),
                ],
            }
        )
        wizard.action_split()
        quotas = self.env["spm.quota"].search(
            [("business_unit_id", "=", self.unit_pharma.id), ("user_id", "!=", False)]
        )
        self.assertEqual(sorted(quotas.mapped("amount")), [33330.0, 33330.0, 33340.0])
        self.assertEqual(len(quotas[0].line_ids), 12)
        unit_quota.invalidate_recordset(["salesperson_amount", "gap_amount"])
        self.assertEqual(unit_quota.salesperson_amount, 100000.0)
        self.assertEqual(unit_quota.gap_amount, 0.0)

    def test_split_needs_100(self):
        unit_quota = self.env["spm.quota"].create(
            {
                "business_unit_id": self.unit_pharma.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "amount": 1000.0,
            }
        )
        wizard = self.env["spm.quota.split"].create(
            {
                "quota_id": unit_quota.id,
                "line_ids": [Command.create({"user_id": self.sales_a.id, "share": 90.0})],
            }
        )
        with self.assertRaises(UserError):
            wizard.action_split()
