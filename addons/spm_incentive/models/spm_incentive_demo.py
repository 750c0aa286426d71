from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class SpmIncentiveDemo(models.AbstractModel):
    """Demo statements: two quarters ago paid, last quarter approved by
    finance for one salesperson and by the manager for the other, the
    running quarter in draft carrying a clawback of credit returned after
    last quarter was approved."""

    _name = "spm.incentive.demo"
    _description = "SPM Incentive Demo Statements"

    @api.model
    def _generate_statements(self):
        today = fields.Date.context_today(self)
        plan = self.env.ref("spm_incentive.plan_pharma_quarterly")
        if plan.statement_ids:
            return  # an update of the module: the demo statements exist
        assignments = plan.assignment_ids
        Statement = self.env["spm.incentive.statement"]
        older, last, running = (
            Statement._generate(assignments, today - relativedelta(months=months)) for months in (6, 3, 0)
        )
        older.action_approve_manager()
        older.action_approve_finance()
        older.action_mark_paid()
        last.action_approve_manager()
        # The clawback needs plan earnings to claw back from: the best paid of the quarter.
        first = last.sorted(lambda statement: -statement.plan_amount)[:1]
        first.action_approve_finance()
        self.env["spm.credit.line"].create(
            {
                "user_id": first.user_id.id,
                "business_unit_id": first.business_unit_id.id,
                "date": first.period_end,
                "amount": -1500.0,
                "reason": "Goods returned by the customer after the quarter closed",
            }
        )
        running._recompute()
        self.env["spm.incentive.statement"]._generate(
            self.env.ref("spm_incentive.assignment_secondary_sales_3"), today
        )
