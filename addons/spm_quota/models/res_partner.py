from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Kept here, not in spm_portal: the assignments of this addon tell
    # distributors from customers (the Distributor column and filters of the
    # assignments, the demo's distributor accounts).
    is_distributor = fields.Boolean(
        "Distributor",
        tracking=True,
        help="Sells on to retailers; its salespersons can be credited on its secondary sales.",
    )
    spm_assignment_ids = fields.One2many(
        "spm.assignment",
        "partner_id",
        string="Sales Credit Assignments",
        context={"active_test": False},
        groups="spm_quota.group_spm_salesperson",
    )
    spm_salesperson_ids = fields.Many2many(
        "res.users",
        string="Credited Salespersons",
        compute="_compute_spm_salesperson_ids",
        search="_search_spm_salesperson_ids",
        groups="spm_quota.group_spm_salesperson",
    )

    def _compute_spm_salesperson_ids(self):
        in_force = self.env["spm.assignment"]._in_force_domain(fields.Date.context_today(self))
        for partner in self:
            partner.spm_salesperson_ids = partner.spm_assignment_ids.filtered_domain(in_force).user_id

    def _search_spm_salesperson_ids(self, operator, value):
        today = fields.Date.context_today(self)
        return [
            (
                "spm_assignment_ids",
                "any",
                [("user_id", operator, value), *self.env["spm.assignment"]._in_force_domain(today)],
            )
        ]

    def action_spm_edit_team_split(self):
        """Open the team split editor of this account (every unit; the unit can be chosen there)."""
        self.ensure_one()
        return self.env["spm.assignment.split"]._action_open(
            self.commercial_partner_id, self.env["spm.business.unit"]
        )
