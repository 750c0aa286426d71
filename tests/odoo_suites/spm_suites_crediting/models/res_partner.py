from datetime import date

from odoo import api, models

# Before any date the tests give their documents.
SINCE = date(1900, 1, 1)


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners.filtered(lambda p: not p.parent_id)._spm_suites_assign()
        return partners

    def _spm_suites_assign(self):
        """Assign these commercial entities, 100 % for every unit, to the
        suites' salesperson, unless they have an assignment already."""
        salesperson = self.env.ref("spm_suites_crediting.salesperson", raise_if_not_found=False)
        if not salesperson or not self:
            return
        Assignment = self.env["spm.assignment"].sudo().with_context(active_test=False, tracking_disable=True)
        assigned = Assignment.search([("partner_id", "in", self.ids)]).partner_id
        Assignment.create(
            [
                {"partner_id": partner.id, "user_id": salesperson.id, "date_from": SINCE, "share": 100.0}
                for partner in self - assigned
            ]
        )
