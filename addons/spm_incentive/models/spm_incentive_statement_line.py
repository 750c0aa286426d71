from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.spm_quota.tools import is_trusted

from .spm_incentive_statement import STATEMENT_FLAG, credit_lines_action


class SpmIncentiveStatementLine(models.Model):
    """A figure of a statement: the measure of a month, a SPIF, a clawback
    of credit lost after an earlier statement was approved, or the negative
    balance an earlier statement could not pay. Each one opens the credit
    lines behind it."""

    _name = "spm.incentive.statement.line"
    _description = "SPM Incentive Statement Line"
    _order = "statement_id, sequence, month, id"

    statement_id = fields.Many2one("spm.incentive.statement", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(compute="_compute_sequence", store=True)
    kind = fields.Selection(
        [
            ("month", "Month"),
            ("spif", "SPIF"),
            ("clawback", "Clawback"),
            ("late", "Late Credit"),
            ("balance", "Balance Carried"),
        ],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one(related="statement_id.user_id", store=True, index=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    state = fields.Selection(related="statement_id.state", store=True)
    period_start = fields.Date(related="statement_id.period_start", store=True)
    business_unit_id = fields.Many2one("spm.business.unit", readonly=True, index=True)
    month = fields.Date(readonly=True)
    achieved = fields.Monetary(readonly=True)
    collected = fields.Monetary(readonly=True)
    measure = fields.Monetary(readonly=True)
    target = fields.Monetary(readonly=True)
    amount = fields.Monetary(readonly=True)
    spif_id = fields.Many2one("spm.incentive.spif", string="SPIF", readonly=True, ondelete="set null")
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    credit_line_ids = fields.Many2many("spm.credit.line", string="Credit Lines", readonly=True)
    credit_line_id = fields.Many2one(
        "spm.credit.line", string="Credit Lost", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    original_line_id = fields.Many2one("spm.credit.line", string="Original Credit", readonly=True)
    origin_statement_id = fields.Many2one(
        "spm.incentive.statement", string="Approved Statement", readonly=True
    )
    reason = fields.Text(readonly=True)

    @api.depends("kind")
    def _compute_sequence(self):
        order = {"month": 10, "spif": 20, "clawback": 30, "late": 30, "balance": 40}
        for line in self:
            line.sequence = order.get(line.kind, 0)

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env, STATEMENT_FLAG):
            raise UserError(_("Statement lines are computed, not entered."))
        return super().create(vals_list)

    def write(self, vals):
        if not is_trusted(self.env, STATEMENT_FLAG):
            raise UserError(_("Statement lines are computed, not entered."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_untrusted(self):
        if not is_trusted(self.env, STATEMENT_FLAG):
            raise UserError(_("Statement lines are computed, not entered."))

    def action_dispute(self):
        """Dispute the line: the credit dispute of ``spm_credit``, for the unit
        manager, on the line's credit line where it has one."""
        self.ensure_one()
        self.check_access("read")
        credit_line = self.credit_line_id or self.credit_line_ids[:1]
        return self.env["spm.credit.dispute"]._action_raise(
            {
                "default_business_unit_id": self.business_unit_id.id,
                "default_credit_line_id": credit_line.id,
                "default_description": _(
                    "About %(statement)s, %(line)s: ",
                    statement=self.statement_id.name,
                    line=self.month
                    and format_date(self.env, self.month, date_format="MMMM y")
                    or self.spif_id.name
                    or dict(self._fields["kind"]._description_selection(self.env))[self.kind],
                ),
            }
        )

    def action_view_credit_lines(self):
        """The credit lines behind the line's figure."""
        self.ensure_one()
        statement = self.statement_id
        if self.kind == "month":
            domain = [
                ("user_id", "=", statement.user_id.id),
                ("business_unit_id", "=", self.business_unit_id.id),
                ("company_id", "=", statement.company_id.id),
                ("month", "=", self.month),
            ]
        elif self.kind == "spif":
            domain = [("id", "in", self.credit_line_ids.ids)]
        else:
            domain = [("id", "in", (self.credit_line_id | self.original_line_id).ids)]
        return credit_lines_action(self.env, domain, statement.name)
