from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..tools import PlanRules, is_period_start

# Bounds of every figure a plan is made of (see the checks below).
MAX_PERCENT = 1000.0
MAX_AMOUNT = 1e12
MAX_TIERS = 20
MAX_WEIGHTS = 200
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)
# Fields whose change alters earnings: frozen once a statement beyond draft uses the version.
PAYOUT_FIELDS = {
    "plan_id",
    "date_from",
    "measure",
    "collected_weight",
    "credit_source",
    "default_weight",
    "mode",
    "basis",
    "threshold",
    "cap_attainment",
    "cap_amount",
    "tier_ids",
    "weight_ids",
}


class SpmIncentivePlanVersion(models.Model):
    """The payout rules of a plan from a date on, until the next version.

    A version starts on the first day of one of the plan's periods, so each
    period is paid by exactly one version. Once a statement beyond draft used
    a version, its rules are frozen: a change is a new version.
    """

    _name = "spm.incentive.plan.version"
    _description = "SPM Incentive Plan Version"
    _order = "plan_id, date_from desc"
    _rec_name = "date_from"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date_from = fields.Date("Effective From", required=True)
    measure = fields.Selection(
        [("achieved", "Achieved credit"), ("collected", "Collected credit"), ("both", "Both, weighted")],
        required=True,
        default="achieved",
    )
    collected_weight = fields.Float(
        "Collected Weight (%)",
        digits=(5, 2),
        default=50.0,
        help="With both measures: the weight of collected credit.",
    )
    credit_source = fields.Selection(
        [
            ("all", "Primary and secondary sales"),
            ("primary", "Primary sales only"),
            ("secondary", "Secondary sales only"),
        ],
        required=True,
        default="all",
    )
    default_weight = fields.Float(
        "Default Weight (%)",
        digits=(6, 2),
        default=100.0,
        help="The weight of credit in units and categories without a weight of their own.",
    )
    weight_ids = fields.One2many("spm.incentive.plan.weight", "version_id", string="Weights", copy=True)
    tier_ids = fields.One2many("spm.incentive.plan.tier", "version_id", string="Tiers", copy=True)
    mode = fields.Selection(
        [("marginal", "Marginal"), ("retroactive", "Retroactive")],
        required=True,
        default="marginal",
        help="Marginal: each tier's rate applies to the part of the measure inside the tier. "
        "Retroactive: the reached tier's rate applies to all of it.",
    )
    basis = fields.Selection(
        [("measure", "% of the measure"), ("target_incentive", "% of the target incentive amount")],
        string="Rate Basis",
        required=True,
        default="measure",
    )
    threshold = fields.Float("Threshold (%)", digits=(6, 2), help="Below this attainment nothing is paid.")
    cap_attainment = fields.Float(
        "Attainment Cap (%)", digits=(6, 2), help="Attainment counts up to this percentage; 0 for no cap."
    )
    cap_amount = fields.Monetary("Pay Cap", help="The most a period pays; 0 for no cap.")
    is_frozen = fields.Boolean(compute="_compute_is_frozen")

    _sql_constraints = [
        ("date_uniq", "unique(plan_id, date_from)", "A plan has one version per date."),
    ]

    @api.depends("plan_id")
    def _compute_is_frozen(self):
        frozen = self._frozen()
        for version in self:
            version.is_frozen = version in frozen

    @api.depends("plan_id.name", "date_from")
    def _compute_display_name(self):
        for version in self:
            version.display_name = _(
                "%(plan)s from %(date)s",
                plan=version.plan_id.name or "",
                date=format_date(self.env, version.date_from) if version.date_from else "",
            )

    def _frozen(self):
        """The versions of ``self`` a statement beyond draft used."""
        if not self.ids:
            return self.browse()
        groups = (
            self.env["spm.incentive.statement"]
            .sudo()
            ._read_group([("version_id", "in", self.ids), ("state", "!=", "draft")], ["version_id"])
        )
        return self.browse([version.id for (version,) in groups])

    @api.constrains("date_from", "plan_id")
    def _check_date_from(self):
        for version in self:
            if not DATE_MIN <= version.date_from <= DATE_MAX:
                raise ValidationError(
                    _("A version takes effect between %(min)s and %(max)s.", min=DATE_MIN, max=DATE_MAX)
                )
            if not is_period_start(version.date_from, version.plan_id.period_type):
                raise ValidationError(
                    _(
                        "A version of %(plan)s takes effect on the first day of one of its periods "
                        "(a %(period)s), not on %(date)s.",
                        plan=version.plan_id.name,
                        period=dict(version.plan_id._fields["period_type"]._description_selection(self.env))[
                            version.plan_id.period_type
                        ],
                        date=format_date(self.env, version.date_from),
                    )
                )

    @api.constrains("collected_weight", "default_weight", "threshold", "cap_attainment", "cap_amount")
    def _check_bounds(self):
        for version in self:
            if not 0 <= version.collected_weight <= 100:
                raise ValidationError(_("The weight of collected credit is between 0 and 100 %."))
            for value in (version.default_weight, version.threshold, version.cap_attainment):
                if not 0 <= value <= MAX_PERCENT:
                    raise ValidationError(
                        _(
                            "Weights, thresholds and caps are percentages between 0 and %(max)s.",
                            max=MAX_PERCENT,
                        )
                    )
            if not 0 <= version.cap_amount <= MAX_AMOUNT:
                raise ValidationError(_("The pay cap is between 0 and %(max)s.", max=MAX_AMOUNT))
            if version.cap_attainment and version.cap_attainment < version.threshold:
                raise ValidationError(_("The attainment cap cannot be below the threshold."))

    @api.constrains("tier_ids", "weight_ids")
    def _check_counts(self):
        for version in self:
            if len(version.tier_ids) > MAX_TIERS:
                raise ValidationError(_("A version has at most %(max)s tiers.", max=MAX_TIERS))
            if len(version.weight_ids) > MAX_WEIGHTS:
                raise ValidationError(_("A version has at most %(max)s weights.", max=MAX_WEIGHTS))

    def _check_not_frozen(self):
        frozen = self._frozen()
        if frozen:
            raise UserError(
                _(
                    "%(version)s paid an approved statement: its rules cannot change. "
                    "Add a new version from the date the change takes effect.",
                    version=frozen[0].display_name,
                )
            )

    def write(self, vals):
        if PAYOUT_FIELDS & set(vals):
            self._check_not_frozen()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self._check_not_frozen()

    def _rules(self):
        """{version: :class:`PlanRules`} of the versions of ``self`` with their
        weights, payout table and currency's rounding, in one query whatever
        their number. Callers checked their access to what the versions pay."""
        if not self.ids:
            return {}
        for model in ("spm.incentive.plan.version", "spm.incentive.plan.tier", "spm.incentive.plan.weight"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT v.id, v.measure, v.collected_weight, v.credit_source, v.default_weight, v.mode,
                       v.basis, v.threshold, v.cap_attainment, v.cap_amount, cur.rounding,
                       (SELECT json_agg(json_build_array(t.lower_bound, t.rate) ORDER BY t.lower_bound)
                          FROM spm_incentive_plan_tier t WHERE t.version_id = v.id),
                       (SELECT json_agg(
                                   json_build_array(w.business_unit_id, w.categ_id, c.parent_path, w.weight)
                                   ORDER BY w.id
                               )
                          FROM spm_incentive_plan_weight w
                          LEFT JOIN product_category c ON c.id = w.categ_id
                         WHERE w.version_id = v.id)
                  FROM spm_incentive_plan_version v
                  JOIN spm_incentive_plan p ON p.id = v.plan_id
                  JOIN res_company co ON co.id = p.company_id
                  JOIN res_currency cur ON cur.id = co.currency_id
                 WHERE v.id = ANY(%s)
                """,
                self.ids,
            )
        )
        result = {}
        for row in self.env.cr.fetchall():
            version_id, measure, collected, source, default, mode, basis, threshold, cap, cap_amount = row[
                :10
            ]
            rounding, tiers, weights = row[10:]
            unit_weights, categ_weights = {}, []
            for unit_id, categ_id, path, weight in weights or ():
                if categ_id:
                    categ_weights.append((categ_id, path, weight))
                else:
                    # The first weight of a unit counts, as the form lists them.
                    unit_weights.setdefault(unit_id, weight)
            # Floats, as the ORM reads these fields.
            result[self.browse(version_id)] = PlanRules(
                measure=measure,
                collected_weight=float(collected or 0),
                credit_source=source,
                default_weight=float(default or 0),
                mode=mode,
                basis=basis,
                threshold=float(threshold or 0),
                cap_attainment=float(cap or 0),
                cap_amount=float(cap_amount or 0),
                rounding=float(rounding),
                tiers=tuple((lower, rate) for lower, rate in tiers or ()),
                unit_weights=unit_weights,
                categ_weights=tuple(categ_weights),
            )
        return result
