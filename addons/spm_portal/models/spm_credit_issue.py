from odoo import api, models


class SpmCreditIssue(models.Model):
    _inherit = "spm.credit.issue"

    @api.model
    def _selection_document_ref(self):
        return [*super()._selection_document_ref(), ("spm.secondary.billing", "Secondary Billing")]
