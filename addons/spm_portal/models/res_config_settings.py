from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    spm_company_currency_id = fields.Many2one(related="company_id.currency_id", string="SPM Company Currency")
    spm_secondary_max_amount = fields.Monetary(
        related="company_id.spm_secondary_max_amount",
        currency_field="spm_company_currency_id",
        readonly=False,
    )
    spm_secondary_min_bill_date = fields.Date(
        related="company_id.spm_secondary_min_bill_date", readonly=False
    )
    spm_portal_api_key_days = fields.Integer(related="company_id.spm_portal_api_key_days", readonly=False)
    spm_duplicate_days = fields.Integer(related="company_id.spm_duplicate_days", readonly=False)
