from collections import Counter

from odoo import _, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    spm_credit_line_ids = fields.One2many("spm.credit.line", "order_id", string="Sales Credit")
    spm_credit_issue_count = fields.Integer(compute="_compute_spm_credit_issue_count")
    spm_credit_count = fields.Integer(compute="_compute_spm_credit_issue_count")

    def _compute_spm_credit_issue_count(self):
        issues = Counter(
            issue.document_ref.id
            for issue in self.env["spm.credit.issue"]
            .sudo()
            .search(
                [
                    ("document_ref", "in", [f"sale.order,{record_id}" for record_id in self.ids]),
                    ("state", "=", "open"),
                ]
            )
        )
        credit_counts = dict(
            self.env["spm.credit.line"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.spm_credit_issue_count = issues[order.id]
            order.spm_credit_count = credit_counts.get(order, 0)

    def _spm_sync_credit(self):
        self.env["spm.credit.line"]._sync_credit(self.order_line._spm_creditable())

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
        self._spm_sync_credit()
        self.order_line.invoice_lines.move_id.action_spm_recompute_credit()
        return True

    def action_view_spm_credit(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_credit.spm_credit_line_action")
        action["domain"] = ["|", ("order_id", "=", self.id), ("move_id", "in", self.invoice_ids.ids)]
        action["context"] = {}
        return action

    def action_view_spm_credit_issues(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_credit.spm_credit_issue_action")
        action["domain"] = [("document_ref", "=", f"sale.order,{self.id}")]
        action["context"] = {}
        return action

    def action_spm_dispute(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit missing or wrong"),
            "res_model": "spm.credit.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_ref": f"sale.order,{self.id}"},
        }
