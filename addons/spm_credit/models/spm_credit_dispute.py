from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SpmCreditDispute(models.Model):
    """A salesperson's claim that credit is missing or wrong, answered by the
    unit manager with a recorded resolution."""

    _name = "spm.credit.dispute"
    _description = "SPM Credit Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"

    name = fields.Char(required=True, default=lambda self: _("New"), readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Raised By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    credit_line_id = fields.Many2one("spm.credit.line", readonly=True, index=True)
    document_ref = fields.Reference(
        selection=[("sale.order", "Sale Order"), ("account.move", "Invoice")],
        string="Document",
        readonly=True,
    )
    business_unit_id = fields.Many2one("spm.business.unit", required=True, tracking=True)
    manager_id = fields.Many2one(related="business_unit_id.manager_id", store=True, string="Unit Manager")
    company_id = fields.Many2one(related="business_unit_id.company_id", store=True)
    description = fields.Text("What is missing or wrong", required=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        default="open",
        required=True,
        tracking=True,
    )
    resolution = fields.Text(tracking=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("spm.credit.dispute") or _("New")
        disputes = super().create(vals_list)
        activity_type = self.env.ref("spm_credit.mail_activity_type_credit_dispute")
        for dispute in disputes.filtered("manager_id"):
            dispute.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=dispute.manager_id.id,
                summary=_("Credit missing or wrong"),
                # The note is HTML: the salesperson's lines are escaped (a link stays text).
                note=Markup("<br/>").join(dispute.description.splitlines()),
            )
        return disputes

    @api.model
    def _action_raise(self, context):
        """The dialog in which a salesperson raises a dispute, prefilled by ``context``."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit missing or wrong"),
            "res_model": "spm.credit.dispute",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def _close(self, state):
        for dispute in self:
            if not (dispute.resolution or "").strip():
                raise UserError(_("Record the resolution before closing the dispute %s.", dispute.name))
        self.write({"state": state})
        for dispute in self:
            dispute.activity_feedback(
                ["spm_credit.mail_activity_type_credit_dispute"], feedback=dispute.resolution
            )

    def action_resolve(self):
        self._close("resolved")

    def action_reject(self):
        self._close("rejected")
