from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    spm_credit_lock_date = fields.Date(related="company_id.spm_credit_lock_date", readonly=False)
