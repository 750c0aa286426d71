from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import period_bounds
from .common import SpmIncentiveCase

Q4 = "2026-12-01"


@tagged("post_install", "-at_install")
class TestStatementWorkflow(SpmIncentiveCase):
    """Q4 2026: A's quota 10,000; an order of 7 Insulin at 100 credits A 50 % (350)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quota = cls._quota(
            cls.sales_a, cls.unit_pharma, {"2026-10-01": 3000, "2026-11-01": 3000, "2026-12-01": 4000}
        )
        cls.env["spm.incentive.spif"].create(
            {
                "name": "Test Insulin SPIF",
                "plan_id": cls.plan.id,
                "product_id": cls.product_pharma.id,
                "kind": "per_unit",
                "amount": 2.5,
                "date_from": "2026-10-01",
                "date_to": "2026-12-31",
            }
        )
        cls.order = cls._order([(cls.product_pharma, 7, 100.0)], date_order="2026-12-01 10:00:00")

    def _statement(self):
        statements = self._generate(Q4, self.manager_pharma)
        return statements.filtered(lambda s: s.user_id == self.sales_a)

    def _snapshot(self, statement):
        statement.invalidate_recordset()
        return (
            statement.state,
            statement.measure,
            statement.target,
            statement.plan_amount,
            statement.spif_amount,
            statement.amount_payable,
            statement.line_ids.mapped(lambda line: (line.kind, line.measure, line.target, line.amount)),
        )

    def test_figures_spif_and_trace(self):
        statement = self._statement()
        self.assertEqual(statement.state, "draft")
        self.assertEqual((statement.measure, statement.target), (350.0, 10000.0))
        self.assertEqual(statement.plan_amount, 7.0)  # 2 % of 350
        # 7 units at A's 50 %: 3.5 units at 2.50
        spif = statement.line_ids.filtered(lambda line: line.kind == "spif")
        self.assertEqual((spif.quantity, spif.amount), (3.5, 8.75))
        self.assertEqual(statement.amount_payable, 15.75)
        credit = self.Credit.search([("order_id", "=", self.order.id), ("user_id", "=", self.sales_a.id)])
        self.assertEqual(spif.credit_line_ids, credit)
        # Each figure opens its credit lines.
        december = statement.line_ids.filtered(lambda line: line.kind == "month" and line.month.month == 12)
        self.assertEqual(self.Credit.search(december.action_view_credit_lines()["domain"]), credit)
        self.assertEqual(self.Credit.search(statement.action_view_credit_lines()["domain"]), credit)
        self.assertEqual(self.Credit.search(spif.action_view_credit_lines()["domain"]), credit)

    def test_approvals(self):
        statement = self._statement()
        for user in (self.sales_a, self.manager_consumer, self.accountant):
            with self.assertRaises(AccessError):
                statement.with_user(user).action_approve_manager()
        with self.assertRaises(AccessError):
            statement.with_user(self.manager_pharma).action_approve_finance()
        statement.with_user(self.manager_pharma).action_approve_manager()
        self.assertEqual(statement.state, "manager_approved")
        self.assertEqual(statement.manager_approved_uid, self.manager_pharma)
        with self.assertRaises(UserError):
            statement.with_user(self.manager_pharma).action_recompute()
        for user in (self.sales_a, self.manager_pharma):
            with self.assertRaises(AccessError):
                statement.with_user(user).action_approve_finance()
        with self.assertRaises(UserError):
            statement.with_user(self.accountant).action_mark_paid()
        statement.with_user(self.accountant).action_approve_finance()
        self.assertEqual(statement.state, "finance_approved")
        with self.assertRaises(AccessError):
            statement.with_user(self.manager_pharma).action_mark_paid()
        statement.with_user(self.accountant).action_mark_paid()
        self.assertEqual(statement.state, "paid")
        bodies = statement.message_ids.mapped("body")
        for text in ("Approved by the unit manager.", "Approved by finance.", "Marked paid."):
            self.assertTrue(any(text in body for body in bodies), text)

    def test_back_to_draft(self):
        statement = self._statement()
        statement.with_user(self.manager_pharma).action_approve_manager()
        with self.assertRaises(AccessError):
            statement.with_user(self.sales_a).action_reset_draft()
        statement.with_user(self.accountant).action_reset_draft()
        self.assertEqual(statement.state, "draft")
        self.assertFalse(statement.manager_approved_uid)

    def test_nobody_edits_an_approved_statement(self):
        statement = self._statement()
        # A draft: its note only, and never its figures or state.
        statement.with_user(self.manager_pharma).write({"note": "Checked"})
        for vals in ({"state": "paid"}, {"amount_payable": 1e6}, {"user_id": self.sales_b.id}):
            with self.assertRaises(UserError):
                statement.with_user(self.admin).write(vals)
        with self.assertRaises(UserError):
            self.Statement.create({"assignment_id": self.assignment_a.id})
        with self.assertRaises(UserError):
            statement.line_ids[:1].write({"amount": 1e6})
        statement.with_user(self.manager_pharma).action_approve_manager()
        before = self._snapshot(statement)
        for user in (
            self.sales_a,
            self.sales_b,
            self.manager_pharma,
            self.manager_consumer,
            self.accountant,
            self.admin,
        ):
            for vals in ({"state": "draft"}, {"amount_payable": 0.0}, {"note": "Changed"}):
                with self.assertRaises(UserError):
                    statement.with_user(user).write(vals)
            with self.assertRaises(UserError):
                statement.with_user(user).unlink()
            with self.assertRaises(UserError):
                statement.line_ids.with_user(user).unlink()
        self.assertEqual(self._snapshot(statement), before)

    def test_approved_statement_never_changes(self):
        statement = self._statement()
        statement.with_user(self.manager_pharma).action_approve_manager()
        before = self._snapshot(statement)
        # Later credit, a changed quota, a changed plan, and a new generation of the period.
        self._order([(self.product_pharma, 30, 100.0)], date_order="2026-12-01 11:00:00")
        self._adjust(self.sales_a, self.unit_pharma, "2026-11-02", 5000)
        self.quota.action_draft()
        self.quota.line_ids[0].amount = 1
        self.quota.action_confirm()
        with self.assertRaises(UserError):
            self.version.write({"threshold": 50})
        with self.assertRaises(UserError):
            self.version.tier_ids[0].write({"rate": 9})
        with self.assertRaises(UserError):
            self.version.write({"tier_ids": [Command.create({"lower_bound": 150, "rate": 9})]})
        self._version(self.plan, "2027-01-01", [(0, 9.0)])
        self._generate(Q4, self.accountant)
        self.assertEqual(self._snapshot(statement), before)

    def test_cron_generates_the_drafts_of_yesterday(self):
        start, end = period_bounds(fields.Date.context_today(self.env.user) - timedelta(days=1), "quarter")
        Generate = self.env["spm.incentive.generate"]
        Generate._cron_generate()
        Generate._cron_generate()
        statements = self.Statement.search([("assignment_id", "=", self.assignment_a.id)])
        self.assertEqual(len(statements), 1)
        self.assertEqual(
            (statements.period_start, statements.period_end, statements.state), (start, end, "draft")
        )

    def test_salesperson_disputes_a_line(self):
        statement = self._statement()
        spif = statement.line_ids.filtered(lambda line: line.kind == "spif").with_user(self.sales_a)
        action = spif.action_dispute()
        Dispute = self.env["spm.credit.dispute"].with_user(self.sales_a).with_context(**action["context"])
        dispute = Dispute.create(
            {"description": action["context"]["default_description"] + "3 units missing"}
        )
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.business_unit_id, self.unit_pharma)
        self.assertEqual(dispute.credit_line_id, spif.credit_line_ids[:1])
        self.assertIn("Test Insulin SPIF", dispute.description)
        with self.assertRaises(AccessError):
            spif.with_user(self.sales_b).action_dispute()
