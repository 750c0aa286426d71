from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

MONTH_FIELDS = [f"weight_{month:02d}" for month in range(1, 13)]


class SpmSeasonalityProfile(models.Model):
    """Twelve monthly weights that spread a quota over the months of its period."""

    _name = "spm.seasonality.profile"
    _description = "SPM Seasonality Profile"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty to share the profile between companies.")
    weight_01 = fields.Float("January", default=1.0, tracking=True)
    weight_02 = fields.Float("February", default=1.0, tracking=True)
    weight_03 = fields.Float("March", default=1.0, tracking=True)
    weight_04 = fields.Float("April", default=1.0, tracking=True)
    weight_05 = fields.Float("May", default=1.0, tracking=True)
    weight_06 = fields.Float("June", default=1.0, tracking=True)
    weight_07 = fields.Float("July", default=1.0, tracking=True)
    weight_08 = fields.Float("August", default=1.0, tracking=True)
    weight_09 = fields.Float("September", default=1.0, tracking=True)
    weight_10 = fields.Float("October", default=1.0, tracking=True)
    weight_11 = fields.Float("November", default=1.0, tracking=True)
    weight_12 = fields.Float("December", default=1.0, tracking=True)
    history_business_unit_id = fields.Many2one(
        "spm.business.unit",
        string="Learn from Unit",
        help="The business unit whose invoiced sales give the monthly weights.",
    )
    history_years = fields.Integer("Years of History", default=2)

    @api.constrains(*MONTH_FIELDS)
    def _check_weights(self):
        for profile in self:
            if any(profile[name] <= 0 for name in MONTH_FIELDS):
                raise ValidationError(
                    _(
                        "Every month of the seasonality profile %(profile)s needs a positive weight.",
                        profile=profile.display_name,
                    )
                )

    def _get_month_weights(self):
        """Return the normalised weights, keyed by month number 1 to 12."""
        self.ensure_one()
        total = sum(self[name] for name in MONTH_FIELDS)
        return {month: self[name] / total for month, name in enumerate(MONTH_FIELDS, start=1)}

    def action_build_from_history(self):
        """Set the weights to each calendar month's share of the unit's invoiced
        sales over the last years (customer invoices less credit notes)."""
        for profile in self:
            unit = profile.history_business_unit_id
            if not unit:
                raise UserError(_("Choose the business unit whose sales history the profile learns from."))
            if profile.history_years < 1:
                raise UserError(_("The history must cover at least one year."))
            today = fields.Date.context_today(profile)
            date_from = today.replace(day=1) - relativedelta(years=profile.history_years)
            if not (unit.product_category_ids or unit.team_ids):
                raise UserError(
                    _("The business unit %s has no product categories nor sales teams.", unit.name)
                )
            groups = self.env["account.invoice.report"]._read_group(
                [
                    ("company_id", "=", unit.company_id.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", date_from),
                    ("invoice_date", "<", today.replace(day=1)),
                ],
                ["invoice_date:month", "product_categ_id", "team_id"],
                ["price_subtotal:sum"],
            )
            # The sales the unit is credited for: the resolver's rule, the one credit uses.
            units = self.env["spm.business.unit"]._resolve_business_units_of_categories(
                [categ for _month, categ, _team, _amount in groups],
                [team for _month, _categ, team, _amount in groups],
                [unit.company_id] * len(groups),
            )
            by_month = dict.fromkeys(range(1, 13), 0.0)
            for (month_start, _categ, _team, amount), line_unit in zip(groups, units, strict=True):
                if line_unit == unit:
                    by_month[month_start.month] += amount
            total = sum(by_month.values())
            if total <= 0:
                raise UserError(
                    _(
                        "%(unit)s has no invoiced sales in the last %(years)s years to learn from.",
                        unit=unit.name,
                        years=profile.history_years,
                    )
                )
            # A month without sales keeps a small weight: weights must stay positive.
            floor = total / 1000.0
            profile.write(
                {
                    name: round(max(by_month[month], floor) / total * 100.0, 4)
                    for month, name in enumerate(MONTH_FIELDS, start=1)
                }
            )
            profile.message_post(
                body=_(
                    "Weights learnt from the invoiced sales of %(unit)s since %(date)s.",
                    unit=unit.name,
                    date=date_from,
                )
            )
        return True
