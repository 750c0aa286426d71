from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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

    # Channel health thresholds (spm.channel.health): 0 turns a signal off.
    spm_channel_end_days = fields.Integer(
        "Month-end Days",
        default=3,
        tracking=True,
        help="The last days of a month whose primary sales to a distributor are compared with its usual "
        "share of them (1 to 10).",
    )
    spm_channel_end_excess = fields.Float(
        "Month-end Excess (points)",
        default=30.0,
        tracking=True,
        help="Flag a distributor whose primary sales of the month's last days exceed its usual share "
        "by more than these percentage points.",
    )
    spm_channel_return_ratio = fields.Float(
        "Returns Threshold (%)",
        default=20.0,
        tracking=True,
        help="Flag a distributor whose secondary returns exceed this share of its secondary sales.",
    )
    spm_channel_stock_days = fields.Integer(
        "Days of Stock Threshold",
        default=90,
        tracking=True,
        help="Flag a distributor holding a product's stock for more days of its sales than this.",
    )
    spm_channel_variance = fields.Float(
        "Statement Variance Threshold (%)",
        default=10.0,
        tracking=True,
        help="Flag a distributor whose stock statements differ from the documents by more than this.",
    )

    @api.constrains(
        "spm_channel_end_days",
        "spm_channel_end_excess",
        "spm_channel_return_ratio",
        "spm_channel_stock_days",
        "spm_channel_variance",
    )
    def _check_spm_channel_thresholds(self):
        for unit in self:
            if not 1 <= unit.spm_channel_end_days <= 10:
                raise ValidationError(_("The month-end days are from 1 to 10."))
            if not 0 <= unit.spm_channel_stock_days <= 3650:
                raise ValidationError(_("The days of stock threshold is from 0 to 3,650 days."))
            ratios = (unit.spm_channel_end_excess, unit.spm_channel_return_ratio, unit.spm_channel_variance)
            if any(not 0 <= ratio <= 100 for ratio in ratios):
                raise ValidationError(_("The channel health thresholds are percentages from 0 to 100."))

    @api.constrains("spm_stock_tolerance")
    def _check_spm_stock_tolerance(self):
        self.env["spm.distributor.stock"]._spm_check_stock_tolerance(self)

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
