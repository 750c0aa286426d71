from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _spm_invoices(self):
        return (self.debit_move_id.move_id | self.credit_move_id.move_id).filtered(
            lambda m: m.is_sale_document(include_receipts=True) and m.state == "posted"
        )

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["spm.credit.engine"]._sync_collected(partials._spm_invoices())
        return partials

    def unlink(self):
        invoices = self._spm_invoices()
        result = super().unlink()
        self.env["spm.credit.engine"]._sync_collected(invoices)
        return result
