from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..models.spm_assignment import DEFER_SHARE_CHECK
from ..tools import trusted

# A team split is a handful of salespersons; the editor refuses a set beyond this.
MAX_SPLIT_LINES = 50


class SpmAssignmentSplit(models.TransientModel):
    """The team split of one account and unit, edited and saved as a set:
    each row alone would break the 100 % rule that the whole set keeps."""

    _name = "spm.assignment.split"
    _description = "Edit Team Split"

    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, domain=[("parent_id", "=", False)]
    )
    business_unit_id = fields.Many2one(
        "spm.business.unit", help="Empty for the assignments of every business unit."
    )
    line_ids = fields.One2many(
        "spm.assignment.split.line",
        "wizard_id",
        string="Salespersons",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    split_total = fields.Float(
        "Total of Splits (%)", digits=(5, 2), compute="_compute_split_total", help="Overlays are not counted."
    )

    @api.depends("partner_id", "business_unit_id")
    def _compute_line_ids(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            current = wizard._current_assignments(today) if wizard.partner_id else []
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "assignment_id": assignment.id,
                        "user_id": assignment.user_id.id,
                        "kind": assignment.kind,
                        "share": assignment.share if assignment.kind == "split" else 0.0,
                        "date_from": assignment.date_from,
                        "date_to": assignment.date_to,
                    }
                )
                for assignment in current
            ]

    @api.depends("line_ids.share", "line_ids.kind")
    def _compute_split_total(self):
        for wizard in self:
            wizard.split_total = sum(
                wizard.line_ids.filtered(lambda line: line.kind == "split").mapped("share")
            )

    @api.model
    def _action_open(self, partner, unit):
        return {
            "type": "ir.actions.act_window",
            "name": _("Edit Team Split"),
            "res_model": "spm.assignment.split",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": partner.id, "default_business_unit_id": unit.id},
        }

    def _current_assignments(self, day):
        """The account's assignments of the unit in force today or later."""
        return self.env["spm.assignment"].search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("business_unit_id", "=", self.business_unit_id.id),
                *self.env["spm.assignment"]._in_force_domain(day, onwards=True),
            ]
        )

    def action_save(self):
        """Save the set from today on: end, change, add or archive the account's
        assignments of the unit, then check the splits once, as a set.

        Assignments are date-effective: what was in force before today stays as
        it was (credit already given keeps its explanation); a removed or
        changed assignment that has started ends yesterday, and a changed one
        goes on as a new assignment from today."""
        self.ensure_one()
        if len(self.line_ids) > MAX_SPLIT_LINES:
            raise UserError(_("A team split has at most %(count)s salespersons.", count=MAX_SPLIT_LINES))
        Assignment = self.env["spm.assignment"]
        today = fields.Date.context_today(self)
        current = self._current_assignments(today)
        # Only the loaded assignments are changed: a line naming another one is a new row.
        editing = self.line_ids.filtered(lambda line: line.assignment_id in current)
        partner = self.partner_id.commercial_partner_id
        new_vals = [line._assignment_vals() for line in self.line_ids - editing]
        # Each write alone would break the 100 % rule the set keeps: the check
        # is deferred to the end of the set, never skipped.
        with trusted(self.env, DEFER_SHARE_CHECK):
            for assignment in current - editing.assignment_id:
                assignment._end_before(today)
            for line in editing:
                vals = line._assignment_vals()
                if line._changes_terms():
                    start = max(today, vals["date_from"])
                    if line.assignment_id.date_from < start:
                        line.assignment_id._end_before(start)
                        new_vals.append({**vals, "date_from": start})
                        continue
                line.assignment_id.write(vals)
            Assignment.create(
                [
                    {**vals, "partner_id": partner.id, "business_unit_id": self.business_unit_id.id}
                    for vals in new_vals
                ]
            )
        Assignment._check_split_shares_of_partners(partner)
        return {"type": "ir.actions.act_window_close"}


class SpmAssignmentSplitLine(models.TransientModel):
    _name = "spm.assignment.split.line"
    _description = "Edit Team Split: Salesperson"

    wizard_id = fields.Many2one("spm.assignment.split", required=True, ondelete="cascade")
    assignment_id = fields.Many2one(
        "spm.assignment", help="The assignment this line changes; empty for a new one."
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, domain=[("share", "=", False)]
    )
    kind = fields.Selection([("split", "Team split"), ("overlay", "Overlay")], required=True, default="split")
    share = fields.Float("Share (%)", digits=(5, 2))
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date()

    @api.constrains("share", "kind")
    def _check_share(self):
        if any(line.kind == "split" and not 0 < line.share <= 100 for line in self):
            raise UserError(_("A team split's share is a percentage above 0 and up to 100."))

    def _changes_terms(self):
        """Whether the line changes who is credited or how much (not only the end date)."""
        assignment = self.assignment_id
        vals = self._assignment_vals()
        return (
            vals["user_id"] != assignment.user_id.id
            or vals["kind"] != assignment.kind
            or vals["share"] != assignment.share
            or vals["date_from"] != assignment.date_from
        )

    def _assignment_vals(self):
        return {
            "user_id": self.user_id.id,
            "kind": self.kind,
            "share": self.share if self.kind == "split" else 100.0,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }
