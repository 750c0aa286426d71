from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        """An agent's payout is paid when its vendor bill is: mark its statements paid."""
        result = super()._invoice_paid_hook()
        bills = self.filtered(lambda move: move.move_type == "in_invoice")
        if bills:
            statements = (
                self.env["spm.incentive.statement"]
                .sudo()
                .search([("vendor_bill_id", "in", bills.ids), ("state", "=", "finance_approved")])
            )
            statements._mark_paid_by_bill()
        return result
