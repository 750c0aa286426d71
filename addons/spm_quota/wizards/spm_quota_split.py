from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..tools import allocate_amount


class SpmQuotaSplit(models.TransientModel):
    """Split a business unit's quota top-down among its salespersons."""

    _name = "spm.quota.split"
    _description = "Split a Unit Quota"

    quota_id = fields.Many2one("spm.quota", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="quota_id.currency_id")
    amount = fields.Monetary(related="quota_id.amount")
    line_ids = fields.One2many("spm.quota.split.line", "wizard_id", string="Salespersons")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        quota = self.env["spm.quota"].browse(values.get("quota_id"))
        if quota and "line_ids" in fields_list:
            # Suggest the unit's salespersons: those with an assignment in it.
            users = (
                self.env["spm.assignment"]
                .search([("business_unit_id", "=", quota.business_unit_id.id)])
                .user_id
            )
            if users:
                shares = allocate_amount(100.0, [1] * len(users))
                values["line_ids"] = [
                    Command.create({"user_id": user.id, "share": share})
                    for user, share in zip(users, shares, strict=True)
                ]
        return values

    def action_split(self):
        """Create one draft quota per salesperson over the unit quota's period,
        with the same profile, the amounts adding up to the unit quota."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("Add the salespersons who share the unit quota."))
        if float_compare(sum(self.line_ids.mapped("share")), 100.0, precision_digits=2):
            raise UserError(_("The percentages must add up to 100 %."))
        if len(self.line_ids.user_id) != len(self.line_ids):
            raise UserError(_("Each salesperson appears once."))
        unit_quota = self.quota_id
        amounts = allocate_amount(
            unit_quota.amount, self.line_ids.mapped("share"), unit_quota.currency_id.rounding
        )
        quotas = self.env["spm.quota"].create(
            [
                {
                    "user_id": line.user_id.id,
                    "business_unit_id": unit_quota.business_unit_id.id,
                    "date_from": unit_quota.date_from,
                    "date_to": unit_quota.date_to,
                    "amount": amount,
                    "seasonality_profile_id": unit_quota.seasonality_profile_id.id,
                }
                for line, amount in zip(self.line_ids, amounts, strict=True)
            ]
        )
        unit_quota.message_post(body=_("Split among %s.", ", ".join(self.line_ids.user_id.mapped("name"))))
        return {
            "type": "ir.actions.act_window",
            "name": _("Salespersons' quotas"),
            "res_model": "spm.quota",
            "view_mode": "list,form",
            "domain": [("id", "in", quotas.ids)],
        }


class SpmQuotaSplitLine(models.TransientModel):
    _name = "spm.quota.split.line"
    _description = "Split a Unit Quota: Salesperson"

    wizard_id = fields.Many2one("spm.quota.split", required=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, domain=[("share", "=", False)]
    )
    share = fields.Float("Share (%)", digits=(5, 2))
