from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SpmPortalCase

FORGED = {
    "spm_credit_engine": True,
    "spm_credit_close": True,
    "spm_billing_workflow": True,
    "spm_credit_disabled": True,
}


@tagged("post_install", "-at_install")
class TestCloseCompleteness(SpmPortalCase):
    """Closing October 2026: distributor A has not reported it, B has (monthly)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.spm_credit_lock_date = date(2026, 9, 30)
        cls.distributor_a.name = "Pharma & <Sons>"
        cls.october_bill = cls._billing(cls.distributor_b, number="OCT-1", bill_date=date(2026, 10, 15))
        cls.Close = cls.env["spm.credit.close"]
        cls.Completeness = cls.env["spm.distributor.completeness"]

    def _wizard(self, user=None, **vals):
        return self.Close.with_user(user or self.admin).create({"lock_date": date(2026, 10, 31), **vals})

    def _others_complete(self):
        """Only distributors A and B stay assigned in the company (the demo's archived)."""
        self.env["spm.assignment"].search(
            [
                ("partner_id.is_distributor", "=", True),
                ("partner_id", "not in", (self.distributor_a | self.distributor_b).ids),
            ]
        ).active = False

    def test_close_lists_the_incomplete_distributor(self):
        wizard = self._wizard()
        self.assertIn(self.distributor_a, wizard.incomplete_distributor_ids)
        self.assertNotIn(self.distributor_b, wizard.incomplete_distributor_ids)
        self.assertEqual(wizard.incomplete_count, len(wizard.incomplete_distributor_ids))
        # The name is text in the summary, and the month is named.
        self.assertIn("Pharma &amp; &lt;Sons&gt;: October 2026", wizard.incomplete_summary)
        self.assertNotIn("<Sons>", wizard.incomplete_summary)

    def test_close_without_a_reason_changes_nothing(self):
        with self.assertRaises(UserError):
            self._wizard().action_close()
        self.assertEqual(self.company.spm_credit_lock_date, date(2026, 9, 30))
        self.assertFalse(self.env["spm.credit.lock"].search([("company_id", "=", self.company.id)]))

    def test_close_anyway_with_a_reason_kept_in_the_chatter(self):
        wizard = self._wizard(reason="Audit <b>tomorrow</b>")
        count = wizard.incomplete_count
        action = wizard.action_close()
        self.assertEqual(self.company.spm_credit_lock_date, date(2026, 10, 31))
        lock = self.env["spm.credit.lock"].browse(action["res_id"])
        self.assertRecordValues(
            lock,
            [
                {
                    "company_id": self.company.id,
                    "date_from": date(2026, 9, 30),
                    "date_to": date(2026, 10, 31),
                    "user_id": self.admin.id,
                    "reason": "Audit <b>tomorrow</b>",
                    "incomplete_count": count,
                }
            ],
        )
        message = lock.message_ids.filtered(lambda m: "Audit" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("Audit &lt;b&gt;tomorrow&lt;/b&gt;", message.body)
        self.assertEqual(message.author_id, self.admin.partner_id)

    def test_complete_period_closes_without_a_reason(self):
        self._others_complete()
        self._billing(self.distributor_a, number="OCT-A", bill_date=date(2026, 10, 2))
        wizard = self._wizard()
        self.assertEqual(wizard.incomplete_count, 0)
        self.assertFalse(wizard.incomplete_summary)
        wizard.action_close()
        self.assertEqual(self.company.spm_credit_lock_date, date(2026, 10, 31))
        lock = self.env["spm.credit.lock"].search([("company_id", "=", self.company.id)])
        self.assertEqual((lock.incomplete_count, lock.reason), (0, False))

    def test_non_administrators_are_refused_with_forged_context(self):
        settings_user = new_test_user(self.env, "t_close_system", groups="base.group_system")
        for user in (self.manager_pharma, settings_user):
            forged = self.company.with_user(user).with_context(**FORGED)
            with self.assertRaises(AccessError):
                forged.write({"spm_credit_lock_date": "2026-10-31"})
            with self.assertRaises(AccessError):
                self.Close.with_user(user).with_context(**FORGED).create(
                    {"lock_date": "2026-10-31", "reason": "forged"}
                )
        # A wizard the administrator prepared is not the manager's to run.
        wizard = self._wizard(reason="prepared")
        with self.assertRaises(AccessError):
            wizard.with_user(self.manager_pharma).with_context(**FORGED).action_close()
        self.assertEqual(self.company.spm_credit_lock_date, date(2026, 9, 30))
        self.assertFalse(self.env["spm.credit.lock"].search([("company_id", "=", self.company.id)]))

    def test_settings_and_direct_writes_do_not_skip_the_check(self):
        self.admin.groups_id |= self.env.ref("base.group_system")
        with self.assertRaises(UserError):
            settings = (
                self.env["res.config.settings"]
                .with_user(self.admin)
                .create({"spm_credit_lock_date": "2026-10-31"})
            )
            settings.execute()
        with self.assertRaises(UserError):
            self.company.with_user(self.admin).with_context(**FORGED).write(
                {"spm_credit_lock_date": "2026-10-31"}
            )
        self.assertEqual(self.company.spm_credit_lock_date, date(2026, 9, 30))
        # Once every distributor has reported, Settings close the month (and keep it in the history).
        self._others_complete()
        self._billing(self.distributor_a, number="OCT-A", bill_date=date(2026, 10, 2))
        settings = (
            self.env["res.config.settings"]
            .with_user(self.admin)
            .create({"spm_credit_lock_date": "2026-10-31"})
        )
        settings.execute()
        self.assertEqual(self.company.spm_credit_lock_date, date(2026, 10, 31))
        lock = self.env["spm.credit.lock"].search([("company_id", "=", self.company.id)])
        self.assertEqual(
            (lock.date_from, lock.date_to, lock.user_id), (date(2026, 9, 30), date(2026, 10, 31), self.admin)
        )

    def test_only_the_months_passed_are_checked(self):
        # A mid-month lock date closes no month: nothing to report yet.
        self.assertFalse(self._wizard(lock_date=date(2026, 10, 30)).incomplete_distributor_ids)
        self.assertEqual(
            self.company._spm_closed_months(date(2026, 9, 30), date(2026, 12, 15)),
            [date(2026, 10, 1), date(2026, 11, 1)],
        )
        self.assertEqual(len(self.company._spm_closed_months(False, date(2026, 10, 31))), 24)
        self.assertEqual(self.company._spm_closed_months(date(2026, 10, 31), date(2026, 9, 30)), [])

    def test_cadence(self):
        def row(distributor, month=date(2026, 10, 1)):
            # A view's rows are read again: the cache of the previous reading is stale.
            self.Completeness.invalidate_model()
            return self.Completeness.search([("distributor_id", "=", distributor.id), ("month", "=", month)])

        self.assertRecordValues(
            row(self.distributor_b),
            [
                {
                    "billing_count": 1,
                    "last_bill_date": date(2026, 10, 15),
                    "complete": True,
                    "cadence": "monthly",
                }
            ],
        )
        self.assertRecordValues(row(self.distributor_a), [{"billing_count": 0, "complete": False}])
        self.distributor_b.spm_report_cadence = "weekly"
        for number, day in (("W-1", 1), ("W-2", 8)):
            self._billing(self.distributor_b, number=number, bill_date=date(2026, 10, day))
        self.assertFalse(row(self.distributor_b).complete, "no bill in the last week (22-31)")
        self._billing(self.distributor_b, number="W-4", bill_date=date(2026, 10, 31))
        self.assertTrue(row(self.distributor_b).complete)
        self.distributor_b.spm_report_cadence = "daily"
        self.assertFalse(row(self.distributor_b).complete, "4 weekdays of 22 reported")
        # A rejected billing was not received.
        self.october_bill.with_user(self.admin).action_reject("Wrong retailer")
        self.distributor_b.spm_report_cadence = "monthly"
        self.assertEqual(row(self.distributor_b).billing_count, 3)
