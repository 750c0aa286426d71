from contextlib import contextmanager

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.spm_credit.tests.common import SpmCreditCase


class SpmIncentiveCase(SpmCreditCase):
    """A quarterly plan on achieved credit (2 % up to 100 % attainment, 5 %
    above), salesperson A on it in Pharma; an accountant."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(cls.env, "t_inc_accountant", groups="spm_credit.group_spm_accountant")
        cls.Plan = cls.env["spm.incentive.plan"]
        cls.Statement = cls.env["spm.incentive.statement"]
        cls.plan = cls.Plan.create({"name": "Test Quarterly Plan", "period_type": "quarter"})
        cls.version = cls._version(cls.plan, "2026-01-01", [(0, 2.0), (100, 5.0)])
        cls.assignment_a = cls._plan_assignment(cls.sales_a, cls.unit_pharma)

    @classmethod
    def _version(cls, plan, date_from, tiers, **vals):
        return cls.env["spm.incentive.plan.version"].create(
            {
                "plan_id": plan.id,
                "date_from": date_from,
                "tier_ids": [Command.create({"lower_bound": lower, "rate": rate}) for lower, rate in tiers],
                **vals,
            }
        )

    @classmethod
    def _plan_assignment(cls, user, unit, plan=None, date_from="2020-01-01", **vals):
        return cls.env["spm.incentive.plan.assignment"].create(
            {
                "plan_id": (plan or cls.plan).id,
                "user_id": user.id,
                "business_unit_id": unit.id,
                "date_from": date_from,
                **vals,
            }
        )

    @classmethod
    def _quota(cls, user, unit, month_amounts):
        """A confirmed quota of ``user`` in ``unit``: {"2026-01-01": amount, ...}."""
        months = sorted(month_amounts)
        quota = cls.env["spm.quota"].create(
            {
                "user_id": user.id,
                "business_unit_id": unit.id,
                "date_from": months[0],
                "date_to": fields.Date.end_of(fields.Date.to_date(months[-1]), "month"),
                "line_ids": [
                    Command.create({"month": month, "amount": month_amounts[month]}) for month in months
                ],
            }
        )
        quota.action_confirm()
        return quota

    @classmethod
    def _adjust(cls, user, unit, date, amount, product=None, reason="Test credit"):
        """Credit ``user`` in ``unit`` on ``date`` by a manual adjustment."""
        return cls.env["spm.credit.line"].create(
            {
                "user_id": user.id,
                "business_unit_id": unit.id,
                "date": date,
                "amount": amount,
                "product_id": product.id if product else False,
                "reason": reason,
            }
        )

    def _generate(self, day, user=None):
        """Generate the statements of the period of ``day`` of the plans the
        test created (not the demo's, which have an external id) as ``user``."""
        plans = self.Plan.search([]).filtered(lambda plan: not plan.get_external_id()[plan.id])
        wizard = (
            self.env["spm.incentive.generate"]
            .with_user(user or self.admin)
            .create({"date": day, "plan_ids": [Command.set(plans.ids)]})
        )
        action = wizard.action_generate()
        return self.Statement.search(action["domain"])

    @contextmanager
    def assertRefused(self, exception, pattern):
        """``assertRaises`` (which rolls the block back to a savepoint), the
        message matching ``pattern``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)
