from odoo import fields, models


class SpmSecondaryBillingReject(models.TransientModel):
    _name = "spm.secondary.billing.reject"
    _description = "Reject Secondary Billings"

    billing_ids = fields.Many2many("spm.secondary.billing", string="Billings", required=True)
    reason = fields.Text(required=True, help="Shown to the distributor on the portal.")

    def action_reject(self):
        self.ensure_one()
        self.billing_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
