import unittest
from datetime import timedelta

from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import SpmIncentiveCase

# spm_incentive works without spm_portal: these tests run where it is installed.
if get_module_path("spm_portal", display_warning=False):
    from odoo.addons.spm_portal.tests.common import SpmBillingsCommon
else:  # pragma: no cover - the addon is part of this repository
    SpmBillingsCommon = object


@tagged("post_install", "-at_install")
class TestSecondaryPlan(SpmIncentiveCase, SpmBillingsCommon):
    """B on a secondary-sales-only plan in Pharma is paid on the credit of distributors'
    validated billings, not on orders; a rejected billing is clawed back."""

    @classmethod
    def setUpClass(cls):
        if SpmBillingsCommon is object:
            raise unittest.SkipTest("spm_portal is not in the addons path")
        super().setUpClass()
        if "spm.secondary.billing" not in cls.env:
            raise unittest.SkipTest("spm_portal is not installed")
        cls.secondary_plan = cls.Plan.create({"name": "Test Secondary Plan", "period_type": "month"})
        cls._version(cls.secondary_plan, "2020-01-01", [(0, 10.0)], credit_source="secondary")
        cls.secondary_b = cls._plan_assignment(cls.sales_b, cls.unit_pharma, plan=cls.secondary_plan)
        cls.unit_pharma.credit_secondary = True
        cls.day = cls.yesterday
        cls._quota(cls.sales_b, cls.unit_pharma, {str(cls.day.replace(day=1)): 1000})

    def _statement(self):
        return self._generate(str(self.day)).filtered(lambda s: s.assignment_id == self.secondary_b)

    def test_pays_on_billings_only(self):
        self._order([(self.product_pharma, 5, 100.0)], date_order=f"{self.day} 10:00:00")
        billing = self._billing(lines=[("T-INS", 10, 100.0)], bill_date=self.day)
        self.assertEqual(billing.state, "validated")
        credit = self.Credit.search(
            [("secondary_billing_id", "=", billing.id), ("user_id", "=", self.sales_b.id)]
        )
        # Distributor A is split 60/40 between A and B in Pharma.
        self.assertEqual(sum(credit.mapped("amount")), 400.0)
        statement = self._statement()
        self.assertEqual(statement.measure, 400.0)
        self.assertEqual(statement.plan_amount, 40.0)

    def test_rejected_billing_clawed_back(self):
        billing = self._billing(lines=[("T-INS", 10, 100.0)], bill_date=self.day)
        statement = self._statement()
        statement.with_user(self.manager_pharma).action_approve_manager()
        billing.with_user(self.manager_pharma).action_reject("Never delivered")
        following = self._generate(str(statement.period_end + timedelta(days=1)))
        following = following.filtered(lambda s: s.assignment_id == self.secondary_b)
        clawback = following.line_ids.filtered(lambda line: line.kind == "clawback")
        self.assertEqual(sum(clawback.mapped("amount")), -40.0)
        self.assertIn(billing.display_name, clawback[0].reason)

    def test_held_credit_earns_nothing_until_released(self):
        self._billing(number="S-001", lines=[("T-INS", 10, 100.0)], bill_date=self.day)
        held = self._billing(number="S-002", lines=[("T-INS", 5, 100.0)], bill_date=self.day, submit=False)
        # Held as the channel-trust checks hold it (trusted workflow), and credited.
        held._write_workflow({"state": "held"})
        held._spm_sync_credit()
        held_lines = self.Credit.search(
            [("secondary_billing_id", "=", held.id), ("user_id", "=", self.sales_b.id)]
        )
        self.assertTrue(held_lines and all(held_lines.mapped("is_held")))
        earning = self.secondary_b.with_user(self.sales_b).get_earnings(self.day)[self.secondary_b.id]
        # 40 % of 1,000 achieved; 40 % of 500 held: 10 % more once released
        self.assertEqual((earning["measure"], earning["earned"]), (400.0, 40.0))
        self.assertEqual((earning["held"], earning["held_would_add"]), (200.0, 20.0))
        statement = self._statement()
        self.assertEqual(statement.measure, 400.0)
        self.assertFalse(statement.line_ids.credit_line_ids & held_lines)
        # Released: it earns, nothing is held.
        held._write_workflow({"state": "validated"})
        held._spm_sync_credit()
        earning = self.secondary_b.with_user(self.sales_b).get_earnings(self.day)[self.secondary_b.id]
        self.assertEqual((earning["measure"], earning["earned"], earning["held"]), (600.0, 60.0, 0.0))
        statement.action_recompute()
        self.assertEqual(statement.plan_amount, 60.0)

    def test_held_credit_released_after_approval_is_late_credit(self):
        held = self._billing(number="S-003", lines=[("T-INS", 5, 100.0)], bill_date=self.day, submit=False)
        held._write_workflow({"state": "held"})
        held._spm_sync_credit()
        self._billing(number="S-004", lines=[("T-INS", 10, 100.0)], bill_date=self.day)
        statement = self._statement()
        statement.with_user(self.manager_pharma).action_approve_manager()
        held._write_workflow({"state": "validated"})
        held._spm_sync_credit()
        following = self._generate(str(statement.period_end + timedelta(days=1)))
        following = following.filtered(lambda s: s.assignment_id == self.secondary_b)
        # The held line's reversal is not a clawback; the released credit comes late, at 10 %.
        self.assertFalse(following.line_ids.filtered(lambda line: line.kind == "clawback"))
        late = following.line_ids.filtered(lambda line: line.kind == "late")
        self.assertEqual(sum(late.mapped("amount")), 20.0)
