from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .spm_incentive_plan_version import MAX_PERCENT


class SpmIncentivePlanWeight(models.Model):
    """How much a business unit's or a product category's credit counts in a version's measure."""

    _name = "spm.incentive.plan.weight"
    _description = "SPM Incentive Plan Weight"
    _order = "version_id, id"

    version_id = fields.Many2one("spm.incentive.plan.version", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="version_id.company_id", store=True)
    business_unit_id = fields.Many2one("spm.business.unit")
    categ_id = fields.Many2one("product.category", string="Product Category")
    weight = fields.Float("Weight (%)", digits=(6, 2), required=True, default=100.0)

    @api.constrains("business_unit_id", "categ_id", "weight")
    def _check_weight(self):
        for weight in self:
            if bool(weight.business_unit_id) == bool(weight.categ_id):
                raise ValidationError(_("A weight is for either a business unit or a product category."))
            if not 0 <= weight.weight <= MAX_PERCENT:
                raise ValidationError(_("A weight is a percentage between 0 and %(max)s.", max=MAX_PERCENT))

    @api.model_create_multi
    def create(self, vals_list):
        weights = super().create(vals_list)
        weights.version_id._check_not_frozen()
        return weights

    def write(self, vals):
        self.version_id._check_not_frozen()
        result = super().write(vals)
        self.version_id._check_not_frozen()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self.version_id._check_not_frozen()
