from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_date

# The close wizard names at most this many incomplete distributors.
MAX_LISTED = 100


class SpmCreditClose(models.TransientModel):
    _inherit = "spm.credit.close"

    incomplete_distributor_ids = fields.Many2many(
        "res.partner", string="Distributors Not Reported", compute="_compute_incomplete_distributors"
    )
    incomplete_summary = fields.Html(compute="_compute_incomplete_distributors", sanitize=False)

    @api.depends("company_id", "lock_date")
    def _compute_incomplete_distributors(self):
        for wizard in self:
            blockers = wizard._spm_blockers()
            wizard.incomplete_distributor_ids = [partner.id for partner in blockers]
            rows = [
                Markup("<li>%s: %s</li>")
                % (
                    partner.display_name,
                    ", ".join(format_date(self.env, month, date_format="MMMM y") for month in months),
                )
                for partner, months in list(blockers.items())[:MAX_LISTED]
            ]
            if len(blockers) > MAX_LISTED:
                rows.append(Markup("<li>%s</li>") % self.env._("and %s more", len(blockers) - MAX_LISTED))
            wizard.incomplete_summary = Markup("<ul>%s</ul>") % Markup().join(rows) if rows else False
