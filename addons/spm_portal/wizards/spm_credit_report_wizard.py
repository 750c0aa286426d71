from odoo import _, models


class SpmCreditReportWizard(models.TransientModel):
    _inherit = "spm.credit.report.wizard"

    def _line_partner_columns(self):
        return [*super()._line_partner_columns(), (_("Distributor"), 24, "distributor_id")]
