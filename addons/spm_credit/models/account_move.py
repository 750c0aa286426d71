from odoo import fields, models

from .spm_credit_document_mixin import CREDIT_READERS


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "spm.credit.document.mixin"]

    spm_credit_line_ids = fields.One2many(
        "spm.credit.line", "move_id", string="Sales Credit", groups=CREDIT_READERS
    )

    def _spm_credit_line_field(self):
        return "move_id"

    def _spm_sync_credit(self):
        """Credit the customer invoices' lines, and the order lines they invoice
        (order-basis units confirm provisional credit as it is invoiced)."""
        invoices = self.filtered(lambda m: m.is_sale_document(include_receipts=True))
        if not invoices:
            return
        lines = invoices.invoice_line_ids._spm_creditable()
        Engine = self.env["spm.credit.engine"]
        Engine._sync_credit(lines)
        sale_lines = lines.sale_line_ids
        if sale_lines:
            Engine._sync_credit(sale_lines._spm_creditable())
        Engine._sync_collected(invoices)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._spm_sync_credit()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._spm_sync_credit()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._spm_sync_credit()
        return result

    def action_view_spm_credit(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_credit.spm_credit_line_action")
        sale_lines = self.invoice_line_ids.sale_line_ids
        action["domain"] = ["|", ("move_id", "=", self.id), ("sale_line_id", "in", sale_lines.ids)]
        action["context"] = {}
        return action
