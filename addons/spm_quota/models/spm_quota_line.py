from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import is_trusted
from .spm_quota import QUOTA_SYNCING


class SpmQuotaLine(models.Model):
    """The quota of one month: the target that achievement is measured against."""

    _name = "spm.quota.line"
    _description = "SPM Monthly Quota"
    _order = "month, id"

    quota_id = fields.Many2one("spm.quota", required=True, ondelete="cascade", index=True)
    month = fields.Date(required=True, help="The first day of the month.")
    amount = fields.Monetary()
    currency_id = fields.Many2one(related="quota_id.currency_id")
    user_id = fields.Many2one(related="quota_id.user_id", store=True, index=True, string="Salesperson")
    business_unit_id = fields.Many2one(related="quota_id.business_unit_id", store=True, index=True)
    company_id = fields.Many2one(related="quota_id.company_id", store=True)
    state = fields.Selection(related="quota_id.state", store=True)

    _sql_constraints = [
        ("month_uniq", "unique(quota_id, month)", "A quota has one line per month."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("month"):
                vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        return super().create(vals_list)

    def write(self, vals):
        syncing = is_trusted(self.env, QUOTA_SYNCING)
        if not syncing and self.filtered(lambda line: line.quota_id.state == "confirmed"):
            raise UserError(_("The monthly lines of a confirmed quota cannot be changed."))
        if vals.get("month"):
            vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        result = super().write(vals)
        if "amount" in vals and not syncing:
            self.quota_id._sync_amount_with_lines()
        return result
