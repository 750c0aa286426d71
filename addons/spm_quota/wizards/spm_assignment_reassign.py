from collections import defaultdict

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..models.spm_assignment import DEFER_SHARE_CHECK
from ..tools import allocate_amount, trusted


class SpmAssignmentReassign(models.TransientModel):
    """Move accounts to other salespersons from a date, keeping history true:
    the old assignments end the day before, new ones start on the date."""

    _name = "spm.assignment.reassign"
    _description = "Reassign Accounts"

    from_user_id = fields.Many2one(
        "res.users",
        string="From Salesperson",
        domain=[("share", "=", False)],
        help="Move this salesperson's share of the accounts (all their accounts when none are chosen).",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Accounts",
        domain=[("parent_id", "=", False)],
        help="Move these accounts; empty with a salesperson chosen means every account of theirs.",
    )
    business_unit_id = fields.Many2one(
        "spm.business.unit",
        help="Only the assignments of this unit; empty for every assignment.",
    )
    date = fields.Date("Effective From", required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("spm.assignment.reassign.line", "wizard_id", string="New Salespersons")
    # What the manager checks before confirming, above all when every account of a salesperson moves.
    preview_ids = fields.Many2many(
        "spm.assignment", string="What Will Move", compute="_compute_preview", compute_sudo=False
    )
    preview_account_count = fields.Integer(compute="_compute_preview")

    @api.depends("from_user_id", "partner_ids", "business_unit_id", "date")
    def _compute_preview(self):
        for wizard in self:
            moving = self.env["spm.assignment"]
            if wizard.date and (wizard.from_user_id or wizard.partner_ids):
                moving = wizard._assignments_to_move()
            wizard.preview_ids = moving
            wizard.preview_account_count = len(moving.partner_id)

    def _assignments_to_move(self):
        domain = [
            ("kind", "=", "split"),
            *self.env["spm.assignment"]._in_force_domain(self.date, onwards=True),
        ]
        if self.from_user_id:
            domain.append(("user_id", "=", self.from_user_id.id))
        if self.partner_ids:
            domain.append(("partner_id", "in", self.partner_ids.commercial_partner_id.ids))
        if self.business_unit_id:
            domain.append(("business_unit_id", "=", self.business_unit_id.id))
        return self.env["spm.assignment"].search(domain)

    def action_reassign(self):
        """Close the moved assignments the day before the date and open the new
        salespersons' ones with the moved share split by the given percentages."""
        self.ensure_one()
        if not self.from_user_id and not self.partner_ids:
            raise UserError(_("Choose the accounts to move, or the salesperson whose accounts move."))
        if not self.line_ids:
            raise UserError(_("Add the salespersons who take the accounts over."))
        if float_compare(sum(self.line_ids.mapped("share")), 100.0, precision_digits=2):
            raise UserError(_("The new salespersons' percentages must add up to 100 %."))
        moving = self._assignments_to_move()
        if not moving:
            raise UserError(_("No assignment in force on or after this date matches."))
        # Without a salesperson the whole split of each account and unit moves together.
        groups = defaultdict(lambda: self.env["spm.assignment"])
        for assignment in moving:
            groups[(assignment.partner_id, assignment.business_unit_id, assignment.date_to)] |= assignment
        new_vals = []
        for (partner, unit, date_to), assignments in groups.items():
            moved_share = sum(assignments.mapped("share"))
            # The moved share split exactly, as credit is: 50 % over thirds is 16.67 + 16.67 + 16.66.
            new_shares = allocate_amount(moved_share, self.line_ids.mapped("share"), 0.01)
            for line, share in zip(self.line_ids, new_shares, strict=True):
                new_vals.append(
                    {
                        "partner_id": partner.id,
                        "business_unit_id": unit.id,
                        "company_id": assignments[0].company_id.id,
                        "user_id": line.user_id.id,
                        "kind": "split",
                        "share": share,
                        "date_from": self.date,
                        "date_to": date_to,
                    }
                )
        # The splits change in several writes: their shares are checked once, at the end.
        with trusted(self.env, DEFER_SHARE_CHECK):
            moving._end_before(self.date)
            new = self.env["spm.assignment"].create(new_vals)
        self.env["spm.assignment"]._check_split_shares_of_partners(moving.partner_id)
        self._post_reassigned(moving | new)
        return {
            "type": "ir.actions.act_window",
            "name": _("New assignments"),
            "res_model": "spm.assignment",
            "view_mode": "list,form",
            "domain": [("id", "in", new.ids)],
        }

    def _post_reassigned(self, assignments):
        """Tell the accounts of ``assignments`` that they moved. A unit manager
        changes the assignments of his units but may not write on partners:
        the right to the assignments is checked, then the note is posted as
        superuser, authored by the manager."""
        assignments.check_access("write")
        body = escape(
            _(
                "Accounts reassigned from %(date)s to %(users)s.",
                date=fields.Date.to_string(self.date),
                users=", ".join(self.line_ids.user_id.mapped("name")),
            )
        )
        author = self.env.user.partner_id
        for partner in assignments.partner_id.sudo():
            partner.message_post(body=body, author_id=author.id)


class SpmAssignmentReassignLine(models.TransientModel):
    _name = "spm.assignment.reassign.line"
    _description = "Reassign Accounts: New Salesperson"

    wizard_id = fields.Many2one("spm.assignment.reassign", required=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, domain=[("share", "=", False)]
    )
    share = fields.Float("Share (%)", digits=(5, 2), default=100.0)

    @api.constrains("share")
    def _check_share(self):
        if any(line.share <= 0 or line.share > 100 for line in self):
            raise UserError(_("A share is a percentage above 0 and up to 100."))
