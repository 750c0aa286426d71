from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .spm_incentive_plan_version import MAX_PERCENT


class SpmIncentivePlanTier(models.Model):
    """A row of a version's payout table: from an attainment on, a rate."""

    _name = "spm.incentive.plan.tier"
    _description = "SPM Incentive Plan Tier"
    _order = "version_id, lower_bound"

    version_id = fields.Many2one("spm.incentive.plan.version", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="version_id.company_id", store=True)
    lower_bound = fields.Float("From Attainment (%)", digits=(6, 2), required=True)
    rate = fields.Float("Rate (%)", digits=(6, 3), required=True)

    _sql_constraints = [
        (
            "bound_uniq",
            "unique(version_id, lower_bound)",
            "Two tiers of a version cannot start at the same attainment.",
        ),
    ]

    @api.constrains("lower_bound", "rate")
    def _check_bounds(self):
        for tier in self:
            if not 0 <= tier.lower_bound <= MAX_PERCENT or not 0 <= tier.rate <= MAX_PERCENT:
                raise ValidationError(
                    _("A tier's attainment and rate are percentages between 0 and %(max)s.", max=MAX_PERCENT)
                )

    def _check_version(self):
        self.version_id._check_not_frozen()

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers._check_version()
        return tiers

    def write(self, vals):
        self._check_version()
        result = super().write(vals)
        self._check_version()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self._check_version()
