from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.spm_quota.tools import trusted

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditLock(SpmCreditCase):
    def _adjust(self, day, amount=10.0):
        return self.Credit.create(
            {
                "user_id": self.sales_a.id,
                "business_unit_id": self.unit_pharma.id,
                "date": day,
                "amount": amount,
                "reason": "Bonus for the trade fair",
            }
        )

    def test_locked_period_cannot_change(self):
        line = self._adjust("2026-01-15")
        self.company.spm_credit_lock_date = "2026-01-31"
        with self.assertRaises(UserError):
            self._adjust("2026-01-20")
        with self.assertRaises(UserError), trusted(self.env, "spm_credit_engine"):
            line.write({"amount": 5.0})
        with self.assertRaises(UserError):
            line.unlink()
        self._adjust("2026-02-01")

    def test_lines_are_never_edited(self):
        line = self._adjust("2026-01-15")
        with self.assertRaises(UserError):
            line.amount = 1.0
        with self.assertRaises(UserError):
            line.unlink()

    def test_late_events_land_in_open_month_as_adjustments(self):
        order = self._order([(self.product_pharma, 1, 100.0)])
        credited_on = self.Credit.search([("order_id", "=", order.id)], limit=1).date
        self.company.spm_credit_lock_date = credited_on
        order._action_cancel()
        reversals = self.Credit.search([("order_id", "=", order.id), ("state", "=", "reversed")])
        self.assertEqual(len(reversals), 4)
        self.assertEqual(set(reversals.mapped("date")), {credited_on + timedelta(days=1)})
        self.assertEqual(set(reversals.mapped("original_date")), {credited_on})
        self.assertTrue(all(reversals.mapped("is_adjustment")))
        self.assertEqual(self._credit([("order_id", "=", order.id)]), {})

    def test_new_credit_in_locked_period_is_an_adjustment(self):
        """An invoice dated in a locked month is credited on the first open day."""
        self.company.spm_credit_lock_date = "2026-03-31"
        order = self._order([(self.product_consumer, 10, 10.0)])
        invoice = order._create_invoices()
        invoice.invoice_date = "2026-03-10"
        invoice.action_post()
        lines = self.Credit.search([("move_id", "=", invoice.id)])
        self.assertEqual(len(lines), 3)
        self.assertEqual(set(lines.mapped("date")), {date(2026, 4, 1)})
        self.assertEqual(set(lines.mapped("original_date")), {date(2026, 3, 10)})
        # Recomputing does not see a difference and books nothing more.
        invoice.action_spm_recompute_credit()
        self.assertEqual(self.Credit.search([("move_id", "=", invoice.id)]), lines)

    def test_only_administrators_move_the_lock_date(self):
        settings_user = new_test_user(self.env, "t_settings", groups="base.group_system")
        with self.assertRaises(AccessError):
            self.company.with_user(settings_user).write({"spm_credit_lock_date": "2026-01-31"})
        settings_user.groups_id |= self.env.ref("spm_quota.group_spm_admin")
        # The close path: a direct write is refused while distributors have not reported.
        self.company.with_user(settings_user)._spm_close_credit_period("2026-01-31", "Year-end audit")
        self.assertEqual(self.company.spm_credit_lock_date, date(2026, 1, 31))

    def test_reversal_of_an_adjustment_keeps_its_original_date(self):
        self.company.spm_credit_lock_date = "2026-03-31"
        order = self._order([(self.product_consumer, 10, 10.0)])
        invoice = order._create_invoices()
        invoice.invoice_date = "2026-03-10"
        invoice.action_post()
        invoice.button_draft()
        reversals = self.Credit.search([("move_id", "=", invoice.id), ("state", "=", "reversed")])
        self.assertEqual(len(reversals), 3)
        self.assertEqual(set(reversals.mapped("original_date")), {date(2026, 3, 10)})
        self.assertTrue(all(reversals.mapped("is_adjustment")))
