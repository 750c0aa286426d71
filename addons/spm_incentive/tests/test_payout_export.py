import base64
import io
from datetime import date

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SpmIncentiveCase


@tagged("post_install", "-at_install")
class TestPayoutExport(SpmIncentiveCase):
    """Q1 2026: A (employee) and B (an agent billed through a vendor) approved by finance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant.groups_id += cls.env.ref("account.group_account_invoice")
        cls.agent = cls.env["res.partner"].create({"name": "Test Agent Ltd", "is_company": True})
        cls.assignment_b = cls._plan_assignment(cls.sales_b, cls.unit_pharma, vendor_partner_id=cls.agent.id)
        for user in (cls.sales_a, cls.sales_b):
            cls._quota(user, cls.unit_pharma, {"2026-01-01": 1000, "2026-02-01": 1000, "2026-03-01": 1000})
        cls._adjust(cls.sales_a, cls.unit_pharma, "2026-02-01", 3333.33)  # 60 + 5 % of 333.33 = 76.67
        cls._adjust(cls.sales_b, cls.unit_pharma, "2026-03-01", 1234.56)  # 2 % = 24.69
        cls.statements = cls.Statement._generate(cls.assignment_a | cls.assignment_b, "2026-01-01")
        cls.statement_a = cls.statements.filtered(lambda s: s.user_id == cls.sales_a)
        cls.statement_b = cls.statements - cls.statement_a
        cls.statements.with_user(cls.manager_pharma).action_approve_manager()

    def _export(self, user=None):
        wizard = (
            self.env["spm.incentive.payroll.export"]
            .with_user(user or self.accountant)
            .create({"date_from": "2026-01-01", "date_to": "2026-03-31"})
        )
        wizard.action_export()
        return wizard

    def test_payroll_export_read_back(self):
        with self.assertRaises(UserError):
            self._export()  # nothing approved by finance yet
        self.statements.with_user(self.accountant).action_approve_finance()
        with self.assertRaises(AccessError):
            self._export(self.manager_pharma)
        wizard = self._export()
        self.assertEqual(wizard.statement_ids, self.statement_a)  # the agent is billed instead
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        rows = list(book["Payroll"].iter_rows(values_only=True))
        self.assertEqual(
            rows[0][:9],
            (
                "Employee",
                "Employee Ref.",
                "Period From",
                "Period To",
                "Plan",
                "Cost Centre",
                "Company",
                "Currency",
                "Amount",
            ),
        )
        employee = rows[1]
        self.assertEqual(employee[0], self.sales_a.name)
        self.assertEqual(employee[1], self.sales_a.login)
        self.assertEqual((employee[2].date(), employee[3].date()), (date(2026, 1, 1), date(2026, 3, 31)))
        self.assertEqual(employee[5], "TPH Test Pharma")
        self.assertEqual(employee[8], 76.67)
        self.assertEqual(rows[2][0], "Total")
        self.assertEqual(len(rows), 3)
        wizard.action_confirm_paid()
        self.assertEqual(self.statement_a.state, "paid")
        self.assertEqual(self.statement_b.state, "finance_approved")

    def test_vendor_bill_for_an_agent(self):
        with self.assertRaises(UserError):
            self.statement_b.with_user(
                self.accountant
            ).action_create_vendor_bills()  # not approved by finance
        self.statements.with_user(self.accountant).action_approve_finance()
        with self.assertRaises(AccessError):
            self.statement_b.with_user(self.manager_pharma).action_create_vendor_bills()
        # An accountant of the suite without Invoicing's Billing right is told so, nothing drafted.
        billing = self.env.ref("account.group_account_invoice")
        self.accountant.groups_id -= billing
        with self.assertRaisesRegex(AccessError, "Billing"):
            self.statement_b.with_user(self.accountant).action_create_vendor_bills()
        self.assertFalse(self.statement_b.vendor_bill_id)
        self.accountant.groups_id += billing
        action = self.statements.with_user(self.accountant).action_create_vendor_bills()
        bill = self.env["account.move"].search(action["domain"])
        self.assertEqual(len(bill), 1)
        self.assertEqual((bill.move_type, bill.state, bill.partner_id), ("in_invoice", "draft", self.agent))
        self.assertEqual(bill.amount_total, 24.69)
        self.assertEqual(self.statement_b.vendor_bill_id, bill)
        self.assertFalse(self.statement_a.vendor_bill_id)
        with self.assertRaises(UserError):
            self.statement_b.with_user(self.accountant).action_create_vendor_bills()  # billed once
        # Paying the bill pays the statement.
        bill.invoice_date = "2026-04-05"
        bill.action_post()
        self.assertEqual(self.statement_b.state, "finance_approved")
        self._pay(bill, 24.69)
        self.assertIn(bill.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.statement_b.state, "paid")
        self.assertTrue(
            any("Paid by the vendor bill" in body for body in self.statement_b.message_ids.mapped("body"))
        )

    def test_statement_report(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("spm_incentive.report_incentive_statement", self.statement_a.ids)[0]
            .decode()
        )
        self.assertIn("Incentive Statement", html)
        self.assertIn(self.sales_a.name, html)
        self.assertIn("76.67", html)
