from odoo import api, models


class SpmCreditDispute(models.Model):
    _inherit = "spm.credit.dispute"

    @api.model
    def _selection_document_ref(self):
        return [*super()._selection_document_ref(), ("spm.secondary.billing", "Secondary Billing")]

    @api.model
    def _document_of_line(self, line):
        return line.secondary_billing_id or super()._document_of_line(line)
