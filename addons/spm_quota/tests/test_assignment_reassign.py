from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestAssignmentReassign(SpmQuotaCase):
    def _reassign(self, **vals):
        lines = vals.pop("lines")
        wizard = self.env["spm.assignment.reassign"].create(
            {
                **vals,
                "line_ids": [Command.create({"user_id": u.id, "share": s}) for u, s in lines],
            }
        )
        return wizard.action_reassign()

    def test_accounts_move_from_a_date(self):
        old = self._assign(self.customer, self.sales_a, 100.0, date_from="2026-01-01")
        self._reassign(
            partner_ids=[Command.set(self.customer.ids)], date=date(2026, 5, 1), lines=[(self.sales_b, 100.0)]
        )
        self.assertEqual(
            old.date_to, date(2026, 4, 30), "the old assignment stays valid up to the day before"
        )
        self.assertTrue(old.active)
        shares = self.env["spm.assignment"]._get_shares(
            [
                (self.customer.id, False, date(2026, 4, 30)),
                (self.customer.id, False, date(2026, 5, 1)),
            ]
        )
        self.assertEqual(
            [s.user_id for s in shares[(self.customer.id, False, date(2026, 4, 30))]], [self.sales_a.id]
        )
        self.assertEqual(
            [s.user_id for s in shares[(self.customer.id, False, date(2026, 5, 1))]], [self.sales_b.id]
        )

    def test_salesperson_leaves_share_split_among_two(self):
        self.customer.write(
            {
                "spm_assignment_ids": [
                    Command.create({"user_id": self.sales_a.id, "share": 60.0, "date_from": "2026-01-01"}),
                    Command.create({"user_id": self.sales_b.id, "share": 40.0, "date_from": "2026-01-01"}),
                ]
            }
        )
        self._assign(self.customer_2, self.sales_a, 100.0)
        self._reassign(
            from_user_id=self.sales_a.id,
            date=date(2026, 9, 1),
            lines=[(self.sales_c, 50.0), (self.sales_d, 50.0)],
        )
        key = (self.customer.id, False, date(2026, 9, 1))
        shares = self.env["spm.assignment"]._get_shares([key])[key]
        self.assertEqual(
            sorted((s.user_id, s.share) for s in shares),
            sorted(
                [
                    (self.sales_b.id, 40.0),
                    (self.sales_c.id, 30.0),
                    (self.sales_d.id, 30.0),
                ]
            ),
        )
        key2 = (self.customer_2.id, False, date(2026, 12, 1))
        self.assertEqual(
            sorted(s.user_id for s in self.env["spm.assignment"]._get_shares([key2])[key2]),
            sorted([self.sales_c.id, self.sales_d.id]),
        )

    def test_new_shares_must_add_up(self):
        self._assign(self.customer, self.sales_a, 100.0)
        with self.assertRaises(UserError):
            self._reassign(
                partner_ids=[Command.set(self.customer.ids)],
                date=date(2026, 5, 1),
                lines=[(self.sales_b, 70.0)],
            )
