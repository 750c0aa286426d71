from odoo import api, models


class SpmCreditEngine(models.AbstractModel):
    _inherit = "spm.credit.engine"

    @api.model
    def _reversal_copied_fields(self):
        return (
            *super()._reversal_copied_fields(),
            "distributor_id",
            "secondary_line_id",
            "secondary_billing_id",
        )
