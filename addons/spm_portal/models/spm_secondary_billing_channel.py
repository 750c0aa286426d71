from odoo import api, fields, models


class SpmSecondaryBilling(models.Model):
    _inherit = "spm.secondary.billing"

    # The distributor's channel padding signals, for the billing's reviewer.
    distributor_channel_warning = fields.Text(
        "Distributor's Channel Health", compute="_compute_distributor_channel_warning"
    )
    distributor_channel_flagged = fields.Boolean(
        "Channel Flag",
        compute="_compute_distributor_channel_warning",
        help="The distributor crosses a channel health threshold of its units.",
    )

    @api.depends_context("uid")
    def _compute_distributor_channel_warning(self):
        # The signals are the company's: never shown to the distributor's portal users.
        if self.env.user.share:
            self.distributor_channel_warning = False
            self.distributor_channel_flagged = False
            return
        warnings = {partner.id: partner.spm_channel_warning for partner in self.distributor_id.sudo()}
        for billing in self:
            billing.distributor_channel_warning = warnings.get(billing.distributor_id.id, False)
            billing.distributor_channel_flagged = bool(billing.distributor_channel_warning)
