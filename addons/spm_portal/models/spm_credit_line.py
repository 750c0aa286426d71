from odoo import api, fields, models


class SpmCreditLine(models.Model):
    _inherit = "spm.credit.line"

    # Uninstalling the portal keeps the credit it earned, as adjustments: the
    # lines still add up to the monthly aggregate and to what was paid on them.
    basis = fields.Selection(
        selection_add=[("secondary", "Secondary sale"), ("manual",)],
        ondelete={"secondary": "set default"},
    )
    distributor_id = fields.Many2one("res.partner", index=True, readonly=True)
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
        return super()._frozen_fields() | {"distributor_id", "secondary_line_id", "secondary_billing_id"}
