from odoo import api, fields, models


class SpmCreditLine(models.Model):
    _inherit = "spm.credit.line"

    secondary_line_id = fields.Many2one(
        "spm.secondary.billing.line",
        string="Secondary Billing Line",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    secondary_billing_id = fields.Many2one(
        "spm.secondary.billing",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )

    @api.model
    def _frozen_fields(self):
        return super()._frozen_fields() | {"secondary_line_id", "secondary_billing_id"}

    @api.model
    def _extra_reversal_vals(self, line):
        return {
            **super()._extra_reversal_vals(line),
            "secondary_line_id": line.secondary_line_id.id,
            "secondary_billing_id": line.secondary_billing_id.id,
        }
