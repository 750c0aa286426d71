from odoo import Command, api, models

UNIT_CODE = "SPM-SUITES"


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._spm_suites_add_unit()
        return companies

    def _spm_suites_add_unit(self):
        """One business unit per company, crediting on orders (the policy that
        runs the most of the engine: order lines at confirmation, invoices of
        orders through their order lines, invoices without order on their own
        lines), with every root product category the company's other units do
        not have, so that every line resolves to a unit."""
        Unit = self.env["spm.business.unit"].sudo()
        roots = self.env["product.category"].sudo().search([("parent_id", "=", False)])
        others = Unit.search([("company_id", "in", self.ids)])
        vals_list = []
        for company in self:
            taken = others.filtered(lambda u, c=company: u.company_id == c).product_category_ids
            vals_list.append(
                {
                    "name": f"Odoo suites ({company.name})",
                    "code": UNIT_CODE,
                    "company_id": company.id,
                    "credit_basis": "order",
                    "product_category_ids": [Command.set((roots - taken).ids)],
                }
            )
        Unit.create(vals_list)
