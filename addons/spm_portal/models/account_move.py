from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Posting a customer invoice to a distributor adds to its stock: its
        billings held for want of stock are checked again, in the same
        transaction (see spm.distributor.stock._spm_recheck_stock_holds)."""
        posted = super()._post(soft=soft)
        distributors = posted.filtered(
            lambda move: move.move_type == "out_invoice"
        ).commercial_partner_id.filtered("is_distributor")
        if distributors:
            self.env["spm.distributor.stock"]._spm_recheck_stock_holds(distributors)
        return posted
