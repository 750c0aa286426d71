from odoo import Command, api, models

from .res_company import UNIT_CODE


class ProductCategory(models.Model):
    _inherit = "product.category"

    @api.model_create_multi
    def create(self, vals_list):
        categories = super().create(vals_list)
        roots = categories.filtered(lambda c: not c.parent_id)
        if roots:
            # Subcategories belong to their root's unit; a new root joins every company's unit.
            units = self.env["spm.business.unit"].sudo().search([("code", "=", UNIT_CODE)])
            units.write({"product_category_ids": [Command.link(c.id) for c in roots]})
        return categories
