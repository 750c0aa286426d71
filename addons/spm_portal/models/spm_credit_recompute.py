from odoo import fields, models


class SpmCreditRecompute(models.Model):
    """Secondary billings are recomputed in the background as orders and invoices are."""

    _inherit = "spm.credit.recompute"

    res_model = fields.Selection(
        selection_add=[("spm.secondary.billing", "Secondary Billings")],
        ondelete={"spm.secondary.billing": "cascade"},
    )
