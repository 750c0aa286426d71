from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFirstRunChecklist(TransactionCase):
    """The administrator's first-run checklist ticks each step from the data of
    the companies the administrator works in, step by step."""

    def ticks(self):
        return {
            step["key"]: step["done"] for step in self.env["spm.first.run"].with_user(self.admin).get_steps()
        }

    def test_each_step_is_ticked_when_done(self):
        company = self.env["res.company"].create({"name": "Test First Run Company"})
        self.admin = new_test_user(
            self.env,
            "t_first_run_admin",
            groups="spm_quota.group_spm_admin,sales_team.group_sale_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        salesperson = new_test_user(
            self.env,
            "t_first_run_sales",
            groups="spm_quota.group_spm_salesperson",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        steps = ["units", "assignments", "quotas", "confirm", "credit"]
        self.assertEqual(self.ticks(), dict.fromkeys(steps, False), "another company's data ticks nothing")

        env = self.env(user=self.admin, context={"allowed_company_ids": company.ids})
        category = self.env["product.category"].create({"name": "Test First Run"})
        unit = env["spm.business.unit"].create(
            {
                "name": "Test First Run",
                "code": "TFR",
                "product_category_ids": [Command.set(category.ids)],
                "credit_basis": "order",
            }
        )
        self.assertEqual([k for k, done in self.ticks().items() if done], ["units"])

        customer = env["res.partner"].create({"name": "Test First Run Customer", "company_id": company.id})
        env["spm.assignment"].create(
            {
                "partner_id": customer.id,
                "user_id": salesperson.id,
                "share": 100.0,
                "kind": "split",
                "business_unit_id": unit.id,
                "date_from": "2026-01-01",
            }
        )
        self.assertEqual([k for k, done in self.ticks().items() if done], ["units", "assignments"])

        quota = env["spm.quota"].create(
            {
                "user_id": salesperson.id,
                "business_unit_id": unit.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "amount": 1200.0,
            }
        )
        self.assertEqual([k for k, done in self.ticks().items() if done], ["units", "assignments", "quotas"])
        quota.action_confirm()
        self.assertEqual([k for k, done in self.ticks().items() if done], steps[:4])

        product = self.env["product.product"].create(
            {"name": "Test First Run Product", "categ_id": category.id, "list_price": 100.0}
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": salesperson.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        self.assertEqual(self.ticks(), dict.fromkeys(steps, True))

    def test_for_administrators_only(self):
        manager = new_test_user(self.env, "t_first_run_manager", groups="spm_quota.group_spm_manager")
        with self.assertRaises(AccessError):
            self.env["spm.first.run"].with_user(manager).get_steps()
