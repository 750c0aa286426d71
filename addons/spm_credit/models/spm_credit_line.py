from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from odoo.addons.spm_quota.tools import is_trusted

from .spm_credit_engine import ENGINE_FLAG

# Fields that state what was credited: frozen once the line's date is locked.
# amount_collected follows payments and stays writable (see README).
FROZEN_FIELDS = {
    "user_id",
    "business_unit_id",
    "company_id",
    "partner_id",
    "product_id",
    "date",
    "original_date",
    "amount",
    "base_amount",
    "share",
    "kind",
    "assignment_id",
    "basis",
    "state",
    "sale_line_id",
    "move_line_id",
    "reversed_line_id",
    "reason",
    "is_adjustment",
    "is_held",
}
# What a manager chooses in a manual adjustment; the rest is the engine's.
ADJUSTMENT_FIELDS = {
    "user_id",
    "business_unit_id",
    "company_id",
    "partner_id",
    "product_id",
    "date",
    "amount",
    "reason",
}
ADJUSTMENT_VALUES = {"basis": "manual", "kind": "manual", "state": "confirmed", "is_adjustment": True}


class SpmCreditLine(models.Model):
    """One salesperson's credit on one document line, or a manual adjustment.

    Lines are never edited to change history: when the credit of a source
    changes, its lines are reversed by new negative lines and replaced, so
    every figure a salesperson ever saw can be traced.
    """

    _name = "spm.credit.line"
    _description = "SPM Credit Line"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "origin"
    # Lines are read-only for everyone; discussing them only needs read access.
    _mail_post_access = "read"

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    business_unit_id = fields.Many2one("spm.business.unit", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    product_id = fields.Many2one("product.product")
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    month = fields.Date(compute="_compute_month", store=True, index=True)
    original_date = fields.Date(
        readonly=True, help="For adjustments: the date of the event, in a locked period."
    )
    amount = fields.Monetary(help="Signed, untaxed, in company currency.")
    amount_collected = fields.Monetary("Collected", readonly=True)
    share = fields.Float("Share (%)", digits=(5, 2), readonly=True)
    base_amount = fields.Monetary(
        readonly=True,
        help="What the share applies to: the credited amount of the document line. "
        "A team split earns Base Amount × Share, an overlay the whole Base Amount.",
    )
    kind = fields.Selection(
        [("split", "Team split"), ("overlay", "Overlay"), ("manual", "Manual")],
        required=True,
        readonly=True,
        default="manual",
    )
    assignment_id = fields.Many2one("spm.assignment", readonly=True, index="btree_not_null")
    basis = fields.Selection(
        [
            ("order", "Order"),
            ("invoice", "Invoice"),
            ("manual", "Adjustment"),
        ],
        required=True,
        readonly=True,
        default="manual",
    )
    state = fields.Selection(
        [
            ("provisional", "Provisional"),
            ("confirmed", "Confirmed"),
            ("held", "Held"),
            ("reversed", "Reversal"),
        ],
        required=True,
        readonly=True,
        default="confirmed",
        help="Provisional: credited on a confirmed order, not invoiced yet. "
        "Held: recorded, not counted as achieved until its document is released. "
        "Reversal: cancels the line it corrects.",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", readonly=True, index="btree_not_null", ondelete="set null"
    )
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null", ondelete="set null")
    move_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null", ondelete="set null"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index="btree_not_null", ondelete="set null"
    )
    origin = fields.Char("Document", readonly=True)
    reversed_line_id = fields.Many2one(
        "spm.credit.line",
        string="Corrects",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    reason = fields.Text()
    is_adjustment = fields.Boolean("Adjustment", readonly=True)
    # Set by the engine on held credit and on its reversal, so that both add up
    # to the held figure and never to achievement (see spm.credit.monthly).
    is_held = fields.Boolean(
        "Held",
        readonly=True,
        help="Held: waiting for the review of the secondary billing. Recorded, not counted as "
        "achieved: releasing the billing turns it into credit, rejecting it removes it.",
    )
    # The latest dispute of the line the user may read, and how it stands.
    dispute_id = fields.Many2one("spm.credit.dispute", compute="_compute_dispute")
    dispute_state = fields.Selection(
        selection=lambda self: self.env["spm.credit.dispute"]._fields["state"].selection,
        string="Dispute Status",
        compute="_compute_dispute",
    )

    @api.depends_context("uid")
    def _compute_dispute(self):
        Dispute = self.env["spm.credit.dispute"]
        latest = {}
        if Dispute.has_access("read"):
            for dispute in Dispute.search([("credit_line_id", "in", self.ids)], order="create_date, id"):
                latest[dispute.credit_line_id.id] = dispute
        for line in self:
            line.dispute_id = latest.get(line.id, Dispute)
            line.dispute_state = line.dispute_id.state

    @api.depends("date")
    def _compute_month(self):
        for line in self:
            line.month = line.date and line.date.replace(day=1)

    @api.depends("origin", "user_id", "amount")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.origin or _('Adjustment')} - {line.user_id.name or ''}"

    def action_dispute(self):
        """Raise a dispute on this credit line: an activity for the unit manager."""
        self.ensure_one()
        return self.env["spm.credit.dispute"]._action_raise(
            {"default_credit_line_id": self.id, "default_business_unit_id": self.business_unit_id.id}
        )

    # ------------------------------------------------------------ period lock

    def _check_lock_dates(self, dates_by_company):
        for company, dates in dates_by_company.items():
            lock = company.spm_credit_lock_date
            if lock and any(d and d <= lock for d in dates):
                raise UserError(
                    _(
                        "Sales credit is locked up to %(date)s for %(company)s: credit lines dated "
                        "in a locked period cannot be created, changed or deleted.",
                        date=format_date(self.env, lock),
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Create manual adjustments: the one kind of credit line created
        through the ORM (the engine inserts its own,
        ``spm.credit.engine._create_engine_lines``).
        An adjustment is a manager's correction in a unit he manages, always
        with a reason; its basis, state and source links are not the client's."""
        vals_list = [self._adjustment_vals(vals) for vals in vals_list]
        self._check_adjustment_rights(vals_list)
        by_company = defaultdict(list)
        for vals in vals_list:
            by_company[self.env["res.company"].browse(vals["company_id"])].append(
                fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
            )
        self._check_lock_dates(by_company)
        lines = super().create(vals_list)
        lines._credit_created()
        return lines

    @api.model
    def _adjustment_vals(self, vals):
        """``vals`` of a manual adjustment, refused when it sets what only the engine sets."""
        vals = dict(vals)
        for field, value in ADJUSTMENT_VALUES.items():
            if field in vals and vals[field] != value:
                raise UserError(
                    _("A manual adjustment cannot set %(field)s.", field=self._fields[field].string)
                )
        engine_fields = sorted(
            field
            for field, value in vals.items()
            if field not in ADJUSTMENT_FIELDS | set(ADJUSTMENT_VALUES) and value
        )
        if engine_fields:
            raise UserError(
                _(
                    "A manual adjustment sets only the salesperson, business unit, date, amount, customer, "
                    "product and reason; %(fields)s are set by the credit engine.",
                    fields=", ".join(self._fields[f].string for f in engine_fields if f in self._fields)
                    or ", ".join(engine_fields),
                )
            )
        user_id, unit_id = vals.get("user_id"), vals.get("business_unit_id")
        salesperson = self.env["res.users"].sudo().browse(user_id if isinstance(user_id, int) else ())
        if not salesperson.exists() or salesperson.share:
            raise UserError(_("A manual adjustment credits a salesperson (an internal user)."))
        unit = self.env["spm.business.unit"].sudo().browse(unit_id if isinstance(unit_id, int) else ())
        if not unit.exists():
            raise UserError(_("A manual adjustment needs a business unit."))
        if vals.get("company_id") and vals["company_id"] != unit.company_id.id:
            raise UserError(_("A manual adjustment belongs to the company of its business unit."))
        if not (vals.get("reason") or "").strip():
            raise ValidationError(_("A manual adjustment needs a reason."))
        return {
            **{field: value for field, value in vals.items() if field in ADJUSTMENT_FIELDS},
            **ADJUSTMENT_VALUES,
            "company_id": unit.company_id.id,
        }

    @api.model
    def _check_adjustment_rights(self, vals_list):
        """Adjustments are the managers' of their own units, and the administrators'."""
        if self.env.su or self.env.user.has_group("spm_quota.group_spm_admin"):
            return
        units = self.env["spm.business.unit"].sudo().browse({vals["business_unit_id"] for vals in vals_list})
        foreign = units.filtered(lambda unit: unit.manager_id != self.env.user)
        if foreign or not self.env.user.has_group("spm_quota.group_spm_manager"):
            raise AccessError(
                _(
                    "Only the manager of %(unit)s, or an SPM administrator, adjusts its credit.",
                    unit=(foreign or units)[:1].display_name,
                )
            )

    @api.model
    def _frozen_fields(self):
        """The fields that state what was credited (addons add their source links)."""
        return FROZEN_FIELDS

    def write(self, vals):
        if self._frozen_fields() & set(vals):
            if not is_trusted(self.env, ENGINE_FLAG):
                raise UserError(
                    _("Credit lines are never edited: add an adjustment or recompute the document.")
                )
            self._check_lock_dates(self._dates_by_company())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        self._check_lock_dates(self._dates_by_company())
        raise UserError(_("Credit lines are never deleted: reverse them with an adjustment."))

    def _dates_by_company(self):
        result = defaultdict(list)
        for line in self:
            result[line.company_id].append(line.date)
        return result

    # ------------------------------------------------------------ side effects

    def _credit_created(self):
        """The side effects of new credit lines, however they were created (the
        ORM's ``create`` of an adjustment, the engine's insert): add them to
        the monthly aggregate, post an adjustment's reason in its chatter, and
        tell the open dashboards whose figures changed. Read from the lines as
        stored, in a constant number of queries: the engine's lines are not
        loaded into memory (an upload creates tens of thousands)."""
        if not self:
            return
        self.flush_recordset()
        keys = self.env["spm.credit.monthly"]._add_lines(self.ids)
        adjustments = self.sudo().search([("id", "in", self.ids), ("basis", "=", "manual")])
        for line in adjustments.with_env(self.env):
            line.message_post(
                body=_("Manual adjustment of %(amount)s: %(reason)s", amount=line.amount, reason=line.reason)
            )
        self._notify_credit_update(keys)

    def _notify_credit_update(self, keys=None):
        """Tell every open dashboard, when the transaction commits, whose figures
        changed: the salespersons of these lines and their units' managers, and
        the salespersons whose held credit changed (``held_user_ids``). Names
        only, never amounts: every salesperson's screen hears it.

        :param keys: ``(user_id, unit_id, company_id, held)`` of the lines, when
                     known without reading them
        """
        if keys is None:
            keys = [
                (line.user_id.id, line.business_unit_id.id, line.company_id.id, line.is_held) for line in self
            ]
        units = self.env["spm.business.unit"].sudo().browse({unit_id for __, unit_id, __, __ in keys})
        user_ids = {user_id for user_id, __, __, __ in keys} | set(units.manager_id.ids)
        if not user_ids:
            return
        self.env["bus.bus"]._sendone(
            self.env.ref("spm_quota.group_spm_salesperson"),
            "spm_credit_updated",
            {
                "user_ids": sorted(user_ids),
                "company_ids": sorted({company_id for __, __, company_id, __ in keys}),
                "held_user_ids": sorted({user_id for user_id, __, __, held in keys if held}),
            },
        )
