from odoo import api, fields, models

# What decides which unit a secondary billing line belongs to (see
# spm.business.unit._resolve_business_units: a billing has no sales team).
LINE_MAPPING_FIELDS = {"product_category_ids", "company_id", "active"}


class SpmBusinessUnit(models.Model):
    _inherit = "spm.business.unit"

    credit_secondary = fields.Boolean(
        "Credit Secondary Sales",
        default=True,
        tracking=True,
        help="Credit the salespersons of a distributor on the distributor's sales to retailers. "
        "With primary credit off, only sell-out earns credit and channel padding earns nothing.",
    )
    secondary_validation = fields.Selection(
        [("auto", "On submission"), ("review", "After review by the unit manager")],
        string="Validate Secondary Billings",
        default="auto",
        required=True,
        tracking=True,
    )
    spm_stock_tolerance = fields.Float(
        "Stock Tolerance",
        digits="Product Unit of Measure",
        default=0.0,
        tracking=True,
        help="How far below zero a secondary billing may take a distributor's stock of a product of "
        "this unit (in the product's unit) before it is held for want of stock.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        units = super().create(vals_list)
        units._spm_recompute_billing_line_units(units._spm_billing_lines_of_mapping())
        return units

    def write(self, vals):
        if not LINE_MAPPING_FIELDS & set(vals):
            return super().write(vals)
        # The lines of the units' categories before and after: those that leave and those that join.
        before = self._spm_billing_lines_of_mapping()
        result = super().write(vals)
        self._spm_recompute_billing_line_units(before | self._spm_billing_lines_of_mapping())
        return result

    def unlink(self):
        lines = self._spm_billing_lines_of_mapping()
        result = super().unlink()
        self._spm_recompute_billing_line_units(lines)
        return result

    def _spm_billing_lines_of_mapping(self):
        """The secondary billing lines these units' mapping may decide: those of
        their units, and those of products of their categories (subcategories
        included), whichever unit they have now."""
        if not self:
            return self.env["spm.secondary.billing.line"]
        categories = self.sudo().with_context(active_test=False).product_category_ids
        domain = [("business_unit_id", "in", self.ids)]
        if categories:
            domain = ["|", *domain, ("product_id.categ_id", "child_of", categories.ids)]
        return self.env["spm.secondary.billing.line"].sudo().with_context(active_test=False).search(domain)

    def _spm_recompute_billing_line_units(self, lines):
        """Resolve the stored unit of ``lines`` again, by the mapping as it is now:
        the stored unit is the one the billing's review and access read."""
        if lines:
            self.env.add_to_compute(lines._fields["business_unit_id"], lines)
