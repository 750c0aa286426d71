from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.spm_quota.tools import is_trusted, trusted

# Raised (see spm_quota/tools/trusted.py) by Resolve and Reject, after their checks.
DISPUTE_WORKFLOW = "spm_credit_dispute_workflow"
# What the salesperson who raises a dispute chooses; the rest is the manager's.
RAISE_FIELDS = {"credit_line_id", "document_ref", "business_unit_id", "description"}


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
        selection="_selection_document_ref",
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

    @api.model
    def _selection_document_ref(self):
        """The credited documents a dispute refers to; addons add theirs."""
        return [("sale.order", "Sale Order"), ("account.move", "Invoice")]

    @api.model
    def _document_of_line(self, line):
        """The document of the credit line ``line`` (in sudo), shown on its dispute."""
        return line.move_id or line.order_id

    @api.model_create_multi
    def create(self, vals_list):
        """Raise disputes: open, by the current user, on credit lines and
        documents he may read (his own credit, for a salesperson)."""
        vals_list = [self._raise_vals(vals) for vals in vals_list]
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
    def _raise_vals(self, vals):
        # The dialog passes the line or document as defaults of the context: check them as values.
        vals = {
            **{
                f: self.env.context[f"default_{f}"]
                for f in RAISE_FIELDS
                if f"default_{f}" in self.env.context
            },
            **vals,
        }
        if not self.env.su:
            chosen = {field for field, value in vals.items() if value and field not in RAISE_FIELDS}
            if chosen:
                raise UserError(
                    _(
                        "A dispute is raised open, by you, with its description; %(fields)s belong to the "
                        "unit manager.",
                        fields=", ".join(sorted(self._fields[f].string for f in chosen if f in self._fields)),
                    )
                )
            line_id = vals.get("credit_line_id")
            if line_id:
                # Raises for a line that is not the user's to read (another salesperson's).
                line = self.env["spm.credit.line"].browse(line_id if isinstance(line_id, int) else ())
                line.check_access("read")
                vals["business_unit_id"] = line.sudo().business_unit_id.id
            if vals.get("document_ref"):
                model, _sep, record_id = str(vals["document_ref"]).partition(",")
                documents = dict(self._selection_document_ref())
                if model not in documents or not record_id.isdigit():
                    raise UserError(
                        _(
                            "A dispute refers to one of these documents: %(documents)s.",
                            documents=", ".join(documents.values()),
                        )
                    )
                self.env[model].browse(int(record_id)).check_access("read")
        if isinstance(vals.get("credit_line_id"), int) and not vals.get("document_ref"):
            # The dispute of a credit line shows its document, where the user may read it.
            line = self.env["spm.credit.line"].browse(vals["credit_line_id"]).sudo()
            document = self._document_of_line(line).with_env(self.env)
            if document and document.has_access("read"):
                vals["document_ref"] = f"{document._name},{document.id}"
        vals = dict(vals, state="open", resolution=False)
        vals.setdefault("user_id", self.env.user.id)
        vals["name"] = self.env["ir.sequence"].sudo().next_by_code("spm.credit.dispute") or _("New")
        return vals

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        if "state" in vals and not is_trusted(self.env, DISPUTE_WORKFLOW):
            raise UserError(_("A dispute is closed with its Resolve and Reject buttons."))
        if set(vals) - {"description"}:
            self._check_manager()
        elif any(dispute.user_id != self.env.user or dispute.state != "open" for dispute in self):
            raise AccessError(_("Only the salesperson who raised an open dispute changes its description."))
        result = super().write(vals)
        if "business_unit_id" in vals:
            self._check_manager()
        return result

    def _check_manager(self):
        """Disputes are answered by the manager of their unit, or an SPM administrator."""
        if self.env.su or self.env.user.has_group("spm_quota.group_spm_admin"):
            return
        foreign = self.filtered(lambda dispute: dispute.sudo().business_unit_id.manager_id != self.env.user)
        if foreign:
            raise AccessError(
                _(
                    "Only the manager of %(unit)s, or an SPM administrator, answers the dispute %(dispute)s.",
                    unit=foreign[0].sudo().business_unit_id.display_name,
                    dispute=foreign[0].name,
                )
            )

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
        self._check_manager()
        for dispute in self:
            if dispute.state != "open":
                raise UserError(_("The dispute %s is closed already.", dispute.name))
            if not (dispute.resolution or "").strip():
                raise UserError(_("Record the resolution before closing the dispute %s.", dispute.name))
        with trusted(self.env, DISPUTE_WORKFLOW):
            self.write({"state": state})
        for dispute in self:
            dispute.activity_feedback(
                ["spm_credit.mail_activity_type_credit_dispute"], feedback=dispute.resolution
            )
        self._notify_closed()

    def _notify_closed(self):
        """Tell the salesperson who raised each dispute how it was answered: a
        message (not a note) to the followers, he being one, as Odoo tells a
        customer of his order; he reads it in his inbox or by email."""
        for dispute in self:
            dispute.message_subscribe(partner_ids=dispute.user_id.partner_id.ids)
            state = dict(self._fields["state"]._description_selection(self.env))[dispute.state]
            dispute.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    _("Your dispute %(dispute)s is closed: %(state)s.", dispute=dispute.name, state=state),
                    dispute.resolution,
                ),
                subject=_("Dispute %(dispute)s: %(state)s", dispute=dispute.name, state=state),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def action_resolve(self):
        self._close("resolved")

    def action_reject(self):
        self._close("rejected")
