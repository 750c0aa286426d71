from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..models.spm_incentive_plan_version import DATE_MAX, DATE_MIN


class SpmIncentiveGenerate(models.TransientModel):
    """Generate (or recompute) the draft statements of a period."""

    _name = "spm.incentive.generate"
    _description = "SPM Generate Incentive Statements"

    date = fields.Date(
        "Period Of",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - timedelta(days=1),
        help="Any day of the period: each plan's period (month, quarter, year) holding it.",
    )
    plan_ids = fields.Many2many("spm.incentive.plan", string="Plans", help="Empty: every plan.")

    @api.constrains("date")
    def _check_date(self):
        for wizard in self:
            if not DATE_MIN <= wizard.date <= DATE_MAX:
                raise ValidationError(
                    _("The period is between %(min)s and %(max)s.", min=DATE_MIN, max=DATE_MAX)
                )

    def _allowed_assignments(self):
        """The plan assignments the caller generates statements for: every
        one for finance and administrators, their units' for managers."""
        user = self.env.user
        domain = [("company_id", "in", self.env.companies.ids), ("plan_id.active", "=", True)]
        if self.plan_ids:
            domain.append(("plan_id", "in", self.plan_ids.ids))
        if user.has_group("spm_credit.group_spm_accountant") or user.has_group("spm_quota.group_spm_admin"):
            pass
        elif user.has_group("spm_quota.group_spm_manager"):
            domain.append(("business_unit_id.manager_id", "=", user.id))
        else:
            raise AccessError(_("Only managers and finance generate incentive statements."))
        return self.env["spm.incentive.plan.assignment"].sudo().search(domain)

    def action_generate(self):
        """Create the missing draft statements of the period and recompute the drafts."""
        self.ensure_one()
        statements = (
            self.env["spm.incentive.statement"].sudo()._generate(self._allowed_assignments(), self.date)
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Statements"),
            "res_model": "spm.incentive.statement",
            "view_mode": "list,form",
            "domain": [("id", "in", statements.ids)],
        }

    @api.model
    def _cron_generate(self):
        """Daily: the draft statements of the period holding yesterday, for every plan."""
        assignments = self.env["spm.incentive.plan.assignment"].search([("plan_id.active", "=", True)])
        self.env["spm.incentive.statement"]._generate(
            assignments, fields.Date.context_today(self) - timedelta(days=1)
        )
        return True
