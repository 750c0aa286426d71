from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools import allocate_amount, is_trusted, trusted

# Changing one of these re-spreads the amount over the months.
DISTRIBUTION_FIELDS = {"amount", "date_from", "date_to", "seasonality_profile_id"}
# Trusted flags (see tools/trusted.py): the quota's own spreading of its amount
# over its lines, and its Confirm / Reset to Draft buttons.
QUOTA_SYNCING = "spm_quota_syncing"
QUOTA_WORKFLOW = "spm_quota_workflow"


class SpmQuota(models.Model):
    """What a salesperson (or a whole business unit) must sell over a period,
    spread over its months by a seasonality profile."""

    _name = "spm.quota"
    _description = "SPM Quota"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.unit.scoped.mixin"]
    _order = "date_from desc, business_unit_id, user_id"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        help="Empty for the quota of the whole business unit.",
    )
    business_unit_id = fields.Many2one("spm.business.unit", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="business_unit_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        "From",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(
        "To",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).replace(month=12, day=31),
    )
    amount = fields.Monetary(
        tracking=True, help="In company currency; in draft it follows the monthly lines."
    )
    seasonality_profile_id = fields.Many2one(
        "spm.seasonality.profile",
        required=True,
        tracking=True,
        default=lambda self: self.env.ref("spm_quota.spm_seasonality_profile_flat", raise_if_not_found=False),
    )
    line_ids = fields.One2many("spm.quota.line", "quota_id", string="Monthly Quotas", copy=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    # Bottom-up view of a unit quota: what the salespersons' quotas add up to.
    salesperson_amount = fields.Monetary(
        "Salespersons' Quotas",
        compute="_compute_salesperson_amount",
        help="Sum of the salespersons' quotas of the unit over the same period.",
    )
    gap_amount = fields.Monetary(
        "Gap",
        compute="_compute_salesperson_amount",
        help="Unit quota not yet covered by salespersons' quotas.",
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A quota cannot be negative."),
    ]

    @api.depends("user_id", "business_unit_id", "date_from", "date_to")
    def _compute_name(self):
        for quota in self:
            owner = quota.user_id.name or quota.business_unit_id.name or ""
            if quota.date_from and quota.date_to:
                period = (
                    f"{format_date(self.env, quota.date_from, date_format='MMM y')} - "
                    f"{format_date(self.env, quota.date_to, date_format='MMM y')}"
                )
            else:
                period = ""
            quota.name = f"{owner} {period}".strip()

    def _compute_salesperson_amount(self):
        for quota in self:
            if quota.user_id or not quota.business_unit_id:
                quota.salesperson_amount = quota.gap_amount = 0.0
                continue
            # Managers and administrators read every quota of the unit.
            quotas = self.sudo().search(
                [
                    ("business_unit_id", "=", quota.business_unit_id.id),
                    ("user_id", "!=", False),
                    ("date_from", ">=", quota.date_from),
                    ("date_to", "<=", quota.date_to),
                ]
            )
            quota.salesperson_amount = sum(quotas.mapped("amount"))
            quota.gap_amount = quota.amount - quota.salesperson_amount

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for quota in self:
            if quota.date_from.day != 1:
                raise ValidationError(_("A quota period starts on the first day of a month."))
            if (quota.date_to + relativedelta(days=1)).day != 1:
                raise ValidationError(_("A quota period ends on the last day of a month."))
            if quota.date_to < quota.date_from:
                raise ValidationError(_("A quota period cannot end before it starts."))

    @api.constrains("user_id", "business_unit_id", "date_from", "date_to")
    def _check_overlap(self):
        for quota in self:
            overlapping = self.sudo().search(
                [
                    ("id", "!=", quota.id),
                    ("user_id", "=", quota.user_id.id),
                    ("business_unit_id", "=", quota.business_unit_id.id),
                    ("date_from", "<=", quota.date_to),
                    ("date_to", ">=", quota.date_from),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    _(
                        "%(owner)s already has the quota %(quota)s in %(unit)s for part of this period.",
                        owner=quota.user_id.name or _("The unit"),
                        quota=overlapping.name,
                        unit=quota.business_unit_id.name,
                    )
                )

    def _months(self):
        """The first day of each month of the period."""
        self.ensure_one()
        month, months = self.date_from.replace(day=1), []
        while month <= self.date_to:
            months.append(month)
            month += relativedelta(months=1)
        return months

    def _distribution_commands(self):
        """One2many commands replacing the monthly lines by the amount spread
        over the period's months in proportion to the profile's weights."""
        self.ensure_one()
        if (
            not (self.date_from and self.date_to and self.seasonality_profile_id)
            or self.date_to < self.date_from
        ):
            return []
        months = self._months()
        weights = self.seasonality_profile_id._get_month_weights()
        amounts = allocate_amount(
            self.amount or 0.0, [weights[m.month] for m in months], self.currency_id.rounding or 0.01
        )
        return [Command.clear()] + [
            Command.create({"month": month, "amount": amount})
            for month, amount in zip(months, amounts, strict=True)
        ]

    @api.onchange("amount", "date_from", "date_to", "seasonality_profile_id")
    def _onchange_distribution(self):
        if self.state == "draft":
            self.line_ids = self._distribution_commands()

    @api.onchange("line_ids")
    def _onchange_line_ids(self):
        if self.line_ids:
            self.amount = sum(self.line_ids.mapped("amount"))

    @api.model_create_multi
    def create(self, vals_list):
        quotas = super().create(vals_list)
        for quota, vals in zip(quotas, vals_list, strict=True):
            if vals.get("line_ids"):
                quota._sync_amount_with_lines()
            else:
                quota._distribute()
        return quotas

    def write(self, vals):
        if is_trusted(self.env, QUOTA_SYNCING):
            return super().write(vals)
        if "state" in vals and not is_trusted(self.env, QUOTA_WORKFLOW):
            raise UserError(_("A quota is confirmed or reset to draft with its Confirm and Reset buttons."))
        confirmed = self.filtered(lambda q: q.state == "confirmed")
        if (
            confirmed
            and (DISTRIBUTION_FIELDS | {"line_ids", "user_id", "business_unit_id"}) & set(vals)
            and vals.get("state") != "draft"
        ):
            raise UserError(_("Reset the quota %s to draft before changing it.", confirmed[0].name))
        result = super().write(vals)
        if "line_ids" in vals:
            self._sync_amount_with_lines()
        elif DISTRIBUTION_FIELDS & set(vals):
            self._distribute()
        return result

    def _distribute(self):
        with trusted(self.env, QUOTA_SYNCING):
            for quota in self:
                quota.line_ids = quota._distribution_commands()

    def _sync_amount_with_lines(self):
        """In draft the total follows the monthly lines edited by hand."""
        with trusted(self.env, QUOTA_SYNCING):
            for quota in self:
                if quota.line_ids:
                    quota.amount = sum(quota.line_ids.mapped("amount"))

    def action_distribute(self):
        self.filtered(lambda q: q.state == "draft")._distribute()
        return True

    def action_confirm(self):
        for quota in self:
            if quota.state != "draft":
                continue
            if not quota.line_ids:
                quota._distribute()
            with trusted(self.env, QUOTA_WORKFLOW):
                quota.state = "confirmed"
        return True

    def action_draft(self):
        with trusted(self.env, QUOTA_WORKFLOW):
            self.write({"state": "draft"})
        return True

    def action_split(self):
        """Open the wizard that splits this unit quota among salespersons."""
        self.ensure_one()
        if self.user_id:
            raise UserError(_("Only a business unit quota (without a salesperson) can be split."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Split the unit quota"),
            "res_model": "spm.quota.split",
            "view_mode": "form",
            "target": "new",
            "context": {"default_quota_id": self.id},
        }
