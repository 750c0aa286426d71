from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SpmIncentivePlan(models.Model):
    """An incentive plan of a company: what is paid on, by period.

    The payout rules (measure, weights, tiers, threshold, caps) live in
    versions: a change takes effect from a date as a new version, so the
    earnings of the periods before it stay what they were.
    """

    _name = "spm.incentive.plan"
    _description = "SPM Incentive Plan"
    _inherit = ["mail.thread"]
    _order = "company_id, name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="quarter",
        tracking=True,
    )
    version_ids = fields.One2many("spm.incentive.plan.version", "plan_id", string="Versions")
    assignment_ids = fields.One2many("spm.incentive.plan.assignment", "plan_id", string="Assignments")
    spif_ids = fields.One2many("spm.incentive.spif", "plan_id", string="SPIFs")
    statement_ids = fields.One2many("spm.incentive.statement", "plan_id", string="Statements")
    version_count = fields.Integer(compute="_compute_counts")
    assignment_count = fields.Integer(compute="_compute_counts")
    statement_count = fields.Integer(compute="_compute_counts")
    note = fields.Text()

    _sql_constraints = [
        ("name_company_uniq", "unique(company_id, name)", "A plan's name is unique in its company."),
    ]

    def _compute_counts(self):
        for model, field in (
            ("spm.incentive.plan.version", "version_count"),
            ("spm.incentive.plan.assignment", "assignment_count"),
            ("spm.incentive.statement", "statement_count"),
        ):
            counts = dict(
                self.env[model]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
            )
            for plan in self:
                plan[field] = counts.get(plan, 0)

    def write(self, vals):
        if ("period_type" in vals or "company_id" in vals) and self.env[
            "spm.incentive.statement"
        ].sudo().search_count([("plan_id", "in", self.ids)], limit=1):
            raise UserError(_("The period and the company of a plan with statements cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_statements(self):
        if self.env["spm.incentive.statement"].sudo().search_count([("plan_id", "in", self.ids)], limit=1):
            raise UserError(_("A plan with statements cannot be deleted; archive it."))

    def _version_at(self, day):
        """{plan: the version in force on ``day``} for the plans of ``self``, in
        one query; ``day`` is a date, or {plan: date} for plans of different periods."""
        days = day if isinstance(day, dict) else dict.fromkeys(self, day)
        if not days:
            return {}
        versions = self.env["spm.incentive.plan.version"].search_fetch(
            [("plan_id", "in", self.ids), ("date_from", "<=", max(days.values()))],
            ["plan_id", "date_from"],
            order="plan_id, date_from desc",
        )
        result = {}
        for version in versions:
            if version.date_from <= days[version.plan_id]:
                result.setdefault(version.plan_id, version)
        return result

    def _action_open(self, model, name, empty_title, empty_text):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("plan_id", "=", self.id)],
            "context": {"default_plan_id": self.id},
            "help": Markup('<p class="o_view_nocontent_smiling_face">%s</p><p>%s</p>')
            % (empty_title, empty_text),
        }

    def action_open_versions(self):
        """The plan's versions."""
        return self._action_open(
            "spm.incentive.plan.version",
            _("Versions"),
            _("Add the plan's first version"),
            _("A version holds the plan's rules (measure, weights, tiers, threshold, caps) from a date on."),
        )

    def action_open_assignments(self):
        """The plan's assignments to salespersons."""
        return self._action_open(
            "spm.incentive.plan.assignment",
            _("Plan Assignments"),
            _("Put a salesperson on this plan"),
            _("An assignment pays a salesperson by the plan for one business unit, within dates."),
        )

    def action_open_statements(self):
        """The plan's statements."""
        return self._action_open(
            "spm.incentive.statement",
            _("Statements"),
            _("No statements yet"),
            _("Generate the statements of a period from the plans (Generate Statements)."),
        )
