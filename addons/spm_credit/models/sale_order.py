from odoo import fields, models

from .spm_credit_document_mixin import CREDIT_READERS


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "spm.credit.document.mixin"]

    spm_credit_line_ids = fields.One2many(
        "spm.credit.line", "order_id", string="Sales Credit", groups=CREDIT_READERS
    )

    def _spm_credit_line_field(self):
        return "order_id"

    def _spm_sync_credit(self):
        self.env["spm.credit.engine"]._sync_credit(self.order_line._spm_creditable())

    def _action_confirm(self):
        result = super()._action_confirm()
        self._spm_sync_credit()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._spm_sync_credit()
        return result

    def action_lock(self):
        result = super().action_lock()
        self._spm_sync_credit()
        return result

    def action_unlock(self):
        result = super().action_unlock()
        self._spm_sync_credit()
        return result

    def action_spm_recompute_credit(self):
        """Credit the order again after its assignments or units were fixed;
        lines already credited right are left alone, so nothing is duplicated."""
        self._spm_check_recompute_access()
        self._spm_sync_credit()
        self.order_line.invoice_lines.move_id.action_spm_recompute_credit()
        return True

    def action_view_spm_credit(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_credit.spm_credit_line_action")
        action["domain"] = ["|", ("order_id", "=", self.id), ("move_id", "in", self.invoice_ids.ids)]
        action["context"] = {}
        return action
