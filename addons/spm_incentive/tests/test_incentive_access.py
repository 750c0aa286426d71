from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SpmIncentiveCase


@tagged("post_install", "-at_install")
class TestIncentiveAccess(SpmIncentiveCase):
    """A and B in Pharma, C in Consumer; statements of Q1 2026 for each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.assignment_b = cls._plan_assignment(cls.sales_b, cls.unit_pharma)
        cls.other_plan = cls.Plan.create({"name": "Test Consumer Plan", "period_type": "quarter"})
        cls._version(cls.other_plan, "2026-01-01", [(0, 1.0)])
        cls.assignment_c = cls._plan_assignment(cls.sales_c, cls.unit_consumer, plan=cls.other_plan)
        for user, unit in (
            (cls.sales_a, cls.unit_pharma),
            (cls.sales_b, cls.unit_pharma),
            (cls.sales_c, cls.unit_consumer),
        ):
            cls._quota(user, unit, {"2026-01-01": 1000, "2026-02-01": 1000, "2026-03-01": 1000})
            cls._adjust(user, unit, "2026-02-01", 1500)
        cls.statements = cls.env["spm.incentive.statement"]._generate(
            cls.assignment_a | cls.assignment_b | cls.assignment_c, "2026-02-01"
        )
        cls.statement_a, cls.statement_b, cls.statement_c = (
            cls.statements.filtered(lambda s, u=u: s.user_id == u)
            for u in (cls.sales_a, cls.sales_b, cls.sales_c)
        )

    def _visible(self, model, user):
        return self.env[model].with_user(user).search([("id", "in", self.env[model].search([]).ids)])

    def test_salesperson_reads_only_his_own(self):
        Statement = self.Statement.with_user(self.sales_a)
        self.assertEqual(Statement.search([("id", "in", self.statements.ids)]), self.statement_a)
        self.assertEqual(
            self._visible("spm.incentive.statement.line", self.sales_a), self.statement_a.line_ids
        )
        self.assertEqual(self._visible("spm.incentive.plan.assignment", self.sales_a), self.assignment_a)
        self.assertEqual(self._visible("spm.incentive.plan", self.sales_a), self.plan)
        self.assertEqual(self._visible("spm.incentive.plan.version", self.sales_a), self.version)
        with self.assertRaises(AccessError):
            self.statement_b.with_user(self.sales_a).read(["amount_payable"])
        with self.assertRaises(AccessError):
            self.plan.with_user(self.sales_a).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self._plan_assignment(self.sales_a, self.unit_consumer, plan=self.other_plan).with_user(
                self.sales_a
            ).unlink()
        with self.assertRaises(AccessError):
            self.env["spm.incentive.generate"].with_user(self.sales_a).create(
                {"date": "2026-02-01"}
            ).action_generate()

    def test_manager_reads_and_approves_his_units(self):
        visible = self.Statement.with_user(self.manager_pharma).search([("id", "in", self.statements.ids)])
        self.assertEqual(visible, self.statement_a | self.statement_b)
        self.assertEqual(
            self._visible("spm.incentive.plan.assignment", self.manager_consumer), self.assignment_c
        )
        (self.statement_a | self.statement_b).with_user(self.manager_pharma).action_approve_manager()
        with self.assertRaises(AccessError):
            self.statement_c.with_user(self.manager_pharma).action_approve_manager()
        # Assignments in his units only, checked on the new values.
        Assignment = self.env["spm.incentive.plan.assignment"].with_user(self.manager_pharma)
        Assignment.create(
            {
                "plan_id": self.plan.id,
                "user_id": self.sales_d.id,
                "business_unit_id": self.unit_pharma.id,
                "date_from": "2026-01-01",
            }
        )
        with self.assertRaises(AccessError):
            Assignment.create(
                {
                    "plan_id": self.other_plan.id,
                    "user_id": self.sales_d.id,
                    "business_unit_id": self.unit_consumer.id,
                    "date_from": "2026-01-01",
                }
            )
        with self.assertRaises(AccessError):
            self.assignment_a.with_user(self.manager_pharma).write(
                {"business_unit_id": self.unit_consumer.id}
            )
        with self.assertRaises(AccessError):
            self.plan.with_user(self.manager_pharma).write({"name": "Changed"})
        # The generation of a manager covers his units only.
        generated = self._generate("2026-02-01", self.manager_consumer)
        self.assertEqual(generated, self.statement_c)

    def test_accountant_approves_and_pays_every_unit(self):
        self.assertEqual(
            self.Statement.with_user(self.accountant).search([("id", "in", self.statements.ids)]),
            self.statements,
        )
        with self.assertRaises(AccessError):
            self.statements.with_user(self.accountant).action_approve_manager()
        self.statement_a.with_user(self.manager_pharma).action_approve_manager()
        self.statement_c.with_user(self.manager_consumer).action_approve_manager()
        (self.statement_a | self.statement_c).with_user(self.accountant).action_approve_finance()
        (self.statement_a | self.statement_c).with_user(self.accountant).action_mark_paid()
        self.assertEqual(set(self.statements.mapped("state")), {"paid", "draft"})
        with self.assertRaises(AccessError):
            self.plan.with_user(self.accountant).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.assignment_a.with_user(self.accountant).write({"target_incentive": 1})
        with self.assertRaises(UserError):
            self.statement_b.with_user(self.accountant).write({"amount_payable": 1})

    def test_administrator_configures_plans(self):
        self.plan.with_user(self.admin).write({"name": "Renamed"})
        with self.assertRaises(UserError):
            self.plan.with_user(self.admin).write({"period_type": "month"})
        self.statement_a.with_user(self.admin).action_approve_manager()
        with self.assertRaises(UserError):
            self.version.with_user(self.admin).unlink()
